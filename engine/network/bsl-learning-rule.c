/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-learning-rule.h"

const char *const bsl_learning_target_names[BSL_K_N_TARGETS] = { "dw", "dd", "dt" };
const char *const bsl_learning_trace_names[BSL_K_N_TRACES] = { "x1", "x2", "y1", "y2", "y3" };

static const char *const stdp_arguments[] = { "learning_rate", "A_plus", "A_minus", "tau_plus",
                                              "tau_minus" };
/* The traces STDPLoihi leaves to its caller (x1 and y1 take tau_plus and tau_minus). */
static const gboolean stdp_sets_tau[BSL_K_N_TRACES] = { TRUE, FALSE, TRUE, FALSE, FALSE };

BslLearningRule *
bsl_learning_rule_new_default (void)
{
  BslLearningRule *rule = g_new0 (BslLearningRule, 1);

  rule->kind = BSL_LEARNING_RULE_STDP;
  rule->learning_rate = 0.25;
  rule->a_plus = 2;
  rule->a_minus = -2;
  rule->tau_plus = rule->tau[BSL_K_TRACE_X1] = 10;
  rule->tau_minus = rule->tau[BSL_K_TRACE_Y1] = 10;
  rule->impulse[BSL_K_TRACE_X1] = rule->impulse[BSL_K_TRACE_Y1] = 16;
  rule->t_epoch = 1;
  rule->has_rng_seed = TRUE;
  return rule;
}

BslLearningRule *
bsl_learning_rule_copy (const BslLearningRule *rule)
{
  BslLearningRule *copy = g_memdup2 (rule, sizeof *rule);

  for (int k = 0; k < BSL_K_N_TARGETS; k++)
    copy->text[k] = g_strdup (rule->text[k]);
  return copy;
}

void
bsl_learning_rule_free (BslLearningRule *rule)
{
  if (rule == NULL)
    return;
  for (int k = 0; k < BSL_K_N_TARGETS; k++)
    g_free (rule->text[k]);
  g_free (rule);
}

gboolean
bsl_learning_rule_equal (const BslLearningRule *a, const BslLearningRule *b)
{
  g_autoptr(JsonObject) ja = bsl_learning_rule_to_json (a);
  g_autoptr(JsonObject) jb = bsl_learning_rule_to_json (b);
  g_autoptr(JsonNode) na = json_node_init_object (json_node_alloc (), ja);
  g_autoptr(JsonNode) nb = json_node_init_object (json_node_alloc (), jb);

  return json_node_equal (na, nb);
}

/* Lava's float_to_literal: a number as "(m)" or "(m) * 2 ^ e". */
static char *
float_to_literal (double value)
{
  double magnitude = fabs (value), remainder;
  gint64 mantissa, sign = value > 0 ? 1 : -1;

  if (value == 0)
    return g_strdup ("0");
  mantissa = MAX ((gint64) magnitude, 1);
  remainder = magnitude / (double) mantissa;
  if (remainder == 1)
    return g_strdup_printf ("(%" G_GINT64_FORMAT ")", sign * mantissa);
  return g_strdup_printf ("(%" G_GINT64_FORMAT ") * 2 ^ %d", sign * mantissa,
                          (int) nearbyint (log2 (remainder)));
}

char *
bsl_learning_rule_dup_text (const BslLearningRule *rule, int target)
{
  if (rule->kind == BSL_LEARNING_RULE_STDP)
    {
      g_autofree char *rate = NULL, *plus = NULL, *minus = NULL;

      if (target != BSL_K_TARGET_W)
        return NULL;
      rate = float_to_literal (rule->learning_rate);
      plus = float_to_literal (rule->a_plus);
      minus = float_to_literal (rule->a_minus);
      return g_strdup_printf ("%s * %s * x0 * y1 +%s * %s * y0 * x1", rate, minus, rate, plus);
    }
  return g_strdup (rule->text[target]);
}

/* ---- JSON ---- */

