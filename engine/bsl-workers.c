/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bsl-workers.h"

#define SPIN_ROUNDS 20000

struct _BslWorkers
{
  guint        n_threads;     /* including the caller */
  GThread    **threads;
  GMutex       mutex;
  GCond        cond;
  gint         generation;
  gint         pending;
  gint         quit;
  BslWorkFunc  func;
  gpointer     data;
  gsize        n_items;
};

typedef struct
{
  BslWorkers *workers;
  guint       index;
} WorkerArgs;

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#endif
}

static void
part_range (BslWorkers *workers, guint index, gsize *begin, gsize *end)
{
  gsize n = workers->n_items, k = workers->n_threads;

  *begin = n * index / k;
  *end = n * (index + 1) / k;
}

static gpointer
worker_main (gpointer user_data)
{
  WorkerArgs *args = user_data;
  BslWorkers *workers = args->workers;
  guint index = args->index;
  gint seen = 0;

  g_free (args);
  for (;;)
    {
      gsize begin, end;

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
      part_range (workers, index, &begin, &end);
      if (begin < end)
        workers->func (workers->data, begin, end);
      g_atomic_int_dec_and_test (&workers->pending);
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
    {
      WorkerArgs *args = g_new (WorkerArgs, 1);
      args->workers = workers;
      args->index = i;
      workers->threads[i] = g_thread_new ("basalt-worker", worker_main, args);
    }
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
  return workers->n_threads;
}

void
bsl_workers_run (BslWorkers  *workers,
                 BslWorkFunc  func,
                 gpointer     data,
                 gsize        n_items)
{
  gsize begin, end;

  if (workers->n_threads == 1)
    {
      func (data, 0, n_items);
      return;
    }
  workers->func = func;
  workers->data = data;
  workers->n_items = n_items;
  g_atomic_int_set (&workers->pending, (gint) workers->n_threads - 1);
  g_mutex_lock (&workers->mutex);
  g_atomic_int_inc (&workers->generation);
  g_cond_broadcast (&workers->cond);
  g_mutex_unlock (&workers->mutex);

  part_range (workers, 0, &begin, &end);
  if (begin < end)
    func (data, begin, end);
  while (g_atomic_int_get (&workers->pending) > 0)
    cpu_relax ();
}
