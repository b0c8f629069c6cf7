/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bsl-atomic-file.h"
#include "bsl-alloc.h"
#include "bsl-equations-type.h"
#include "bsl-kernel-dense.h"
#include "bsl-learning-rule.h"
#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-limits.h"
#include "bsl-kernel-common.h"
#include "bsl-runtime-private.h"

/* Below this much work a step is not worth handing to other threads. */
#define SPLIT_THRESHOLD 65536

/* ---------------- run config ---------------- */

BslRunConfig *
bsl_run_config_new (BslTag tag)
{
  BslRunConfig *config = g_new0 (BslRunConfig, 1);

  config->tag = tag;
  config->overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return config;
}

BslRunConfig *
bsl_run_config_copy (const BslRunConfig *config)
{
  BslRunConfig *copy = bsl_run_config_new (config->tag);
  GHashTableIter iter;
  gpointer key, value;

  copy->seed = config->seed;
  copy->n_threads = config->n_threads;
  g_hash_table_iter_init (&iter, config->overrides);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->overrides, g_strdup (key), value);
  return copy;
}

void
bsl_run_config_free (BslRunConfig *config)
{
  if (config == NULL)
    return;
  g_hash_table_unref (config->overrides);
  g_free (config);
}

void
bsl_run_config_set_override (BslRunConfig *config,
                             const char   *process,
                             BslTag        tag)
{
  g_return_if_fail (config != NULL);

  g_hash_table_insert (config->overrides, g_strdup (process), GINT_TO_POINTER (tag + 1));
}

BslTag
bsl_run_config_tag_for (const BslRunConfig *config,
                        const BslProcess   *process)
{
  gpointer value = g_hash_table_lookup (config->overrides, process->name);

  if (value != NULL)
    return (BslTag) (GPOINTER_TO_INT (value) - 1);
  return bsl_process_resolve_tag (process, config->tag);
}

/* ---------------- compile ---------------- */

static guint64
name_key (guint64 seed, const char *name)
{
  guint64 h = bsl_k_mix64 (seed);

  for (const char *p = name; *p; p++)
    h = bsl_k_mix64 (h ^ (guchar) *p);
  return h;
}

guint64
bsl_runtime_seed_key (guint64     run_seed,
                      const char *process_name)
{
  return name_key (run_seed, process_name);
}

static void
rt_var_store (BslRtVar *var, const BslArray *value)
{
  gboolean full = value->n == var->n;

  if (!var->is_int && full)
    memcpy (var->f, value->data, var->n * sizeof (double));
  else if (!var->is_int)
    for (gsize k = 0; k < var->n; k++)
      var->f[k] = value->data[0];
  else
    for (gsize k = 0; k < var->n; k++)
      var->i[k] = (gint32) value->data[full ? k : 0];
}

static BslProcRuntime *
proc_runtime_new (BslRuntime        *runtime,
                  const BslProcess  *process,
                  BslTag             tag,
                  GError           **error)
{
  BslProcRuntime *pr = g_new0 (BslProcRuntime, 1);
  const BslProcType *type = process->type;

  pr->runtime = runtime;
  pr->type = bsl_proc_type_ref (type);
  pr->tag = tag;
  pr->model = type->models[tag];
  pr->name = g_strdup (process->name);
  pr->ndim = process->ndim;
  memcpy (pr->dims, process->dims, sizeof pr->dims);
  pr->size = process->dims[0];
  pr->seed_key = name_key (runtime->config->seed, process->name);
  if (process->learning_rule != NULL)
    pr->learning_rule = bsl_learning_rule_copy (process->learning_rule);

  pr->vars = g_new0 (BslRtVar, type->n_vars);
  for (guint v = 0; v < type->n_vars; v++)
    {
      BslRtVar *var = &pr->vars[v];
      g_autoptr(BslArray) full = bsl_process_dup_param_full (process, type->vars[v].name, error);

      if (full == NULL)
        return pr;
      var->spec = &type->vars[v];
      var->ndim = full->ndim;
      memcpy (var->dims, full->dims, sizeof var->dims);
      var->n = full->n;
      var->is_int = tag == BSL_TAG_FIXED_PT && (var->spec->flags & BSL_VAR_INTEGER);
      if (var->spec->flags & BSL_VAR_STATE)
        var->initial = bsl_array_copy (full);
      if (!var->is_int && full->n == var->n && var->n > 0)
        {
          /* The full-shape copy is the Var's storage: a weight matrix is not copied twice. */
          var->f = g_steal_pointer (&full->data);
          full->data = g_new0 (double, 1);
          continue;
        }
      if (var->is_int)
        var->i = bsl_alloc_zeroed (var->n, sizeof (gint32));
      else
        var->f = bsl_alloc_zeroed (var->n, sizeof (double));
      rt_var_store (var, full);
    }

  pr->ports = g_new0 (BslRtPort, type->n_ports);
  for (guint p = 0; p < type->n_ports; p++)
    {
      BslRtPort *port = &pr->ports[p];

      port->spec = &type->ports[p];
      port->owner = pr;
      port->n = bsl_port_spec_size (port->spec, pr->ndim, pr->dims);
      port->is_int = tag == BSL_TAG_FIXED_PT &&
                     !(port->spec->direction == BSL_PORT_OUT && pr->model->float_output);
      if (port->is_int)
        port->own_i = port->i = g_new0 (gint32, MAX (port->n, 1));
      else
        port->own_f = port->f = g_new0 (double, MAX (port->n, 1));
    }
  return pr;
}

