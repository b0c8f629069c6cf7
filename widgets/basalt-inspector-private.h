/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "basalt-inspector.h"

G_BEGIN_DECLS

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
