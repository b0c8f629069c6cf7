/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gdk/x11/gdkx.h>

#include "test-gui-util.h"

gboolean
gui_wait_until (gboolean (*condition) (gpointer data),
                gpointer   data,
                double     seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
gui_spin (double seconds)
{
  gui_wait_until (never, NULL, seconds);
}

guchar *
gui_render_widget (GtkWidget *widget,
                   int       *width,
                   int       *height)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  guchar *pixels;
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);

  g_assert_cmpint (w, >, 0);
  g_assert_cmpint (h, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  w = gdk_texture_get_width (texture);
  h = gdk_texture_get_height (texture);
  pixels = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (texture, pixels, (gsize) w * 4);

  if (g_getenv ("BASALT_TEST_SAVE_PNG") != NULL)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s-%p.png", g_getenv ("BASALT_TEST_SAVE_PNG"),
                                               G_OBJECT_TYPE_NAME (widget), (void *) widget);
      gdk_texture_save_to_png (texture, path);
    }

  *width = w;
  *height = h;
  return pixels;
}

guint
gui_count_color (const guchar *pixels,
                 int           width,
                 int           height,
                 guint8        r,
                 guint8        g,
                 guint8        b)
{
  guint hits = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guchar *p = pixels + ((gsize) y * width + x) * 4;

        if (abs (p[2] - r) < 24 && abs (p[1] - g) < 24 && abs (p[0] - b) < 24)
          hits++;
      }

  return hits;
}

gboolean
gui_xdotool (const char *first_arg,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *program = g_find_program_in_path ("xdotool");
  va_list args;
  int status = -1;

  if (program == NULL || g_getenv ("DISPLAY") == NULL)
    return FALSE;

  g_ptr_array_add (argv, program);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  /* The X server delivers the events to the application's event queue: let it read them. */
  gui_spin (0.1);
  return g_spawn_check_wait_status (status, NULL);
}

gboolean
gui_pointer_to (GtkWidget *widget,
                double     x,
                double     y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = native ? gtk_native_get_surface (native) : NULL;
  graphene_point_t point;
  double surface_x, surface_y;
  g_autofree char *window_id = NULL;
  g_autofree char *text_x = NULL;
  g_autofree char *text_y = NULL;

  if (surface == NULL || !GDK_IS_X11_SURFACE (surface) ||
      !gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &point))
    return FALSE;
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);

  window_id = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  text_x = g_strdup_printf ("%d", (int) (point.x + surface_x));
  text_y = g_strdup_printf ("%d", (int) (point.y + surface_y));
  return gui_xdotool ("mousemove", "--sync", "--window", window_id, text_x, text_y, NULL);
}

GtkWidget *
gui_find_widget (GtkWidget     *widget,
                 GuiWidgetTest  matches,
                 gconstpointer  data)
{
  if (matches (widget, data))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gui_find_widget (child, matches, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_action (GtkWidget     *widget,
            gconstpointer  action_name)
{
  return GTK_IS_ACTIONABLE (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

GtkWidget *
gui_find_actionable (GtkWidget  *widget,
                     const char *action_name)
{
  return gui_find_widget (widget, has_action, action_name);
}

gboolean
gui_click (GtkWidget *widget)
{
  return gui_pointer_to (widget, gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0) &&
         gui_xdotool ("click", "1", NULL);
}

GPid
gui_start_basalt (const char        *file,
                  const char *const *env_pairs)
{
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { g_getenv ("BASALT_EXE"), file, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_assert_nonnull (argv[0]);
  for (guint i = 0; env_pairs != NULL && env_pairs[i] != NULL; i += 2)
    env = env_pairs[i + 1] != NULL ? g_environ_setenv (env, env_pairs[i], env_pairs[i + 1], TRUE)
                                   : g_environ_unsetenv (env, env_pairs[i]);
  g_assert_true (g_spawn_async (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  return pid;
}

void
gui_stop_process (GPid pid,
                  int  signal_number)
{
  kill (pid, signal_number);
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);
}

char *
gui_wait_for_window (const char *title)
{
  const char *argv[] = { "timeout", "20", "xdotool", "search", "--sync", "--onlyvisible", "--name", title, NULL };
  g_autofree char *out = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &out, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return NULL;
  g_strstrip (out);
  /* The first of several lines is enough. */
  out[strcspn (out, "\n")] = '\0';
  return g_steal_pointer (&out);
}

void
gui_load_mark (GuiLoadMark *mark)
{
  g_autofree char *stat = NULL;
  struct rusage usage;

  memset (mark, 0, sizeof *mark);
  mark->wall_us = g_get_monotonic_time ();
  if (getrusage (RUSAGE_SELF, &usage) == 0)
    mark->own_cpu_us = (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC +
                       usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
  /* "cpu  user nice system idle iowait irq softirq steal ...": idle and iowait are the idle time */
  if (g_file_get_contents ("/proc/stat", &stat, NULL, NULL) && g_str_has_prefix (stat, "cpu "))
    {
      char *cursor = stat + 4;

      for (guint field = 0; field < 8; field++)
        {
          guint64 ticks = g_ascii_strtoull (cursor, &cursor, 10);

          mark->all_ticks += ticks;
          if (field != 3 && field != 4)
            mark->busy_ticks += ticks;
        }
    }
}

double
gui_other_cores_busy (const GuiLoadMark *before,
                      const GuiLoadMark *after)
{
  double seconds = (after->wall_us - before->wall_us) / (double) G_USEC_PER_SEC;
  double busy = (after->busy_ticks - before->busy_ticks) / (double) sysconf (_SC_CLK_TCK);
  double own = (after->own_cpu_us - before->own_cpu_us) / (double) G_USEC_PER_SEC;

  if (seconds <= 0 || after->all_ticks == 0)
    return 0;
  return MAX (0.0, busy - own) / seconds;
}
