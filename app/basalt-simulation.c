/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "bsl-error.h"

#include "basalt-probe-private.h"
#include "basalt-simulation.h"

/* Steps a probe keeps in the engine between two frames; more than any frame needs. */
#define PROBE_CAPACITY   4096
#define MAX_TRACES       8
#define DEFAULT_TRACES   4
/* A Var with more elements (a large connection's weights) records only those its plot shows. */
#define PICK_ELEMENTS_ABOVE 4096
#define DEFAULT_SPEED    200.0
/* While a run goes on, what the engine recorded is brought over about 30 times a second:
 * smooth scrolling, and every other frame left free for drawing. */
#define REFRESH_MS       30

typedef struct
{
  char       *target;
  char       *process;
  char       *var;
  gboolean    raster;
  BslProbe   *probe;      /* owned by the runtime; NULL while nothing is compiled */
  BasaltProbe *model;     /* what views show */
  GArray     *rows;       /* double: the rows being brought over, copied under the lock */
  gint64      last_step;  /* Lava step number of the newest row brought over */
  gsize       indices[MAX_TRACES];
  guint       n_traces;
  gboolean    chosen;     /* the user picked the neurons */
  gsize       n_elements; /* of the Var, when known from the network (0: not known) */
  gsize       columns;    /* a (rows, columns) Var: elements are named [row, column] */
  gboolean    picked;     /* the probe records the shown elements only */

  /* What a sync brings over: rows from first_row on, after a restart of the count or not */
  gint64      first_row;
  guint       n_rows;
  gboolean    restarted;
} ProbeView;

struct _BasaltSimulation
{
  GObject     parent_instance;

  BslRunner  *runner;
  GPtrArray  *probes;     /* ProbeView* */
  double      speed;
  gboolean    ended;      /* stopped: the runner is kept for its data, but never continues */

  /* As last notified */
  BasaltSimulationState state;
  gint64      time;
  double      rate;
  guint       refresh_id;
};

G_DEFINE_FINAL_TYPE (BasaltSimulation, basalt_simulation, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (BasaltSimulationState, basalt_simulation_state,
                    G_DEFINE_ENUM_VALUE (BASALT_SIMULATION_STOPPED, "stopped"),
                    G_DEFINE_ENUM_VALUE (BASALT_SIMULATION_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (BASALT_SIMULATION_PAUSED, "paused"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_TIME,
  PROP_RATE,
  PROP_SPEED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PROBE_ADDED,
  PROBE_REMOVED,
  PROBES_CLEARED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
probe_view_free (gpointer data)
{
  ProbeView *view = data;

  g_free (view->target);
  g_free (view->process);
  g_free (view->var);
  g_clear_object (&view->model);
  g_array_unref (view->rows);
  g_free (view);
}

static BasaltSimulationState
runner_state (BasaltSimulation *self)
{
  if (self->runner == NULL || self->ended)
    return BASALT_SIMULATION_STOPPED;
  if (bsl_runner_get_state (self->runner) == BSL_RUNNER_RUNNING)
    return BASALT_SIMULATION_RUNNING;
  return BASALT_SIMULATION_PAUSED;
}

BasaltSimulationState
basalt_simulation_get_state (BasaltSimulation *self)
{
  g_return_val_if_fail (BASALT_IS_SIMULATION (self), BASALT_SIMULATION_STOPPED);

  return runner_state (self);
}

gint64
basalt_simulation_get_time (BasaltSimulation *self)
{
  g_return_val_if_fail (BASALT_IS_SIMULATION (self), 0);

  return self->runner ? bsl_runner_get_time (self->runner) : 0;
}

double
basalt_simulation_get_rate (BasaltSimulation *self)
{
  g_return_val_if_fail (BASALT_IS_SIMULATION (self), 0);

  return self->runner ? bsl_runner_get_steps_per_second (self->runner) : 0;
}

static gboolean refresh_cb (gpointer data);

/* Notifies what changed since the last call, and keeps the refresh going while the run does. */
static void
update_status (BasaltSimulation *self)
{
  BasaltSimulationState state = runner_state (self);
  gint64 time = self->runner ? bsl_runner_get_time (self->runner) : 0;
  double rate = self->runner ? bsl_runner_get_steps_per_second (self->runner) : 0;

  g_object_freeze_notify (G_OBJECT (self));
  if (rate != self->rate)
    {
      self->rate = rate;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
    }
  if (time != self->time)
    {
      self->time = time;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME]);
    }
  if (state != self->state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  if (state == BASALT_SIMULATION_RUNNING && self->refresh_id == 0)
    self->refresh_id = g_timeout_add (REFRESH_MS, refresh_cb, self);
}

static gboolean
refresh_cb (gpointer data)
{
  BasaltSimulation *self = data;

  /* The last refresh after the run stopped brings its final steps over. */
  basalt_simulation_sync (self);
  if (self->state == BASALT_SIMULATION_RUNNING)
    return G_SOURCE_CONTINUE;
  self->refresh_id = 0;
  return G_SOURCE_REMOVE;
}

gboolean
basalt_simulation_is_compiled (BasaltSimulation *self)
{
  g_return_val_if_fail (BASALT_IS_SIMULATION (self), FALSE);

  return self->runner != NULL;
}

static void
rebuild_series (ProbeView *view)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < view->n_traces; i++)
    {
      gsize k = view->indices[i];

      g_ptr_array_add (labels, view->columns > 0
                       ? g_strdup_printf ("%s[%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT "]", view->var,
                                          k / view->columns, k % view->columns)
                       : g_strdup_printf ("%s[%" G_GSIZE_FORMAT "]", view->var, k));
    }
  _basalt_probe_set_series (view->model, (const char *const *) labels->pdata, labels->len);
}