static void
proc_runtime_free (BslProcRuntime *pr)
{
  if (pr == NULL)
    return;
  if (pr->priv != NULL && pr->model->free_priv != NULL)
    pr->model->free_priv (pr->priv);
  for (guint v = 0; pr->vars != NULL && v < pr->type->n_vars; v++)
    {
      g_free (pr->vars[v].f);
      g_free (pr->vars[v].i);
      g_clear_pointer (&pr->vars[v].initial, bsl_array_free);
    }
  for (guint p = 0; pr->ports != NULL && p < pr->type->n_ports; p++)
    {
      g_free (pr->ports[p].own_f);
      g_free (pr->ports[p].own_i);
      g_free (pr->ports[p].sources);
    }
  g_free (pr->vars);
  g_free (pr->ports);
  g_free (pr->name);
  g_clear_pointer (&pr->learning_rule, bsl_learning_rule_free);
  bsl_proc_type_unref (pr->type);
  g_free (pr);
}

gsize
bsl_rt_port_collect_active (const BslRtPort *port, guint32 *active)
{
  if (port->is_int)
    return bsl_k_collect_active_fixed (port->n, port->i, active);
  return bsl_k_collect_active_float (port->n, port->f, active);
}

BslProcRuntime *
_bsl_runtime_find_proc (const BslRuntime *runtime,
                        const char       *name)
{
  for (guint i = 0; i < runtime->n_procs; i++)
    if (g_strcmp0 (runtime->procs[i]->name, name) == 0)
      return runtime->procs[i];
  return NULL;
}

static BslRtPort *
find_port (BslProcRuntime *pr, const char *name)
{
  for (guint p = 0; p < pr->type->n_ports; p++)
    if (g_strcmp0 (pr->ports[p].spec->name, name) == 0)
      return &pr->ports[p];
  return NULL;
}

/* Orders the processes so that every process runs after those it receives from in the same
 * step. Connections out of delayed processes carry last step's values and impose no order. */
static gboolean
schedule (BslRuntime      *runtime,
          const BslGraph  *graph,
          GError         **error)
{
  guint n = runtime->n_procs, n_conns = graph->connections->len, placed = 0;
  g_autofree guint *indegree = g_new0 (guint, n);
  g_autofree gboolean *done = g_new0 (gboolean, n);
  /* Looked up once: a name lookup per connection per placed process made a network of a few
   * thousand processes take minutes to compile. */
  g_autofree int *src = g_new (int, MAX (n_conns, 1));
  g_autofree int *dst = g_new (int, MAX (n_conns, 1));

  for (guint c = 0; c < n_conns; c++)
    {
      const BslConnection *conn = g_ptr_array_index (graph->connections, c);
      src[c] = bsl_graph_process_index (graph, conn->from_process);
      dst[c] = bsl_graph_process_index (graph, conn->to_process);
      if (!runtime->procs[src[c]]->model->delayed_output)
        indegree[dst[c]]++;
    }

  runtime->order = g_new0 (BslProcRuntime *, MAX (n, 1));
  while (placed < n)
    {
      int next = -1;

      for (guint i = 0; i < n && next < 0; i++)
        if (!done[i] && indegree[i] == 0)
          next = (int) i;
      if (next < 0)
        {
          GString *names = g_string_new (NULL);
          for (guint i = 0; i < n; i++)
            if (!done[i])
              g_string_append_printf (names, "%s'%s'", names->len ? ", " : "", runtime->procs[i]->name);
          g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                       "processes %s form a loop with no Dense, Sparse or DelayDense in it; "
                       "every loop needs a connection process, which adds the step of delay "
                       "Lava's timing requires", names->str);
          g_string_free (names, TRUE);
          return FALSE;
        }
      done[next] = TRUE;
      runtime->order[placed++] = runtime->procs[next];
      for (guint c = 0; c < n_conns; c++)
        if (src[c] == next && !runtime->procs[next]->model->delayed_output)
          indegree[dst[c]]--;
    }
  return TRUE;
}

