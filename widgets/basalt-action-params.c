/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "basalt-action-params.h"

GVariant *
basalt_variant_new_param_value (const BslArray *value)
{
  g_autofree char *init = NULL;
  guint64 dims[BSL_MAX_DIMS];
  GVariant *array;

  if (value == NULL)
    return g_variant_new_maybe (G_VARIANT_TYPE ("(atadms)"), NULL);

  for (guint i = 0; i < value->ndim; i++)
    dims[i] = value->dims[i];
  if (value->init != NULL)
    init = json_to_string (value->init, FALSE);
  array = g_variant_new ("(@at@adms)",
                         g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, dims, value->ndim,
                                                    sizeof (guint64)),
                         g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, value->data, value->n,
                                                    sizeof (double)),
                         init);
  return g_variant_new_maybe (NULL, array);
}

BslArray *
basalt_variant_dup_param_value (GVariant *variant)
{
  g_autoptr(GVariant) array = NULL;
  g_autoptr(GVariant) shape = NULL;
  g_autoptr(GVariant) elements = NULL;
  g_autofree char *init = NULL;
  const guint64 *dims;
  const double *data;
  gsize ndim, n;
  gsize sizes[BSL_MAX_DIMS] = { 0 };
  BslArray *value;

  g_return_val_if_fail (g_variant_is_of_type (variant, G_VARIANT_TYPE (BASALT_VARIANT_TYPE_PARAM_VALUE)),
                        NULL);

  array = g_variant_get_maybe (variant);
  if (array == NULL)
    return NULL;

  g_variant_get (array, "(@at@adms)", &shape, &elements, &init);
  dims = g_variant_get_fixed_array (shape, &ndim, sizeof (guint64));
  data = g_variant_get_fixed_array (elements, &n, sizeof (double));
  ndim = MIN (ndim, BSL_MAX_DIMS);
  for (gsize i = 0; i < ndim; i++)
    sizes[i] = (gsize) dims[i];
  value = bsl_array_new ((guint) ndim, sizes);
  if (n > 0 && value->n > 0)
    memcpy (value->data, data, MIN (n, value->n) * sizeof (double));
  if (init != NULL)
    value->init = json_from_string (init, NULL);
  return value;
}

GVariant *
basalt_variant_new_equations (const BslEquationsText *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  return g_variant_new (BASALT_VARIANT_TYPE_EQUATIONS, text->model, text->threshold, text->reset,
                        text->refractory, text->input, text->method);
}

void
basalt_variant_get_equations (GVariant         *variant,
                              BslEquationsText *text)
{
  g_return_if_fail (g_variant_is_of_type (variant, G_VARIANT_TYPE (BASALT_VARIANT_TYPE_EQUATIONS)));
  g_return_if_fail (text != NULL);

  g_variant_get (variant, "(m&sm&sm&sm&sm&sm&s)", &text->model, &text->threshold, &text->reset,
                 &text->refractory, &text->input, &text->method);
  text->tables = NULL;  /* the process keeps its own */
}

GVariant *
basalt_variant_new_learning_rule (const BslLearningRule *rule)
{
  GVariantBuilder texts;

  g_return_val_if_fail (rule != NULL, NULL);

  g_variant_builder_init (&texts, G_VARIANT_TYPE ("ams"));
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    g_variant_builder_add (&texts, "ms", rule->text[target]);
  return g_variant_new ("(udddddams@ad@adxbx)", (guint32) rule->kind, rule->learning_rate,
                        rule->a_plus, rule->a_minus, rule->tau_plus, rule->tau_minus, &texts,
                        g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, rule->impulse, BSL_K_N_TRACES,
                                                   sizeof (double)),
                        g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, rule->tau, BSL_K_N_TRACES,
                                                   sizeof (double)),
                        rule->t_epoch, rule->has_rng_seed, rule->rng_seed);
}

/* A rule is plain data (bsl_learning_rule_free frees its strings and itself), so one is built
 * field by field. */
BslLearningRule *
basalt_variant_dup_learning_rule (GVariant *variant)
{
  g_autoptr(GVariant) texts = NULL;
  g_autoptr(GVariant) impulses = NULL;
  g_autoptr(GVariant) taus = NULL;
  BslLearningRule *rule;
  const double *values;
  guint32 kind;
  gsize n;

  g_return_val_if_fail (g_variant_is_of_type (variant, G_VARIANT_TYPE (BASALT_VARIANT_TYPE_LEARNING_RULE)),
                        NULL);

  rule = g_new0 (BslLearningRule, 1);
  g_variant_get (variant, "(uddddd@ams@ad@adxbx)", &kind, &rule->learning_rate, &rule->a_plus, &rule->a_minus,
                 &rule->tau_plus, &rule->tau_minus, &texts, &impulses, &taus, &rule->t_epoch,
                 &rule->has_rng_seed, &rule->rng_seed);
  rule->kind = (BslLearningRuleKind) kind;
  for (gsize target = 0; target < MIN (g_variant_n_children (texts), BSL_K_N_TARGETS); target++)
    g_variant_get_child (texts, target, "ms", &rule->text[target]);
  values = g_variant_get_fixed_array (impulses, &n, sizeof (double));
  for (gsize k = 0; k < MIN (n, BSL_K_N_TRACES); k++)
    rule->impulse[k] = values[k];
  values = g_variant_get_fixed_array (taus, &n, sizeof (double));
  for (gsize k = 0; k < MIN (n, BSL_K_N_TRACES); k++)
    rule->tau[k] = values[k];
  return rule;
}
