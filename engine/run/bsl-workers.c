/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bsl-workers.h"

/* Workers spin this long between jobs (a step hands out work every few microseconds), then
 * sleep. */
#define SPIN_ROUNDS 2000

/* The range is cut into chunks that any thread takes from a shared counter. The calling thread
 * takes chunks at once, so when a worker is not scheduled (a loaded machine) the caller simply
 * does the whole range instead of waiting for it. Every chunk writes its own outputs, so the
 * result does not depend on who computed what. */
struct _BslWorkers
{
  guint        n_threads;     /* including the caller */
  GThread    **threads;
  GMutex       mutex;
  GCond        cond;
  gint         generation;
  gint         quit;
  gint         next_chunk;    /* atomic */
  gint         active;        /* threads inside a chunk (atomic) */
  BslWorkFunc  func;
  gpointer     data;
  gsize        n_items;
  gsize        chunk;
  gint         n_chunks;
  guint        solo_jobs;     /* jobs left to run on the calling thread alone */
  guint        strikes;       /* preemptions seen in a row */
};

/* A worker preempted inside a chunk (more threads than free cores) holds the caller up for a
 * whole time slice. When that happens, run alone for a while before trying again. */
#define PREEMPTED_USEC 200
#define SOLO_JOBS      512

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#endif
}

/* Takes chunks until none is left. active is raised before looking, so that the caller, which
 * waits for active to drop to zero, never misses a chunk in progress. */
static void
take_chunks (BslWorkers *workers, gint generation)
{
  for (;;)
    {
      gint k;
      gsize begin, end;

      g_atomic_int_inc (&workers->active);
      if (generation >= 0 && g_atomic_int_get (&workers->generation) != generation)
        {
          g_atomic_int_dec_and_test (&workers->active);
          return;
        }
      k = g_atomic_int_add (&workers->next_chunk, 1);
      if (k >= workers->n_chunks)
        {
          g_atomic_int_dec_and_test (&workers->active);
          return;
        }
      begin = (gsize) k * workers->chunk;
      end = MIN (begin + workers->chunk, workers->n_items);
      workers->func (workers->data, begin, end);
      g_atomic_int_dec_and_test (&workers->active);
    }
}

static gpointer
worker_main (gpointer user_data)
{
  BslWorkers *workers = user_data;
  gint seen = 0;

  for (;;)
    {
      for (guint k = 0; k < SPIN_ROUNDS && g_atomic_int_get (&workers->generation) == seen; k++)
        cpu_relax ();
      if (g_atomic_int_get (&workers->generation) == seen)
        {
          g_mutex_lock (&workers->mutex);
          while (g_atomic_int_get (&workers->generation) == seen && !g_atomic_int_get (&workers->quit))
            g_cond_wait (&workers->cond, &workers->mutex);
          g_mutex_unlock (&workers->mutex);
        }
      if (g_atomic_int_get (&workers->quit))
        return NULL;
      seen = g_atomic_int_get (&workers->generation);
      take_chunks (workers, seen);
    }
}

BslWorkers *
bsl_workers_new (guint n_threads)
{
  BslWorkers *workers = g_new0 (BslWorkers, 1);

  if (n_threads == 0)
    n_threads = MIN (g_get_num_processors (), 8);
  workers->n_threads = MAX (n_threads, 1);
  g_mutex_init (&workers->mutex);
  g_cond_init (&workers->cond);
  workers->threads = g_new0 (GThread *, workers->n_threads);
  for (guint i = 1; i < workers->n_threads; i++)
    workers->threads[i] = g_thread_new ("basalt-worker", worker_main, workers);
  return workers;
}

void
bsl_workers_free (BslWorkers *workers)
{
  if (workers == NULL)
    return;
  g_mutex_lock (&workers->mutex);
  g_atomic_int_set (&workers->quit, 1);
  g_cond_broadcast (&workers->cond);
  g_mutex_unlock (&workers->mutex);
  for (guint i = 1; i < workers->n_threads; i++)
    g_thread_join (workers->threads[i]);
  g_free (workers->threads);
  g_mutex_clear (&workers->mutex);
  g_cond_clear (&workers->cond);
  g_free (workers);
}

guint
bsl_workers_get_count (BslWorkers *workers)
{
  g_return_val_if_fail (workers != NULL, 0);

  return workers->n_threads;
}

void
bsl_workers_run (BslWorkers  *workers,
                 BslWorkFunc  func,
                 gpointer     data,
                 gsize        n_items)
{
  gint64 wait_start;

  g_return_if_fail (workers != NULL);

  if (workers->n_threads == 1 || n_items < 2 || workers->solo_jobs > 0)
    {
      if (workers->solo_jobs > 0)
        workers->solo_jobs--;
      func (data, 0, n_items);
      return;
    }
  /* A few chunks per thread balance the load without much bookkeeping; 64 keeps rows of a
   * matrix long enough to vectorise. */
  workers->chunk = MAX ((n_items + 4 * workers->n_threads - 1) / (4 * workers->n_threads), 64);
  workers->n_chunks = (gint) ((n_items + workers->chunk - 1) / workers->chunk);
  workers->func = func;
  workers->data = data;
  workers->n_items = n_items;
  g_atomic_int_set (&workers->next_chunk, 0);

  g_mutex_lock (&workers->mutex);
  g_atomic_int_inc (&workers->generation);
  g_cond_broadcast (&workers->cond);
  g_mutex_unlock (&workers->mutex);

  take_chunks (workers, -1);
  /* Only chunks already taken by a worker are waited for; yield so that a worker preempted in
   * the middle of one gets the core. */
  if (g_atomic_int_get (&workers->active) == 0)
    {
      workers->strikes = 0;
      return;
    }
  wait_start = g_get_monotonic_time ();
  while (g_atomic_int_get (&workers->active) > 0)
    g_thread_yield ();
  if (g_get_monotonic_time () - wait_start > PREEMPTED_USEC)
    {
      workers->strikes = MIN (workers->strikes + 1, 8);
      workers->solo_jobs = SOLO_JOBS << workers->strikes;
    }
  else
    workers->strikes = 0;
}
