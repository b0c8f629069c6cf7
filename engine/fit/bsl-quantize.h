/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"
#include "bsl-metrics.h"

G_BEGIN_DECLS

/* Float <-> fixed conversion of a LIF population and its incoming Dense weights.
 *
 * A fixed_pt state is the floating_pt state times a scale S (fixed units per float unit):
 * u_fixed ~ S u, v_fixed ~ S v, so that
 *   du_fixed = 4096 du - 1,  dv_fixed = 4096 dv,  vth_fixed = S vth / 64,
 *   bias_mant << bias_exp = S bias,  weights_fixed << weight_exp = S weights / 64
 * (Loihi adds a_in << 6 to u). S is the largest scale at which u, v, vth, the biases and the
 * weights fit their Loihi 2 ranges with one bit of headroom, so that rounding costs least.
 * Rounded values are then optionally refined by an integer fit of the fixed model to the
 * scaled float trace (the best integers are not always the nearest ones). */

typedef struct
{
  gsize         n;              /* neurons */
  double        du, dv, vth;
  const double *bias;           /* bias_mant per neuron (n), NULL for 0 */
  gsize         n_steps;
  /* The drive: either a_in (n_steps x n, step-major) ... */
  const double *a_in;
  /* ... or a Dense of weights (n x n_in) fed by spikes (n_steps x n_in): spikes[t] is what the
   * Dense receives at step t + 1; the neurons see it one step later, as in Lava. */
  gsize         n_in;
  const double *weights;
  const double *spikes;
  gboolean      graded;         /* num_message_bits > 0: spikes carry payloads */
} BslQuantizeInput;

typedef struct
{
  char   *name;                 /* "du", "bias_mant[2]", "weights (max)" */
  double  float_value;          /* the floating_pt value */
  double  fixed_value;          /* the integer (for weights: of the worst one) */
  double  represented;          /* what the integer stands for, in float units */
  double  abs_error;
  double  rel_error;            /* abs_error / |float_value|, 0 when the float is 0 */
} BslQuantizeParam;

/* An array of BslQuantizeParam that frees their names, and appending one to it (the errors
 * are computed from the float value and what the integer represents). */
GArray *bsl_quantize_params_new    (void);
void    bsl_quantize_params_append (GArray     *params,
                                    const char *name,
                                    double      float_value,
                                    double      fixed_value,
                                    double      represented);

typedef struct
{
  double     scale;             /* S */
  gsize      n, n_in, n_steps;
  /* The fixed_pt parameters. */
  gint32     du, dv, vth;
  gint32    *bias_mant;         /* n */
  gint32    *bias_exp;          /* n */
  gint32    *weights;           /* n x n_in, NULL without a Dense */
  gint32     weight_exp;
  gint32     num_weight_bits;
  gint32     sign_mode;         /* 1 mixed, 2 excitatory, 3 inhibitory */
  gint32    *a_in;              /* n_steps x n: the fixed drive (rounded, without a Dense) */
  GArray    *params;            /* BslQuantizeParam: per-parameter quantisation error */
  /* Headroom over the trace: largest |u| and |v| of the fixed model, and the bits left below
   * Loihi 2's 24-bit signed range (u wraps, v saturates at 2^23). */
  double     u_max, v_max;
  double     u_headroom_bits, v_headroom_bits;
  /* Fixed against float over the trace (fixed states divided by S). */
  BslMetricValues error;
  gsize      spikes_float, spikes_fixed;
  gboolean   refined;           /* the integer fit improved on rounding */
} BslQuantizeResult;

BslQuantizeResult *bsl_quantize_lif         (const BslQuantizeInput  *input,
                                             gboolean                 refine,
                                             GError                 **error);
void               bsl_quantize_result_free (BslQuantizeResult       *result);
/* The report as JSON (newly allocated). */
char              *bsl_quantize_result_to_json (const BslQuantizeResult *result);

/* Fixed -> float for one LIF population: the floating_pt values the integers stand for at scale
 * S (64 makes one float unit of u one unit of a_in). bias and weights may be NULL; out arrays
 * have n and n x n_in values. The weights are taken as Lava's fixed model uses them (sign mode
 * clipping and num_weight_bits truncation applied). */
void               bsl_quantize_fixed_to_float (gsize          n,
                                                gint32         du,
                                                gint32         dv,
                                                gint32         vth,
                                                const gint32  *bias_mant,
                                                const gint32  *bias_exp,
                                                gsize          n_in,
                                                const gint32  *weights,
                                                gint32         weight_exp,
                                                gint32         num_weight_bits,
                                                gint32         sign_mode,
                                                double         scale,
                                                double        *du_out,
                                                double        *dv_out,
                                                double        *vth_out,
                                                double        *bias_out,
                                                double        *weights_out);

/* On a network: the LIF process `process` and what drives it (a Dense fed by a RingBuffer, or a
 * RingBuffer on a_in). Returns the conversion of the floating_pt network over n_steps, and when
 * fixed_graph is not NULL a copy of the network with the fixed_pt values and run tag set. */
BslQuantizeResult *bsl_quantize_network     (const BslGraph          *graph,
                                             const char              *process,
                                             gint64                   n_steps,
                                             gboolean                 refine,
                                             BslGraph               **fixed_graph,
                                             GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslQuantizeResult, bsl_quantize_result_free)

G_END_DECLS
