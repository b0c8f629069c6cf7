/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Float <-> fixed conversion of RF and SigmaDelta populations, following the engine's fixed_pt
 * kernels: RF shifts its inputs and threshold left by state_exp and rotates with decays of
 * decay_bits fractional bits; SigmaDelta scales vth and bias by 2^(spike_exp + state_exp) and
 * keeps int32 states. Either way a larger state_exp spends more of the state's range on the
 * fraction, so the conversion takes the largest that leaves the float trace a bit of headroom. */
#include "config.h"

#include <math.h>

#include "bsl-error.h"
#include "bsl-kernel-rf.h"
#include "bsl-tag-compare-private.h"

#define MAX_STATE_EXP 7
#define RF_DECAY_BITS 12       /* the most Lava's RF allows */
#define RF_STATE_BITS 23.0     /* 24-bit signed states */
#define SD_STATE_BITS 31.0     /* int32 states */

#define scalar_param _bsl_tag_compare_scalar

static double
largest_abs (const double *values,
             gsize         n)
{
  double largest = 0.0;

  for (gsize k = 0; values != NULL && k < n; k++)
    largest = MAX (largest, fabs (values[k]));
  return largest;
}

/* The float model's largest |state| and |a_in| over the reference's drive. */
static gboolean
float_extent (const BslProcess   *process,
              const BslReference *ref,
              double             *extent,
              GError            **error)
{
  g_autoptr(BslReference) trace = _bsl_tag_compare_simulate (process, BSL_TAG_FLOATING_PT, ref, error);
  gsize n = ref->n_steps * ref->n_neurons;

  if (trace == NULL)
    return FALSE;
  *extent = MAX (largest_abs (trace->data[BSL_REF_U], n), largest_abs (trace->data[BSL_REF_V], n)) +
            largest_abs (ref->data[BSL_REF_A_IN], n);
  return TRUE;
}

/* The largest k <= limit with extent 2^k below 2^(bits - 1): one bit of headroom. */
static int
largest_exponent (double extent,
                  double bits,
                  int    limit)
{
  int k = 0;

  while (k < limit && extent * ldexp (1.0, k + 1) < ldexp (1.0, (int) bits - 1))
    k++;
  return MAX (k, 0);
}

/* The fixed drive: a_in times 2^shift, rounded (a RingBuffer scaled with the conversion) or
 * truncated (what a fixed_pt receiver makes of a source's doubles), and its worst error as a
 * report row. */
static void
round_drive (BslTagComparison *c,
             BslReference     *drive,
             int               shift,
             double          (*round_value) (double))
{
  gsize n = drive->n_steps * drive->n_neurons, worst = 0;
  double worst_error = -1.0, *a = drive->data[BSL_REF_A_IN];

  for (gsize k = 0; k < n; k++)
    {
      double error = fabs (ldexp (round_value (ldexp (a[k], shift)), -shift) - a[k]);

      if (error > worst_error)
        {
          worst_error = error;
          worst = k;
        }
    }
  if (n > 0)
    {
      g_autofree char *name = g_strdup_printf ("a_in[step %" G_GSIZE_FORMAT ", neuron %" G_GSIZE_FORMAT "] (worst)",
                                               worst / drive->n_neurons + 1, worst % drive->n_neurons);
      double fixed = round_value (ldexp (a[worst], shift));

      bsl_quantize_params_append (c->params, name, a[worst], fixed, ldexp (fixed, -shift));
    }
  for (gsize k = 0; k < n; k++)
    a[k] = round_value (ldexp (a[k], shift));
}

static void
set_scalar (BslTagComparison *c,
            const char       *var,
            double            value)
{
  bsl_process_set_param (c->other, var, bsl_array_new_scalar (value), NULL);
}

/* The decays both models rotate with: the float model's exact ones (its kernel takes them as
 * they are, so it runs with decay_bits 0) and what the fixed model's integers stand for. */
static void
append_rf_decays (BslTagComparison *c,
                  double            period,
                  double            alpha,
                  int               fixed_bits)
{
  double sin_f, cos_f, sin_i, cos_i;

  bsl_k_rf_decays (period, alpha, 0, &sin_f, &cos_f);
  bsl_k_rf_decays (period, alpha, fixed_bits, &sin_i, &cos_i);
  bsl_quantize_params_append (c->params, "sin_decay", sin_f, sin_i, ldexp (sin_i, -fixed_bits));
  bsl_quantize_params_append (c->params, "cos_decay", cos_f, cos_i, ldexp (cos_i, -fixed_bits));
}

/* floating_pt -> fixed_pt: the states 2^state_exp times the float ones, decays of 12 bits, the
 * float threshold as it applies. Back: the float model without the shift and with exact decays,
 * its threshold the one the integers stand for. */
