/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "basalt-rule-fields.h"

/* Lava's bit-exact model (LearningConnectionModelBitApproximate) holds every impulse and tau
 * in an 8-bit Var; an impulse's fraction is kept in 1/256ths. */
#define FIXED_PT_LIMIT 255.0
/* The file reader's bound on whole numbers (exact in a double). */
#define WHOLE_LIMIT 9.0e15

const BasaltRuleField basalt_rule_fields[BASALT_RULE_N_FIELDS] = {
  { "learning_rate", BASALT_RULE_FIELD_STDP, 0, "Scale of every weight change" },
  { "A_plus", BASALT_RULE_FIELD_STDP, 1, "Weight change when a post-synaptic spike follows a pre-synaptic one" },
  { "A_minus", BASALT_RULE_FIELD_STDP, 2, "Weight change when a pre-synaptic spike follows a post-synaptic one" },
  { "tau_plus", BASALT_RULE_FIELD_STDP, 3, "Decay time constant of the pre-synaptic trace x1, in steps" },
  { "tau_minus", BASALT_RULE_FIELD_STDP, 4, "Decay time constant of the post-synaptic trace y1, in steps" },
  { "x1_impulse", BASALT_RULE_FIELD_IMPULSE, BSL_K_TRACE_X1, "Added to x1 at each pre-synaptic spike" },
  { "x1_tau", BASALT_RULE_FIELD_TAU, BSL_K_TRACE_X1, "Decay time constant of x1, in steps (0: no decay)" },
  { "x2_impulse", BASALT_RULE_FIELD_IMPULSE, BSL_K_TRACE_X2, "Added to x2 at each pre-synaptic spike" },
  { "x2_tau", BASALT_RULE_FIELD_TAU, BSL_K_TRACE_X2, "Decay time constant of x2, in steps (0: no decay)" },
  { "y1_impulse", BASALT_RULE_FIELD_IMPULSE, BSL_K_TRACE_Y1, "Added to y1 at each post-synaptic spike" },
  { "y1_tau", BASALT_RULE_FIELD_TAU, BSL_K_TRACE_Y1, "Decay time constant of y1, in steps (0: no decay)" },
  { "y2_impulse", BASALT_RULE_FIELD_IMPULSE, BSL_K_TRACE_Y2, "Added to y2 at each post-synaptic spike" },
  { "y2_tau", BASALT_RULE_FIELD_TAU, BSL_K_TRACE_Y2, "Decay time constant of y2, in steps (0: no decay)" },
  { "y3_impulse", BASALT_RULE_FIELD_IMPULSE, BSL_K_TRACE_Y3, "Added to y3 at each post-synaptic spike" },
  { "y3_tau", BASALT_RULE_FIELD_TAU, BSL_K_TRACE_Y3, "Decay time constant of y3, in steps (0: no decay)" },
  { "t_epoch", BASALT_RULE_FIELD_EPOCH, 0, "Steps per learning epoch: the rule applies at the end of each" },
  { "rng_seed", BASALT_RULE_FIELD_SEED, 0, "Seed of the stochastic rounding (empty: the run's seed)" },
};

static double *
stdp_argument (BslLearningRule *rule, int index)
{
  double *arguments[] = { &rule->learning_rate, &rule->a_plus, &rule->a_minus, &rule->tau_plus,
                          &rule->tau_minus };

  return arguments[index];
}

/* The shortest text that reads back as the same double. */
static char *
format_number (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  for (int digits = 6; digits < 17; digits++)
    {
      g_autofree char *format = g_strdup_printf ("%%.%dg", digits);

      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        return g_strdup (buffer);
    }
  return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value));
}

char *
basalt_rule_field_format (const BasaltRuleField *field, const BslLearningRule *rule)
{
  switch (field->kind)
    {
    case BASALT_RULE_FIELD_STDP:
      return format_number (*stdp_argument ((BslLearningRule *) rule, field->index));
    case BASALT_RULE_FIELD_IMPULSE:
      return format_number (rule->impulse[field->index]);
    case BASALT_RULE_FIELD_TAU:
      return format_number (rule->tau[field->index]);
    case BASALT_RULE_FIELD_EPOCH:
      return g_strdup_printf ("%" G_GINT64_FORMAT, rule->t_epoch);
    case BASALT_RULE_FIELD_SEED:
    default:
      return rule->has_rng_seed ? g_strdup_printf ("%" G_GINT64_FORMAT, rule->rng_seed) : g_strdup ("");
    }
}

