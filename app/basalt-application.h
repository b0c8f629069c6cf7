/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BASALT_TYPE_APPLICATION (basalt_application_get_type ())

G_DECLARE_FINAL_TYPE (BasaltApplication, basalt_application, BASALT, APPLICATION, GtkApplication)

BasaltApplication *basalt_application_new (GApplicationFlags flags);
/* What Help (F1) opens: the README of the sources Basalt was built from when they are there,
 * else the installed copy; NULL when neither is. */
char              *basalt_application_dup_help_uri (void);

G_END_DECLS