static void
attach_probe (ProbeView  *view,
              BslRuntime *runtime)
{
  g_autoptr(GError) error = NULL;
  gsize size;

  if (view->picked && !view->chosen)
    for (view->n_traces = 0; view->n_traces < MIN (view->n_elements, DEFAULT_TRACES); view->n_traces++)
      view->indices[view->n_traces] = view->n_traces;
  view->probe = view->picked
    ? bsl_runtime_add_probe_elements (runtime, view->target, PROBE_CAPACITY, view->indices, view->n_traces, &error)
    : bsl_runtime_add_probe (runtime, view->target, BSL_PROBE_RECORD, PROBE_CAPACITY, &error);
  view->last_step = 0;
  if (view->probe == NULL)
    {
      g_autofree char *title = g_strdup_printf ("%s (%s)", view->target, error->message);

      _basalt_probe_set_title (view->model, title);
      return;
    }

  _basalt_probe_set_title (view->model, view->target);
  size = bsl_probe_get_size (view->probe);
  if (view->picked)
    rebuild_series (view);
  else if (view->raster)
    _basalt_probe_set_n_rows (view->model, size);
  else
    {
      guint kept = 0;

      /* Traces of a few neurons; a plot of a thousand lines shows nothing. */
      if (!view->chosen)
        for (view->n_traces = 0; view->n_traces < MIN (size, DEFAULT_TRACES); view->n_traces++)
          view->indices[view->n_traces] = view->n_traces;
      for (guint i = 0; i < view->n_traces; i++)
        if (view->indices[i] < size)
          view->indices[kept++] = view->indices[i];
      view->n_traces = kept;
      rebuild_series (view);
    }
}

void
basalt_simulation_invalidate (BasaltSimulation *self)
{
  g_return_if_fail (BASALT_IS_SIMULATION (self));

  g_clear_pointer (&self->runner, bsl_runner_free);
  self->ended = FALSE;
  for (guint i = 0; i < self->probes->len; i++)
    ((ProbeView *) g_ptr_array_index (self->probes, i))->probe = NULL;
  update_status (self);
}

