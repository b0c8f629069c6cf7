/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"
#include "bsl-metrics.h"
#include "bsl-quantize.h"
#include "bsl-reference.h"

G_BEGIN_DECLS

/* One neuron population under both model tags, driven by a reference's a_in: what its
 * parameters become under the other tag, what rounding to integers costs each of them, the
 * fixed_pt model's headroom, and both traces against the reference side by side.
 *
 * LIF, LIFReset, LIFRefractory and TernaryLIF: floating_pt -> fixed_pt by bsl_quantize_lif
 * (the scale S that uses the Loihi 2 ranges best; the drive is scaled by it), fixed_pt ->
 * floating_pt by bsl_quantize_fixed_to_float at S = 64 (a float unit of u is a unit of a_in).
 * ATRLIF: the same parameters under both tags; its states and bias carry the factor 64 of
 * a_in << 6, and the fixed bias takes the smallest exponent whose mantissa fits 13 bits.
 * RF and SigmaDelta: the largest state_exp that leaves the float trace a bit of headroom (RF's
 * imag and real stand in u and v, SigmaDelta's sigma and act; see bsl_fit_neuron_roles). */

typedef struct
{
  BslTag           tag;              /* the population's own tag */
  BslTag           other_tag;
  BslProcess      *other;            /* the population under other_tag */
  double           scale_back;       /* the other model's states times this: the tag's units */
  double           scale;            /* fixed units per float unit */
  GArray          *params;           /* BslQuantizeParam, float_value and represented in float units */
  /* Each tag's trace (index: BSL_TAG_FLOATING_PT = 0, BSL_TAG_FIXED_PT = 1), in float units,
   * and its metrics against the reference (compared in float units too). */
  BslReference    *traces[2];
  BslMetricValues  metrics[2];
  gsize            spikes[2];
  double           rmse_v_between;   /* the two v traces, in the tag's units */
  /* The fixed_pt model's largest |u| and |v| and the bits left below 2^state_bits. */
  double           u_max, v_max;
  double           u_headroom_bits, v_headroom_bits;
  double           state_bits;       /* the fixed states' magnitude bits: 23, SigmaDelta's int32 31 */
  const char      *u_name, *v_name;  /* the Vars in the u and v traces (NULL: none) */
} BslTagComparison;

/* process: the population with its parameters under tag. ref: the reference, with a_in.
 * metric: how the traces are scored (NULL for the default). Errors name the process and say
 * what is missing (a type without a model under the other tag, no a_in column, ...). */
BslTagComparison *bsl_tag_comparison_new  (const BslProcess       *process,
                                           BslTag                  tag,
                                           const BslReference     *ref,
                                           const BslMetricConfig  *metric,
                                           GError                **error);
void              bsl_tag_comparison_free (BslTagComparison       *comparison);

/* The report as JSON (newly allocated): tags, scale, each parameter's values and error, the
 * headroom, and both traces' metrics against the reference. */
char             *bsl_tag_comparison_to_json  (const BslTagComparison *comparison);

/* floating_pt -> fixed_pt of a population the network drives (its input recorded over n_steps,
 * the network's run_steps when 0): the comparison, and when fixed_graph is not NULL a copy of
 * the network with the fixed_pt values and run tag set. For the types whose conversion needs
 * no change of the drive, or whose drive is one RingBuffer (scaled with it). */
BslTagComparison *bsl_tag_comparison_network  (const BslGraph         *graph,
                                               const char             *process,
                                               gint64                  n_steps,
                                               BslGraph              **fixed_graph,
                                               GError                **error);

/* TRUE for the neuron types bsl_tag_comparison_new() converts. */
gboolean          bsl_tag_comparison_supports (const char         *type_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslTagComparison, bsl_tag_comparison_free)

G_END_DECLS
