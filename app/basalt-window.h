/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "interop/bsl-interop.h"

#include "basalt-autosave.h"
#include "basalt-designer-page.h"
#include "basalt-document.h"

G_BEGIN_DECLS

#define BASALT_TYPE_WINDOW (basalt_window_get_type ())

G_DECLARE_FINAL_TYPE (BasaltWindow, basalt_window, BASALT, WINDOW, GtkApplicationWindow)

BasaltWindow      *basalt_window_new             (GtkApplication *application);
BasaltDocument    *basalt_window_get_document    (BasaltWindow   *self);
BasaltDesignerPage *basalt_window_get_designer_page (BasaltWindow *self);
/* The Designer page's parts (shortcuts for scripts and tests) */
BasaltSimulation  *basalt_window_get_simulation  (BasaltWindow   *self);
BasaltGraphCanvas *basalt_window_get_canvas      (BasaltWindow   *self);
BasaltInspector   *basalt_window_get_inspector   (BasaltWindow   *self);
BasaltPalette     *basalt_window_get_palette     (BasaltWindow   *self);
GtkStack          *basalt_window_get_stack       (BasaltWindow   *self);
/* The automatic copy of the window's network (crash safety). */
BasaltAutosave    *basalt_window_get_autosave    (BasaltWindow   *self);

/* Opens a network in this window. On failure nothing changes and error says why. */
gboolean           basalt_window_open_file       (BasaltWindow   *self,
                                                  GFile          *file,
                                                  GError        **error);
/* The same, the file read on a worker thread (the window goes on meanwhile). */
void               basalt_window_open_file_async (BasaltWindow        *self,
                                                  GFile               *file,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean           basalt_window_open_file_finish (BasaltWindow  *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);
gboolean           basalt_window_save_file       (BasaltWindow   *self,
                                                  GFile          *file,
                                                  GError        **error);
/* The message the window shows at the top (errors, refusals); NULL when none. */
const char        *basalt_window_get_message     (BasaltWindow   *self);
/* Compiles if needed and starts the run (n_steps < 0: until paused). */
gboolean           basalt_window_run             (BasaltWindow   *self,
                                                  gint64          n_steps,
                                                  GError        **error);

/* File > Import NIR and File > Export, without the dialogs (notes: the report lines). */
gboolean basalt_window_import_nir (BasaltWindow     *self,
                                   GFile            *file,
                                   GPtrArray        *notes,
                                   GError          **error);
/* flatten: convolutions and pooling become Dense processes (BslNirImportOptions.flatten_conv). */
gboolean basalt_window_import_nir_full (BasaltWindow *self,
                                        GFile        *file,
                                        gboolean      flatten,
                                        GPtrArray    *notes,
                                        GError      **error);
/* The same on a worker thread; _finish adds the report's lines to notes (may be NULL). */
void     basalt_window_import_nir_async  (BasaltWindow        *self,
                                          GFile               *file,
                                          gboolean             flatten,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean basalt_window_import_nir_finish (BasaltWindow  *self,
                                          GAsyncResult  *result,
                                          GPtrArray     *notes,
                                          GError       **error);
/* What the window does once the user chose a NIR file: imports it and shows the report, or the
 * refusal; a convolution it cannot take as such brings a question offering to flatten it. */
void     basalt_window_import_nir_chosen (BasaltWindow *self,
                                          GFile        *file);
gboolean basalt_window_export     (BasaltWindow     *self,
                                   BslExportFormat   format,
                                   GFile            *file,
                                   GPtrArray        *notes,
                                   GError          **error);

G_END_DECLS
