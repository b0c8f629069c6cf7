/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BASALT_TYPE_PALETTE (basalt_palette_get_type ())

G_DECLARE_FINAL_TYPE (BasaltPalette, basalt_palette, BASALT, PALETTE, GtkWidget)

/* Every process type of the engine's registry, grouped by category, with a search field. Rows
 * drag their type name (a string) onto a canvas; activating a row activates
 * "graph.add-process" with the type's name. */

GtkWidget  *basalt_palette_new             (void);
void        basalt_palette_set_search_text (BasaltPalette *self,
                                            const char    *text);
/* Number of rows the current search shows. */
guint       basalt_palette_get_n_visible   (BasaltPalette *self);
/* Activates the first visible row, as Enter in the search field does. */
gboolean    basalt_palette_activate_first  (BasaltPalette *self);
void        basalt_palette_focus_search    (BasaltPalette *self);

G_END_DECLS
