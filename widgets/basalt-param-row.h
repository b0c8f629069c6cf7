/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "basalt-inspector.h"

G_BEGIN_DECLS

#define BASALT_TYPE_PARAM_ROW (basalt_param_row_get_type ())

G_DECLARE_FINAL_TYPE (BasaltParamRow, basalt_param_row, BASALT, PARAM_ROW, GtkBox)

/* The editor of one parameter in the inspector: its value (an entry, or the list of modes of an
 * enum), the hint under it, the reason a value was refused, and for a matrix an initializer and
 * a heat map. What is typed is checked against the process the inspector shows and requested
 * through it. spec is borrowed from the process's type; inspector owns the row. */
GtkWidget        *basalt_param_row_new          (BasaltInspector  *inspector,
                                                 const BslVarSpec *spec,
                                                 const BslProcess *process);
const BslVarSpec *basalt_param_row_get_spec     (BasaltParamRow   *self);
/* Shows the process's value, unless its entry is being edited. */
void              basalt_param_row_show_value   (BasaltParamRow   *self,
                                                 const BslProcess *process);
/* The hint: the shape the value takes on the process, and its range under the tag. */
void              basalt_param_row_show_hint    (BasaltParamRow   *self,
                                                 const BslProcess *process,
                                                 BslTag            tag);
const char       *basalt_param_row_get_hint     (BasaltParamRow   *self);
/* message NULL: the value is accepted. */
void              basalt_param_row_set_error    (BasaltParamRow   *self,
                                                 const char       *message);
const char       *basalt_param_row_get_error    (BasaltParamRow   *self);
char             *basalt_param_row_dup_text     (BasaltParamRow   *self);
/* Types text into the entry followed by Enter; FALSE when the row has no entry or the value
 * is refused. */
gboolean          basalt_param_row_enter_text   (BasaltParamRow   *self,
                                                 const char       *text);
void              basalt_param_row_focus_editor (BasaltParamRow   *self);

G_END_DECLS
