/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "bsl-graph.h"
#include "bsl-learning-grammar.h"

G_BEGIN_DECLS

/* A plastic connection's rule, as Lava's rule objects hold it: Loihi2FLearningRule (dw, dd, dt
 * strings, trace impulses and time constants, t_epoch, rng_seed) or STDPLoihi, the same rule
 * written from learning_rate, A_plus, A_minus, tau_plus and tau_minus. */
typedef enum
{
  BSL_LEARNING_RULE_LOIHI_2F,   /* "Loihi2FLearningRule" */
  BSL_LEARNING_RULE_STDP,       /* "STDPLoihi" */
} BslLearningRuleKind;

typedef struct _BslLearningRule BslLearningRule;
struct _BslLearningRule
{
  BslLearningRuleKind kind;
  /* STDPLoihi's own arguments (its dw and x1/y1 taus follow from them). */
  double    learning_rate, a_plus, a_minus, tau_plus, tau_minus;
  /* Loihi2FLearningRule: dw, dd, dt (BSL_K_TARGET_* order), NULL when absent. */
  char     *text[BSL_K_N_TARGETS];
  double    impulse[BSL_K_N_TRACES], tau[BSL_K_N_TRACES];   /* x1 x2 y1 y2 y3 */
  gint64    t_epoch;
  gboolean  has_rng_seed;   /* without one, a run takes its seed from the run's seed */
  gint64    rng_seed;
};

/* The rule compiled for a run. */
typedef struct
{
  BslLearningSeries series[BSL_K_N_TARGETS];
  gboolean          active[BSL_K_N_TARGETS];
  int               decimate_exponent;      /* -1: no u<k> */
  gboolean          uses_dependency[3];     /* x0, y0, u */
} BslLearningProgram;

extern const char *const bsl_learning_target_names[BSL_K_N_TARGETS];  /* "dw", "dd", "dt" */
extern const char *const bsl_learning_trace_names[BSL_K_N_TRACES];    /* "x1", ..., "y3" */

/* STDPLoihi(learning_rate=0.25, A_plus=2, A_minus=-2, tau_plus=10, tau_minus=10, rng_seed=0). */
BslLearningRule *bsl_learning_rule_new_default (void);
BslLearningRule *bsl_learning_rule_copy        (const BslLearningRule *rule);
void             bsl_learning_rule_free        (BslLearningRule       *rule);
gboolean         bsl_learning_rule_equal       (const BslLearningRule *a,
                                                const BslLearningRule *b);

/* The file's "learning_rule" object: {"type": "STDPLoihi" | "Loihi2FLearningRule", <that class's
 * keyword arguments, as Lava names them>}. Refuses what Lava's constructor refuses. */
BslLearningRule *bsl_learning_rule_from_json   (JsonObject            *object,
                                                GError               **error);
JsonObject      *bsl_learning_rule_to_json     (const BslLearningRule *rule);
/* The Python expression that builds the same rule object in Lava. */
char            *bsl_learning_rule_to_python   (const BslLearningRule *rule);

/* The rule string of a target as Lava's rule object holds it (STDPLoihi writes its dw from its
 * arguments); NULL when the rule has none. Newly allocated. */
char            *bsl_learning_rule_dup_text    (const BslLearningRule *rule,
                                                int                    target);
/* Checks the rule as Lava's constructor does: at least one string, each readable (errors name
 * the string, the column and the reason), one u<k>, impulses and taus not negative,
 * t_epoch >= 1. */
gboolean         bsl_learning_rule_compile     (const BslLearningRule *rule,
                                                BslLearningProgram    *program,
                                                GError               **error);
void             bsl_learning_program_clear    (BslLearningProgram    *program);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BslLearningProgram, bsl_learning_program_clear)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslLearningRule, bsl_learning_rule_free)

G_END_DECLS
