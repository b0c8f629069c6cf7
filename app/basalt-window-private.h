/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "basalt-designer-page.h"
#include "basalt-window.h"

G_BEGIN_DECLS

struct _BasaltWindow
{
  GtkApplicationWindow  parent_instance;

  /* Template widgets */
  GtkLabel             *title_label;
  GtkWidget            *undo_button;
  GtkWidget            *redo_button;
  GtkRevealer          *message_revealer;
  GtkLabel             *message_label;
  GtkStack             *stack;
  GMenu                *recent_submenu;

  /* Borrowed references: pages of the stack */
  BasaltDesignerPage   *designer_page;

  BasaltDocument       *document;
  BasaltAutosave       *autosave;
  GSettings            *settings;        /* NULL when the schema is not installed */
  GCancellable         *cancellable;     /* of the files being opened or imported */
  char                 *message;
  BslExportFormat       export_format;   /* of the Export dialog being shown */
  guint                 message_timeout;
  gboolean              close_confirmed;
};

/* basalt-window-actions.c: the "win.*" actions and the dialogs they open */
void _basalt_window_class_install_actions (GtkWidgetClass *widget_class);
void _basalt_window_rebuild_recent_menu   (BasaltWindow   *self);
/* Asks about unsaved changes, then closes the window (unless the user cancels). */
void _basalt_window_close_after_confirm   (BasaltWindow   *self);

/* basalt-window.c */
void _basalt_window_show_message          (BasaltWindow   *self,
                                           const char     *message);

G_END_DECLS
