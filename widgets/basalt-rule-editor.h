/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bsl-learning-rule.h"

G_BEGIN_DECLS

#define BASALT_TYPE_RULE_EDITOR (basalt_rule_editor_get_type ())

G_DECLARE_FINAL_TYPE (BasaltRuleEditor, basalt_rule_editor, BASALT, RULE_EDITOR, GtkWidget)

/* The learning rule of a plastic connection: presets, the dw, dd, dt strings and the numbers
 * (trace impulses and taus, t_epoch, rng_seed, STDPLoihi's arguments). A rule that
 * Lava would refuse is not requested: the message shows under the strings and the faulty
 * character is marked in its string. A checked rule is requested by activating
 * "graph.set-learning-rule" with the name of the process (the "process" property) and the rule
 * (BASALT_VARIANT_TYPE_LEARNING_RULE). */
GtkWidget   *basalt_rule_editor_new           (void);
/* The plastic connection whose rule this is. */
void         basalt_rule_editor_set_process   (BasaltRuleEditor      *self,
                                               const char            *process);
const char  *basalt_rule_editor_get_process   (BasaltRuleEditor      *self);
/* Shows a rule (copied). */
void         basalt_rule_editor_set_rule      (BasaltRuleEditor      *self,
                                               const BslLearningRule *rule);
/* What Apply (or Enter in any field) does: checks the strings and numbers and requests the rule
 * when it changed; FALSE when something is refused (each number's message shows under it). */
gboolean     basalt_rule_editor_apply         (BasaltRuleEditor      *self);
/* What choosing a preset does (1: STDP, 2: pair-based strings, 3: Hebbian with decay). */
gboolean     basalt_rule_editor_choose_preset (BasaltRuleEditor      *self,
                                               guint                  preset);
/* The entry of dw, dd or dt (BSL_K_TARGET_*), and the error shown (NULL when none). */
GtkEditable *basalt_rule_editor_get_entry     (BasaltRuleEditor      *self,
                                               int                    target);
const char  *basalt_rule_editor_get_error     (BasaltRuleEditor      *self);
/* Under fixed_pt the numbers are checked against the widths Loihi 2 holds them in. */
void         basalt_rule_editor_set_fixed_pt  (BasaltRuleEditor      *self,
                                               gboolean               fixed_pt);
/* The entry of a number by its keyword argument ("x1_tau", "t_epoch", "A_plus", ...), and the
 * message shown under it (NULL when none). */
GtkEditable *basalt_rule_editor_get_field       (BasaltRuleEditor *self,
                                                 const char       *name);
const char  *basalt_rule_editor_get_field_error (BasaltRuleEditor *self,
                                                 const char       *name);

G_END_DECLS