gboolean
basalt_simulation_compile (BasaltSimulation  *self,
                           const BslGraph    *graph,
                           BslTag             tag,
                           GError           **error)
{
  BslRunConfig *config;
  BslRuntime *runtime;

  g_return_val_if_fail (BASALT_IS_SIMULATION (self), FALSE);
  g_return_val_if_fail (graph != NULL, FALSE);

  basalt_simulation_invalidate (self);

  config = bsl_run_config_new (tag);
  config->seed = bsl_graph_get_run_seed (graph);
  /* Leave a core to the interface, so drawing never waits for the engine. */
  config->n_threads = MAX (1, g_get_num_processors () - 1);
  runtime = bsl_runtime_new (graph, config, error);
  bsl_run_config_free (config);
  if (runtime == NULL)
    return FALSE;

  for (guint i = 0; i < self->probes->len; i++)
    {
      ProbeView *view = g_ptr_array_index (self->probes, i);

      attach_probe (view, runtime);
      _basalt_probe_clear (view->model);
    }

  self->runner = bsl_runner_new (runtime);
  update_status (self);
  return TRUE;
}

void
basalt_simulation_start (BasaltSimulation *self,
                         gint64            n_steps)
{
  g_return_if_fail (BASALT_IS_SIMULATION (self));

  if (self->runner != NULL && !self->ended)
    bsl_runner_start (self->runner, n_steps, self->speed);
  update_status (self);
}

void
basalt_simulation_stop (BasaltSimulation *self)
{
  g_return_if_fail (BASALT_IS_SIMULATION (self));

  if (self->runner == NULL || self->ended)
    return;
  bsl_runner_pause (self->runner);
  bsl_runner_wait_idle (self->runner);
  self->ended = TRUE;
  /* The plots get every step made before the stop. */
  basalt_simulation_sync (self);
}

void
basalt_simulation_pause (BasaltSimulation *self)
{
  g_return_if_fail (BASALT_IS_SIMULATION (self));

  if (self->runner != NULL)
    bsl_runner_pause (self->runner);
  update_status (self);
}

void
basalt_simulation_step (BasaltSimulation *self)
{
  g_return_if_fail (BASALT_IS_SIMULATION (self));

  if (self->runner != NULL && !self->ended)
    bsl_runner_step (self->runner);
  update_status (self);
}

void
basalt_simulation_reset (BasaltSimulation *self)
{
  g_return_if_fail (BASALT_IS_SIMULATION (self));

  if (self->runner != NULL)
    {
      bsl_runner_stop (self->runner);
      bsl_runner_reset (self->runner);
      bsl_runner_wait_idle (self->runner);
    }

  for (guint i = 0; i < self->probes->len; i++)
    {
      ProbeView *view = g_ptr_array_index (self->probes, i);

      view->last_step = 0;
      _basalt_probe_clear (view->model);
    }
  update_status (self);
}

void
basalt_simulation_wait (BasaltSimulation *self)
{
  g_return_if_fail (BASALT_IS_SIMULATION (self));

  if (self->runner != NULL)
    {
      bsl_runner_wait (self->runner);
      bsl_runner_wait_idle (self->runner);
    }
  update_status (self);
}

