/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bsl-runner.h"
#include "bsl-thread-priority.h"

/* How long the worker holds the runtime lock at a time, so that readers get a turn. */
#define BATCH_USEC 4000

typedef struct
{
  char     *process;
  char     *var;
  BslArray *value;
} SetVar;

struct _BslRunner
{
  BslRuntime     *runtime;
  GThread        *thread;
  GMutex          runtime_lock;   /* held while stepping and by readers */
  GMutex          mutex;          /* guards everything below */
  GCond           cond;
  BslRunnerState  state;
  gint64          remaining;      /* < 0: run until paused or stopped */
  double          target_rate;
  gint            pending;        /* commands queued (atomic, read while stepping) */
  gint            waiting_readers; /* threads blocked in bsl_runner_lock() (atomic) */
  GQueue          commands;
  gboolean        reset_requested;
  gint            single_steps;
  gboolean        busy;
  gboolean        quit;
  gint64          time;
  double          measured_rate;
};

static void
set_var_free (SetVar *cmd)
{
  g_free (cmd->process);
  g_free (cmd->var);
  bsl_array_free (cmd->value);
  g_free (cmd);
}

/* Called with both locks held. */
static void
apply_commands (BslRunner *runner)
{
  SetVar *cmd;

  if (runner->reset_requested)
    {
      bsl_runtime_reset (runner->runtime);
      runner->reset_requested = FALSE;
    }
  while ((cmd = g_queue_pop_head (&runner->commands)) != NULL)
    {
      g_autoptr(GError) error = NULL;
      /* Validated when queued; a failure here can only be a process removed since. */
      if (!bsl_runtime_set_var (runner->runtime, cmd->process, cmd->var, cmd->value, &error))
        g_warning ("%s", error->message);
      set_var_free (cmd);
    }
  g_atomic_int_set (&runner->pending, 0);
  runner->time = bsl_runtime_get_time (runner->runtime);
}

static gboolean
has_work (BslRunner *runner)
{
  return runner->single_steps > 0 ||
         (runner->state == BSL_RUNNER_RUNNING && runner->remaining != 0);
}

static gpointer
runner_main (gpointer data)
{
  BslRunner *runner = data;

  /* A runner drives a network behind a window: the window's frames come first. */
  bsl_thread_lower_priority (BSL_BACKGROUND_NICENESS);
  g_mutex_lock (&runner->mutex);
  while (!runner->quit)
    {
      gint64 budget, done = 0, start, elapsed;
      double rate;
      gboolean single;

      if (runner->reset_requested || !g_queue_is_empty (&runner->commands))
        {
          g_mutex_lock (&runner->runtime_lock);
          apply_commands (runner);
          g_mutex_unlock (&runner->runtime_lock);
        }
      if (!has_work (runner))
        {
          runner->busy = FALSE;
          g_cond_broadcast (&runner->cond);
          g_cond_wait (&runner->cond, &runner->mutex);
          continue;
        }

      runner->busy = TRUE;
      /* Everything queued so far has been seen; only what arrives during the batch ends it. */
      g_atomic_int_set (&runner->pending, 0);
      single = runner->single_steps > 0;
      budget = single ? 1 : runner->remaining;
      rate = runner->target_rate;
      g_mutex_unlock (&runner->mutex);

      start = g_get_monotonic_time ();
      g_mutex_lock (&runner->runtime_lock);
      do
        {
          bsl_runtime_step (runner->runtime);
          done++;
          elapsed = g_get_monotonic_time () - start;
          if (rate > 0 && done >= rate * (elapsed + 1) / 1e6)
            break;
        }
      while ((budget < 0 || done < budget) && elapsed < BATCH_USEC &&
             !g_atomic_int_get (&runner->pending) && !g_atomic_int_get (&runner->waiting_readers));
      g_mutex_unlock (&runner->runtime_lock);

      /* GMutex is not fair: without this the worker would take the lock back at once and a
       * plot waiting to copy probe data could wait for seconds. */
      for (int spins = 0; spins < 1000 && g_atomic_int_get (&runner->waiting_readers) > 0; spins++)
        g_thread_yield ();

      if (rate > 0)
        {
          /* Keep to the requested pace: sleep off the time the batch was early. */
          gint64 due = start + (gint64) (done * 1e6 / rate);
          gint64 now = g_get_monotonic_time ();
          if (due > now)
            g_usleep (MIN (due - now, 100000));
        }

      g_mutex_lock (&runner->mutex);
      elapsed = MAX (g_get_monotonic_time () - start, 1);
      runner->measured_rate = 0.8 * runner->measured_rate + 0.2 * (done * 1e6 / elapsed);
      runner->time += done;
      if (single)
        runner->single_steps--;
      else if (runner->remaining > 0)
        {
          runner->remaining -= done;
          if (runner->remaining == 0)
            runner->state = BSL_RUNNER_IDLE;
        }
      g_cond_broadcast (&runner->cond);
    }
  runner->busy = FALSE;
  g_cond_broadcast (&runner->cond);
  g_mutex_unlock (&runner->mutex);
  return NULL;
}