BslRuntime *
bsl_runtime_new (const BslGraph      *graph,
                 const BslRunConfig  *config,
                 GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  BslRuntime *runtime;

  g_return_val_if_fail (graph != NULL, NULL);
  g_return_val_if_fail (config != NULL, NULL);

  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *p = g_ptr_array_index (graph->processes, i);
      if (!bsl_process_validate (p, bsl_run_config_tag_for (config, p), error))
        return NULL;
    }
  if (!_bsl_graph_check_connections (graph, error))
    return NULL;
  /* The runtime holds its own copy of every Var next to the graph's. */
  if (!bsl_graph_check_memory (graph, 2, error))
    return NULL;

  runtime = g_new0 (BslRuntime, 1);
  runtime->config = bsl_run_config_copy (config);
  runtime->probes = g_ptr_array_new_with_free_func ((GDestroyNotify) _bsl_probe_free);
  runtime->n_procs = graph->processes->len;
  runtime->procs = g_new0 (BslProcRuntime *, MAX (runtime->n_procs, 1));
  runtime->delayed = g_new0 (BslProcRuntime *, MAX (runtime->n_procs, 1));

  for (guint i = 0; i < runtime->n_procs; i++)
    {
      const BslProcess *p = g_ptr_array_index (graph->processes, i);
      runtime->procs[i] = proc_runtime_new (runtime, p, bsl_run_config_tag_for (config, p),
                                            &local_error);
      if (local_error != NULL)
        goto fail;
      if (runtime->procs[i]->model->delayed_output)
        runtime->delayed[runtime->n_delayed++] = runtime->procs[i];
    }

  for (guint c = 0; c < graph->connections->len; c++)
    {
      const BslConnection *conn = g_ptr_array_index (graph->connections, c);
      BslRtPort *out = find_port (_bsl_runtime_find_proc (runtime, conn->from_process), conn->from_port);
      BslRtPort *in = find_port (_bsl_runtime_find_proc (runtime, conn->to_process), conn->to_port);

      in->sources = g_renew (BslRtPort *, in->sources, in->n_sources + 1);
      in->sources[in->n_sources++] = out;
    }
  /* An InPort with one source of its own number type reads the sender's buffer directly. */
  for (guint i = 0; i < runtime->n_procs; i++)
    for (guint p = 0; p < runtime->procs[i]->type->n_ports; p++)
      {
        BslRtPort *in = &runtime->procs[i]->ports[p];
        if (in->spec->direction == BSL_PORT_IN && in->n_sources == 1 &&
            in->sources[0]->is_int == in->is_int)
          {
            in->f = in->sources[0]->f;
            in->i = in->sources[0]->i;
          }
      }

  if (!schedule (runtime, graph, &local_error))
    goto fail;

  for (guint i = 0; i < runtime->n_procs; i++)
    {
      BslProcRuntime *pr = runtime->procs[i];
      if (pr->model->prepare != NULL && !pr->model->prepare (pr, &local_error))
        goto fail;
    }

  runtime->workers = bsl_workers_new (config->n_threads);
  return runtime;

fail:
  g_propagate_error (error, g_steal_pointer (&local_error));
  bsl_runtime_free (runtime);
  return NULL;
}

void
bsl_runtime_free (BslRuntime *runtime)
{
  if (runtime == NULL)
    return;
  g_clear_pointer (&runtime->workers, bsl_workers_free);
  g_ptr_array_unref (runtime->probes);
  for (guint i = 0; i < runtime->n_procs; i++)
    proc_runtime_free (runtime->procs[i]);
  g_free (runtime->procs);
  g_free (runtime->order);
  g_free (runtime->delayed);
  bsl_run_config_free (runtime->config);
  g_free (runtime);
}

