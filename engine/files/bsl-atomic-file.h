/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS

/* A file written beside its destination and renamed over it once complete and on disk: a
 * reader sees the old file or the new one, never half of one. The temporary file is removed on
 * failure and, once bsl_atomic_files_handle_signals() ran, when the process is interrupted. */
typedef struct _BslAtomicFile BslAtomicFile;

/* Fails with G_FILE_ERROR (bad input) when @path is a folder or its folder does not exist or
 * cannot be written; every message names @path. */
BslAtomicFile *bsl_atomic_file_new      (const char     *path,
                                         GError        **error);
FILE          *bsl_atomic_file_stream   (BslAtomicFile  *file);
/* Flushes, syncs to disk, renames over the destination and frees @file. A full disk, the quota
 * or the file-size limit (EFBIG) fails with BSL_ERROR_NO_SPACE naming the destination, any other
 * write error with BSL_ERROR_FAILED; the temporary file is removed either way. */
gboolean       bsl_atomic_file_commit   (BslAtomicFile  *file,
                                         GError        **error);
/* Removes the temporary file and frees @file. */
void           bsl_atomic_file_abort    (BslAtomicFile  *file);

gboolean       bsl_write_file_atomic    (const char     *path,
                                         const char     *data,
                                         gsize           length,
                                         GError        **error);

/* SIGINT, SIGTERM and SIGHUP remove the temporary files being written before the process
 * ends as the signal asks; SIGXFSZ is ignored so that a write past the file-size limit fails
 * with EFBIG (and is reported) instead of killing the process. */
void           bsl_atomic_files_handle_signals (void);

/* A file left uncommitted is aborted; bsl_atomic_file_commit() takes it with g_steal_pointer(). */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslAtomicFile, bsl_atomic_file_abort)

G_END_DECLS
