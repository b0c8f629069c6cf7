/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "basalt-document.h"

G_BEGIN_DECLS

#define BASALT_TYPE_AUTOSAVE (basalt_autosave_get_type ())

G_DECLARE_FINAL_TYPE (BasaltAutosave, basalt_autosave, BASALT, AUTOSAVE, GObject)

/* A copy of a document with unsaved changes, kept in the user's cache folder
 * (g_get_user_cache_dir()/basalt/autosave/PID-N.basalt, written atomically) so that a crash
 * loses no edit older than "interval" seconds (BASALT_AUTOSAVE_SECONDS, else 45): it is written
 * that long after an edit, and at once by basalt_autosave_save_now() (each run). The copy is
 * removed when the document is saved or back to its saved state, and when the autosave is
 * disposed (the window closed). A copy left behind by a process that no longer runs is offered
 * back by basalt_autosave_offer_recovery(). */

BasaltAutosave *basalt_autosave_new               (BasaltDocument *document);
/* Writes the copy now if the document has changes the copy lacks. */
gboolean        basalt_autosave_save_now          (BasaltAutosave *self,
                                                   GError        **error);
/* The copy's path (it may not exist). */
const char     *basalt_autosave_get_path          (BasaltAutosave *self);
/* The folder copies are written to. */
char           *basalt_autosave_dup_folder        (void);
/* Asks (a dialog over parent) whether to restore the copies that crashed processes left: Restore
 * loads the newest into this document (its original file kept as the file Save writes), the
 * others into new windows of the application; Discard deletes them. Nothing when there are none. */
void            basalt_autosave_offer_recovery    (BasaltAutosave *self,
                                                   GtkWindow      *parent);

G_END_DECLS
