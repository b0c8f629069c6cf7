/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-equations-type.h"
#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-kernel-common.h"
#include "bsl-model.h"
#include "equations/bsl-equations.h"

#include <json-glib/json-glib.h>

typedef struct
{
  BslProcType      type;        /* first, so that a BslProcType* is one of these */
  gatomicrefcount  ref_count;
  BslEquations    *equations;
  BslVarSpec      *vars;
  BslPortSpec     *ports;
  GPtrArray       *strings;     /* names, descriptions and units the specs point to */
  char            *model, *threshold, *reset, *refractory, *input, *method;
  BslEquationsTables *tables;
} EquationsType;

static const BslPortSpec equations_ports[] = {
  { "a_in", BSL_PORT_IN, BSL_PORT_SHAPE_POPULATION, "Input, added to the input variable each step" },
  { "s_out", BSL_PORT_OUT, BSL_PORT_SHAPE_POPULATION, "Spikes" },
};

static const BslModel equations_float_model;

/* A new Equations process: a leaky integrate-and-fire neuron with a synaptic current, in SI
 * units, with values that make it run at once. The first of the model editor's templates. */
const BslEquationsText bsl_equations_default_model = {
  .model = "dv/dt = (v_rest - v + R*I)/tau : volt (unless refractory)\n"
           "dI/dt = -I/tau_syn : amp\n"
           "v_rest : volt\n"
           "v_th : volt\n"
           "v_reset : volt\n"
           "R : ohm\n"
           "tau : second\n"
           "tau_syn : second\n",
  .threshold = "v > v_th", .reset = "v = v_reset", .refractory = "2*ms", .input = "I",
  .method = "exponential_euler",
};

const BslPresetValue bsl_equations_default_values[] = {
  { "v_rest", -0.065 }, { "v_th", -0.050 }, { "v_reset", -0.065 }, { "R", 1e8 },
  { "tau", 0.010 }, { "tau_syn", 0.005 }, { "v", -0.065 }, { NULL, 0 },
};

const BslEquationsText *
bsl_equations_default_text (void)
{
  return &bsl_equations_default_model;
}

static gboolean
start_default_equations (BslProcess  *process,
                         GError     **error)
{
  return bsl_process_start_equations (process, &bsl_equations_default_model,
                                      bsl_equations_default_values, error);
}


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
  .init_process = start_default_equations,
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

static void
equations_type_ref (const BslProcType *type)
{
  g_atomic_ref_count_inc (&((EquationsType *) type)->ref_count);
}

static void
equations_type_unref (const BslProcType *type)
{
  EquationsType *et = (EquationsType *) type;

  if (!g_atomic_ref_count_dec (&et->ref_count))
    return;
  bsl_equations_unref (et->equations);
  g_free (et->vars);
  g_free (et->ports);
  g_ptr_array_unref (et->strings);
  g_free (et->model);
  g_free (et->threshold);
  g_free (et->reset);
  g_free (et->refractory);
  g_free (et->input);
  g_free (et->method);
  g_clear_pointer (&et->tables, bsl_equations_tables_unref);
  g_free (et);
}