gboolean
_bsl_tag_convert_rf (BslTagComparison    *c,
                     const BslProcess    *process,
                     const BslReference  *ref,
                     BslReference        *drive,
                     GError             **error)
{
  double period = scalar_param (process, "period"), alpha = scalar_param (process, "alpha");
  double vth = scalar_param (process, "vth");
  int state_exp = (int) scalar_param (process, "state_exp");
  int decay_bits = (int) scalar_param (process, "decay_bits");

  c->state_bits = RF_STATE_BITS;
  if (c->tag == BSL_TAG_FLOATING_PT)
    {
      double extent, vth_i, applied = bsl_k_rf_threshold (vth, state_exp);
      int fixed_exp;

      if (!float_extent (process, ref, &extent, error))
        return FALSE;
      fixed_exp = largest_exponent (extent, RF_STATE_BITS + 1, MAX_STATE_EXP);
      set_scalar (c, "state_exp", fixed_exp);
      set_scalar (c, "decay_bits", RF_DECAY_BITS);
      /* an integer state reaches x exactly when it reaches ceil (x): the fixed threshold */
      vth_i = ceil (ldexp (applied, fixed_exp));
      set_scalar (c, "vth", ldexp (vth_i, -fixed_exp));
      bsl_quantize_params_append (c->params, "vth", applied, vth_i, ldexp (vth_i, -fixed_exp));
      append_rf_decays (c, period, alpha, RF_DECAY_BITS);
      /* the input is shifted by state_exp inside the model: the drive stays in its own units */
      round_drive (c, drive, 0, trunc);
      c->scale = ldexp (1.0, fixed_exp);
      c->scale_back = 1.0 / c->scale;
      return TRUE;
    }
  {
    double applied = bsl_k_rf_threshold (vth, state_exp);
    double float_vth = ldexp (applied, state_exp > 0 ? -state_exp : 0);

    set_scalar (c, "state_exp", 0);
    set_scalar (c, "decay_bits", 0);
    set_scalar (c, "vth", float_vth);
    bsl_quantize_params_append (c->params, "vth", float_vth, applied, float_vth);
    append_rf_decays (c, period, alpha, decay_bits);
    c->scale = ldexp (1.0, state_exp);
    c->scale_back = c->scale;
  }
  return TRUE;
}

/* The threshold and each neuron's bias as the model applies them, times 2^exponent and made
 * integers under fixed_pt: the threshold the smallest integer a change must reach (|delta| >= x
 * holds for an integer exactly when |delta| >= ceil (x)), the bias the nearest. The process
 * holds the values the integers stand for, which its fixed model scales back to them exactly. */
static void
append_sd_values (BslTagComparison *c,
                  const BslProcess *process,
                  int               exponent,
                  gboolean          to_fixed)
{
  g_autoptr(BslArray) bias = bsl_process_dup_param_full (process, "bias", NULL);
  double vth = scalar_param (process, "vth");
  double vth_i = to_fixed ? ceil (ldexp (vth, exponent)) : trunc (ldexp (vth, exponent));

  set_scalar (c, "vth", ldexp (vth_i, -exponent));
  bsl_quantize_params_append (c->params, "vth", to_fixed ? vth : ldexp (vth_i, -exponent), vth_i,
                              ldexp (vth_i, -exponent));
  for (gsize i = 0; bias != NULL && i < bias->n; i++)
    {
      g_autofree char *name = bias->n > 1 ? g_strdup_printf ("bias[%" G_GSIZE_FORMAT "]", i) : g_strdup ("bias");
      double fixed = to_fixed ? nearbyint (ldexp (bias->data[i], exponent)) : trunc (ldexp (bias->data[i], exponent));
      double represented = ldexp (fixed, -exponent);

      bsl_quantize_params_append (c->params, name, to_fixed ? bias->data[i] : represented, fixed, represented);
      bias->data[i] = represented;
    }
  if (bias != NULL)
    bsl_process_set_param (c->other, "bias", g_steal_pointer (&bias), NULL);
}

/* floating_pt -> fixed_pt: the drive and the states 2^m times the float ones, state_exp raised by
 * m so that vth and bias keep their values and the sent changes their units. Back: the same
 * exponents, vth and bias the values their integers stand for. */
gboolean
_bsl_tag_convert_sigma_delta (BslTagComparison    *c,
                              const BslProcess    *process,
                              const BslReference  *ref,
                              BslReference        *drive,
                              GError             **error)
{
  int spike_exp = (int) scalar_param (process, "spike_exp");
  int state_exp = (int) scalar_param (process, "state_exp");

  c->state_bits = SD_STATE_BITS;
  if (c->tag == BSL_TAG_FLOATING_PT)
    {
      double extent;
      int m;

      if (!float_extent (process, ref, &extent, error))
        return FALSE;
      m = largest_exponent (extent, SD_STATE_BITS + 1, MAX_STATE_EXP - state_exp);
      set_scalar (c, "state_exp", state_exp + m);
      append_sd_values (c, process, spike_exp + state_exp + m, TRUE);
      round_drive (c, drive, m, nearbyint);
      c->scale = ldexp (1.0, m);
      c->scale_back = 1.0 / c->scale;
      return TRUE;
    }
  bsl_process_unset_param (c->other, "fixed_model");
  append_sd_values (c, process, spike_exp + state_exp, FALSE);
  c->scale = 1.0;
  c->scale_back = 1.0;
  return TRUE;
}
