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

/* Input as a person gives it, through the X server: runs xdotool with these arguments
 * (e.g. "key", "F5", NULL). FALSE when there is no xdotool or no X display. */
gboolean  gui_xdotool          (const char *first_arg,
                                ...) G_GNUC_NULL_TERMINATED;
/* Moves the X pointer over the point (x, y) of a mapped widget. */
gboolean  gui_pointer_to       (GtkWidget  *widget,
                                double      x,
                                double      y);

typedef gboolean (*GuiWidgetTest) (GtkWidget *widget, gconstpointer data);
/* The first widget at or under widget (depth first) that matches, or NULL. */
GtkWidget *gui_find_widget     (GtkWidget     *widget,
                                GuiWidgetTest  matches,
                                gconstpointer  data);
/* The first widget at or under widget whose action is action_name, or NULL. */
GtkWidget *gui_find_actionable (GtkWidget  *widget,
                                const char *action_name);
/* Moves the X pointer to the middle of a mapped widget and clicks the first button. */
gboolean  gui_click            (GtkWidget  *widget);

/* Starts the application (BASALT_EXE) in its own process on file (may be NULL), with the
 * environment's pairs NAME, VALUE (NULL-terminated, may be NULL) added to the test's. */
GPid      gui_start_basalt     (const char        *file,
                                const char *const *env_pairs);
/* Sends the signal and reaps the process. */
void      gui_stop_process     (GPid               pid,
                                int                signal_number);
/* The X id of a visible window whose title matches the regular expression, once it shows
 * (up to 20 s); NULL if it does not. */
char     *gui_wait_for_window  (const char        *title);

/* How busy the machine is with other processes: marks taken before and after a measurement
 * give the cores that processes other than this test used in between (wall-clock frame times
 * on a machine shared with other work measure that work, not this program). */
typedef struct
{
  guint64 busy_ticks;
  guint64 all_ticks;
  gint64  own_cpu_us;
  gint64  wall_us;
} GuiLoadMark;

void      gui_load_mark        (GuiLoadMark       *mark);
double    gui_other_cores_busy (const GuiLoadMark *before,
                                const GuiLoadMark *after);

G_END_DECLS
