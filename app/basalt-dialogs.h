/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Called once with the chosen file, or with NULL when the user cancelled. */
typedef void (*BasaltFileChosenFunc) (GFile    *file,
                                      gpointer  user_data);

/* A modal file chooser over parent. Takes ownership of filter (may be NULL). */
void basalt_choose_file        (GtkWindow             *parent,
                                const char            *title,
                                GtkFileChooserAction   action,
                                const char            *accept_label,
                                GtkFileFilter         *filter,
                                const char            *suggested_name,
                                BasaltFileChosenFunc   func,
                                gpointer               user_data);

/* The filter for .basalt networks. */
GtkFileFilter *basalt_network_file_filter (void);

void basalt_show_error_dialog  (GtkWindow             *parent,
                                const char            *primary,
                                const GError          *error);

/* Lines of a report (what an import or export approximated or left out) under a heading. */
void basalt_show_report_dialog (GtkWindow             *parent,
                                const char            *primary,
                                GPtrArray             *notes);

G_END_DECLS
