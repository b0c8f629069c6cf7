/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-equations-templates.h"
#include "bsl-error.h"
#include "bsl-model.h"
#include "equations/bsl-equations.h"

typedef struct
{
  BslProcType      type;        /* first, so that a BslProcType* is one of these */
  gatomicrefcount  ref_count;
  BslEquations    *equations;
  BslVarSpec      *vars;
  GPtrArray       *strings;     /* names, descriptions and units the specs point to */
  char            *model, *threshold, *reset, *refractory, *input, *method;
} EquationsType;

static const BslPortSpec equations_ports[] = {
  { "a_in", BSL_PORT_IN, BSL_PORT_SHAPE_POPULATION, "Input, added to the input variable each step" },
  { "s_out", BSL_PORT_OUT, BSL_PORT_SHAPE_POPULATION, "Spikes" },
};

static const BslModel equations_float_model;

/* The template in the registry: a fresh process gets the default equations. */
const BslProcType bsl_proc_type_equations = {
  .name = "Equations",
  .description = "Neurons defined by differential equations in Brian2's syntax (floating_pt)",
  .category = BSL_CATEGORY_NEURONS,
  .shape_kind = BSL_SHAPE_KIND_VECTOR,
  .default_dims = { 1, 0 },
  .vars = NULL, .n_vars = 0,
  .ports = equations_ports, .n_ports = G_N_ELEMENTS (equations_ports),
  .models = { &equations_float_model, NULL },
};

gboolean
bsl_proc_type_is_equations (const BslProcType *type)
{
  return type != NULL && type->models[BSL_TAG_FLOATING_PT] == &equations_float_model;
}

static EquationsType *
as_equations (const BslProcType *type)
{
  if (!bsl_proc_type_is_equations (type) || type == &bsl_proc_type_equations)
    return NULL;
  return (EquationsType *) type;
}

BslEquations *
bsl_proc_type_get_compiled_equations (const BslProcType *type)
{
  EquationsType *et = as_equations (type);

  return et != NULL ? et->equations : NULL;
}

const BslProcType *
bsl_proc_type_ref (const BslProcType *type)
{
  EquationsType *et = as_equations (type);

  if (et != NULL)
    g_atomic_ref_count_inc (&et->ref_count);
  return type;
}

void
bsl_proc_type_unref (const BslProcType *type)
{
  EquationsType *et = as_equations (type);

  if (et == NULL || !g_atomic_ref_count_dec (&et->ref_count))
    return;
  bsl_equations_unref (et->equations);
  g_free (et->vars);
  g_ptr_array_unref (et->strings);
  g_free (et->model);
  g_free (et->threshold);
  g_free (et->reset);
  g_free (et->refractory);
  g_free (et->input);
  g_free (et->method);
  g_free (et);
}

const BslEquationsText *
bsl_equations_default_text (void)
{
  guint n_templates;

  return &bsl_equations_templates (&n_templates)[0].text;
}

gboolean
bsl_process_get_equations (const BslProcess *process,
                           BslEquationsText *text)
{
  EquationsType *et = as_equations (process->type);

  if (et == NULL)
    return FALSE;
  text->model = et->model;
  text->threshold = et->threshold;
  text->reset = et->reset;
  text->refractory = et->refractory;
  text->input = et->input;
  text->method = et->method;
  return TRUE;
}

static const char *
keep (EquationsType *et, char *text)
{
  g_ptr_array_add (et->strings, text);
  return text;
}

