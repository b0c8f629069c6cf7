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
 * accepted ones are requested, never written to the graph. Requests are the Designer page's
 * typed actions:
 *   graph.rename-process (old_name, new_name)
 *   graph.set-shape (process, dims as "at")
 *   graph.set-model (process, tag)                  BSL_TAG_NONE: the run's tag
 *   graph.apply-preset (process, preset)            e.g. Izhikevich's presets
 *   graph.connect / graph.disconnect (from_process, from_port, to_process, to_port)
 *   graph.set-param (process, var, value)           value: nothing to go back to the default
 *   graph.set-equations (process, texts)            checked texts
 *   graph.apply-template (process, template)        bsl-equations-templates.h
 *   graph.set-learning-rule (process, rule)         from its rule editor, a checked rule
 * with the engine values in the forms of basalt-action-params.h.
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
/* Marks a parameter of the shown process as refused, with the reason under its editor (as a
 * value typed into it would be), and puts the focus there. */
void        basalt_inspector_show_param_error (BasaltInspector *self,
                                               const char      *var,
                                               const char      *message);

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