BslRunner *
bsl_runner_new (BslRuntime *runtime)
{
  BslRunner *runner = g_new0 (BslRunner, 1);

  g_return_val_if_fail (runtime != NULL, NULL);

  runner->runtime = runtime;
  runner->state = BSL_RUNNER_IDLE;
  runner->time = bsl_runtime_get_time (runtime);
  g_mutex_init (&runner->runtime_lock);
  g_mutex_init (&runner->mutex);
  g_cond_init (&runner->cond);
  g_queue_init (&runner->commands);
  runner->thread = g_thread_new ("basalt-runner", runner_main, runner);
  return runner;
}

void
bsl_runner_free (BslRunner *runner)
{
  if (runner == NULL)
    return;
  g_mutex_lock (&runner->mutex);
  runner->quit = TRUE;
  g_atomic_int_set (&runner->pending, 1);
  g_cond_broadcast (&runner->cond);
  g_mutex_unlock (&runner->mutex);
  g_thread_join (runner->thread);
  g_queue_clear_full (&runner->commands, (GDestroyNotify) set_var_free);
  bsl_runtime_free (runner->runtime);
  g_mutex_clear (&runner->runtime_lock);
  g_mutex_clear (&runner->mutex);
  g_cond_clear (&runner->cond);
  g_free (runner);
}

void
bsl_runner_start (BslRunner *runner,
                  gint64     n_steps,
                  double     steps_per_second)
{
  g_return_if_fail (runner != NULL);

  g_mutex_lock (&runner->mutex);
  runner->remaining = n_steps;
  runner->target_rate = steps_per_second;
  runner->state = n_steps == 0 ? BSL_RUNNER_IDLE : BSL_RUNNER_RUNNING;
  g_cond_broadcast (&runner->cond);
  g_mutex_unlock (&runner->mutex);
}

void
bsl_runner_pause (BslRunner *runner)
{
  g_return_if_fail (runner != NULL);

  g_mutex_lock (&runner->mutex);
  if (runner->state == BSL_RUNNER_RUNNING)
    runner->state = BSL_RUNNER_PAUSED;
  g_atomic_int_set (&runner->pending, 1);
  g_mutex_unlock (&runner->mutex);
}

void
bsl_runner_resume (BslRunner *runner)
{
  g_return_if_fail (runner != NULL);

  g_mutex_lock (&runner->mutex);
  if (runner->state == BSL_RUNNER_PAUSED)
    runner->state = BSL_RUNNER_RUNNING;
  g_cond_broadcast (&runner->cond);
  g_mutex_unlock (&runner->mutex);
}

void
bsl_runner_stop (BslRunner *runner)
{
  g_return_if_fail (runner != NULL);

  g_mutex_lock (&runner->mutex);
  runner->state = BSL_RUNNER_IDLE;
  runner->remaining = 0;
  runner->single_steps = 0;
  g_atomic_int_set (&runner->pending, 1);
  g_cond_broadcast (&runner->cond);
  g_mutex_unlock (&runner->mutex);
}