static EquationsType *
equations_type_new (BslEquations *eq, const BslEquationsText *text)
{
  EquationsType *et = g_new0 (EquationsType, 1);
  guint n_states = bsl_equations_get_n_states (eq), n_params = bsl_equations_get_n_params (eq);
  guint n = 0;

  g_atomic_ref_count_init (&et->ref_count);
  et->equations = eq;
  et->strings = g_ptr_array_new_with_free_func (g_free);
  et->vars = g_new0 (BslVarSpec, n_states + n_params + 2);
  for (guint i = 0; i < n_states; i++)
    {
      BslVarSpec *v = &et->vars[n++];
      v->name = keep (et, g_strdup (bsl_equations_get_state_name (eq, i)));
      v->description = keep (et, g_strdup_printf ("State variable (%s)", bsl_equations_get_state_unit (eq, i)));
      v->unit = keep (et, g_strdup (bsl_equations_get_state_unit (eq, i)));
      v->shape = BSL_SHAPE_POPULATION;
      v->flags = BSL_VAR_STATE | BSL_VAR_BROADCAST;
      v->default_value = 0;
      v->fixed_min = v->float_min = -INFINITY;
      v->fixed_max = v->float_max = INFINITY;
    }
  for (guint i = 0; i < n_params; i++)
    {
      BslVarSpec *v = &et->vars[n++];
      v->name = keep (et, g_strdup (bsl_equations_get_param_name (eq, i)));
      v->description = keep (et, g_strdup_printf ("Parameter (%s)", bsl_equations_get_param_unit (eq, i)));
      v->unit = keep (et, g_strdup (bsl_equations_get_param_unit (eq, i)));
      v->shape = BSL_SHAPE_POPULATION;
      v->flags = BSL_VAR_BROADCAST;
      /* No default: every parameter must be given a value (checked before a run). */
      v->default_value = NAN;
      v->fixed_min = v->float_min = -INFINITY;
      v->fixed_max = v->float_max = INFINITY;
    }
  et->vars[n++] = (BslVarSpec) { "dt", "Time step of one Basalt step", BSL_SHAPE_SCALAR, 0, 1e-4,
                                 1e-9, 10, 1e-9, 10, "second", NULL };
  et->vars[n++] = (BslVarSpec) { "last_spike_step", "Step of the last spike (state)",
                                 BSL_SHAPE_POPULATION,
                                 BSL_VAR_STATE | BSL_VAR_BROADCAST | BSL_VAR_HIDDEN,
                                 BSL_EQUATIONS_NEVER, -INFINITY, INFINITY, -INFINITY, INFINITY,
                                 "step", NULL };

  et->type = bsl_proc_type_equations;
  et->type.vars = et->vars;
  et->type.n_vars = n;
  et->model = g_strdup (text->model);
  et->threshold = g_strdup (text->threshold != NULL ? text->threshold : "");
  et->reset = g_strdup (text->reset != NULL ? text->reset : "");
  et->refractory = g_strdup (text->refractory != NULL ? text->refractory : "");
  et->input = g_strdup (text->input != NULL ? text->input : "");
  et->method = g_strdup (text->method != NULL ? text->method : "euler");
  return et;
}

gboolean
bsl_process_set_equations (BslProcess              *process,
                           const BslEquationsText  *text,
                           GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  BslEquations *eq;
  EquationsType *et;
  GHashTableIter iter;
  gpointer key, value;

  if (!bsl_proc_type_is_equations (process->type))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "process '%s' (%s) is not defined by equations", process->name,
                   process->type->name);
      return FALSE;
    }
  eq = bsl_equations_new (text->model, text->threshold, text->reset, text->refractory,
                          text->input, &local_error);
  if (eq != NULL && text->method != NULL && *text->method != '\0' &&
      !bsl_equations_set_method (eq, text->method, &local_error))
    g_clear_pointer (&eq, bsl_equations_unref);
  if (eq == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s' (Equations): %s",
                   process->name, local_error->message);
      return FALSE;
    }

  et = equations_type_new (eq, text);
  /* Keep the values of Vars that still exist with a shape that fits. */
  g_hash_table_iter_init (&iter, process->params);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (bsl_proc_type_find_var (&et->type, key) == NULL)
      g_hash_table_iter_remove (&iter);
  bsl_proc_type_unref (process->type);
  process->type = &et->type;
  return TRUE;
}

/* ---------------- the model ---------------- */

typedef struct
{
  guint n_states, n_params, dt_var, last_spike_var;
} EquationsLayout;

static gboolean
equations_prepare (BslProcRuntime *pr, GError **error)
{
  EquationsType *et = as_equations (pr->type);
  EquationsLayout *layout;

  if (et == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s' (Equations) has no equations",
                   pr->name);
      return FALSE;
    }
  layout = g_new0 (EquationsLayout, 1);
  layout->n_states = bsl_equations_get_n_states (et->equations);
  layout->n_params = bsl_equations_get_n_params (et->equations);
  layout->dt_var = layout->n_states + layout->n_params;
  layout->last_spike_var = layout->dt_var + 1;
  pr->priv = layout;
  return TRUE;
}

static void
equations_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  EquationsType *et = as_equations (pr->type);
  EquationsLayout *layout = pr->priv;
  double **states = g_newa (double *, layout->n_states + 1);
  double **params = g_newa (double *, layout->n_params + 1);

  for (guint i = 0; i < layout->n_states; i++)
    states[i] = pr->vars[i].f + begin;
  for (guint i = 0; i < layout->n_params; i++)
    params[i] = pr->vars[layout->n_states + i].f + begin;
  /* Step t (from 1) integrates from (t - 1) dt to t dt. */
  bsl_equations_step (et->equations, end - begin, pr->vars[layout->dt_var].f[0], t - 1, states,
                      params, pr->ports[0].f + begin, pr->vars[layout->last_spike_var].f + begin,
                      pr->ports[1].f + begin);
}

static const BslModel equations_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .splittable = TRUE, .prepare = equations_prepare,
  .step = equations_step, .free_priv = g_free,
};
