/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Synapses: Brian2's Synapses with per-synapse variables, (event-driven) traces, on_pre and
 * on_post, all-to-all, under floating_pt. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-model.h"
#include "bsl-proc-synapses.h"
#include "bsl-synapses-code.h"

#include <json-glib/json-glib.h>

typedef struct
{
  BslProcType      type;        /* first, so that a BslProcType* is one of these */
  gatomicrefcount  ref_count;
  BslSynapsesCode *code;
  BslVarSpec      *vars;
  GPtrArray       *strings;     /* names, descriptions and units the specs point to */
  char            *model, *on_pre, *on_post;
} SynapsesType;

static const BslPortSpec synapses_ports[] = {
  { "s_in", BSL_PORT_IN, BSL_PORT_SHAPE_COLUMNS, "Pre-synaptic spikes (n_in): run on_pre" },
  { "s_in_post", BSL_PORT_IN, BSL_PORT_SHAPE_ROWS, "Post-synaptic spikes (n_out): run on_post" },
  { "a_out", BSL_PORT_OUT, BSL_PORT_SHAPE_ROWS,
    "What on_pre added to the post-synaptic variable, sent at the next step (n_out)" },
};
enum { PORT_S_IN, PORT_S_IN_POST, PORT_A_OUT };

static const BslModel synapses_float_model;

const BslSynapsesText bsl_synapses_default_text = {
  .model = "w : 1\n"
           "dApre/dt = -Apre / taupre : 1 (event-driven)\n"
           "dApost/dt = -Apost / taupost : 1 (event-driven)\n",
  .on_pre = "ge += w\n"
            "Apre += dApre\n"
            "w = clip(w + Apost, 0, gmax)\n",
  .on_post = "Apost += dApost\n"
             "w = clip(w + Apre, 0, gmax)\n",
};

static const BslPresetValue default_values[] = {
  { "w", 0.005 }, { "taupre", 0.020 }, { "taupost", 0.020 }, { "gmax", 0.01 },
  { "dApre", 1e-4 }, { "dApost", -1.05e-4 }, { NULL, 0 },
};

static gboolean
start_default_synapses (BslProcess *process, GError **error)
{
  if (!bsl_process_set_synapses (process, &bsl_synapses_default_text, error))
    return FALSE;
  for (const BslPresetValue *value = default_values; value->var != NULL; value++)
    if (!bsl_process_set_param (process, value->var, bsl_array_new_scalar (value->value), error))
      return FALSE;
  return TRUE;
}

/* The template in the registry: a fresh process gets Brian2's STDP synapses. */
const BslProcType bsl_proc_type_synapses = {
  .name = "Synapses",
  .description = "Synapses with variables and on_pre / on_post statements in Brian2's syntax "
                 "(floating_pt); one step of delay",
  .category = BSL_CATEGORY_CONNECTIONS,
  .shape_kind = BSL_SHAPE_KIND_MATRIX,
  .default_dims = { 1, 1 },
  .vars = NULL, .n_vars = 0,
  .ports = synapses_ports, .n_ports = G_N_ELEMENTS (synapses_ports),
  .models = { &synapses_float_model, NULL },
  .init_process = start_default_synapses,
};

gboolean
bsl_proc_type_is_synapses (const BslProcType *type)
{
  return type != NULL && type->models[BSL_TAG_FLOATING_PT] == &synapses_float_model;
}

static SynapsesType *
as_synapses (const BslProcType *type)
{
  if (!bsl_proc_type_is_synapses (type) || type == &bsl_proc_type_synapses)
    return NULL;
  return (SynapsesType *) type;
}

static void
synapses_type_ref (const BslProcType *type)
{
  g_atomic_ref_count_inc (&((SynapsesType *) type)->ref_count);
}

static void
synapses_type_unref (const BslProcType *type)
{
  SynapsesType *st = (SynapsesType *) type;

  if (!g_atomic_ref_count_dec (&st->ref_count))
    return;
  bsl_synapses_code_free (st->code);
  g_free (st->vars);
  g_ptr_array_unref (st->strings);
  g_free (st->model);
  g_free (st->on_pre);
  g_free (st->on_post);
  g_free (st);
}

