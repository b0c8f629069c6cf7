/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bsl-equations-type.h"
#include "bsl-graph.h"

G_BEGIN_DECLS

#define BASALT_TYPE_INSPECTOR (basalt_inspector_get_type ())

G_DECLARE_FINAL_TYPE (BasaltInspector, basalt_inspector, BASALT, INSPECTOR, GtkWidget)

/* Shows one process: its name, shape and a parameter editor per Var. Values are checked here
 * (under the current tag: integers and Loihi 2 ranges for fixed_pt) and refused with a message;
 * accepted ones are requested through signals, never written to the graph:
 *   rename-requested (const char *old_name, const char *new_name)
 *   param-changed (const char *process, const char *var, gpointer BslArray *value_or_NULL)
 *   shape-requested (const char *process, gpointer BslArray *dims)
 *   model-requested (const char *process, int tag)                 BSL_TAG_NONE: the run's tag
 *   preset-requested (const char *process, const char *preset)     e.g. Izhikevich's presets
 *   equations-requested (const char *process, gpointer BslEquationsText *text)  checked texts
 *   template-requested (const char *process, const char *template)   bsl-equations-templates.h
 *   learning-rule-requested (const char *process, gpointer BslLearningRule *rule)  checked rule
 *   connect-requested / disconnect-requested (from_process, from_port, to_process, to_port)
 */

GtkWidget  *basalt_inspector_new          (void);
/* graph is borrowed for as long as it is shown; name NULL shows nothing. */
void        basalt_inspector_set_process  (BasaltInspector *self,
                                           BslGraph        *graph,
                                           const char      *name);
const char *basalt_inspector_get_process  (BasaltInspector *self);
/* The graph changed: show the current values (entries being edited are left alone). */
void        basalt_inspector_refresh      (BasaltInspector *self);
void        basalt_inspector_set_tag      (BasaltInspector *self,
                                           BslTag           tag);
void        basalt_inspector_focus_name   (BasaltInspector *self);

/* The text a parameter's editor shows, and typing text into it followed by Enter. Returns
 * whether the value was accepted; when not, the reason is what the editor shows. */
char       *basalt_inspector_dup_param_text (BasaltInspector *self,
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
/* The learning rule's editor of the plastic connection shown, or NULL. */
GtkWidget  *basalt_inspector_get_rule_editor (BasaltInspector *self);
GtkTextView *basalt_inspector_get_equations_view (BasaltInspector *self);
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

/* Parses "3", "1, 2, 3", "[[1, 2], [3, 4]]" or an initializer object into a value for the Var,
 * and checks it as a run with the tag would. */
BslArray   *basalt_inspector_parse_value  (const BslProcess *process,
                                           const BslVarSpec *spec,
                                           const char       *text,
                                           BslTag            tag,
                                           const char       *base_dir,
                                           GError          **error);
char       *basalt_inspector_format_value (const BslArray   *value);
/* The hint under a parameter's editor: its kind, range, unit and default. */
char       *basalt_inspector_describe_var (const BslVarSpec *spec,
                                           BslTag            tag);

G_END_DECLS