gboolean
bsl_process_get_equations (const BslProcess *process,
                           BslEquationsText *text)
{
  EquationsType *et;

  g_return_val_if_fail (process != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  et = as_equations (process->type);
  if (et == NULL)
    return FALSE;
  text->model = et->model;
  text->threshold = et->threshold;
  text->reset = et->reset;
  text->refractory = et->refractory;
  text->input = et->input;
  text->method = et->method;
  text->tables = et->tables;
  return TRUE;
}

static const char *
keep (EquationsType *et, char *text)
{
  g_ptr_array_add (et->strings, text);
  return text;
}

/* One InPort per input of the equations (a_in when there is none, as a new process has), then
 * s_out. */
static void
equations_type_add_ports (EquationsType *et)
{
  BslEquations *eq = et->equations;
  guint n_in = MAX (bsl_equations_get_n_inputs (eq), 1);

  et->ports = g_new0 (BslPortSpec, n_in + 1);
  et->ports[0] = equations_ports[0];
  for (guint k = 0; k < bsl_equations_get_n_inputs (eq); k++)
    {
      const char *target = bsl_equations_get_input_target (eq, k);

      et->ports[k].name = keep (et, g_strdup (bsl_equations_get_input_port (eq, k)));
      et->ports[k].description = keep (et, bsl_equations_get_input_sets_param (eq, k)
        ? g_strdup_printf ("Sets %s each step (a current)", target)
        : g_strdup_printf ("Added to %s, as Brian2's on_pre '%s += w'", target, target));
    }
  et->ports[n_in] = equations_ports[1];
  et->type.ports = et->ports;
  et->type.n_ports = n_in + 1;
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
  et->vars = g_new0 (BslVarSpec, n_states + n_params + 4 + bsl_equations_get_n_subexpressions (eq));
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
      /* No default: every parameter must be given a value (checked before a run), except
       * those an input port sets. */
      v->default_value = NAN;
      for (guint k = 0; k < bsl_equations_get_n_inputs (eq); k++)
        if (bsl_equations_get_input_sets_param (eq, k)
            && g_str_equal (bsl_equations_get_input_target (eq, k), v->name))
          v->default_value = 0;
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
  /* for probing, as Brian2 records them: computed after each step */
  et->vars[n++] = (BslVarSpec) { "lastspike", "Time of the last spike (s), as Brian2's lastspike",
                                 BSL_SHAPE_POPULATION, BSL_VAR_STATE | BSL_VAR_HIDDEN,
                                 BSL_EQUATIONS_NEVER, -INFINITY, INFINITY, -INFINITY, INFINITY,
                                 "second", NULL };
  for (guint k = 0; k < bsl_equations_get_n_subexpressions (eq); k++)
    {
      BslVarSpec *v = &et->vars[n++];

      v->name = keep (et, g_strdup (bsl_equations_get_subexpression_name (eq, k)));
      v->description = keep (et, g_strdup_printf ("Subexpression (%s), computed after each step",
                                                  bsl_equations_get_subexpression_unit (eq, k)));
      v->unit = keep (et, g_strdup (bsl_equations_get_subexpression_unit (eq, k)));
      v->shape = BSL_SHAPE_POPULATION;
      v->flags = BSL_VAR_STATE | BSL_VAR_HIDDEN;
      v->fixed_min = v->float_min = -INFINITY;
      v->fixed_max = v->float_max = INFINITY;
    }
  /* the random draws (xi, rand(), randn()) are keyed as a PoissonSource's spikes */
  if (bsl_equations_is_stochastic (eq))
    et->vars[n++] = (BslVarSpec) { "seed", "Extra seed of the random draws, mixed with the "
                                   "run's seed and the process name", BSL_SHAPE_SCALAR,
                                   BSL_VAR_COUNT, 0, 0, 4294967295.0, 0, 4294967295.0, NULL,
                                   NULL };

  et->type = bsl_proc_type_equations;
  /* A process's own schema: counted by its users, and never a new process's type. */
  et->type.init_process = NULL;
  et->type.ref_type = equations_type_ref;
  et->type.unref_type = equations_type_unref;
  et->type.vars = et->vars;
  et->type.n_vars = n;
  equations_type_add_ports (et);
  et->model = g_strdup (text->model);
  et->threshold = g_strdup (text->threshold != NULL ? text->threshold : "");
  et->reset = g_strdup (text->reset != NULL ? text->reset : "");
  et->refractory = g_strdup (text->refractory != NULL ? text->refractory : "");
  et->input = g_strdup (text->input != NULL ? text->input : "");
  et->method = g_strdup (text->method != NULL ? text->method : "euler");
  et->tables = text->tables != NULL && bsl_equations_tables_get_n (text->tables) > 0
               ? bsl_equations_tables_ref (text->tables) : NULL;
  return et;
}

/* A new set of equations starts from its own values; only the network's time step stays. */
gboolean
bsl_process_start_equations (BslProcess             *process,
                             const BslEquationsText *text,
                             const BslPresetValue   *values,
                             GError                **error)
{
  BslProcess *changed;
  const BslProcType *old_type;
  GHashTable *old_params;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (process != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (values != NULL, FALSE);

  changed = bsl_process_copy (process);
  g_hash_table_iter_init (&iter, changed->params);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_strcmp0 (key, "dt") != 0)
      g_hash_table_iter_remove (&iter);
  if (!bsl_process_set_equations (changed, text, error))
    {
      bsl_process_free (changed);
      return FALSE;
    }
  for (const BslPresetValue *value = values; value->var != NULL; value++)
    if (!bsl_process_set_param (changed, value->var, bsl_array_new_scalar (value->value), error))
      {
        bsl_process_free (changed);
        return FALSE;
      }

  /* Swap the new schema and values in; the old ones leave with the copy. */
  old_type = process->type;
  old_params = process->params;
  process->type = changed->type;
  process->params = changed->params;
  changed->type = old_type;
  changed->params = old_params;
  bsl_process_free (changed);
  return TRUE;
}

/* A stochastic model's process has a Var "seed", which none of the model's names may be. */
static gboolean
seed_name_free (const BslEquations *eq)
{
  if (!bsl_equations_is_stochastic (eq))
    return TRUE;
  for (guint k = 0; k < bsl_equations_get_n_subexpressions (eq); k++)
    if (g_str_equal (bsl_equations_get_subexpression_name (eq, k), "seed"))
      return FALSE;
  return bsl_equations_find_state (eq, "seed") < 0 && bsl_equations_find_param (eq, "seed") < 0;
}

gboolean
bsl_process_set_equations (BslProcess              *process,
                           const BslEquationsText  *text,
                           GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  BslEquationsText with_tables;
  BslEquations *eq;
  EquationsType *et;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (process != NULL, FALSE);

  if (!bsl_proc_type_is_equations (process->type))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "process '%s' (%s) is not defined by equations", process->name,
                   process->type->name);
      return FALSE;
    }
  /* texts edited without their tables (the model editor) keep the process's */
  if (text->tables == NULL && as_equations (process->type) != NULL)
    {
      with_tables = *text;
      with_tables.tables = as_equations (process->type)->tables;
      text = &with_tables;
    }
  eq = bsl_equations_new_with_tables (text->model, text->threshold, text->reset,
                                      text->refractory, text->input,
                                      bsl_equations_tables_peek (text->tables),
                                      bsl_equations_tables_get_n (text->tables), &local_error);
  if (eq != NULL && text->method != NULL && *text->method != '\0' &&
      !bsl_equations_set_method (eq, text->method, &local_error))
    g_clear_pointer (&eq, bsl_equations_unref);
  if (eq == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s' (Equations): %s",
                   process->name, local_error->message);
      return FALSE;
    }
  if (!seed_name_free (eq))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s' (Equations): the model "
                   "draws random numbers, so 'seed' names their seed: call the model's "
                   "'seed' otherwise", process->name);
      bsl_equations_unref (eq);
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
  guint n_states, n_params, n_inputs, n_subexprs, dt_var, last_spike_var, lastspike_var;
  int seed_var;             /* -1 for a model without random draws */
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
  for (guint j = 0; j < bsl_equations_get_n_params (et->equations); j++)
    {
      const BslRtVar *var = &pr->vars[bsl_equations_get_n_states (et->equations) + j];

      if (!bsl_equations_get_param_shared (et->equations, j))
        continue;
      for (gsize i = 1; i < var->n; i++)
        if (var->f[i] != var->f[0])
          {
            g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                         "process '%s' (Equations): parameter '%s' is (shared): it takes one "
                         "value for the whole population, not one per neuron", pr->name,
                         bsl_equations_get_param_name (et->equations, j));
            return FALSE;
          }
    }
  if (!bsl_equations_check_population (et->equations, pr->size, error))
    {
      g_prefix_error (error, "process '%s' (Equations): ", pr->name);
      return FALSE;
    }
  /* machine code when a compiler is there (built once per model, cached); else interpreted */
  bsl_equations_prepare_native (et->equations);
  layout = g_new0 (EquationsLayout, 1);
  layout->n_states = bsl_equations_get_n_states (et->equations);
  layout->n_params = bsl_equations_get_n_params (et->equations);
  layout->n_inputs = bsl_equations_get_n_inputs (et->equations);
  layout->dt_var = layout->n_states + layout->n_params;
  layout->last_spike_var = layout->dt_var + 1;
  layout->lastspike_var = layout->dt_var + 2;
  layout->n_subexprs = bsl_equations_get_n_subexpressions (et->equations);
  layout->seed_var = bsl_equations_is_stochastic (et->equations)
    ? (int) (layout->lastspike_var + 1 + layout->n_subexprs) : -1;
  pr->priv = layout;
  return TRUE;
}