/* ---------------- step ---------------- */

static inline gint32
float_to_message (double x)
{
  /* Lava casts float messages into int32 ports by truncation toward zero. */
  if (x >= 2147483647.0)
    return G_MAXINT32;
  if (x <= -2147483648.0)
    return G_MININT32;
  return (gint32) x;
}

static void
gather (BslRtPort *in)
{
  if (in->own_i != NULL && in->i != in->own_i)
    return;
  if (in->own_f != NULL && in->f != in->own_f)
    return;

  if (in->is_int)
    {
      memset (in->i, 0, in->n * sizeof (gint32));
      for (guint s = 0; s < in->n_sources; s++)
        {
          const BslRtPort *src = in->sources[s];
          for (gsize k = 0; k < in->n; k++)
            {
              gint32 x = src->is_int ? src->i[k] : float_to_message (src->f[k]);
              in->i[k] = (gint32) ((guint32) in->i[k] + (guint32) x);
            }
        }
    }
  else
    {
      memset (in->f, 0, in->n * sizeof (double));
      for (guint s = 0; s < in->n_sources; s++)
        {
          const BslRtPort *src = in->sources[s];
          for (gsize k = 0; k < in->n; k++)
            in->f[k] += src->is_int ? (double) src->i[k] : src->f[k];
        }
    }
}

typedef struct
{
  BslProcRuntime *pr;
  gint64          t;
} SplitStep;

static void
split_step (gpointer data, gsize begin, gsize end)
{
  SplitStep *job = data;

  job->pr->model->step (job->pr, job->t, begin, end);
}

void
bsl_runtime_step (BslRuntime *runtime)
{
  gint64 t = runtime->time + 1;

  for (guint i = 0; i < runtime->n_delayed; i++)
    runtime->delayed[i]->model->emit (runtime->delayed[i]);

  for (guint i = 0; i < runtime->n_procs; i++)
    {
      BslProcRuntime *pr = runtime->order[i];
      const BslModel *model = pr->model;

      for (guint p = 0; p < pr->type->n_ports; p++)
        if (pr->ports[p].spec->direction == BSL_PORT_IN)
          gather (&pr->ports[p]);
      if (model->begin_step != NULL)
        model->begin_step (pr, t);
      if (model->splittable && bsl_workers_get_count (runtime->workers) > 1 &&
          (model->work_items != NULL ? model->work_items (pr) : pr->size * 8) >= SPLIT_THRESHOLD)
        {
          SplitStep job = { pr, t };
          bsl_workers_run (runtime->workers, split_step, &job, pr->size);
        }
      else
        model->step (pr, t, 0, pr->size);
    }

  runtime->time = t;
  for (guint i = 0; i < runtime->probes->len; i++)
    _bsl_probe_record (g_ptr_array_index (runtime->probes, i), t);
}

void
bsl_runtime_run (BslRuntime *runtime,
                 gint64      n_steps)
{
  g_return_if_fail (runtime != NULL);

  for (gint64 k = 0; k < n_steps; k++)
    bsl_runtime_step (runtime);
}

gint64
bsl_runtime_get_time (const BslRuntime *runtime)
{
  g_return_val_if_fail (runtime != NULL, 0);

  return runtime->time;
}

void
bsl_runtime_reset (BslRuntime *runtime)
{
  g_return_if_fail (runtime != NULL);

  runtime->time = 0;
  for (guint i = 0; i < runtime->n_procs; i++)
    {
      BslProcRuntime *pr = runtime->procs[i];

      for (guint v = 0; v < pr->type->n_vars; v++)
        if (pr->vars[v].initial != NULL)
          rt_var_store (&pr->vars[v], pr->vars[v].initial);
      for (guint p = 0; p < pr->type->n_ports; p++)
        {
          BslRtPort *port = &pr->ports[p];
          if (port->own_i != NULL)
            memset (port->own_i, 0, port->n * sizeof (gint32));
          if (port->own_f != NULL)
            memset (port->own_f, 0, port->n * sizeof (double));
        }
      if (pr->model->reset != NULL)
        pr->model->reset (pr);
    }
  for (guint i = 0; i < runtime->probes->len; i++)
    bsl_probe_clear (g_ptr_array_index (runtime->probes, i));
}