void
basalt_simulation_set_speed (BasaltSimulation *self,
                             double            steps_per_second)
{
  g_return_if_fail (BASALT_IS_SIMULATION (self));

  steps_per_second = MAX (0, steps_per_second);
  if (steps_per_second == self->speed)
    return;
  self->speed = steps_per_second;
  /* A running network picks the new pace up at once. */
  if (basalt_simulation_get_state (self) == BASALT_SIMULATION_RUNNING)
    bsl_runner_start (self->runner, -1, self->speed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

double
basalt_simulation_get_speed (BasaltSimulation *self)
{
  g_return_val_if_fail (BASALT_IS_SIMULATION (self), 0);

  return self->speed;
}

gboolean
basalt_simulation_set_var (BasaltSimulation  *self,
                           const char        *process,
                           const char        *var,
                           const BslArray    *value,
                           GError           **error)
{
  g_return_val_if_fail (BASALT_IS_SIMULATION (self), FALSE);

  if (self->runner == NULL)
    return TRUE;
  return bsl_runner_set_var (self->runner, process, var, value, error);
}

/* The worker hands the lock to a waiting reader within about a step. */
static BslRuntime *
lock_runtime (BasaltSimulation *self)
{
  return bsl_runner_lock (self->runner);
}

static void
unlock_runtime (BasaltSimulation *self)
{
  bsl_runner_unlock (self->runner);
}

/* A raster's row holds every neuron; a trace's row the series shown. */
static guint
row_width (ProbeView *view)
{
  return view->raster ? (guint) bsl_probe_get_size (view->probe) : view->n_traces;
}

/* Copies the engine's rows begin..n_held of the probe (under the runtime's lock) into
 * view->rows, as views take them; returns how many rows there were. */
static guint
copy_rows (ProbeView *view,
           gsize      begin,
           gsize      n_held)
{
  guint width = row_width (view);
  guint n_rows = 0;

  g_array_set_size (view->rows, 0);
  for (gsize k = begin; k < n_held; k++)
    {
      const double *row = bsl_probe_get_row (view->probe, k);

      if (row == NULL)
        break;
      if (view->raster)
        g_array_append_vals (view->rows, row, width);
      else
        for (guint s = 0; s < view->n_traces; s++)
          g_array_append_val (view->rows, row[view->picked ? s : view->indices[s]]);
      n_rows++;
    }
  return n_rows;
}

static ProbeView *
find_view (BasaltSimulation *self,
           const char       *target)
{
  for (guint i = 0; i < self->probes->len; i++)
    {
      ProbeView *view = g_ptr_array_index (self->probes, i);

      if (g_strcmp0 (view->target, target) == 0)
        return view;
    }
  return NULL;
}

/* A Var with an element per synapse of a connection (weights, tags) is a (rows, columns)
 * matrix; a large one records only the elements its plot shows. */
static void
describe_elements (ProbeView *view, const BslProcess *process)
{
  const BslVarSpec *spec = bsl_proc_type_find_var (bsl_process_get_proc_type (process), view->var);
  const gsize *dims = bsl_process_get_dims (process);

  if (spec == NULL || spec->shape != BSL_SHAPE_POPULATION || bsl_process_get_ndim (process) != 2)
    return;
  view->columns = dims[1];
  view->n_elements = dims[0] * dims[1];
  view->picked = view->n_elements > PICK_ELEMENTS_ABOVE;
}

gboolean
basalt_simulation_add_probe (BasaltSimulation  *self,
                             const BslGraph    *graph,
                             const char        *target,
                             GError           **error)
{
  const BslProcess *process;
  const BslPortSpec *port = NULL;
  const char *dot;
  ProbeView *view;

  g_return_val_if_fail (BASALT_IS_SIMULATION (self), FALSE);
  g_return_val_if_fail (target != NULL, FALSE);

  if (find_view (self, target) != NULL)
    return TRUE;

  dot = strrchr (target, '.');
  if (dot == NULL || dot == target || dot[1] == '\0')
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "probe '%s' must be written PROCESS.VAR", target);
      return FALSE;
    }

  view = g_new0 (ProbeView, 1);
  view->target = g_strdup (target);
  view->process = g_strndup (target, dot - target);
  view->var = g_strdup (dot + 1);

  process = bsl_graph_find_process (graph, view->process);
  if (process == NULL ||
      ((port = bsl_proc_type_find_port (bsl_process_get_proc_type (process), view->var)) == NULL &&
       bsl_proc_type_find_var (bsl_process_get_proc_type (process), view->var) == NULL))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "cannot probe '%s': %s", target,
                   process == NULL ? "there is no such process" : "the process has no such Var or port");
      probe_view_free (view);
      return FALSE;
    }

  describe_elements (view, process);
  /* Spikes (s_out) are shown as a raster; everything else as traces. */
  view->raster = port != NULL && port->direction == BSL_PORT_OUT && g_str_equal (view->var, "s_out");
  view->model = _basalt_probe_new (target, view->var, view->raster);
  view->rows = g_array_new (FALSE, FALSE, sizeof (double));

  if (self->runner != NULL)
    {
      BslRuntime *runtime = lock_runtime (self);

      attach_probe (view, runtime);
      /* Recording starts now; earlier steps were not kept. */
      if (view->probe != NULL)
        view->last_step = bsl_runtime_get_time (runtime);
      unlock_runtime (self);
    }

  g_ptr_array_add (self->probes, view);
  g_signal_emit (self, signals[PROBE_ADDED], 0, view->model);
  return TRUE;
}

