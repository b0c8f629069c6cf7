/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A small pool that splits one range of work over all threads and waits for it: the calling
 * thread takes the first part. Workers spin briefly between jobs, because a step hands out work
 * every few microseconds, then sleep. */
typedef struct _BslWorkers BslWorkers;
typedef void (*BslWorkFunc) (gpointer data,
                             gsize    begin,
                             gsize    end);

BslWorkers *bsl_workers_new       (guint        n_threads);
void        bsl_workers_free      (BslWorkers  *workers);
guint       bsl_workers_get_count (BslWorkers  *workers);
void        bsl_workers_run       (BslWorkers  *workers,
                                   BslWorkFunc  func,
                                   gpointer     data,
                                   gsize        n_items);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslWorkers, bsl_workers_free)

G_END_DECLS