BslTag
bsl_runtime_get_process_tag (const BslRuntime *runtime,
                             const char       *process)
{
  BslProcRuntime *pr;

  g_return_val_if_fail (runtime != NULL, BSL_TAG_NONE);

  pr = _bsl_runtime_find_proc (runtime, process);
  return pr != NULL ? pr->tag : BSL_TAG_NONE;
}

/* ---------------- Vars ---------------- */

static BslProcRuntime *
lookup_proc (const BslRuntime *runtime, const char *process, GError **error)
{
  BslProcRuntime *pr = _bsl_runtime_find_proc (runtime, process);

  if (pr == NULL)
    g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "there is no process named '%s'", process);
  return pr;
}

static BslRtVar *
lookup_var (BslProcRuntime *pr, const char *name)
{
  for (guint v = 0; v < pr->type->n_vars; v++)
    if (g_strcmp0 (pr->vars[v].spec->name, name) == 0)
      return &pr->vars[v];
  return NULL;
}

BslArray *
bsl_runtime_get_var (const BslRuntime  *runtime,
                     const char        *process,
                     const char        *name,
                     GError           **error)
{
  BslProcRuntime *pr;
  BslRtVar *var;
  BslRtPort *port;
  BslArray *value;

  g_return_val_if_fail (runtime != NULL, NULL);

  pr = lookup_proc (runtime, process, error);
  if (pr == NULL)
    return NULL;
  if ((var = lookup_var (pr, name)) != NULL)
    {
      value = bsl_array_new (var->ndim, var->dims);
      for (gsize k = 0; k < var->n; k++)
        value->data[k] = var->is_int ? var->i[k] : var->f[k];
      return value;
    }
  if ((port = find_port (pr, name)) != NULL)
    {
      value = bsl_array_new_vector (port->n, NULL);
      for (gsize k = 0; k < port->n; k++)
        value->data[k] = port->is_int ? port->i[k] : port->f[k];
      return value;
    }
  g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
               "process '%s' (%s) has no Var or port '%s'", process, pr->type->name, name);
  return NULL;
}

/* Finds the Var and checks that value fits it (shape, and integers and ranges for the tag). */
static BslRtVar *
checked_var (const BslRuntime  *runtime,
             const char        *process,
             const char        *name,
             const BslArray    *value,
             BslProcRuntime   **owner,
             GError           **error)
{
  BslProcRuntime *pr = lookup_proc (runtime, process, error);
  BslProcess fake = { 0 };
  BslRtVar *var;

  if (pr == NULL)
    return NULL;
  var = lookup_var (pr, name);
  if (var == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                   "process '%s' (%s) has no Var '%s'", process, pr->type->name, name);
      return NULL;
    }
  if (value->n != var->n && value->n != 1)
    {
      g_autofree char *given = bsl_shape_to_string (value->ndim, value->dims);
      g_autofree char *wanted = bsl_shape_to_string (var->ndim, var->dims);
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "process '%s' (%s): Var '%s' has shape %s; %s does not fit",
                   process, pr->type->name, name, wanted, given);
      return NULL;
    }
  fake.name = pr->name;
  fake.type = pr->type;
  if (!_bsl_var_check_value (&fake, var->spec, value, pr->tag, error))
    return NULL;
  if (owner != NULL)
    *owner = pr;
  return var;
}

gboolean
bsl_runtime_check_var (const BslRuntime  *runtime,
                       const char        *process,
                       const char        *var,
                       const BslArray    *value,
                       GError           **error)
{
  g_return_val_if_fail (runtime != NULL, FALSE);

  return checked_var (runtime, process, var, value, NULL, error) != NULL;
}

gboolean
bsl_runtime_set_var (BslRuntime      *runtime,
                     const char      *process,
                     const char      *name,
                     const BslArray  *value,
                     GError         **error)
{
  BslProcRuntime *pr = NULL;
  BslRtVar *var;

  g_return_val_if_fail (runtime != NULL, FALSE);

  var = checked_var (runtime, process, name, value, &pr, error);
  if (var == NULL)
    return FALSE;
  rt_var_store (var, value);
  /* Before the first step, a state Var's new value is also what reset returns to. */
  if (var->initial != NULL && runtime->time == 0)
    for (gsize k = 0; k < var->initial->n; k++)
      var->initial->data[k] = value->n == var->n ? value->data[k] : value->data[0];
  if (pr->model->var_changed != NULL)
    pr->model->var_changed (pr, (guint) (var - pr->vars));
  return TRUE;
}