gboolean
basalt_simulation_remove_probe (BasaltSimulation *self,
                                const char       *target)
{
  ProbeView *view;

  g_return_val_if_fail (BASALT_IS_SIMULATION (self), FALSE);

  if ((view = find_view (self, target)) == NULL)
    return FALSE;

  if (self->runner != NULL && view->probe != NULL)
    {
      BslRuntime *runtime = lock_runtime (self);

      bsl_runtime_remove_probe (runtime, view->probe);
      unlock_runtime (self);
    }

  g_signal_emit (self, signals[PROBE_REMOVED], 0, view->model);
  g_ptr_array_remove (self->probes, view);
  return TRUE;
}

gboolean
basalt_simulation_set_trace_neurons (BasaltSimulation  *self,
                                     const char        *target,
                                     const gsize       *indices,
                                     guint              n_indices,
                                     GError           **error)
{
  ProbeView *view;

  g_return_val_if_fail (BASALT_IS_SIMULATION (self), FALSE);

  if ((view = find_view (self, target)) == NULL || view->raster)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "there is no trace probe '%s'", target);
      return FALSE;
    }
  if (n_indices == 0 || n_indices > MAX_TRACES)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "%s: choose between 1 and %u neurons", target, MAX_TRACES);
      return FALSE;
    }
  if (view->probe != NULL || view->n_elements > 0)
    {
      gsize size = view->probe != NULL ? bsl_probe_get_source_size (view->probe) : view->n_elements;

      for (guint i = 0; i < n_indices; i++)
        if (indices[i] >= size)
          {
            g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "%s: there is no %s %" G_GSIZE_FORMAT
                         " (it has %" G_GSIZE_FORMAT ", counted from 0)", target,
                         view->columns > 0 ? "element" : "neuron", indices[i], size);
            return FALSE;
          }
    }

  view->chosen = TRUE;
  view->n_traces = n_indices;
  memcpy (view->indices, indices, sizeof (gsize) * n_indices);
  rebuild_series (view);

  /* Only the shown elements were recorded: the new ones are recorded from now on. */
  if (view->picked)
    {
      if (self->runner != NULL && view->probe != NULL)
        {
          BslRuntime *runtime = lock_runtime (self);

          bsl_runtime_remove_probe (runtime, view->probe);
          attach_probe (view, runtime);
          if (view->probe != NULL)
            view->last_step = bsl_runtime_get_time (runtime);
          unlock_runtime (self);
        }
      return TRUE;
    }

  /* The engine recorded every neuron: the new choice shows the steps held so far at once. */
  if (self->runner != NULL && view->probe != NULL)
    {
      gsize n_held;
      gint64 first;
      guint n_rows;

      lock_runtime (self);
      n_held = bsl_probe_get_n_steps (view->probe);
      first = bsl_probe_get_first_step (view->probe);
      n_rows = copy_rows (view, 0, n_held);
      if (n_held > 0)
        view->last_step = first + (gint64) n_held - 1;
      unlock_runtime (self);
      _basalt_probe_push_rows (view->model, first, n_rows, view->n_traces, (const double *) view->rows->data);
    }
  return TRUE;
}