void
bsl_runner_step (BslRunner *runner)
{
  g_return_if_fail (runner != NULL);

  g_mutex_lock (&runner->mutex);
  if (runner->state == BSL_RUNNER_RUNNING)
    runner->state = BSL_RUNNER_PAUSED;
  runner->single_steps++;
  g_atomic_int_set (&runner->pending, 1);
  g_cond_broadcast (&runner->cond);
  g_mutex_unlock (&runner->mutex);
}

void
bsl_runner_reset (BslRunner *runner)
{
  g_return_if_fail (runner != NULL);

  g_mutex_lock (&runner->mutex);
  runner->reset_requested = TRUE;
  g_atomic_int_set (&runner->pending, 1);
  g_cond_broadcast (&runner->cond);
  g_mutex_unlock (&runner->mutex);
}

gboolean
bsl_runner_set_var (BslRunner       *runner,
                    const char      *process,
                    const char      *var,
                    const BslArray  *value,
                    GError         **error)
{
  SetVar *cmd;
  gboolean valid;

  g_return_val_if_fail (runner != NULL, FALSE);

  /* Checked now against the live runtime, so the caller hears about bad values at once. */
  g_mutex_lock (&runner->runtime_lock);
  valid = bsl_runtime_check_var (runner->runtime, process, var, value, error);
  g_mutex_unlock (&runner->runtime_lock);
  if (!valid)
    return FALSE;

  cmd = g_new0 (SetVar, 1);
  cmd->process = g_strdup (process);
  cmd->var = g_strdup (var);
  cmd->value = bsl_array_copy (value);
  g_mutex_lock (&runner->mutex);
  g_queue_push_tail (&runner->commands, cmd);
  g_atomic_int_set (&runner->pending, 1);
  g_cond_broadcast (&runner->cond);
  g_mutex_unlock (&runner->mutex);
  return TRUE;
}

void
bsl_runner_wait_idle (BslRunner *runner)
{
  g_return_if_fail (runner != NULL);

  g_mutex_lock (&runner->mutex);
  while (runner->busy || runner->reset_requested || !g_queue_is_empty (&runner->commands) ||
         runner->single_steps > 0)
    g_cond_wait (&runner->cond, &runner->mutex);
  g_mutex_unlock (&runner->mutex);
}

void
bsl_runner_wait (BslRunner *runner)
{
  g_return_if_fail (runner != NULL);

  g_mutex_lock (&runner->mutex);
  while (runner->state == BSL_RUNNER_RUNNING && runner->remaining > 0)
    g_cond_wait (&runner->cond, &runner->mutex);
  while (runner->busy || runner->single_steps > 0)
    g_cond_wait (&runner->cond, &runner->mutex);
  g_mutex_unlock (&runner->mutex);
}

BslRunnerState
bsl_runner_get_state (BslRunner *runner)
{
  BslRunnerState state;

  g_return_val_if_fail (runner != NULL, BSL_RUNNER_IDLE);

  g_mutex_lock (&runner->mutex);
  state = runner->state;
  g_mutex_unlock (&runner->mutex);
  return state;
}

gint64
bsl_runner_get_time (BslRunner *runner)
{
  gint64 time;

  g_return_val_if_fail (runner != NULL, 0);

  g_mutex_lock (&runner->mutex);
  time = runner->time;
  g_mutex_unlock (&runner->mutex);
  return time;
}

double
bsl_runner_get_steps_per_second (BslRunner *runner)
{
  double rate;

  g_return_val_if_fail (runner != NULL, 0.0);

  g_mutex_lock (&runner->mutex);
  rate = runner->state == BSL_RUNNER_RUNNING ? runner->measured_rate : 0.0;
  g_mutex_unlock (&runner->mutex);
  return rate;
}

BslRuntime *
bsl_runner_lock (BslRunner *runner)
{
  g_return_val_if_fail (runner != NULL, NULL);

  g_atomic_int_inc (&runner->waiting_readers);
  g_mutex_lock (&runner->runtime_lock);
  g_atomic_int_dec_and_test (&runner->waiting_readers);
  return runner->runtime;
}

void
bsl_runner_unlock (BslRunner *runner)
{
  g_return_if_fail (runner != NULL);

  g_mutex_unlock (&runner->runtime_lock);
}
