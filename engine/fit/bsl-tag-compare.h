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
 * a_in << 6, and the fixed bias takes the smallest exponent whose mantissa fits 13 bits. */

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
  /* The fixed_pt model's largest |u| and |v| and the bits left below Loihi 2's 2^23. */
  double           u_max, v_max;
  double           u_headroom_bits, v_headroom_bits;
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

/* TRUE for the neuron types bsl_tag_comparison_new() converts. */
gboolean          bsl_tag_comparison_supports (const char         *type_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslTagComparison, bsl_tag_comparison_free)

G_END_DECLS
