/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The Designer page's state, shared by the files of its parts: the run bar
 * (basalt-designer-page-run.c), what a run records (-probes.c), the plots (-plots.c), the "graph.*"
 * actions (-graph.c) and the requests of the canvas and the inspector (-canvas.c). */

#include "basalt-designer-page.h"

G_BEGIN_DECLS

struct _BasaltDesignerPage
{
  GtkBox              parent_instance;

  /* Template widgets */
  GtkLabel           *rate_label;
  GtkDropDown        *tag_dropdown;
  GtkButton          *run_button;
  GtkSpinButton      *steps_spin;
  BasaltPalette      *palette;
  BasaltGraphCanvas  *canvas;
  BasaltInspector    *inspector;
  GtkBox             *plots_box;
  GtkWidget          *plots_placeholder;
  GtkWidget          *canvas_hint;

  BasaltDocument     *document;
  BasaltSimulation   *simulation;
  GHashTable         *document_probes;  /* the network's probes the plots last followed */
  GHashTable         *plots;            /* BasaltProbe -> its BasaltPlot (both held) */
  BasaltWeightView   *weight_view;      /* the matrix of a plastic connection, above the plots */
  double              speed;        /* bound to the simulation's */
  gboolean            updating_tag;
  gboolean            updating_steps;
};

/* basalt-designer-page.c */
/* The window shows refusals and errors in its message bar. */
void       _basalt_designer_page_show_message        (BasaltDesignerPage  *self,
                                                      const char          *message);
GtkWindow *_basalt_designer_page_parent_window       (BasaltDesignerPage  *self);
void       _basalt_designer_page_update_actions      (BasaltDesignerPage  *self);
void       _basalt_designer_page_update_probed_marks (BasaltDesignerPage  *self);
BslTag     _basalt_designer_page_current_tag         (BasaltDesignerPage  *self);
gboolean   _basalt_designer_page_ensure_compiled     (BasaltDesignerPage  *self,
                                                      GError             **error);

/* basalt-designer-page-run.c */
void       _basalt_designer_page_class_init_run      (GtkWidgetClass      *widget_class);
void       _basalt_designer_page_bind_run_bar        (BasaltDesignerPage  *self);
void       _basalt_designer_page_sync_steps_ui       (BasaltDesignerPage  *self);
void       _basalt_designer_page_push_param_to_run   (BasaltDesignerPage  *self,
                                                      const char          *process_name,
                                                      const char          *var);
void       _basalt_designer_page_push_params_to_run  (BasaltDesignerPage  *self,
                                                      const char          *process_name);

/* basalt-designer-page-probes.c */
void       _basalt_designer_page_class_init_probes   (GtkWidgetClass      *widget_class);
/* The weight view above the plots, whose synapses chosen are plotted. */
void       _basalt_designer_page_init_probes         (BasaltDesignerPage  *self);
void       _basalt_designer_page_follow_document_probes (BasaltDesignerPage *self);

/* basalt-designer-page-plots.c */
void       _basalt_designer_page_class_init_plots    (GtkWidgetClass      *widget_class);
/* A plot for each probe of the simulation, below the canvas. */
void       _basalt_designer_page_init_plots          (BasaltDesignerPage  *self);
/* Shows what a trace probe's plot shows in its chooser. */
void       _basalt_designer_page_show_chosen         (BasaltDesignerPage  *self,
                                                      const char          *target);

/* basalt-designer-page-graph.c */
void       _basalt_designer_page_class_init_graph    (GtkWidgetClass      *widget_class);
/* Adds a process of that type with its node at (x, y) and selects it. */
void       _basalt_designer_page_add_process_at      (BasaltDesignerPage  *self,
                                                      const char          *type_name,
                                                      double               x,
                                                      double               y);

/* basalt-designer-page-canvas.c */
void       _basalt_designer_page_class_init_canvas   (GtkWidgetClass      *widget_class);
void       _basalt_designer_page_follow_plastic_connection (BasaltDesignerPage *self);

G_END_DECLS