gboolean
bsl_process_get_synapses (const BslProcess *process,
                          BslSynapsesText  *text)
{
  SynapsesType *st;

  g_return_val_if_fail (process != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  st = as_synapses (process->type);
  if (st == NULL)
    return FALSE;
  text->model = st->model;
  text->on_pre = st->on_pre;
  text->on_post = st->on_post;
  return TRUE;
}

static const char *
keep (SynapsesType *st, char *text)
{
  g_ptr_array_add (st->strings, text);
  return text;
}

/* Var order: the synapse variables, the parameters, dt, lastupdate, a_buff, connected. */
static SynapsesType *
synapses_type_new (BslSynapsesCode *code, const BslSynapsesText *text)
{
  SynapsesType *st = g_new0 (SynapsesType, 1);
  guint n_vars = bsl_synapses_code_get_n_vars (code);
  guint n_params = bsl_synapses_code_get_n_params (code);
  const char *target = bsl_synapses_code_get_post_target (code);
  guint n = 0;

  g_atomic_ref_count_init (&st->ref_count);
  st->code = code;
  st->strings = g_ptr_array_new_with_free_func (g_free);
  st->vars = g_new0 (BslVarSpec, n_vars + n_params + 4);
  for (guint k = 0; k < n_vars; k++)
    {
      BslVarSpec *v = &st->vars[n++];

      v->name = keep (st, g_strdup (bsl_synapses_code_get_var_name (code, k)));
      v->description = keep (st, g_strdup_printf (bsl_synapses_code_get_var_traced (code, k)
                                                  ? "Trace of each synapse (%s), event-driven"
                                                  : "Variable of each synapse (%s)",
                                                  bsl_synapses_code_get_var_unit (code, k)));
      v->unit = keep (st, g_strdup (bsl_synapses_code_get_var_unit (code, k)));
      v->shape = BSL_SHAPE_POPULATION;
      v->flags = BSL_VAR_STATE | BSL_VAR_BROADCAST;
      v->fixed_min = v->float_min = -INFINITY;
      v->fixed_max = v->float_max = INFINITY;
    }
  for (guint k = 0; k < n_params; k++)
    {
      BslVarSpec *v = &st->vars[n++];

      v->name = keep (st, g_strdup (bsl_synapses_code_get_param_name (code, k)));
      v->description = "Parameter of the statements (SI units)";
      v->shape = BSL_SHAPE_SCALAR;
      /* no default: every parameter must be given a value */
      v->default_value = NAN;
      v->fixed_min = v->float_min = -INFINITY;
      v->fixed_max = v->float_max = INFINITY;
    }
  st->vars[n++] = (BslVarSpec) { "dt", "Time step of one Basalt step", BSL_SHAPE_SCALAR, 0, 1e-4,
                                 1e-9, 10, 1e-9, 10, "second", NULL };
  st->vars[n++] = (BslVarSpec) { "lastupdate", "Time of each synapse's last event (s), as "
                                 "Brian2's lastupdate", BSL_SHAPE_POPULATION,
                                 BSL_VAR_STATE | BSL_VAR_BROADCAST | BSL_VAR_HIDDEN, 0,
                                 -INFINITY, INFINITY, -INFINITY, INFINITY, "second", NULL };
  st->vars[n++] = (BslVarSpec) { "a_buff", "Added to the post-synaptic variable this step, sent "
                                 "at the next (state)", BSL_SHAPE_ROWS,
                                 BSL_VAR_STATE | BSL_VAR_BROADCAST | BSL_VAR_HIDDEN, 0,
                                 -INFINITY, INFINITY, -INFINITY, INFINITY, NULL, NULL };
  st->vars[n++] = (BslVarSpec) { "connected", "1 where input j reaches output i, 0 where it does "
                                 "not (Brian2's connect)", BSL_SHAPE_POPULATION,
                                 BSL_VAR_COUNT | BSL_VAR_BROADCAST | BSL_VAR_INIT_ONLY, 1,
                                 0, 1, 0, 1, NULL, NULL };

  st->type = bsl_proc_type_synapses;
  st->type.init_process = NULL;
  st->type.ref_type = synapses_type_ref;
  st->type.unref_type = synapses_type_unref;
  st->type.vars = st->vars;
  st->type.n_vars = n;
  if (target != NULL)
    st->type.description = keep (st, g_strdup_printf ("Synapses in Brian2's syntax; a_out adds "
                                                      "to the post-synaptic '%s'", target));
  st->model = g_strdup (text->model != NULL ? text->model : "");
  st->on_pre = g_strdup (text->on_pre != NULL ? text->on_pre : "");
  st->on_post = g_strdup (text->on_post != NULL ? text->on_post : "");
  return st;
}

gboolean
bsl_process_set_synapses (BslProcess            *process,
                          const BslSynapsesText *text,
                          GError               **error)
{
  g_autoptr (GError) local_error = NULL;
  BslSynapsesCode *code;
  SynapsesType *st;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (process != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!bsl_proc_type_is_synapses (process->type))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "process '%s' (%s) is not a Synapses process", process->name,
                   process->type->name);
      return FALSE;
    }
  code = bsl_synapses_code_new (text->model, text->on_pre, text->on_post, &local_error);
  if (code == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s' (Synapses): %s",
                   process->name, local_error->message);
      return FALSE;
    }
  st = synapses_type_new (code, text);
  /* Keep the values of Vars that still exist. */
  g_hash_table_iter_init (&iter, process->params);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (bsl_proc_type_find_var (&st->type, key) == NULL)
      g_hash_table_iter_remove (&iter);
  bsl_proc_type_unref (process->type);
  process->type = &st->type;
  return TRUE;
}

