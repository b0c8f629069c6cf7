/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "basalt-document.h"
#include "basalt-plot.h"
#include "fit/bsl-rule-fit.h"

G_BEGIN_DECLS

#define BASALT_TYPE_RULE_TUNER (basalt_rule_tuner_get_type ())

G_DECLARE_FINAL_TYPE (BasaltRuleTuner, basalt_rule_tuner, BASALT, RULE_TUNER, GtkBox)

/* The Tuner's learning-rule part, shown while the network has a LearningDense: a weight
 * trajectory, one slider per parameter of the connection's rule (impulses, taus, STDPLoihi's
 * coefficients, the products' scales) that re-runs the network at once, the model's weights
 * drawn over the reference's with the error of every step, and a background fit of the ticked
 * parameters whose result can be adopted as an undoable edit of the rule. */
GtkWidget   *basalt_rule_tuner_new              (BasaltDocument   *document);

gboolean     basalt_rule_tuner_load_reference   (BasaltRuleTuner  *self,
                                                 const char       *path,
                                                 GError          **error);
/* A LearningDense of the document. */
gboolean     basalt_rule_tuner_set_process      (BasaltRuleTuner  *self,
                                                 const char       *name,
                                                 GError          **error);
guint        basalt_rule_tuner_get_n_params     (BasaltRuleTuner  *self);
const char  *basalt_rule_tuner_get_param_name   (BasaltRuleTuner  *self,
                                                 guint             index);
/* The slider's position (a dimension of bsl-rule-fit.h: an impulse in 1/256 under fixed_pt,
 * learning_rate's exponent, a scale's index) and the rule's value it stands for. */
double       basalt_rule_tuner_get_position     (BasaltRuleTuner  *self,
                                                 const char       *param);
double       basalt_rule_tuner_get_value        (BasaltRuleTuner  *self,
                                                 const char       *param);
/* As moving the slider: re-runs the network and redraws. */
gboolean     basalt_rule_tuner_set_position     (BasaltRuleTuner  *self,
                                                 const char       *param,
                                                 double            position);
/* Whether a fit moves this parameter (the tick of its row). */
void         basalt_rule_tuner_set_fitted       (BasaltRuleTuner  *self,
                                                 const char       *param,
                                                 gboolean          fitted);
/* The weight error of the sliders' rule, step by step; NULL without a reference. */
const BslWeightErrorReport *basalt_rule_tuner_get_report (BasaltRuleTuner *self);
const char  *basalt_rule_tuner_get_status       (BasaltRuleTuner  *self);
BasaltPlot  *basalt_rule_tuner_get_weights_plot (BasaltRuleTuner  *self);

gboolean     basalt_rule_tuner_start_fit        (BasaltRuleTuner  *self,
                                                 GError          **error);
gboolean     basalt_rule_tuner_is_fitting       (BasaltRuleTuner  *self);
void         basalt_rule_tuner_stop_fit         (BasaltRuleTuner  *self);
guint64      basalt_rule_tuner_get_fit_evaluations (BasaltRuleTuner *self);
/* The sliders' rule becomes the connection's, as one undoable edit. */
gboolean     basalt_rule_tuner_adopt            (BasaltRuleTuner  *self,
                                                 GError          **error);

G_END_DECLS
