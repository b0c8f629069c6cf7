/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bsl-learning-rule.h"

G_BEGIN_DECLS

/* The numbers of a learning rule as the rule editor shows them, one field per keyword argument
 * of Lava's rule classes: STDPLoihi's own five, the trace impulses and taus, t_epoch and
 * rng_seed. */
typedef enum
{
  BASALT_RULE_FIELD_STDP,      /* index: learning_rate, A_plus, A_minus, tau_plus, tau_minus */
  BASALT_RULE_FIELD_IMPULSE,   /* index: a trace, BSL_K_TRACE_* */
  BASALT_RULE_FIELD_TAU,
  BASALT_RULE_FIELD_EPOCH,
  BASALT_RULE_FIELD_SEED,
} BasaltRuleFieldKind;

typedef struct
{
  const char          *name;      /* the keyword argument, e.g. "x1_tau" */
  BasaltRuleFieldKind  kind;
  int                  index;
  const char          *tooltip;
} BasaltRuleField;

#define BASALT_RULE_N_FIELDS 17

extern const BasaltRuleField basalt_rule_fields[BASALT_RULE_N_FIELDS];

/* The field's value in the rule, as text ("" for a rule without rng_seed). Newly allocated. */
char     *basalt_rule_field_format  (const BasaltRuleField *field,
                                     const BslLearningRule *rule);
/* Reads the text into the rule (an STDPLoihi's tau_plus also sets x1_tau, as Lava does).
 * FALSE with a message for the user when the text is no number or out of the range Lava
 * accepts (under fixed_pt: the range of the 8-bit Vars Lava's bit-exact model holds it in). */
gboolean  basalt_rule_field_read    (const BasaltRuleField *field,
                                     const char            *text,
                                     gboolean               fixed_pt,
                                     BslLearningRule       *rule,
                                     char                 **message);
/* Whether the field belongs to the rule's class (STDPLoihi's own arguments only to it), and
 * whether it can be edited (an STDPLoihi sets x1_tau and y1_tau from tau_plus and tau_minus). */
gboolean  basalt_rule_field_applies (const BasaltRuleField *field,
                                     const BslLearningRule *rule);
gboolean  basalt_rule_field_editable (const BasaltRuleField *field,
                                      const BslLearningRule *rule);

G_END_DECLS
