/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "basalt-document.h"
#include "fit/bsl-metrics.h"

G_BEGIN_DECLS

#define BASALT_TYPE_TUNER_PAGE (basalt_tuner_page_get_type ())

G_DECLARE_FINAL_TYPE (BasaltTunerPage, basalt_tuner_page, BASALT, TUNER_PAGE, GtkBox)

/* The Tuner: a reference trace, a neuron population (of the document, or a fresh one), one
 * slider per parameter that re-simulates at once, live plots and metrics, and a background fit
 * whose best candidate can be adopted into the document as an undoable edit. */
GtkWidget   *basalt_tuner_page_new              (BasaltDocument   *document);

gboolean     basalt_tuner_page_load_reference   (BasaltTunerPage  *self,
                                                 const char       *path,
                                                 GError          **error);
/* A neuron population of the document simulated for the network's run steps, as the reference
 * (what it received, its spikes, and its u and v when the tuned population is of its type). */
gboolean     basalt_tuner_page_reference_from_network (BasaltTunerPage *self,
                                                       const char      *process,
                                                       GError         **error);
/* A process of the document, or "new:LIF" (a fresh population of that type). */
gboolean     basalt_tuner_page_set_process      (BasaltTunerPage  *self,
                                                 const char       *name,
                                                 GError          **error);
void         basalt_tuner_page_set_tag          (BasaltTunerPage  *self,
                                                 BslTag            tag);
guint        basalt_tuner_page_get_n_params     (BasaltTunerPage  *self);
const char  *basalt_tuner_page_get_param_name   (BasaltTunerPage  *self,
                                                 guint             index);
double       basalt_tuner_page_get_value        (BasaltTunerPage  *self,
                                                 const char       *param);
/* As moving the slider: re-simulates and redraws. */
gboolean     basalt_tuner_page_set_value        (BasaltTunerPage  *self,
                                                 const char       *param,
                                                 double            value);
/* The slider's range, which a fit keeps to (clamped to the Var's valid range). */
gboolean     basalt_tuner_page_set_bounds       (BasaltTunerPage  *self,
                                                 const char       *param,
                                                 double            lower,
                                                 double            upper);
void         basalt_tuner_page_get_bounds       (BasaltTunerPage  *self,
                                                 const char       *param,
                                                 double           *lower,
                                                 double           *upper);
void         basalt_tuner_page_set_locked       (BasaltTunerPage  *self,
                                                 const char       *param,
                                                 gboolean          locked);
/* Also draw the LIF population under the other tag (see draw_other_tag); the comparison's
 * summary, or NULL. */
void         basalt_tuner_page_set_compare      (BasaltTunerPage  *self,
                                                 gboolean          compare);
const char  *basalt_tuner_page_get_comparison   (BasaltTunerPage  *self);
/* Sum of the last draw times of the page's plots (ms). */
double       basalt_tuner_page_get_draw_ms      (BasaltTunerPage  *self);
/* The metrics of the current parameters against the reference. */
void         basalt_tuner_page_get_metrics      (BasaltTunerPage  *self,
                                                 BslMetricValues  *values);

gboolean     basalt_tuner_page_start_fit        (BasaltTunerPage  *self,
                                                 GError          **error);
gboolean     basalt_tuner_page_is_fitting       (BasaltTunerPage  *self);
void         basalt_tuner_page_set_fit_paused   (BasaltTunerPage  *self,
                                                 gboolean          paused);
void         basalt_tuner_page_stop_fit         (BasaltTunerPage  *self);
guint64      basalt_tuner_page_get_fit_evaluations (BasaltTunerPage *self);
/* Sets the sliders to the fit's best and, for a process of the document, its parameters (one
 * undoable edit per Var). */
gboolean     basalt_tuner_page_adopt_best       (BasaltTunerPage  *self,
                                                 GError          **error);
/* The fit's best candidates, in the list's current (sortable) order; activating one sets the
 * sliders to it. */
guint        basalt_tuner_page_get_n_candidates (BasaltTunerPage  *self);
double       basalt_tuner_page_get_candidate_value (BasaltTunerPage *self,
                                                 guint             position);
void         basalt_tuner_page_activate_candidate (BasaltTunerPage *self,
                                                 guint             position);
gboolean     basalt_tuner_page_export_history   (BasaltTunerPage  *self,
                                                 const char       *path,
                                                 GError          **error);

G_END_DECLS