guint
basalt_simulation_get_trace_neurons (BasaltSimulation *self,
                                     const char       *target,
                                     gsize            *indices)
{
  ProbeView *view;

  g_return_val_if_fail (BASALT_IS_SIMULATION (self), 0);

  if ((view = find_view (self, target)) == NULL || view->raster)
    return 0;
  if (indices != NULL)
    memcpy (indices, view->indices, sizeof (gsize) * view->n_traces);
  return view->n_traces;
}

gsize
basalt_simulation_get_columns (BasaltSimulation *self,
                               const char       *target)
{
  ProbeView *view;

  g_return_val_if_fail (BASALT_IS_SIMULATION (self), 0);

  return (view = find_view (self, target)) != NULL ? view->columns : 0;
}

gboolean
basalt_simulation_has_probe (BasaltSimulation *self,
                             const char       *target)
{
  g_return_val_if_fail (BASALT_IS_SIMULATION (self), FALSE);

  return find_view (self, target) != NULL;
}

guint
basalt_simulation_get_n_probes (BasaltSimulation *self)
{
  g_return_val_if_fail (BASALT_IS_SIMULATION (self), 0);

  return self->probes->len;
}

BasaltProbe *
basalt_simulation_get_probe (BasaltSimulation *self,
                             guint             index)
{
  g_return_val_if_fail (BASALT_IS_SIMULATION (self), NULL);
  g_return_val_if_fail (index < self->probes->len, NULL);

  return ((ProbeView *) g_ptr_array_index (self->probes, index))->model;
}

const char *
basalt_simulation_get_target (BasaltSimulation *self,
                              guint             index)
{
  g_return_val_if_fail (BASALT_IS_SIMULATION (self), NULL);
  g_return_val_if_fail (index < self->probes->len, NULL);

  return ((ProbeView *) g_ptr_array_index (self->probes, index))->target;
}

void
basalt_simulation_clear_probes (BasaltSimulation *self)
{
  g_return_if_fail (BASALT_IS_SIMULATION (self));

  /* Probes live in the runtime; a new compile is needed to drop them there. */
  basalt_simulation_invalidate (self);
  g_ptr_array_set_size (self->probes, 0);
  g_signal_emit (self, signals[PROBES_CLEARED], 0);
}

char **
basalt_simulation_dup_probed (BasaltSimulation *self)
{
  GStrvBuilder *builder;
  char **names;

  g_return_val_if_fail (BASALT_IS_SIMULATION (self), NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->probes->len; i++)
    g_strv_builder_add (builder, ((ProbeView *) g_ptr_array_index (self->probes, i))->process);
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return names;
}

void
basalt_simulation_sync (BasaltSimulation *self)
{
  g_autoptr(GPtrArray) pending = NULL;

  g_return_if_fail (BASALT_IS_SIMULATION (self));

  if (self->runner == NULL)
    {
      update_status (self);
      return;
    }

  /* Copy under the lock, briefly: the worker holds it only while stepping a batch. Views hear
   * of the new rows once it is let go. */
  pending = g_ptr_array_new ();
  lock_runtime (self);
  for (guint i = 0; i < self->probes->len; i++)
    {
      ProbeView *view = g_ptr_array_index (self->probes, i);
      gsize n_held, begin;
      gint64 first;

      if (view->probe == NULL)
        continue;

      n_held = bsl_probe_get_n_steps (view->probe);
      first = bsl_probe_get_first_step (view->probe);

      /* After a reset the engine counts from step 1 again. */
      view->restarted = FALSE;
      if (n_held == 0 || first + (gint64) n_held - 1 < view->last_step)
        {
          if (n_held == 0)
            continue;
          view->last_step = 0;
          view->restarted = TRUE;
        }

      begin = view->last_step >= first ? (gsize) (view->last_step - first + 1) : 0;
      view->first_row = first + (gint64) begin;
      view->n_rows = copy_rows (view, begin, n_held);
      view->last_step = first + (gint64) n_held - 1;
      g_ptr_array_add (pending, view);
    }
  unlock_runtime (self);

  for (guint i = 0; i < pending->len; i++)
    {
      ProbeView *view = g_ptr_array_index (pending, i);

      if (view->restarted)
        _basalt_probe_clear (view->model);
      _basalt_probe_push_rows (view->model, view->first_row, view->n_rows, row_width (view),
                               (const double *) view->rows->data);
    }
  update_status (self);
}