/* floor (step), without a call to libm for every neuron of every step: a step is 0 or more
 * (a refractory condition adds 0.5), or -inf before the first spike. */
static inline double
whole_steps (double step)
{
  return step >= 0 && step < 9007199254740992.0 ? (double) (gint64) step : floor (step);
}

static void
equations_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  EquationsType *et = as_equations (pr->type);
  EquationsLayout *layout = pr->priv;
  double **states = g_newa (double *, layout->n_states + 1);
  double **params = g_newa (double *, layout->n_params + 1);
  const double **inputs = g_newa (const double *, layout->n_inputs + 1);
  BslEquationsContext ctx = { begin, pr->size, inputs };
  double dt = pr->vars[layout->dt_var].f[0];
  double *last_spike = pr->vars[layout->last_spike_var].f + begin;
  double *lastspike = pr->vars[layout->lastspike_var].f + begin;

  if (layout->seed_var >= 0)
    ctx.key = pr->seed_key ^ bsl_k_mix64 ((guint64) pr->vars[layout->seed_var].f[0]);

  for (guint i = 0; i < layout->n_states; i++)
    states[i] = pr->vars[i].f + begin;
  for (guint i = 0; i < layout->n_params; i++)
    params[i] = pr->vars[layout->n_states + i].f + begin;
  for (guint k = 0; k < layout->n_inputs; k++)
    inputs[k] = pr->ports[k].f + begin;
  /* Step t (from 1) integrates from (t - 1) dt to t dt. */
  bsl_equations_step_full (et->equations, end - begin, dt, t - 1, states, params, &ctx,
                           last_spike, pr->ports[MAX (layout->n_inputs, 1)].f + begin);
  for (gsize i = 0; i < end - begin; i++)
    lastspike[i] = whole_steps (last_spike[i]) * dt;
  if (layout->n_subexprs > 0)
    {
      double **values = g_newa (double *, layout->n_subexprs);

      for (guint k = 0; k < layout->n_subexprs; k++)
        values[k] = pr->vars[layout->lastspike_var + 1 + k].f + begin;
      bsl_equations_eval_subexpressions (et->equations, end - begin, dt, t - 1, states, params,
                                         &ctx, last_spike, values);
    }
}

