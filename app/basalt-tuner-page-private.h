/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fit/bsl-fit.h"
#include "fit/bsl-tag-compare.h"

#include "basalt-plot.h"
#include "basalt-tuner-page.h"

G_BEGIN_DECLS

/* The Tuner page is cut by concern, sharing this instance struct:
 *   basalt-tuner-page.c        the population and tag, the document; the public API
 *   basalt-tuner-reference.c   the reference: a file, or a population of the network
 *   basalt-tuner-params.c      one row per parameter: lock, slider, entry, bounds
 *   basalt-tuner-plots.c       the traces, raster, metrics and the float <-> fixed report
 *   basalt-tuner-fit.c         the background fit (a GTask), its progress, adopting the best
 *   basalt-tuner-candidates.c  the fit's best candidates in a sortable list */

typedef struct _BasaltTunerFit BasaltTunerFit;

typedef struct
{
  BasaltTunerPage *page;
  guint            dim;
  GtkCheckButton  *lock;
  GtkScale        *scale;
  GtkSpinButton   *spin;
  GtkSpinButton   *lower;
  GtkSpinButton   *upper;
} BasaltTunerParamRow;

struct _BasaltTunerPage
{
  GtkBox           parent_instance;

  /* Template widgets */
  GtkLabel        *reference_label;
  GtkMenuButton   *network_reference_button;
  GtkDropDown     *process_dropdown;
  GtkDropDown     *tag_dropdown;
  GtkCheckButton  *compare_check;
  GtkGrid         *params_grid;
  GtkLabel        *metrics_label;
  GtkLabel        *report_label;
  GtkExpander     *report_expander;
  GtkColumnView   *candidates_view;
  GtkColumnViewColumn *value_column;
  GListStore      *candidates;
  GtkEntry        *metric_entry;
  GtkDropDown     *method_dropdown;
  GtkBox          *plots_box;
  GtkButton       *fit_button;
  GtkToggleButton *pause_button;
  GtkButton       *stop_button;
  GtkProgressBar  *progress_bar;
  GtkButton       *adopt_button;
  GtkButton       *export_button;

  BasaltDocument  *document;
  gulong           changed_id;
  GPtrArray       *process_keys;     /* char *: process name or "new:TYPE" */
  gboolean         updating;

  BslReference    *ref;
  BslReference    *source_ref;       /* as loaded or simulated; ref drops what does not apply */
  char            *source_type;      /* the simulated population's type, NULL for a file */
  char            *process_key;
  BslTag           tag;
  BslFitProblem   *problem;          /* live simulation, main thread */
  BslReference    *trace;
  double          *x;
  guint            n_dims;
  GPtrArray       *rows;             /* BasaltTunerParamRow* */
  BslMetricValues  metrics;
  BslMetricConfig  metric_config;

  BasaltPlot      *v_plot, *u_plot, *diff_plot, *raster;
  char            *compare_text;
  char            *type_name;        /* of the population being tuned */
  double          *t_axis;

  /* The fit: a GTask on a worker thread with its own problems (see basalt-tuner-fit.c). */
  BasaltTunerFit  *fit;              /* the running fit, NULL when idle */
  BslFit          *done_fit;         /* the last finished fit: candidates, history */
  BslFitProblem   *done_problem;     /* its problem (dimension names) */
  GCancellable    *fit_cancellable;
  guint            fit_generation;   /* bumped when a fit starts or its results are dropped */
  gboolean         disposed;
  gboolean         following_tag;    /* the page sets the document's tag itself */

  /* Slider moves simulated on a worker (basalt-tuner-plots.c). */
  BslFitProblem   *sim_problem;      /* the worker's, when no simulation runs */
  gint64           last_simulation_us;
  guint            simulation_generation;
  gboolean         simulating;
  gboolean         simulation_pending;
  double          *best_x;           /* page dims */
  gboolean         have_best;
  gboolean         adopting;
  guint64          shown_evaluations;
};

/* basalt-tuner-page.c */
int          _basalt_tuner_page_find_dim         (BasaltTunerPage *self,
                                                  const char      *name);