gboolean
basalt_simulation_write_csv (BasaltSimulation  *self,
                             const char        *path,
                             GError           **error)
{
  BslRuntime *runtime;
  gboolean ok;

  g_return_val_if_fail (BASALT_IS_SIMULATION (self), FALSE);

  if (self->runner == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "there is no run to export: press Run first");
      return FALSE;
    }

  runtime = lock_runtime (self);
  ok = bsl_runtime_write_csv (runtime, path, error);
  unlock_runtime (self);
  return ok;
}

BslArray *
basalt_simulation_dup_var (BasaltSimulation  *self,
                           const char        *process,
                           const char        *var,
                           gint64            *step,
                           GError           **error)
{
  BslRuntime *runtime;
  BslArray *value;

  g_return_val_if_fail (BASALT_IS_SIMULATION (self), NULL);

  if (self->runner == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "there is no run: press Run first");
      return NULL;
    }
  runtime = lock_runtime (self);
  value = bsl_runtime_get_var (runtime, process, var, error);
  if (step != NULL)
    *step = bsl_runtime_get_time (runtime);
  unlock_runtime (self);
  return value;
}

static void
basalt_simulation_dispose (GObject *object)
{
  BasaltSimulation *self = (BasaltSimulation *) object;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_pointer (&self->runner, bsl_runner_free);
  if (self->probes != NULL)
    g_ptr_array_set_size (self->probes, 0);

  G_OBJECT_CLASS (basalt_simulation_parent_class)->dispose (object);
}

static void
basalt_simulation_finalize (GObject *object)
{
  BasaltSimulation *self = (BasaltSimulation *) object;

  g_clear_pointer (&self->probes, g_ptr_array_unref);

  G_OBJECT_CLASS (basalt_simulation_parent_class)->finalize (object);
}

static void
basalt_simulation_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  BasaltSimulation *self = BASALT_SIMULATION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_TIME:
      g_value_set_int64 (value, self->time);
      break;

    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;

    case PROP_SPEED:
      g_value_set_double (value, self->speed);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_simulation_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  BasaltSimulation *self = BASALT_SIMULATION (object);

  switch (prop_id)
    {
    case PROP_SPEED:
      basalt_simulation_set_speed (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_simulation_class_init (BasaltSimulationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = basalt_simulation_dispose;
  object_class->finalize = basalt_simulation_finalize;
  object_class->get_property = basalt_simulation_get_property;
  object_class->set_property = basalt_simulation_set_property;

  /* State, step and rate follow the run on the main thread, about 30 times a second while it
   * goes on (and at once after start, pause, step, reset or wait). */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, BASALT_TYPE_SIMULATION_STATE, BASALT_SIMULATION_STOPPED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Steps made since the start (Lava's time step of the last one). */
  properties[PROP_TIME] =
    g_param_spec_int64 ("time", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Steps per second achieved lately. */
  properties[PROP_RATE] =
    g_param_spec_double ("rate", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Pace asked for, in steps per second; 0 runs as fast as possible. */
  properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL, 0, G_MAXDOUBLE, DEFAULT_SPEED,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PROBE_ADDED] =
    g_signal_new ("probe-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BASALT_TYPE_PROBE);
  signals[PROBE_REMOVED] =
    g_signal_new ("probe-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, BASALT_TYPE_PROBE);
  signals[PROBES_CLEARED] =
    g_signal_new ("probes-cleared", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
basalt_simulation_init (BasaltSimulation *self)
{
  self->probes = g_ptr_array_new_with_free_func (probe_view_free);
  self->speed = DEFAULT_SPEED;
}

BasaltSimulation *
basalt_simulation_new (void)
{
  return g_object_new (BASALT_TYPE_SIMULATION, NULL);
}
