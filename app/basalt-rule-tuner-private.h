/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "basalt-rule-tuner.h"

G_BEGIN_DECLS

/* The rule tuner is cut in two, sharing this instance struct:
 *   basalt-rule-tuner.c      the connection, the reference, the sliders, the plots, adopting
 *   basalt-rule-tuner-fit.c  the background fit (a GTask) and its progress */

typedef struct _BasaltRuleTunerFit BasaltRuleTunerFit;

struct _BasaltRuleTuner
{
  GtkBox              parent_instance;

  /* Template widgets */
  GtkExpander        *expander;
  GtkLabel           *reference_label;
  GtkDropDown        *process_dropdown;
  GtkGrid            *params_grid;
  GtkLabel           *status_label;
  GtkBox             *plots_box;
  GtkButton          *fit_button;
  GtkButton          *stop_button;
  GtkProgressBar     *progress_bar;
  GtkButton          *adopt_button;

  BasaltDocument     *document;
  gulong              changed_id;
  GtkStringList      *process_names;
  char               *process;
  gboolean            updating;

  BslWeightReference *ref;
  BslRuleFitProblem  *problem;       /* every parameter of the rule; the main thread's */
  double             *x;             /* the sliders */
  gboolean           *fitted;        /* the ticks */
  GPtrArray          *scales;        /* GtkRange* per dimension */
  GPtrArray          *value_labels;  /* GtkLabel* per dimension */
  double             *weights;       /* the sliders' run, n_steps x n_synapses */
  BslWeightErrorReport *report;
  char               *status;

  BasaltPlot         *weights_plot, *error_plot;
  double             *t_axis;

  BasaltRuleTunerFit *fit;           /* the running fit, NULL when idle */
  GCancellable       *fit_cancellable;
  gboolean            disposed;
};

/* basalt-rule-tuner.c */
void     _basalt_rule_tuner_update_buttons (BasaltRuleTuner *self);
/* Sets the sliders to x (the problem's dimensions) and redraws. */
void     _basalt_rule_tuner_show_point     (BasaltRuleTuner *self,
                                            const double    *x);
void     _basalt_rule_tuner_set_status     (BasaltRuleTuner *self,
                                            const char      *text);

/* basalt-rule-tuner-fit.c */
void     _basalt_rule_tuner_cancel_fit     (BasaltRuleTuner *self);
void     _basalt_rule_tuner_on_fit_clicked (GtkButton       *button,
                                            BasaltRuleTuner *self);
void     _basalt_rule_tuner_on_stop_clicked (GtkButton      *button,
                                            BasaltRuleTuner *self);

G_END_DECLS