/* ---------------- probes ---------------- */

static BslProbe *
add_probe (BslRuntime   *runtime,
           const char   *target,
           BslProbeMode  mode,
           gsize         capacity,
           const gsize  *elements,
           gsize         n_elements,
           GError      **error)
{
  const char *dot = target != NULL ? strrchr (target, '.') : NULL;
  g_autofree char *process = NULL;
  BslProcRuntime *pr;
  BslProbe *probe;

  if (dot == NULL || dot == target || dot[1] == '\0')
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                   "probe '%s' must be written PROCESS.VAR, e.g. 'lif1.v' or 'lif1.s_out'",
                   target != NULL ? target : "");
      return NULL;
    }
  process = g_strndup (target, dot - target);
  if ((pr = lookup_proc (runtime, process, error)) == NULL)
    {
      g_prefix_error (error, "probe '%s': ", target);
      return NULL;
    }
  probe = _bsl_probe_new (pr, dot + 1, mode, capacity, elements, n_elements, error);
  if (probe != NULL)
    g_ptr_array_add (runtime->probes, probe);
  return probe;
}

BslProbe *
bsl_runtime_add_probe (BslRuntime    *runtime,
                       const char    *target,
                       BslProbeMode   mode,
                       gsize          capacity,
                       GError       **error)
{
  g_return_val_if_fail (runtime != NULL, NULL);

  return add_probe (runtime, target, mode, capacity, NULL, 0, error);
}

BslProbe *
bsl_runtime_add_probe_elements (BslRuntime    *runtime,
                                const char    *target,
                                gsize          capacity,
                                const gsize   *elements,
                                gsize          n_elements,
                                GError       **error)
{
  g_return_val_if_fail (elements != NULL, NULL);
  return add_probe (runtime, target, BSL_PROBE_RECORD, capacity, elements, n_elements, error);
}

guint
bsl_runtime_get_n_probes (const BslRuntime *runtime)
{
  g_return_val_if_fail (runtime != NULL, 0);

  return runtime->probes->len;
}

BslProbe *
bsl_runtime_get_probe (const BslRuntime *runtime,
                       guint             index)
{
  g_return_val_if_fail (index < runtime->probes->len, NULL);
  return g_ptr_array_index (runtime->probes, index);
}

gboolean
bsl_runtime_remove_probe (BslRuntime *runtime,
                          BslProbe   *probe)
{
  g_return_val_if_fail (runtime != NULL, FALSE);

  return g_ptr_array_remove (runtime->probes, probe);
}

/* ---------------- CSV ---------------- */

gboolean
bsl_runtime_write_csv_stream (const BslRuntime  *runtime,
                              FILE              *stream,
                              GError           **error)
{
  gint64 first = G_MAXINT64, last = G_MININT64;

  g_return_val_if_fail (runtime != NULL, FALSE);

  fputs ("step,probe,index,value\n", stream);
  for (guint p = 0; p < runtime->probes->len; p++)
    {
      const BslProbe *probe = g_ptr_array_index (runtime->probes, p);
      if (probe->mode != BSL_PROBE_RECORD || probe->n_held == 0)
        continue;
      first = MIN (first, probe->first_step);
      last = MAX (last, probe->first_step + (gint64) probe->n_held - 1);
    }
  for (gint64 t = first; t <= last; t++)
    for (guint p = 0; p < runtime->probes->len; p++)
      {
        const BslProbe *probe = g_ptr_array_index (runtime->probes, p);

        if (probe->mode == BSL_PROBE_RECORD && t >= probe->first_step)
          bsl_probe_write_csv_rows (probe, stream, t, (gsize) (t - probe->first_step), FALSE);
      }
  if (ferror (stream))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "writing the CSV failed: %s",
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
bsl_runtime_write_csv (const BslRuntime  *runtime,
                       const char        *path,
                       GError           **error)
{
  BslAtomicFile *file = bsl_atomic_file_new (path, error);

  g_return_val_if_fail (runtime != NULL, FALSE);

  if (file == NULL)
    return FALSE;
  /* A write error stays on the stream: commit reports it with the path and removes the file. */
  bsl_runtime_write_csv_stream (runtime, bsl_atomic_file_stream (file), NULL);
  return bsl_atomic_file_commit (file, error);
}