static gboolean
read_number (JsonObject *object, const char *key, double *value, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) == G_TYPE_STRING ||
      json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "\"%s\" must be a number", key);
      return FALSE;
    }
  *value = json_node_get_double (node);
  if (!isfinite (*value))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "\"%s\" must be a finite number", key);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_integer (JsonObject *object, const char *key, gint64 *value, gboolean *present, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);
  double x = 0;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!read_number (object, key, &x, error))
    return FALSE;
  if (x != floor (x) || fabs (x) > 9.0e15)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "\"%s\" must be a whole number", key);
      return FALSE;
    }
  *value = (gint64) x;
  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

static gboolean
key_known (const char *key, BslLearningRuleKind kind)
{
  static const char *const common[] = { "type", "x2_impulse", "x2_tau", "y2_impulse", "y2_tau",
                                        "y3_impulse", "y3_tau", "t_epoch", "rng_seed",
                                        "x1_impulse", "y1_impulse" };
  static const char *const loihi_only[] = { "dw", "dd", "dt", "x1_tau", "y1_tau" };

  for (guint k = 0; k < G_N_ELEMENTS (common); k++)
    if (strcmp (key, common[k]) == 0)
      return TRUE;
  for (guint k = 0; k < G_N_ELEMENTS (loihi_only); k++)
    if (kind == BSL_LEARNING_RULE_LOIHI_2F && strcmp (key, loihi_only[k]) == 0)
      return TRUE;
  for (guint k = 0; k < G_N_ELEMENTS (stdp_arguments); k++)
    if (kind == BSL_LEARNING_RULE_STDP && strcmp (key, stdp_arguments[k]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
read_strings (JsonObject *object, BslLearningRule *rule, GError **error)
{
  for (int k = 0; k < BSL_K_N_TARGETS; k++)
    {
      JsonNode *node = json_object_get_member (object, bsl_learning_target_names[k]);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "\"%s\" must be a string",
                       bsl_learning_target_names[k]);
          return FALSE;
        }
      rule->text[k] = g_strdup (json_node_get_string (node));
    }
  return TRUE;
}

static gboolean
read_stdp_arguments (JsonObject *object, BslLearningRule *rule, GError **error)
{
  double *fields[] = { &rule->learning_rate, &rule->a_plus, &rule->a_minus, &rule->tau_plus,
                       &rule->tau_minus };

  for (guint k = 0; k < G_N_ELEMENTS (stdp_arguments); k++)
    {
      if (!json_object_has_member (object, stdp_arguments[k]))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "STDPLoihi needs \"%s\"",
                       stdp_arguments[k]);
          return FALSE;
        }
      if (!read_number (object, stdp_arguments[k], fields[k], error))
        return FALSE;
    }
  rule->tau[BSL_K_TRACE_X1] = rule->tau_plus;
  rule->tau[BSL_K_TRACE_Y1] = rule->tau_minus;
  rule->impulse[BSL_K_TRACE_X1] = rule->impulse[BSL_K_TRACE_Y1] = 16;
  return TRUE;
}

BslLearningRule *
bsl_learning_rule_from_json (JsonObject *object, GError **error)
{
  g_autoptr(BslLearningRule) rule = g_new0 (BslLearningRule, 1);
  g_autoptr(GList) keys = json_object_get_members (object);
  const char *type = json_object_get_string_member_with_default (object, "type", NULL);

  if (g_strcmp0 (type, "STDPLoihi") == 0)
    rule->kind = BSL_LEARNING_RULE_STDP;
  else if (g_strcmp0 (type, "Loihi2FLearningRule") == 0)
    rule->kind = BSL_LEARNING_RULE_LOIHI_2F;
  else
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "\"type\" must be \"STDPLoihi\" or \"Loihi2FLearningRule\"");
      return NULL;
    }
  for (GList *l = keys; l != NULL; l = l->next)
    if (!key_known (l->data, rule->kind))
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM, "%s has no argument '%s'", type,
                     (char *) l->data);
        return NULL;
      }
  rule->t_epoch = 1;
  if (rule->kind == BSL_LEARNING_RULE_STDP ? !read_stdp_arguments (object, rule, error)
                                           : !read_strings (object, rule, error))
    return NULL;
  for (int k = 0; k < BSL_K_N_TRACES; k++)
    {
      g_autofree char *impulse = g_strdup_printf ("%s_impulse", bsl_learning_trace_names[k]);
      g_autofree char *tau = g_strdup_printf ("%s_tau", bsl_learning_trace_names[k]);

      if (!read_number (object, impulse, &rule->impulse[k], error) ||
          !read_number (object, tau, &rule->tau[k], error))
        return NULL;
    }
  if (!read_integer (object, "t_epoch", &rule->t_epoch, NULL, error) ||
      !read_integer (object, "rng_seed", &rule->rng_seed, &rule->has_rng_seed, error))
    return NULL;
  return g_steal_pointer (&rule);
}

