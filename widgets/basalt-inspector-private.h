/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "basalt-inspector.h"

G_BEGIN_DECLS

/* Shared by the inspector's files: the header and parameters (basalt-inspector.c), the value
 * texts (basalt-inspector-values.c), the equations editor (basalt-inspector-equations.c) and the
 * connections (basalt-inspector-connections.c). */

struct _BasaltInspector
{
  GtkWidget   parent_instance;

  /* Template widgets */
  GtkStack   *stack;
  GtkLabel   *type_label;
  GtkLabel   *description_label;
  GtkEntry   *name_entry;
  GtkEntry   *shape_entry;
  GtkDropDown *model_dropdown;
  GtkLabel   *header_error;
  GtkBox     *params_box;
  GtkBox     *connections_box;

  BslGraph   *graph;
  char       *process_name;
  const BslProcType *shown_type;
  char       *shown_schema;   /* the shown type's Var names: an Equations process changes them */
  BslTag      tag;
  GPtrArray  *rows;       /* BasaltParamRow*, borrowed: params_box holds them */
  gboolean    updating_model;

  /* Equations processes: the editor of their texts */
  GtkWidget  *eq_template;
  GtkWidget  *eq_model;
  GtkWidget  *eq_threshold;
  GtkWidget  *eq_reset;
  GtkWidget  *eq_refractory;
  GtkWidget  *eq_input;
  GtkWidget  *eq_method;
  GtkWidget  *eq_error;
  GtkWidget  *eq_preview;
  guint       eq_preview_source;
  guint       template_source;     /* a chosen template, requested once the list has settled */
  char       *template_process;
  const char *template_name;
  /* The preview's input outlives a rebuild of the editor (Apply rebuilds it). */
  char       *eq_preview_input;
  char       *eq_preview_process;
  GtkWidget  *rule_editor;        /* plastic connections: the learning rule */
};

/* The process shown, looked up by name: NULL when there is none. */
BslProcess *_basalt_inspector_get_shown_process (BasaltInspector  *self);
/* The tag the process is checked under: its own model, else the run's. */
BslTag      _basalt_inspector_effective_tag     (BasaltInspector  *self,
                                                 const BslProcess *process);
BslGraph   *_basalt_inspector_get_graph         (BasaltInspector  *self);
/* The folder relative file names in values are read from; NULL when there is no graph. */
const char *_basalt_inspector_get_base_dir      (BasaltInspector  *self);
/* Emits param-changed for an accepted value (NULL: back to the default). */
void        _basalt_inspector_request_param     (BasaltInspector  *self,
                                                 const BslProcess *process,
                                                 const char       *var,
                                                 const BslArray   *value);
/* The hint under a parameter's editor: its shape on this process, then its values. */
char       *_basalt_inspector_describe_param    (const BslVarSpec *spec,
                                                 const BslProcess *process,
                                                 BslTag            tag);
void        _basalt_inspector_add_equations_editor     (BasaltInspector  *self,
                                                        const BslProcess *process);
/* Compiles the texts as typed and shows the trace, or the error in them. */
void        _basalt_inspector_update_equations_preview (BasaltInspector  *self);
void        _basalt_inspector_rebuild_connections      (BasaltInspector  *self,
                                                        const BslProcess *process);

/* What a person does with the inspector and what it then shows, for tests: they act through
 * the same handlers as the widgets do. */

/* The text a parameter's editor shows, and typing text into it followed by Enter. Returns
 * whether the value was accepted; when not, the reason is what the editor shows. */
char       *basalt_inspector_dup_param_text (BasaltInspector *self,
                                             const char      *var);
/* The hint under a parameter's editor: its shape on this process and the values it takes. */
char       *basalt_inspector_dup_param_hint (BasaltInspector *self,
                                             const char      *var);
gboolean    basalt_inspector_enter_param  (BasaltInspector *self,
                                           const char      *var,
                                           const char      *text);
/* Typing into the name and shape fields followed by Enter, as a user does. */
void        basalt_inspector_enter_name   (BasaltInspector *self,
                                           const char      *text);
void        basalt_inspector_enter_shape  (BasaltInspector *self,
                                           const char      *text);
/* Typing an Equations process's texts (NULL members are left as shown) and pressing Apply.
 * Returns whether they were accepted; when not, the reason is shown (line and column). */
gboolean    basalt_inspector_enter_equations (BasaltInspector        *self,
                                              const BslEquationsText *text);
const char *basalt_inspector_get_equations_error (BasaltInspector *self);
/* The live trace under an Equations process's texts (a BasaltEquationsPreview), and the view of
 * its model text; NULL when the shown process is not an Equations one. */
GtkWidget  *basalt_inspector_get_equations_preview (BasaltInspector *self);
GtkTextView *basalt_inspector_get_equations_view (BasaltInspector *self);
/* The learning rule's editor of the plastic connection shown, or NULL. */
GtkWidget  *basalt_inspector_get_rule_editor (BasaltInspector *self);
/* Choosing in the equations editor's template list; FALSE when there is no such template.
 * template-requested follows from the main loop. */
gboolean    basalt_inspector_choose_equations_template (BasaltInspector *self,
                                                        const char      *template_name);
/* Choosing a preset in the process's Preset list; FALSE when the type has no such preset. */
gboolean    basalt_inspector_choose_preset (BasaltInspector *self,
                                            const char      *preset);
/* Choosing in the Model list (BSL_TAG_NONE: the run's tag). */
void        basalt_inspector_choose_model (BasaltInspector *self,
                                           BslTag           tag);
/* Chooses "proc.port" in the port's list of compatible ends and presses Connect; FALSE when
 * the inspector does not offer it (wrong direction, shape mismatch, already connected). */
gboolean    basalt_inspector_connect_port (BasaltInspector *self,
                                           const char      *port,
                                           const char      *other);
/* The message shown under the name and shape fields; NULL when none. */
const char *basalt_inspector_get_header_error (BasaltInspector *self);
const char *basalt_inspector_get_param_error (BasaltInspector *self,
                                              const char      *var);

G_END_DECLS