static const BslModel equations_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .splittable = TRUE, .prepare = equations_prepare,
  .step = equations_step, .free_priv = g_free,
};

/* ---------------- the file's "input" ---------------- */

char *
bsl_equations_input_from_json (JsonNode *node)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GList) ports = NULL;
  JsonObject *object;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  ports = json_object_get_members (object);
  for (GList *l = ports; l != NULL; l = l->next)
    {
      JsonNode *var = json_object_get_member (object, l->data);

      if (!JSON_NODE_HOLDS_VALUE (var) || json_node_get_value_type (var) != G_TYPE_STRING)
        return NULL;
      g_string_append_printf (text, "%s%s: %s", text->len > 0 ? ", " : "", (char *) l->data,
                              json_node_get_string (var));
    }
  return g_strdup (text->str);
}

JsonNode *
bsl_equations_input_to_json (const char *input)
{
  g_auto (GStrv) items = NULL;
  JsonObject *object;
  JsonNode *node;

  if (input == NULL || strchr (input, ':') == NULL)
    {
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, input != NULL ? input : "");
      return node;
    }
  object = json_object_new ();
  items = g_strsplit_set (input, ",;\n", -1);
  for (guint k = 0; items[k] != NULL; k++)
    {
      g_auto (GStrv) pair = g_strsplit (items[k], ":", 2);

      if (pair[0] != NULL && pair[1] != NULL)
        json_object_set_string_member (object, g_strstrip (pair[0]), g_strstrip (pair[1]));
    }
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}
