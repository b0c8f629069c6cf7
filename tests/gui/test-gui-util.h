/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Sanitizer builds run several times slower: timings are then reported, not asserted. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
# define GUI_CHECK_TIMINGS 0
#else
# define GUI_CHECK_TIMINGS 1
#endif

#define REQUIRE_DISPLAY(have)                                  \
  G_STMT_START {                                               \
    if (!(have))                                               \
      {                                                        \
        g_test_skip ("no display (run under xvfb-run -a)");    \
        return;                                                \
      }                                                        \
  } G_STMT_END

/* Spins the main loop until condition(data) holds or seconds pass. */
gboolean  gui_wait_until       (gboolean (*condition) (gpointer data),
                                gpointer   data,
                                double     seconds);
/* Spins the main loop for a while (lets layout and drawing happen). */
void      gui_spin             (double     seconds);
/* Renders a realized widget through its window's renderer, as it appears on screen, and
 * returns its pixels (B, G, R, A bytes; stride = 4 * width). */
guchar   *gui_render_widget    (GtkWidget *widget,
                                int       *width,
                                int       *height);
/* Pixels within a small distance of the colour. */
guint     gui_count_color      (const guchar *pixels,
                                int           width,
                                int           height,
                                guint8        r,
                                guint8        g,
                                guint8        b);

G_END_DECLS
