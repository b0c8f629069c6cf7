/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bsl-types.h"

G_BEGIN_DECLS

/* The variables a reference trace may hold, one value per step per neuron. */
typedef enum
{
  BSL_REF_A_IN,
  BSL_REF_U,
  BSL_REF_V,
  BSL_REF_SPIKE,
  BSL_REF_N_VARS
} BslRefVar;

const char *bsl_ref_var_to_string   (BslRefVar    var);
gboolean    bsl_ref_var_from_string (const char  *text,
                                     BslRefVar   *var);

/* A recorded trace of a neuron population: the state after step t (Lava counts from 1) of each
 * neuron, as in ../reference/traces/. Values are stored step-major: data[var][t * n_neurons + i]
 * for t = 0 .. n_steps - 1 (that is, Lava step t + 1). */
typedef struct
{
  char   *display_name;
  gsize   n_steps;
  gsize   n_neurons;
  double *data[BSL_REF_N_VARS];     /* NULL where the reference does not have the variable */
} BslReference;

BslReference *bsl_reference_new            (gsize                n_steps,
                                            gsize                n_neurons,
                                            const char          *display_name);
void          bsl_reference_free           (BslReference        *ref);
BslReference *bsl_reference_copy           (const BslReference  *ref);

/* Long CSV: a header naming `step` and `neuron` and any of `a_in`, `u`, `v`, `spike` (in any
 * order; at least one of u, v, spike), then one row per step per neuron. */
BslReference *bsl_reference_load_long_csv  (const char          *path,
                                            GError             **error);
/* Wide CSV: one column per neuron for one variable, one row per step, an optional leading
 * `step` column and an optional header. The variable is taken from var, or when var is NULL
 * from the header (`v_0,v_1`, `v[0]`, ...) or the file name (`lif1_v.csv`). */
BslReference *bsl_reference_load_wide_csv  (const char          *path,
                                            const char          *var,
                                            GError             **error);
/* NumPy array of shape (T,) or (T, n), as Lava's Monitor data for one Var; var as above. */
BslReference *bsl_reference_load_npy       (const char          *path,
                                            const char          *var,
                                            GError             **error);
/* What `basalt run --out` writes (step,probe,index,value): the probes u, v, s_out (as spike)
 * and a_in of one process, the one named or, when process is NULL, the only one with u, v or
 * s_out. Other probes are skipped. */
BslReference *bsl_reference_load_probe_csv (const char          *path,
                                            const char          *process,
                                            GError             **error);
/* By content and extension: .npy, long CSV (header with step and neuron), `basalt run` CSV
 * (header with probe; var names the process), wide CSV. */
BslReference *bsl_reference_load           (const char          *path,
                                            const char          *var,
                                            GError             **error);

/* A population of a network simulated for steps (with its own model's tag, floating_pt for a
 * floating-only type): what it received (a_in), its u and v where it has Vars of those names,
 * and its spikes. bsl-reference-network.c. */
BslReference *bsl_reference_from_network   (const BslGraph      *graph,
                                            const char          *process,
                                            gint64               steps,
                                            GError             **error);

/* Another model's u and v mean other things (an Izhikevich's mV against a LIF's units): when
 * the reference's population type differs from the fitted one, drops them, leaving the input and
 * spikes to match. TRUE when it dropped them. */
gboolean      bsl_reference_keep_comparable (BslReference       *ref,
                                             const char         *reference_type,
                                             const char         *fitted_type);

/* Adds the variables of other (same steps and neurons) to ref, e.g. a u.npy and a v.npy. */
gboolean      bsl_reference_merge          (BslReference        *ref,
                                            const BslReference  *other,
                                            GError             **error);
/* Checks the neuron count against the process being fitted; the message names both. */
gboolean      bsl_reference_check_neurons  (const BslReference  *ref,
                                            gsize                n_neurons,
                                            const char          *process,
                                            GError             **error);
gboolean      bsl_reference_has_var        (const BslReference  *ref,
                                            BslRefVar            var);
/* "300 steps, 3 neurons: a_in, u, v, spike" (newly allocated). */
char         *bsl_reference_describe       (const BslReference  *ref);
/* Number of non-zero spike entries of neuron i (or of all neurons when i < 0). */
gsize         bsl_reference_count_spikes   (const BslReference  *ref,
                                            gssize               neuron);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslReference, bsl_reference_free)

G_END_DECLS
