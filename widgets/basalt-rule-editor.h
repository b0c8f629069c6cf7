/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bsl-learning-rule.h"

G_BEGIN_DECLS

#define BASALT_TYPE_RULE_EDITOR (basalt_rule_editor_get_type ())

G_DECLARE_FINAL_TYPE (BasaltRuleEditor, basalt_rule_editor, BASALT, RULE_EDITOR, GtkWidget)

/* The learning rule of a plastic connection: presets and the dw, dd, dt strings. A rule that
 * Lava would refuse is not requested: the message shows under the strings and the faulty
 * character is marked in its string.
 *
 * Signals:
 *   rule-requested (gpointer BslLearningRule *rule)   a checked rule to apply (borrowed) */
GtkWidget   *basalt_rule_editor_new           (void);
/* Shows a rule (copied). */
void         basalt_rule_editor_set_rule      (BasaltRuleEditor      *self,
                                               const BslLearningRule *rule);
/* What Apply does: checks the strings and requests the rule; FALSE when they are refused. */
gboolean     basalt_rule_editor_apply         (BasaltRuleEditor      *self);
/* What choosing a preset does (1: STDP, 2: pair-based strings, 3: Hebbian with decay). */
gboolean     basalt_rule_editor_choose_preset (BasaltRuleEditor      *self,
                                               guint                  preset);
/* The entry of dw, dd or dt (BSL_K_TARGET_*), and the error shown (NULL when none). */
GtkEditable *basalt_rule_editor_get_entry     (BasaltRuleEditor      *self,
                                               int                    target);
const char  *basalt_rule_editor_get_error     (BasaltRuleEditor      *self);

G_END_DECLS