JsonObject *
bsl_learning_rule_to_json (const BslLearningRule *rule)
{
  JsonObject *object = json_object_new ();
  gboolean stdp = rule->kind == BSL_LEARNING_RULE_STDP;

  json_object_set_string_member (object, "type", stdp ? "STDPLoihi" : "Loihi2FLearningRule");
  if (stdp)
    {
      const double values[] = { rule->learning_rate, rule->a_plus, rule->a_minus, rule->tau_plus,
                                rule->tau_minus };
      for (guint k = 0; k < G_N_ELEMENTS (stdp_arguments); k++)
        json_object_set_double_member (object, stdp_arguments[k], values[k]);
    }
  else
    for (int k = 0; k < BSL_K_N_TARGETS; k++)
      if (rule->text[k] != NULL)
        json_object_set_string_member (object, bsl_learning_target_names[k], rule->text[k]);
  for (int k = 0; k < BSL_K_N_TRACES; k++)
    {
      g_autofree char *impulse = g_strdup_printf ("%s_impulse", bsl_learning_trace_names[k]);
      g_autofree char *tau = g_strdup_printf ("%s_tau", bsl_learning_trace_names[k]);

      json_object_set_double_member (object, impulse, rule->impulse[k]);
      if (!(stdp && stdp_sets_tau[k]))
        json_object_set_double_member (object, tau, rule->tau[k]);
    }
  json_object_set_int_member (object, "t_epoch", rule->t_epoch);
  if (rule->has_rng_seed)
    json_object_set_int_member (object, "rng_seed", rule->rng_seed);
  return object;
}

static void
append_python_number (GString *out, const char *key, double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, ", %s=%s", key, g_ascii_dtostr (buffer, sizeof buffer, value));
}

/* A string as a Python literal ('...' with backslashes and quotes escaped). */
static void
append_python_string (GString *out, const char *text)
{
  g_string_append_c (out, '\'');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '\'')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
}

char *
bsl_learning_rule_to_python (const BslLearningRule *rule)
{
  GString *out = g_string_new (NULL);
  gboolean stdp = rule->kind == BSL_LEARNING_RULE_STDP;

  if (stdp)
    {
      const double values[] = { rule->learning_rate, rule->a_plus, rule->a_minus, rule->tau_plus,
                                rule->tau_minus };
      g_string_append (out, "STDPLoihi(");
      for (guint k = 0; k < G_N_ELEMENTS (stdp_arguments); k++)
        append_python_number (out, stdp_arguments[k], values[k]);
      g_string_erase (out, strlen ("STDPLoihi("), 2);
    }
  else
    {
      gboolean first = TRUE;
      g_string_append (out, "Loihi2FLearningRule(");
      for (int k = 0; k < BSL_K_N_TARGETS; k++)
        if (rule->text[k] != NULL)
          {
            g_string_append_printf (out, "%s%s=", first ? "" : ", ", bsl_learning_target_names[k]);
            append_python_string (out, rule->text[k]);
            first = FALSE;
          }
    }
  for (int k = 0; k < BSL_K_N_TRACES; k++)
    {
      g_autofree char *impulse = g_strdup_printf ("%s_impulse", bsl_learning_trace_names[k]);
      g_autofree char *tau = g_strdup_printf ("%s_tau", bsl_learning_trace_names[k]);

      append_python_number (out, impulse, rule->impulse[k]);
      if (!(stdp && stdp_sets_tau[k]))
        append_python_number (out, tau, rule->tau[k]);
    }
  g_string_append_printf (out, ", t_epoch=%" G_GINT64_FORMAT, rule->t_epoch);
  if (rule->has_rng_seed)
    g_string_append_printf (out, ", rng_seed=%" G_GINT64_FORMAT, rule->rng_seed);
  g_string_append_c (out, ')');
  return g_string_free (out, FALSE);
}

