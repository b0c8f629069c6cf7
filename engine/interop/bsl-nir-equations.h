/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"

G_BEGIN_DECLS

/* The NIR neuron node an Equations process stands for, and its parameters (SI values, one per
 * neuron), for an input that adds each spike's weight to the input variable as it is, a NIR
 * spike counting as the value 1 for one step of the file's dt (as Basalt's importer reads it). */
typedef enum
{
  BSL_NIR_TAU,
  BSL_NIR_TAU_MEM,
  BSL_NIR_TAU_SYN,
  BSL_NIR_R,
  BSL_NIR_V_LEAK,
  BSL_NIR_V_THRESHOLD,
  BSL_NIR_V_RESET,
  BSL_NIR_W_IN,
  BSL_NIR_N_FIELDS
} BslNirField;

typedef struct
{
  const char *type;                   /* "LIF", "LI", "IF", "I", "CubaLIF", "CubaLI" */
  gboolean    spiking;
  double     *field[BSL_NIR_N_FIELDS]; /* NULL where the node has no such field */
  char       *dropped;                /* what NIR cannot hold (a refractory period), or NULL */
  double     *v0;                     /* the membrane's initial value, one per neuron */
  char       *v_name;                 /* the membrane's name in the equations */
} BslNirNeuron;

/* Probes the compiled equations: a linear model with constant coefficients whose threshold
 * reads "v > value" and reset "v = value" is a NIR neuron. FALSE, with the reason in *why, for
 * anything else. */
gboolean    _bsl_nir_match_equations (const BslProcess *process,
                                      gsize             n,
                                      double            file_dt,
                                      BslNirNeuron     *neuron,
                                      char            **why);
void        _bsl_nir_neuron_clear    (BslNirNeuron     *neuron);
const char *_bsl_nir_field_name      (BslNirField       field);

G_END_DECLS
