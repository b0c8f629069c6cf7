/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bsl-graph.h"
#include "equations/bsl-equations.h"

G_BEGIN_DECLS

#define BASALT_TYPE_EQUATIONS_PREVIEW (basalt_equations_preview_get_type ())

G_DECLARE_FINAL_TYPE (BasaltEquationsPreview, basalt_equations_preview, BASALT, EQUATIONS_PREVIEW, GtkWidget)

/* The trace of one neuron of an Equations process under a constant input the user types: the
 * variable its threshold reads (else the first state) over a few hundred steps, with its spikes.
 * It only reads the process. */
GtkWidget    *basalt_equations_preview_new          (void);
/* Simulates neuron 0 with the compiled equations (not necessarily the process's own, which
 * may be older), the process's parameter values, initial states and dt. A parameter without a
 * value gives a message instead of the trace. */
void          basalt_equations_preview_show         (BasaltEquationsPreview *self,
                                                     BslEquations           *equations,
                                                     const BslProcess       *process);
/* Replaces the trace by a message (texts that do not compile). */
void          basalt_equations_preview_show_message (BasaltEquationsPreview *self,
                                                     const char             *message);

/* What is shown, for tests and for the user's eyes alike. */
const char   *basalt_equations_preview_get_message  (BasaltEquationsPreview *self);
/* The plotted values of the shown state variable (SI units); NULL when no trace is shown. */
const double *basalt_equations_preview_get_trace    (BasaltEquationsPreview *self,
                                                     gsize                  *n_steps);
gsize         basalt_equations_preview_get_n_spikes (BasaltEquationsPreview *self);
/* How many times it was updated (new texts, values or input). */
guint         basalt_equations_preview_get_n_updates  (BasaltEquationsPreview *self);
GtkEditable  *basalt_equations_preview_get_input    (BasaltEquationsPreview *self);

G_END_DECLS