/* ---------------- the model ---------------- */

typedef struct
{
  const BslSynapsesCode *code;
  guint     n_vars, n_params, dt_var;
  gsize     n_in, n_out;
  double  **var_arrays;
  double   *params;
  double   *stack;
  guint32  *active_pre, *active_post;
} SynapsesPriv;

static void
synapses_priv_free (gpointer data)
{
  SynapsesPriv *priv = data;

  g_free (priv->var_arrays);
  g_free (priv->params);
  g_free (priv->stack);
  g_free (priv->active_pre);
  g_free (priv->active_post);
  g_free (priv);
}

static gboolean
synapses_prepare (BslProcRuntime *pr, GError **error)
{
  SynapsesType *st = as_synapses (pr->type);
  SynapsesPriv *priv;

  if (st == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s' (Synapses) has no model",
                   pr->name);
      return FALSE;
    }
  priv = g_new0 (SynapsesPriv, 1);
  priv->code = st->code;
  priv->n_vars = bsl_synapses_code_get_n_vars (st->code);
  priv->n_params = bsl_synapses_code_get_n_params (st->code);
  priv->dt_var = priv->n_vars + priv->n_params;
  priv->n_out = pr->dims[0];
  priv->n_in = pr->dims[1];
  priv->var_arrays = g_new0 (double *, priv->n_vars + 1);
  priv->params = g_new0 (double, priv->n_params + 1);
  priv->stack = g_new0 (double, bsl_synapses_code_get_stack_size (st->code));
  priv->active_pre = g_new (guint32, MAX (priv->n_in, 1));
  priv->active_post = g_new (guint32, MAX (priv->n_out, 1));
  pr->priv = priv;
  for (guint k = 0; k < priv->n_params; k++)
    if (isnan (pr->vars[priv->n_vars + k].f[0]))
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "process '%s' (Synapses): parameter "
                     "'%s' has no value", pr->name,
                     bsl_synapses_code_get_param_name (st->code, k));
        return FALSE;
      }
  return TRUE;
}

/* Brian2's order in a step: on_pre for every pre-synaptic spike, then on_post for every
 * post-synaptic spike, each in the order of the spiking neurons and then of their synapses. */
