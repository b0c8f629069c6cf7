/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BASALT_TYPE_APPLICATION (basalt_application_get_type ())

G_DECLARE_FINAL_TYPE (BasaltApplication, basalt_application, BASALT, APPLICATION, GtkApplication)

BasaltApplication *basalt_application_new (GApplicationFlags flags);

G_END_DECLS