void         _basalt_tuner_page_set_message      (BasaltTunerPage *self,
                                                  const char      *text);
void         _basalt_tuner_page_update_buttons   (BasaltTunerPage *self);
/* The file a file chooser's response picked (NULL when cancelled); releases the dialog. */
char        *_basalt_tuner_page_dup_chosen_path  (GtkNativeDialog *dialog,
                                                  int              response);
BslProcess  *_basalt_tuner_page_dup_neuron       (BasaltTunerPage *self,
                                                  gboolean        *from_document,
                                                  GError         **error);

/* The page's problem for the reference, population and tag: rows, plots, a first simulation. */
gboolean     _basalt_tuner_page_rebuild_problem  (BasaltTunerPage *self,
                                                  GError         **error);

/* basalt-tuner-reference.c */
void         _basalt_tuner_page_setup_reference  (BasaltTunerPage *self);
void         _basalt_tuner_page_on_open_clicked  (GtkButton       *button,
                                                  BasaltTunerPage *self);

/* A problem like the page's over the dimensions named in params (NULL: all of them), starting
 * from the sliders and within their bounds; the network drives it when the page's does. */
BslFitProblem *_basalt_tuner_page_new_problem    (BasaltTunerPage *self,
                                                  const char      *params,
                                                  GError         **error);

/* basalt-tuner-plots.c */
void         _basalt_tuner_page_rebuild_plots    (BasaltTunerPage *self);
void         _basalt_tuner_page_resimulate       (BasaltTunerPage *self,
                                                  const double    *x);
/* After a slider moves: at once when a simulation is quick, otherwise on a worker thread (the
 * latest values win; the knob never waits for the model). */
void         _basalt_tuner_page_request_resimulate (BasaltTunerPage *self);
void         _basalt_tuner_page_drop_simulation  (BasaltTunerPage *self);
/* Draws a trace simulated elsewhere (the fit's best, on its thread) with its metrics. */
void         _basalt_tuner_page_show_trace       (BasaltTunerPage       *self,
                                                  const BslReference    *trace,
                                                  const BslMetricValues *metrics,
                                                  const char            *what);

/* basalt-tuner-params.c */
void         _basalt_tuner_page_build_rows       (BasaltTunerPage *self);
void         _basalt_tuner_page_clear_rows       (BasaltTunerPage *self);
void         _basalt_tuner_page_sync_rows        (BasaltTunerPage *self);
BasaltTunerParamRow *_basalt_tuner_page_get_row  (BasaltTunerPage *self,
                                                  const char      *param);

/* basalt-tuner-fit.c */
void         _basalt_tuner_page_clear_fit        (BasaltTunerPage *self);
/* The fit's point in the page's dimensions: locked ones keep the sliders' values. */
void         _basalt_tuner_page_map_fit_point    (BasaltTunerPage     *self,
                                                  const BslFitProblem *fit_problem,
                                                  const double        *fit_x,
                                                  double              *x);

/* the footer's buttons */
void         _basalt_tuner_page_on_fit_clicked     (GtkButton       *button,
                                                    BasaltTunerPage *self);
void         _basalt_tuner_page_on_pause_toggled   (GtkToggleButton *button,
                                                    BasaltTunerPage *self);
void         _basalt_tuner_page_on_stop_clicked    (GtkButton       *button,
                                                    BasaltTunerPage *self);
void         _basalt_tuner_page_on_adopt_clicked   (GtkButton       *button,
                                                    BasaltTunerPage *self);
void         _basalt_tuner_page_on_export_clicked  (GtkButton       *button,
                                                    BasaltTunerPage *self);

/* basalt-tuner-candidates.c */
void         _basalt_tuner_page_setup_candidates (BasaltTunerPage *self);
void         _basalt_tuner_page_fill_candidates  (BasaltTunerPage *self);
void         _basalt_tuner_page_clear_candidates (BasaltTunerPage *self);
void         _basalt_tuner_page_on_candidate_activated (GtkColumnView   *view,
                                                        guint            position,
                                                        BasaltTunerPage *self);

G_END_DECLS
