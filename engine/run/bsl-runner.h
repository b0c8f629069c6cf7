/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-runtime.h"

G_BEGIN_DECLS

/* Runs a runtime on a worker thread. Commands (run, pause, step, reset, set a Var) are queued and
 * applied between two steps, so the engine never sees a half-applied change. Readers (plots)
 * take the lock briefly to copy probe data; the worker holds it only while it steps a batch. */

typedef enum
{
  BSL_RUNNER_IDLE,       /* not started, or stopped */
  BSL_RUNNER_RUNNING,
  BSL_RUNNER_PAUSED,
} BslRunnerState;

BslRunner      *bsl_runner_new            (BslRuntime  *runtime);   /* takes ownership */
void            bsl_runner_free           (BslRunner   *runner);    /* stops and joins */
/* Run continuously (n_steps < 0) or for n_steps more steps; steps_per_second 0 = as fast as possible. */
void            bsl_runner_start          (BslRunner   *runner,
                                           gint64       n_steps,
                                           double       steps_per_second);
void            bsl_runner_pause          (BslRunner   *runner);
void            bsl_runner_resume         (BslRunner   *runner);
void            bsl_runner_stop           (BslRunner   *runner);
/* Exactly one step (pauses first when running). */
void            bsl_runner_step           (BslRunner   *runner);
void            bsl_runner_reset          (BslRunner   *runner);
/* Queued; applied before the next step. The value is validated now. */
gboolean        bsl_runner_set_var        (BslRunner   *runner,
                                           const char  *process,
                                           const char  *var,
                                           const BslArray *value,
                                           GError     **error);
/* Blocks until the queue is empty and no batch is being stepped (for tests and for closing). */
void            bsl_runner_wait_idle      (BslRunner   *runner);
/* Blocks until a run started with n_steps >= 0 has finished (or the runner was stopped). */
void            bsl_runner_wait           (BslRunner   *runner);
BslRunnerState  bsl_runner_get_state      (BslRunner   *runner);
gint64          bsl_runner_get_time       (BslRunner   *runner);
double          bsl_runner_get_steps_per_second (BslRunner *runner);   /* measured */
/* Hold while reading probes or Vars of the runtime from another thread. */
BslRuntime     *bsl_runner_lock           (BslRunner   *runner);
void            bsl_runner_unlock         (BslRunner   *runner);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslRunner, bsl_runner_free)

G_END_DECLS
