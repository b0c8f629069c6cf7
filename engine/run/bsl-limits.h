/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bsl-types.h"

G_BEGIN_DECLS

/* The memory a network (its parameters, its state and the files it is read from) may take:
 * BASALT_MEMORY_BUDGET when set (bytes, or with a K, M or G suffix), else half of the machine's
 * physical memory, and never more than half of the address-space limit (ulimit -v). */
guint64   bsl_memory_budget        (void);

/* Fails with BSL_ERROR_RANGE when @bytes is more than the budget, naming @what. */
gboolean  bsl_memory_check         (guint64      bytes,
                                    const char  *what,
                                    GError     **error);

/* Fails, naming @path, unless it is a regular file (a folder, FIFO or device is refused). */
gboolean  bsl_check_regular_file   (const char  *path,
                                    GError     **error);

/* Reads a whole regular file of at most the memory budget. A directory, FIFO, socket or device
 * is refused (G_FILE_ERROR_INVAL) without blocking; the message names @path. */
gboolean  bsl_read_regular_file    (const char  *path,
                                    char       **contents,
                                    gsize       *length,
                                    GError     **error);


/* Bytes of a process's Vars at its shape (8 per element) and of the time series it holds. */
guint64   bsl_process_memory       (const BslProcess *process);
/* Every process's bytes, times @copies (a running network holds its own copy of each Var). */
gboolean  bsl_graph_check_memory   (const BslGraph   *graph,
                                    guint             copies,
                                    GError          **error);

G_END_DECLS