gboolean
basalt_rule_field_applies (const BasaltRuleField *field, const BslLearningRule *rule)
{
  return field->kind != BASALT_RULE_FIELD_STDP || rule->kind == BSL_LEARNING_RULE_STDP;
}

gboolean
basalt_rule_field_editable (const BasaltRuleField *field, const BslLearningRule *rule)
{
  gboolean set_by_stdp = field->kind == BASALT_RULE_FIELD_TAU &&
                         (field->index == BSL_K_TRACE_X1 || field->index == BSL_K_TRACE_Y1);

  return basalt_rule_field_applies (field, rule) &&
         !(set_by_stdp && rule->kind == BSL_LEARNING_RULE_STDP);
}

static gboolean
parse_number (const char *text, double *value)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  char *end = NULL;

  if (*stripped == '\0')
    return FALSE;
  *value = g_ascii_strtod (stripped, &end);
  return end != NULL && *end == '\0' && isfinite (*value);
}

/* A trace's impulse or time constant: Lava refuses a negative one; fixed_pt holds it in 8 bits. */
static gboolean
check_trace_number (const BasaltRuleField *field, double value, gboolean fixed_pt, char **message)
{
  const char *noun = field->kind == BASALT_RULE_FIELD_IMPULSE ? "impulse" : "time constant";

  if (value < 0)
    *message = g_strdup_printf ("%s: Lava refuses a negative %s", field->name, noun);
  else if (fixed_pt && value > FIXED_PT_LIMIT)
    *message = g_strdup_printf ("%s: under fixed_pt at most 255 (Loihi 2 holds the %s in 8 bits), "
                                "not %g", field->name, noun, value);
  return *message == NULL;
}

static gboolean
check_whole (const BasaltRuleField *field, double value, double lowest, char **message)
{
  if (value != floor (value) || value < lowest || value > WHOLE_LIMIT)
    *message = g_strdup_printf ("%s: a whole number ≥ %g", field->name, lowest);
  return *message == NULL;
}

static void
store (const BasaltRuleField *field, double value, BslLearningRule *rule)
{
  switch (field->kind)
    {
    case BASALT_RULE_FIELD_STDP:
      *stdp_argument (rule, field->index) = value;
      /* STDPLoihi gives its taus to x1 and y1. */
      if (field->index == 3)
        rule->tau[BSL_K_TRACE_X1] = value;
      else if (field->index == 4)
        rule->tau[BSL_K_TRACE_Y1] = value;
      break;
    case BASALT_RULE_FIELD_IMPULSE:
      rule->impulse[field->index] = value;
      break;
    case BASALT_RULE_FIELD_TAU:
      rule->tau[field->index] = value;
      break;
    case BASALT_RULE_FIELD_EPOCH:
      rule->t_epoch = (gint64) value;
      break;
    case BASALT_RULE_FIELD_SEED:
    default:
      rule->rng_seed = (gint64) value;
      rule->has_rng_seed = TRUE;
      break;
    }
}

gboolean
basalt_rule_field_read (const BasaltRuleField *field,
                        const char            *text,
                        gboolean               fixed_pt,
                        BslLearningRule       *rule,
                        char                 **message)
{
  gboolean stdp_tau = field->kind == BASALT_RULE_FIELD_STDP && field->index >= 3;
  double value = 0;

  *message = NULL;
  if (field->kind == BASALT_RULE_FIELD_SEED && strspn (text, " \t") == strlen (text))
    {
      rule->has_rng_seed = FALSE;
      return TRUE;
    }
  if (!parse_number (text, &value))
    {
      *message = g_strdup_printf ("%s: '%s' is not a number", field->name, text);
      return FALSE;
    }
  if (field->kind == BASALT_RULE_FIELD_IMPULSE || field->kind == BASALT_RULE_FIELD_TAU || stdp_tau)
    {
      BasaltRuleField as_tau = { field->name, BASALT_RULE_FIELD_TAU, 0, NULL };

      if (!check_trace_number (stdp_tau ? &as_tau : field, value, fixed_pt, message))
        return FALSE;
    }
  else if (field->kind == BASALT_RULE_FIELD_EPOCH)
    {
      if (!check_whole (field, value, 1, message))
        return FALSE;
      if (value > 1000000)
        {
          *message = g_strdup_printf ("%s: at most 1000000 steps", field->name);
          return FALSE;
        }
    }
  else if (field->kind == BASALT_RULE_FIELD_SEED && !check_whole (field, value, 0, message))
    return FALSE;
  store (field, value, rule);
  return TRUE;
}