static void
synapses_step (BslProcRuntime *pr, gint64 t, gsize begin, gsize end)
{
  SynapsesPriv *priv = pr->priv;
  double *a_buff = bsl_pr_f (pr, priv->dt_var + 2);
  const double *connected = bsl_pr_f (pr, priv->dt_var + 3);
  BslSynapsesEvent event = { priv->var_arrays, bsl_pr_f (pr, priv->dt_var + 1), priv->params,
                             a_buff, priv->stack, 0 };
  gsize n_pre, n_post;

  for (guint k = 0; k < priv->n_vars; k++)
    priv->var_arrays[k] = bsl_pr_f (pr, k);
  for (guint k = 0; k < priv->n_params; k++)
    priv->params[k] = bsl_pr_f (pr, priv->n_vars + k)[0];
  /* Step t (from 1) is Brian2's step t - 1, at time (t - 1) dt. */
  event.t = (double) (t - 1) * bsl_pr_f (pr, priv->dt_var)[0];
  memset (a_buff, 0, priv->n_out * sizeof (double));

  n_pre = bsl_rt_port_collect_active (bsl_pr_port (pr, PORT_S_IN), priv->active_pre);
  for (gsize a = 0; a < n_pre; a++)
    for (gsize i = 0; i < priv->n_out; i++)
      {
        gsize s = i * priv->n_in + priv->active_pre[a];

        if (connected[s] != 0)
          bsl_synapses_code_run_event (priv->code, TRUE, &event, s, i);
      }
  n_post = bsl_rt_port_collect_active (bsl_pr_port (pr, PORT_S_IN_POST), priv->active_post);
  for (gsize a = 0; a < n_post; a++)
    for (gsize j = 0; j < priv->n_in; j++)
      {
        gsize s = priv->active_post[a] * priv->n_in + j;

        if (connected[s] != 0)
          bsl_synapses_code_run_event (priv->code, FALSE, &event, s, priv->active_post[a]);
      }
}

static void
synapses_emit (BslProcRuntime *pr)
{
  SynapsesPriv *priv = pr->priv;
  BslRtPort *a_out = bsl_pr_port (pr, PORT_A_OUT);

  memcpy (a_out->f, bsl_pr_f (pr, priv->dt_var + 2), a_out->n * sizeof (double));
}

static const BslModel synapses_float_model = {
  .tag = BSL_TAG_FLOATING_PT, .delayed_output = TRUE, .splittable = FALSE,
  .prepare = synapses_prepare, .step = synapses_step, .emit = synapses_emit,
  .free_priv = synapses_priv_free,
};

/* ---------------- the file's "synapses" object ---------------- */

static const char *synapses_keys[] = { "model", "on_pre", "on_post" };

gboolean
bsl_process_read_synapses_json (BslProcess  *process,
                                JsonNode    *node,
                                GError     **error)
{
  const char *texts[G_N_ELEMENTS (synapses_keys)] = { "", "", "" };
  BslSynapsesText text;
  JsonObject *object;

  if (!bsl_proc_type_is_synapses (process->type) || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "process '%s' (%s): \"synapses\" belongs to a Synapses process and must be "
                   "an object with \"model\", \"on_pre\" and \"on_post\"", process->name,
                   process->type->name);
      return FALSE;
    }
  object = json_node_get_object (node);
  for (guint k = 0; k < G_N_ELEMENTS (synapses_keys); k++)
    {
      JsonNode *member = json_object_get_member (object, synapses_keys[k]);

      if (member == NULL)
        continue;
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s' (Synapses): "
                       "\"synapses\": \"%s\" must be a string", process->name,
                       synapses_keys[k]);
          return FALSE;
        }
      texts[k] = json_node_get_string (member);
    }
  text = (BslSynapsesText) { texts[0], texts[1], texts[2] };
  if (!bsl_process_set_synapses (process, &text, error))
    return FALSE;
  /* The file's params are the values; nothing of a new process's defaults stays. */
  g_hash_table_remove_all (process->params);
  return TRUE;
}

JsonObject *
bsl_process_synapses_to_json (const BslProcess *process)
{
  BslSynapsesText text;
  JsonObject *object;

  if (!bsl_process_get_synapses (process, &text))
    return NULL;
  object = json_object_new ();
  json_object_set_string_member (object, "model", text.model);
  json_object_set_string_member (object, "on_pre", text.on_pre);
  json_object_set_string_member (object, "on_post", text.on_post);
  return object;
}