/* ---- compiling ---- */

/* Lava's check over all strings: the k of every u<k> is the same (its first digit counts). */
static gboolean
check_decimate (const BslLearningRule *rule, int *exponent, GError **error)
{
  *exponent = -1;
  for (int k = 0; k < BSL_K_N_TARGETS; k++)
    {
      g_autofree char *text = bsl_learning_rule_dup_text (rule, k);

      for (const char *p = text; p != NULL && *p != '\0'; p++)
        if (p[0] == 'u' && g_ascii_isdigit (p[1]))
          {
            if (*exponent >= 0 && *exponent != p[1] - '0')
              {
                g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                             "dw, dd and dt cannot hold u<k> with different k");
                return FALSE;
              }
            *exponent = p[1] - '0';
          }
    }
  return TRUE;
}

static gboolean
check_numbers (const BslLearningRule *rule, GError **error)
{
  for (int k = 0; k < BSL_K_N_TRACES; k++)
    {
      if (rule->impulse[k] < 0)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "%s_impulse cannot be negative",
                       bsl_learning_trace_names[k]);
          return FALSE;
        }
      if (rule->tau[k] < 0)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "%s_tau cannot be negative",
                       bsl_learning_trace_names[k]);
          return FALSE;
        }
    }
  if (rule->t_epoch < 1 || rule->t_epoch > 1000000)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "t_epoch must be at least 1 (and at most "
                   "1000000), not %" G_GINT64_FORMAT, rule->t_epoch);
      return FALSE;
    }
  if (rule->has_rng_seed && rule->rng_seed < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "rng_seed cannot be negative");
      return FALSE;
    }
  return TRUE;
}

gboolean
bsl_learning_rule_compile (const BslLearningRule *rule, BslLearningProgram *program, GError **error)
{
  int n_active = 0;

  g_return_val_if_fail (rule != NULL, FALSE);

  memset (program, 0, sizeof *program);
  for (int k = 0; k < BSL_K_N_TARGETS; k++)
    {
      g_autofree char *text = bsl_learning_rule_dup_text (rule, k);
      g_autoptr(GError) local_error = NULL;

      if (text == NULL)
        continue;
      if (!bsl_learning_series_parse (text, &program->series[k], &local_error))
        {
          g_set_error (error, BSL_ERROR, local_error->code, "%s: %s",
                       bsl_learning_target_names[k], local_error->message);
          bsl_learning_program_clear (program);
          return FALSE;
        }
      program->active[k] = TRUE;
      n_active++;
      for (int p = 0; p < program->series[k].n_products; p++)
        program->uses_dependency[bsl_k_dep_index (program->series[k].products[p].dependency)] = TRUE;
    }
  if (n_active == 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "no learning rule: give at least one of dw, "
                   "dd and dt");
      return FALSE;
    }
  if (!check_decimate (rule, &program->decimate_exponent, error) || !check_numbers (rule, error))
    {
      bsl_learning_program_clear (program);
      return FALSE;
    }
  return TRUE;
}

void
bsl_learning_program_clear (BslLearningProgram *program)
{
  for (int k = 0; k < BSL_K_N_TARGETS; k++)
    bsl_learning_series_clear (&program->series[k]);
}

/* ---- the rule of a process ---- */

const BslLearningRule *
bsl_process_get_learning_rule (const BslProcess *process)
{
  return process->learning_rule;
}

gboolean
bsl_process_set_learning_rule (BslProcess *process, const BslLearningRule *rule, GError **error)
{
  BslLearningProgram program;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (process != NULL, FALSE);

  if (!bsl_proc_type_is_plastic (process->type))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                   "process '%s' (%s) has no learning rule: only a LearningDense learns",
                   process->name, process->type->name);
      return FALSE;
    }
  if (!bsl_learning_rule_compile (rule, &program, &local_error))
    {
      g_set_error (error, BSL_ERROR, local_error->code, "process '%s' (%s): learning_rule: %s",
                   process->name, process->type->name, local_error->message);
      return FALSE;
    }
  bsl_learning_program_clear (&program);
  bsl_learning_rule_free (process->learning_rule);
  process->learning_rule = bsl_learning_rule_copy (rule);
  return TRUE;
}
