/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "interop/bsl-interop.h"
#include "bsl-network-file.h"
#include "interop/bsl-nir-import.h"

#include "basalt-plot.h"
#include "basalt-tuner-page.h"
#include "basalt-window.h"

#define MAX_RECENT        8
#define MESSAGE_SECONDS  12

typedef void (*Continuation) (BasaltWindow *self,
                              gpointer      data);

typedef struct
{
  BasaltWindow   *self;
  Continuation    func;
  gpointer        data;
  GDestroyNotify  destroy;
} Pending;

struct _BasaltWindow
{
  GtkApplicationWindow  parent_instance;

  BslExportFormat       export_format;   /* of the Export dialog being shown */

  /* Template widgets */
  GtkLabel             *title_label;
  GtkLabel             *rate_label;
  GtkDropDown          *tag_dropdown;
  GtkButton            *run_button;
  GtkWidget            *undo_button;
  GtkWidget            *redo_button;
  GtkRevealer          *message_revealer;
  GtkLabel             *message_label;
  GtkStack             *stack;
  BasaltPalette        *palette;
  BasaltGraphCanvas    *canvas;
  BasaltInspector      *inspector;
  GtkBox               *plots_box;
  GtkWidget            *plots_placeholder;
  GMenu                *recent_submenu;

  BasaltDocument       *document;
  BasaltSimulation     *simulation;
  GSimpleActionGroup   *graph_actions;
  GSimpleActionGroup   *sim_actions;
  GSettings            *settings;       /* NULL when the schema is not installed */
  char                 *message;
  guint                 tick_id;
  gint64                last_sync;
  guint                 message_timeout;
  gboolean              close_confirmed;
  gboolean              updating_tag;
};

G_DEFINE_FINAL_TYPE (BasaltWindow, basalt_window, GTK_TYPE_APPLICATION_WINDOW)

static void update_run_ui (BasaltWindow *self);
static void save_as_then (BasaltWindow *self, Pending *then);

/* Messages */

static gboolean
hide_message_cb (gpointer user_data)
{
  BasaltWindow *self = user_data;

  self->message_timeout = 0;
  gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
  g_clear_pointer (&self->message, g_free);
  return G_SOURCE_REMOVE;
}

static void
show_message (BasaltWindow *self,
              const char   *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_text (self->message_label, message);
  gtk_revealer_set_reveal_child (self->message_revealer, TRUE);
  g_clear_handle_id (&self->message_timeout, g_source_remove);
  self->message_timeout = g_timeout_add_seconds (MESSAGE_SECONDS, hide_message_cb, self);
}

static void
on_message_close (BasaltWindow *self)
{
  g_clear_handle_id (&self->message_timeout, g_source_remove);
  hide_message_cb (self);
}

const char *
basalt_window_get_message (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return self->message;
}

static void
show_error_dialog (BasaltWindow *self,
                   const char   *primary,
                   const GError *error)
{
  GtkWidget *dialog;

  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", primary);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", error->message);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Title and action states */

static void
update_title (BasaltWindow *self)
{
  g_autofree char *name = basalt_document_dup_title (self->document);
  g_autofree char *label = NULL;
  g_autofree char *title = NULL;
  gboolean dirty = basalt_document_get_dirty (self->document);

  /* A dot before the name marks unsaved changes, as GNOME apps do. */
  label = dirty ? g_strdup_printf ("• %s", name) : g_strdup (name);
  title = g_strdup_printf ("%s — Basalt", label);
  gtk_label_set_text (self->title_label, label);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
set_enabled (GActionMap *map,
             const char *name,
             gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (map, name);

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
update_actions (BasaltWindow *self)
{
  guint n_selected = basalt_graph_canvas_get_n_selected (self->canvas);
  gboolean wire = basalt_graph_canvas_get_selected_connection (self->canvas) != NULL;
  const char *undo = basalt_document_get_undo_label (self->document);
  const char *redo = basalt_document_get_redo_label (self->document);
  g_autofree char *undo_tip = undo ? g_strdup_printf ("Undo “%s” (Ctrl+Z)", undo) : g_strdup ("Nothing to undo");
  g_autofree char *redo_tip = redo ? g_strdup_printf ("Redo “%s” (Shift+Ctrl+Z)", redo) : g_strdup ("Nothing to redo");

  set_enabled (G_ACTION_MAP (self), "undo", undo != NULL);
  set_enabled (G_ACTION_MAP (self), "redo", redo != NULL);
  set_enabled (G_ACTION_MAP (self->graph_actions), "delete",
               n_selected > 0 || wire || basalt_graph_canvas_get_selected_group (self->canvas) != NULL);
  set_enabled (G_ACTION_MAP (self->graph_actions), "group", n_selected > 0);
  set_enabled (G_ACTION_MAP (self->graph_actions), "nudge", n_selected > 0);
  set_enabled (G_ACTION_MAP (self->graph_actions), "duplicate", n_selected > 0);
  set_enabled (G_ACTION_MAP (self->graph_actions), "rename", n_selected == 1);
  set_enabled (G_ACTION_MAP (self->sim_actions), "export-csv", basalt_simulation_is_compiled (self->simulation));
  set_enabled (G_ACTION_MAP (self->sim_actions), "export-plots",
               basalt_simulation_get_n_probes (self->simulation) > 0);

  /* The buttons' tooltips say what undo and redo would do. */
  gtk_widget_set_tooltip_text (self->undo_button, undo_tip);
  gtk_widget_set_tooltip_text (self->redo_button, redo_tip);
  update_run_ui (self);
}

static void
sync_tag_ui (BasaltWindow *self)
{
  BslTag tag = basalt_document_get_graph (self->document)->run_tag;
  GAction *action;

  if (tag != BSL_TAG_FIXED_PT)
    tag = BSL_TAG_FLOATING_PT;

  self->updating_tag = TRUE;
  gtk_drop_down_set_selected (self->tag_dropdown, tag == BSL_TAG_FIXED_PT ? 1 : 0);
  action = g_action_map_lookup_action (G_ACTION_MAP (self->sim_actions), "tag");
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (bsl_tag_to_string (tag)));
  basalt_inspector_set_tag (self->inspector, tag);
  self->updating_tag = FALSE;
}

static BslTag
current_tag (BasaltWindow *self)
{
  BslTag tag = basalt_document_get_graph (self->document)->run_tag;

  return tag == BSL_TAG_FIXED_PT ? BSL_TAG_FIXED_PT : BSL_TAG_FLOATING_PT;
}

/* Running */

static void
update_run_ui (BasaltWindow *self)
{
  BasaltSimulationState state = basalt_simulation_get_state (self->simulation);
  gint64 time = basalt_simulation_get_time (self->simulation);
  g_autofree char *text = NULL;

  if (state == BASALT_SIMULATION_RUNNING)
    {
      text = g_strdup_printf ("step %" G_GINT64_FORMAT " · %.0f steps/s", time,
                              basalt_simulation_get_rate (self->simulation));
      gtk_button_set_icon_name (self->run_button, "media-playback-pause-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_button), "Pause (F5)");
    }
  else
    {
      text = g_strdup_printf ("step %" G_GINT64_FORMAT, time);
      gtk_button_set_icon_name (self->run_button, "media-playback-start-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_button), "Run (F5)");
    }
  gtk_label_set_text (self->rate_label, text);
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  BasaltWindow *self = BASALT_WINDOW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  /* New data about 30 times a second scrolls smoothly and leaves every other frame free. */
  if (now - self->last_sync < 30000)
    return G_SOURCE_CONTINUE;
  self->last_sync = now;

  basalt_simulation_sync (self->simulation);
  update_run_ui (self);

  if (basalt_simulation_get_state (self->simulation) != BASALT_SIMULATION_RUNNING)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
ensure_ticking (BasaltWindow *self)
{
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
}

static void
update_probed_marks (BasaltWindow *self)
{
  g_auto(GStrv) names = basalt_simulation_dup_probed (self->simulation);

  basalt_graph_canvas_set_probed (self->canvas, (const char *const *) names);
}

/* Plastic connections small enough to plot every synapse: their weights, as they learn. */
#define WEIGHT_TRACES_MAX 64

/* With no probe chosen, a run records the spikes of every neuron population, the voltage
 * of the first one and the weights of small plastic connections: what a user pressing Run
 * expects to see. */
static void
add_default_probes (BasaltWindow *self)
{
  BslGraph *graph = basalt_document_get_graph (self->document);
  const char *first_neurons = NULL;

  if (basalt_simulation_get_n_probes (self->simulation) > 0)
    return;

  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *process = g_ptr_array_index (graph->processes, i);

      if (process->type->category == BSL_CATEGORY_NEURONS &&
          bsl_proc_type_find_port (process->type, "s_out") != NULL)
        {
          g_autofree char *target = g_strdup_printf ("%s.s_out", process->name);

          basalt_simulation_add_probe (self->simulation, graph, target, NULL);
          if (first_neurons == NULL)
            first_neurons = process->name;
        }
    }

  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *process = g_ptr_array_index (graph->processes, i);

      if (bsl_proc_type_is_plastic (process->type) &&
          process->dims[0] * process->dims[1] <= WEIGHT_TRACES_MAX)
        {
          g_autofree char *target = g_strdup_printf ("%s.weights", process->name);

          basalt_simulation_add_probe (self->simulation, graph, target, NULL);
        }
    }

  if (first_neurons != NULL)
    {
      const BslProcess *process = bsl_graph_find_process (graph, first_neurons);

      if (bsl_proc_type_find_var (process->type, "v") != NULL)
        {
          g_autofree char *target = g_strdup_printf ("%s.v", first_neurons);

          basalt_simulation_add_probe (self->simulation, graph, target, NULL);
        }
    }
  update_probed_marks (self);
}

static gboolean
ensure_compiled (BasaltWindow  *self,
                 GError       **error)
{
  if (basalt_simulation_is_compiled (self->simulation))
    return TRUE;

  add_default_probes (self);
  return basalt_simulation_compile (self->simulation, basalt_document_get_graph (self->document),
                                    current_tag (self), error);
}

gboolean
basalt_window_run (BasaltWindow  *self,
                   gint64         n_steps,
                   GError       **error)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), FALSE);

  if (!ensure_compiled (self, error))
    return FALSE;

  basalt_simulation_start (self->simulation, n_steps);
  ensure_ticking (self);
  update_actions (self);
  return TRUE;
}

static void
sim_run_pause (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  BasaltWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (basalt_simulation_get_state (self->simulation) == BASALT_SIMULATION_RUNNING)
    {
      basalt_simulation_pause (self->simulation);
      basalt_simulation_sync (self->simulation);
      update_run_ui (self);
      return;
    }

  if (!basalt_window_run (self, -1, &error))
    show_message (self, error->message);
}

static void
sim_step (GSimpleAction *action,
          GVariant      *param,
          gpointer       user_data)
{
  BasaltWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ensure_compiled (self, &error))
    {
      show_message (self, error->message);
      return;
    }

  /* One step is short: wait for it, so the plots show it at once. */
  basalt_simulation_step (self->simulation);
  basalt_simulation_wait (self->simulation);
  basalt_simulation_sync (self->simulation);
  update_actions (self);
}

static void
sim_reset (GSimpleAction *action,
           GVariant      *param,
           gpointer       user_data)
{
  BasaltWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  /* Back to the start from the network as it is now, parameter edits included. */
  basalt_simulation_invalidate (self->simulation);
  if (!basalt_simulation_compile (self->simulation, basalt_document_get_graph (self->document),
                                  current_tag (self), &error))
    show_message (self, error->message);
  update_actions (self);
}

static void
sim_tag (GSimpleAction *action,
         GVariant      *param,
         gpointer       user_data)
{
  BasaltWindow *self = user_data;
  BslTag tag;

  if (!bsl_tag_from_string (g_variant_get_string (param, NULL), &tag))
    return;
  basalt_document_set_run_tag (self->document, tag);
}

static void
sim_speed (GSimpleAction *action,
           GVariant      *param,
           gpointer       user_data)
{
  BasaltWindow *self = user_data;
  double speed = g_ascii_strtod (g_variant_get_string (param, NULL), NULL);

  g_simple_action_set_state (action, param);
  basalt_simulation_set_speed (self->simulation, speed);
}

static void
on_tag_selected (GtkDropDown  *dropdown,
                 GParamSpec   *pspec,
                 BasaltWindow *self)
{
  if (self->updating_tag)
    return;
  basalt_document_set_run_tag (self->document,
                               gtk_drop_down_get_selected (dropdown) == 1 ? BSL_TAG_FIXED_PT : BSL_TAG_FLOATING_PT);
}

/* "0, 3, 5-7" -> indices. */
static gboolean
parse_neurons (const char  *text,
               GArray      *indices,
               GError     **error)
{
  g_auto(GStrv) tokens = g_regex_split_simple ("[,;\\s]+", text, 0, 0);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      g_auto(GStrv) range = NULL;
      guint64 lo, hi;

      if (tokens[i][0] == '\0')
        continue;
      range = g_strsplit (tokens[i], "-", 2);
      if (!g_ascii_string_to_unsigned (range[0], 10, 0, G_MAXUINT32, &lo, NULL) ||
          !g_ascii_string_to_unsigned (range[1] ? range[1] : range[0], 10, lo, G_MAXUINT32, &hi, NULL) ||
          hi - lo > 64)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "'%s' is not a neuron number or a range like 2-5", tokens[i]);
          return FALSE;
        }
      for (guint64 k = lo; k <= hi; k++)
        {
          gsize index = (gsize) k;

          g_array_append_val (indices, index);
        }
    }
  return TRUE;
}

static void
on_neurons_activate (GtkEntry     *entry,
                     BasaltWindow *self)
{
  const char *target = g_object_get_data (G_OBJECT (entry), "basalt-target");
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GError) error = NULL;

  if (!parse_neurons (gtk_editable_get_text (GTK_EDITABLE (entry)), indices, &error) ||
      !basalt_simulation_set_trace_neurons (self->simulation, target, &g_array_index (indices, gsize, 0),
                                            indices->len, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      show_message (self, error->message);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
}

static void
on_probe_added (BasaltSimulation *simulation,
                const char       *target,
                BasaltPlot       *plot,
                BasaltWindow     *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (target);
  GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  gboolean raster = basalt_plot_get_kind (plot) == BASALT_PLOT_RASTER;

  gtk_widget_add_css_class (header, "plot-header");
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_box_append (GTK_BOX (header), title);

  /* Traces show a few chosen neurons; the choice can change at any time. */
  if (!raster)
    {
      GtkWidget *label = gtk_label_new ("Neurons");
      GtkWidget *entry = gtk_entry_new ();
      gsize indices[8];
      guint n = basalt_simulation_get_trace_neurons (simulation, target, indices);
      GString *text = g_string_new (NULL);

      for (guint i = 0; i < n; i++)
        g_string_append_printf (text, "%s%" G_GSIZE_FORMAT, i ? ", " : "", indices[i]);
      gtk_editable_set_text (GTK_EDITABLE (entry), text->str);
      g_string_free (text, TRUE);
      if (n == 0)
        gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "0-3");
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), 12);
      gtk_widget_set_tooltip_text (entry, "Neurons to trace (up to 8), e.g. 0, 5, 10-12; Enter applies");
      g_object_set_data_full (G_OBJECT (entry), "basalt-target", g_strdup (target), g_free);
      g_signal_connect (entry, "activate", G_CALLBACK (on_neurons_activate), self);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (header), label);
      gtk_box_append (GTK_BOX (header), entry);
    }

  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, "Stop recording this probe");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "sim.remove-probe");
  gtk_box_append (GTK_BOX (header), remove);

  /* The header above names the probe (and says why it records nothing, if it cannot). */
  basalt_plot_set_show_title (plot, FALSE);
  g_object_bind_property (plot, "title", title, "label", G_BINDING_SYNC_CREATE);
  gtk_widget_set_size_request (GTK_WIDGET (plot), -1, raster ? 150 : 130);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (plot));

  gtk_widget_set_visible (self->plots_placeholder, FALSE);
  gtk_box_append (self->plots_box, box);
  update_actions (self);
}

static void
on_probe_removed (BasaltSimulation *simulation,
                  const char       *target,
                  BasaltPlot       *plot,
                  BasaltWindow     *self)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (plot));

  if (box != NULL && gtk_widget_get_parent (box) == GTK_WIDGET (self->plots_box))
    gtk_box_remove (self->plots_box, box);
  gtk_widget_set_visible (self->plots_placeholder, basalt_simulation_get_n_probes (simulation) <= 1);
  update_probed_marks (self);
  update_actions (self);
}

static void
sim_remove_probe (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  BasaltWindow *self = user_data;

  basalt_simulation_remove_probe (self->simulation, g_variant_get_string (param, NULL));
}

static void
on_probes_cleared (BasaltSimulation *simulation,
                   BasaltWindow     *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->plots_box));

  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (child != self->plots_placeholder)
        gtk_box_remove (self->plots_box, child);
      child = next;
    }
  gtk_widget_set_visible (self->plots_placeholder, TRUE);
  update_probed_marks (self);
  update_actions (self);
}

static void
sim_clear_probes (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  BasaltWindow *self = user_data;

  basalt_simulation_clear_probes (self->simulation);
}

static void
graph_add_probe (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  BasaltWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!basalt_simulation_add_probe (self->simulation, basalt_document_get_graph (self->document),
                                    g_variant_get_string (param, NULL), &error))
    show_message (self, error->message);
  update_probed_marks (self);
}

/* File choosers */

static GtkFileFilter *
network_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "Basalt networks");
  gtk_file_filter_add_pattern (filter, "*.basalt");
  return filter;
}

typedef void (*FileChosen) (BasaltWindow *self,
                            GFile        *file,
                            Pending      *then);

typedef struct
{
  BasaltWindow *self;
  FileChosen    func;
  Pending      *then;
} Chooser;

static void
pending_run (Pending *pending)
{
  if (pending == NULL)
    return;
  if (pending->func != NULL)
    pending->func (pending->self, pending->data);
  if (pending->destroy != NULL)
    pending->destroy (pending->data);
  g_object_unref (pending->self);
  g_free (pending);
}

static void
pending_drop (Pending *pending)
{
  if (pending == NULL)
    return;
  if (pending->destroy != NULL)
    pending->destroy (pending->data);
  g_object_unref (pending->self);
  g_free (pending);
}

static Pending *
pending_new (BasaltWindow   *self,
             Continuation    func,
             gpointer        data,
             GDestroyNotify  destroy)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = g_object_ref (self);
  pending->func = func;
  pending->data = data;
  pending->destroy = destroy;
  return pending;
}

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     Chooser         *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      chooser->func (chooser->self, file, chooser->then);
    }
  else
    pending_drop (chooser->then);

  g_object_unref (chooser->self);
  g_free (chooser);
  g_object_unref (dialog);
}

static void
choose_file (BasaltWindow         *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept,
             GtkFileFilter        *filter,
             const char           *suggested_name,
             FileChosen            func,
             Pending              *then)
{
  GtkFileChooserNative *native;
  Chooser *chooser = g_new0 (Chooser, 1);

  chooser->self = g_object_ref (self);
  chooser->func = func;
  chooser->then = then;

  native = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (filter != NULL)
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  if (suggested_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), suggested_name);
  g_signal_connect (native, "response", G_CALLBACK (on_chooser_response), chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* Recent files */

static void
rebuild_recent_menu (BasaltWindow *self)
{
  g_auto(GStrv) recent = NULL;
  guint n = 0;

  g_menu_remove_all (self->recent_submenu);
  if (self->settings != NULL)
    recent = g_settings_get_strv (self->settings, "recent-files");

  for (guint i = 0; recent && recent[i]; i++)
    {
      g_autofree char *name = g_path_get_basename (recent[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (name, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_submenu, item);
      n++;
    }

  if (n == 0)
    g_menu_append (self->recent_submenu, "No recent networks", "win.none");
}

static void
remember_file (BasaltWindow *self,
               GFile        *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  if (self->settings == NULL || path == NULL)
    return;

  old = g_settings_get_strv (self->settings, "recent-files");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] && n < MAX_RECENT; i++)
    if (g_strcmp0 (old[i], path) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-files", (const char *const *) recent);
  rebuild_recent_menu (self);
}

/* Open and save */

gboolean
basalt_window_open_file (BasaltWindow  *self,
                         GFile         *file,
                         GError       **error)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (!basalt_document_load (self->document, file, error))
    return FALSE;

  remember_file (self, file);
  return TRUE;
}

gboolean
basalt_window_save_file (BasaltWindow  *self,
                         GFile         *file,
                         GError       **error)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), FALSE);

  if (!basalt_document_save (self->document, file, error))
    return FALSE;

  remember_file (self, file ? file : basalt_document_get_file (self->document));
  return TRUE;
}

static void
open_chosen (BasaltWindow *self,
             GFile        *file,
             Pending      *then)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_window_open_file (self, file, &error))
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *primary = g_strdup_printf ("Could not open “%s”", name);

      /* The network that was open stays open and unchanged. */
      show_error_dialog (self, primary, error);
    }
  pending_drop (then);
}

static void
open_dialog (BasaltWindow *self,
             gpointer      data)
{
  choose_file (self, "Open Network", GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", network_filter (), NULL,
               open_chosen, NULL);
}

static void
open_path (BasaltWindow *self,
           gpointer      data)
{
  g_autoptr(GFile) file = g_file_new_for_path (data);

  open_chosen (self, file, NULL);
}

static void
clear_network (BasaltWindow *self,
               gpointer      data)
{
  basalt_document_clear (self->document);
}

static void
close_window (BasaltWindow *self,
              gpointer      data)
{
  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

/* Import and export */

/* What was approximated or left out, shown after an import or export (the report the user needs
 * before trusting the other tool's result). */
static void
show_report (BasaltWindow *self,
             const char   *primary,
             GPtrArray    *notes)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *dialog;

  if (notes->len == 0)
    {
      show_message (self, primary);
      return;
    }
  for (guint i = 0; i < notes->len; i++)
    g_string_append_printf (text, "%s• %s", i ? "\n" : "", (const char *) notes->pdata[i]);
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_INFO, GTK_BUTTONS_CLOSE, "%s", primary);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", text->str);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
basalt_window_import_nir (BasaltWindow  *self,
                          GFile         *file,
                          GPtrArray     *notes,
                          GError       **error)
{
  g_autofree char *path = g_file_get_path (file);
  BslGraph *graph;

  g_return_val_if_fail (BASALT_IS_WINDOW (self), FALSE);

  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "only local files can be imported");
      return FALSE;
    }
  graph = bsl_nir_import_file (path, NULL, notes, error);
  if (graph == NULL)
    return FALSE;
  basalt_document_take_imported (self->document, graph);
  return TRUE;
}

gboolean
basalt_window_export (BasaltWindow     *self,
                      BslExportFormat   format,
                      GFile            *file,
                      GPtrArray        *notes,
                      GError          **error)
{
  g_autofree char *path = g_file_get_path (file);

  g_return_val_if_fail (BASALT_IS_WINDOW (self), FALSE);

  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "only local files can be written");
      return FALSE;
    }
  return bsl_export_file (basalt_document_get_graph (self->document), format, path, NULL, notes, error);
}

static void
import_chosen (BasaltWindow *self,
               GFile        *file,
               Pending      *then)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);

  if (!basalt_window_import_nir (self, file, notes, &error))
    {
      g_autofree char *primary = g_strdup_printf ("Could not import “%s”", name);

      /* The network that was open stays open and unchanged. */
      show_error_dialog (self, primary, error);
    }
  else
    {
      g_autofree char *primary = g_strdup_printf ("Imported “%s”", name);
      show_report (self, primary, notes);
    }
  pending_drop (then);
}

static void
import_dialog (BasaltWindow *self,
               gpointer      data)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "NIR graphs");
  gtk_file_filter_add_pattern (filter, "*.nir");
  choose_file (self, "Import NIR", GTK_FILE_CHOOSER_ACTION_OPEN, "_Import", filter, NULL,
               import_chosen, NULL);
}

static void
export_chosen (BasaltWindow *self,
               GFile        *file,
               Pending      *then)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);

  if (!basalt_window_export (self, self->export_format, file, notes, &error))
    {
      g_autofree char *primary = g_strdup_printf ("Could not export “%s”", name);
      show_error_dialog (self, primary, error);
    }
  else
    {
      g_autofree char *primary = g_strdup_printf ("Exported “%s”", name);
      show_report (self, primary, notes);
    }
  pending_drop (then);
}

static void
save_chosen (BasaltWindow *self,
             GFile        *file,
             Pending      *then)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_window_save_file (self, file, &error))
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *primary = g_strdup_printf ("Could not save “%s”", name);

      show_error_dialog (self, primary, error);
      pending_drop (then);
      return;
    }
  pending_run (then);
}

static void
save_as_then (BasaltWindow *self,
              Pending      *then)
{
  g_autofree char *name = basalt_document_dup_title (self->document);
  g_autofree char *suggested = basalt_document_get_file (self->document) != NULL
                               ? g_strdup (name) : g_strdup ("network.basalt");

  choose_file (self, "Save Network", GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", network_filter (), suggested,
               save_chosen, then);
}

static void
save_then (BasaltWindow *self,
           Pending      *then)
{
  if (basalt_document_get_file (self->document) == NULL)
    save_as_then (self, then);
  else
    save_chosen (self, basalt_document_get_file (self->document), then);
}

enum {
  RESPONSE_DISCARD = 1,
  RESPONSE_SAVE = 2,
};

static void
on_confirm_response (GtkDialog *dialog,
                     int        response,
                     Pending   *then)
{
  BasaltWindow *self = then->self;

  /* The dialog lives until this signal emission ends; the window may be gone by then (Discard
   * closes it), so the dialog must not point at it any more. */
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));

  if (response == RESPONSE_DISCARD)
    pending_run (then);
  else if (response == RESPONSE_SAVE)
    save_then (self, then);
  else
    pending_drop (then);
}

/* Runs then now, or after the user saved or discarded unsaved changes. */
static void
confirm_discard_then (BasaltWindow   *self,
                      Continuation    func,
                      gpointer        data,
                      GDestroyNotify  destroy)
{
  Pending *then = pending_new (self, func, data, destroy);
  g_autofree char *name = NULL;
  GtkWidget *dialog;

  if (!basalt_document_get_dirty (self->document))
    {
      pending_run (then);
      return;
    }

  name = basalt_document_dup_title (self->document);
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   "Save changes to “%s”?", name);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            "Unsaved changes are lost otherwise.");
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), "_Cancel", GTK_RESPONSE_CANCEL,
                          "_Discard", RESPONSE_DISCARD, "_Save", RESPONSE_SAVE, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), RESPONSE_SAVE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirm_response), then);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
win_new (GSimpleAction *action,
         GVariant      *param,
         gpointer       user_data)
{
  confirm_discard_then (user_data, clear_network, NULL, NULL);
}

static void
win_open (GSimpleAction *action,
          GVariant      *param,
          gpointer       user_data)
{
  confirm_discard_then (user_data, open_dialog, NULL, NULL);
}

static void
win_import_nir (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  confirm_discard_then (user_data, import_dialog, NULL, NULL);
}

static void
win_export (GSimpleAction *action,
            GVariant      *param,
            gpointer       user_data)
{
  BasaltWindow *self = user_data;
  g_autofree char *title = basalt_document_dup_title (self->document);
  g_autofree char *base = NULL;
  g_autofree char *suggested = NULL;
  char *dot;

  if (!bsl_export_format_from_string (g_variant_get_string (param, NULL), &self->export_format))
    return;
  base = g_strdup (title);
  if ((dot = strrchr (base, '.')) != NULL)
    *dot = '\0';
  suggested = g_strdup_printf ("%s.%s", base, bsl_export_format_extension (self->export_format));
  choose_file (self, "Export Network", GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", NULL, suggested,
               export_chosen, NULL);
}

static void
win_open_recent (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  confirm_discard_then (user_data, open_path, g_variant_dup_string (param, NULL), g_free);
}

static void
win_save (GSimpleAction *action,
          GVariant      *param,
          gpointer       user_data)
{
  save_then (user_data, NULL);
}

static void
win_save_as (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  save_as_then (user_data, NULL);
}

static void
win_undo (GSimpleAction *action,
          GVariant      *param,
          gpointer       user_data)
{
  BasaltWindow *self = user_data;

  basalt_document_undo (self->document);
}

static void
win_redo (GSimpleAction *action,
          GVariant      *param,
          gpointer       user_data)
{
  BasaltWindow *self = user_data;

  basalt_document_redo (self->document);
}

static void
win_show_page (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  BasaltWindow *self = user_data;
  const char *name = g_variant_get_string (param, NULL);

  if (gtk_stack_get_child_by_name (self->stack, name) != NULL)
    gtk_stack_set_visible_child_name (self->stack, name);
}

static void
csv_chosen (BasaltWindow *self,
            GFile        *file,
            Pending      *then)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (file);

  if (!basalt_simulation_write_csv (self->simulation, path, &error))
    show_error_dialog (self, "Could not export the probes", error);
  pending_drop (then);
}

static void
sim_export_csv (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  BasaltWindow *self = user_data;

  choose_file (self, "Export Probes as CSV", GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", NULL, "probes.csv",
               csv_chosen, NULL);
}

static void
plots_chosen (BasaltWindow *self,
              GFile        *file,
              Pending      *then)
{
  g_autofree char *path = g_file_get_path (file);
  const char *dot = strrchr (path, '.');
  g_autofree char *stem = dot ? g_strndup (path, dot - path) : g_strdup (path);
  const char *ext = dot ? dot : ".png";

  /* One file per plot, named after the probe. */
  for (guint i = 0; i < basalt_simulation_get_n_probes (self->simulation); i++)
    {
      GtkWidget *plot = basalt_simulation_get_plot (self->simulation, i);
      g_autofree char *target = g_strdup (basalt_simulation_get_target (self->simulation, i));
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;

      g_strdelimit (target, "./", '-');
      out = g_strdup_printf ("%s-%s%s", stem, target, ext);
      if (!basalt_plot_export (BASALT_PLOT (plot), out, MAX (gtk_widget_get_width (plot), 640),
                               MAX (gtk_widget_get_height (plot), 240), &error))
        {
          show_error_dialog (self, "Could not export the plot", error);
          break;
        }
    }
  pending_drop (then);
}

static void
sim_export_plots (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  choose_file (user_data, "Export Plots (PNG, SVG or PDF)", GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", NULL,
               "plot.png", plots_chosen, NULL);
}

/* Graph actions */

static void
graph_delete (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  BasaltWindow *self = user_data;
  const BslConnection *wire = basalt_graph_canvas_get_selected_connection (self->canvas);
  g_autoptr(GError) error = NULL;

  if (wire != NULL)
    {
      BslConnection copy = *wire;
      g_autofree char *from_process = g_strdup (copy.from_process);
      g_autofree char *from_port = g_strdup (copy.from_port);
      g_autofree char *to_process = g_strdup (copy.to_process);
      g_autofree char *to_port = g_strdup (copy.to_port);

      if (!basalt_document_disconnect (self->document, from_process, from_port, to_process, to_port, &error))
        show_message (self, error->message);
      return;
    }

  {
    const char *group = basalt_graph_canvas_get_selected_group (self->canvas);
    g_auto(GStrv) names = group != NULL ? basalt_document_dup_group_members (self->document, group)
                                        : basalt_graph_canvas_dup_selection (self->canvas);

    if (!basalt_document_remove_processes (self->document, (const char *const *) names, &error))
      show_message (self, error->message);
  }
}

static void
graph_rename (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  BasaltWindow *self = user_data;

  basalt_inspector_focus_name (self->inspector);
}

static void
select_names (BasaltWindow       *self,
              const char *const  *names)
{
  basalt_graph_canvas_unselect_all (self->canvas);
  for (guint i = 0; names && names[i]; i++)
    basalt_graph_canvas_select (self->canvas, names[i], TRUE);
}

static void
graph_duplicate (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  BasaltWindow *self = user_data;
  g_auto(GStrv) names = basalt_graph_canvas_dup_selection (self->canvas);
  g_auto(GStrv) copies = NULL;
  g_autoptr(GError) error = NULL;
  BslGraph *graph = basalt_document_get_graph (self->document);

  /* Copies of unplaced nodes start from where they are drawn. */
  for (guint i = 0; names[i]; i++)
    {
      BslProcess *process = bsl_graph_find_process (graph, names[i]);

      if (process != NULL && !process->has_position)
        {
          basalt_graph_canvas_get_node_position (self->canvas, names[i], &process->x, &process->y);
          process->has_position = TRUE;
        }
    }

  copies = basalt_document_duplicate (self->document, (const char *const *) names, 40, 40, &error);
  if (copies == NULL)
    show_message (self, error->message);
  else
    select_names (self, (const char *const *) copies);
}

/* Arrow keys move the selection by one grid step (Shift: five), as one undoable move. */
static void
graph_nudge (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  BasaltWindow *self = user_data;
  g_auto(GStrv) names = basalt_graph_canvas_dup_selection (self->canvas);
  guint n = g_strv_length (names);
  g_autofree double *xs = g_new0 (double, MAX (n, 1));
  g_autofree double *ys = g_new0 (double, MAX (n, 1));
  g_autoptr(GError) error = NULL;
  double dx, dy;

  if (n == 0)
    return;
  g_variant_get (param, "(dd)", &dx, &dy);
  for (guint i = 0; i < n; i++)
    {
      basalt_graph_canvas_get_node_position (self->canvas, names[i], &xs[i], &ys[i]);
      xs[i] += dx;
      ys[i] += dy;
    }
  if (!basalt_document_move_processes (self->document, (const char *const *) names, xs, ys, &error))
    show_message (self, error->message);
}

/* Groups */

static void
graph_group (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  BasaltWindow *self = user_data;
  g_auto(GStrv) names = basalt_graph_canvas_dup_selection (self->canvas);
  g_autofree char *group = NULL;
  g_autoptr(GError) error = NULL;
  double x = G_MAXDOUBLE, y = G_MAXDOUBLE;

  /* The group's node takes the place of its top-left member. */
  for (guint i = 0; names[i]; i++)
    {
      double nx, ny;

      if (basalt_graph_canvas_get_node_position (self->canvas, names[i], &nx, &ny))
        {
          x = MIN (x, nx);
          y = MIN (y, ny);
        }
    }

  group = basalt_document_group (self->document, (const char *const *) names, x, y, &error);
  if (group == NULL)
    show_message (self, error->message);
  else
    basalt_graph_canvas_select_group (self->canvas, group);
}

static void
graph_ungroup (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  BasaltWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!basalt_document_ungroup (self->document, g_variant_get_string (param, NULL), &error))
    show_message (self, error->message);
}

static void
set_group_collapsed (BasaltWindow *self,
                     const char   *name,
                     gboolean      collapsed)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_set_group_collapsed (self->document, name, collapsed, &error))
    show_message (self, error->message);
}

static void
graph_open_group (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  set_group_collapsed (user_data, g_variant_get_string (param, NULL), FALSE);
}

static void
graph_close_group (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  set_group_collapsed (user_data, g_variant_get_string (param, NULL), TRUE);
}

static void
on_canvas_group_activated (BasaltGraphCanvas *canvas,
                           const char        *group,
                           BasaltWindow      *self)
{
  set_group_collapsed (self, group, FALSE);
}

static void
on_canvas_group_moved (BasaltGraphCanvas *canvas,
                       const char        *group,
                       double             x,
                       double             y,
                       BasaltWindow      *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_move_group (self->document, group, x, y, &error))
    show_message (self, error->message);
}

static void
graph_select_all (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  basalt_graph_canvas_select_all (BASALT_WINDOW (user_data)->canvas);
}

static void
graph_unselect_all (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  basalt_graph_canvas_unselect_all (BASALT_WINDOW (user_data)->canvas);
}

static void
graph_zoom_in (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  basalt_graph_canvas_zoom_in (BASALT_WINDOW (user_data)->canvas);
}

static void
graph_zoom_out (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  basalt_graph_canvas_zoom_out (BASALT_WINDOW (user_data)->canvas);
}

static void
graph_zoom_fit (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  basalt_graph_canvas_zoom_to_fit (BASALT_WINDOW (user_data)->canvas);
}

static void
graph_find_type (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  BasaltWindow *self = user_data;

  gtk_stack_set_visible_child_name (self->stack, "designer");
  basalt_palette_focus_search (self->palette);
}

static void
add_process_at (BasaltWindow *self,
                const char   *type_name,
                double        x,
                double        y)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = basalt_document_add_process (self->document, type_name, x, y, &error);

  if (name == NULL)
    {
      show_message (self, error->message);
      return;
    }
  basalt_graph_canvas_select (self->canvas, name, FALSE);
}

static void
graph_add_process (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  BasaltWindow *self = user_data;
  guint n = basalt_document_get_graph (self->document)->processes->len;
  double cx, cy;

  /* Several additions in a row step aside so they do not hide each other. */
  basalt_graph_canvas_get_center (self->canvas, &cx, &cy);
  add_process_at (self, g_variant_get_string (param, NULL), cx - 90 + (n % 5) * 24, cy - 40 + (n % 5) * 24);
}

/* Canvas, palette and inspector */

static void
on_palette_type_activated (BasaltPalette *palette,
                           const char    *type_name,
                           BasaltWindow  *self)
{
  g_action_group_activate_action (G_ACTION_GROUP (self->graph_actions), "add-process",
                                  g_variant_new_string (type_name));
}

static void
on_canvas_process_dropped (BasaltGraphCanvas *canvas,
                           const char        *type_name,
                           double             x,
                           double             y,
                           BasaltWindow      *self)
{
  /* The node's header lands under the pointer. */
  add_process_at (self, type_name, x - 90, y - 13);
}

static void
on_canvas_processes_moved (BasaltGraphCanvas *canvas,
                           GStrv              names,
                           double             dx,
                           double             dy,
                           BasaltWindow      *self)
{
  guint n = g_strv_length (names);
  g_autofree double *xs = g_new0 (double, n);
  g_autofree double *ys = g_new0 (double, n);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      basalt_graph_canvas_get_node_position (canvas, names[i], &xs[i], &ys[i]);
      xs[i] += dx;
      ys[i] += dy;
    }

  if (!basalt_document_move_processes (self->document, (const char *const *) names, xs, ys, &error))
    show_message (self, error->message);
}

/* From a wire dragged on the canvas, or a port's list in the inspector */
static void
on_connect_requested (GtkWidget    *source,
                      const char   *from_process,
                      const char   *from_port,
                      const char   *to_process,
                      const char   *to_port,
                      BasaltWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_connect (self->document, from_process, from_port, to_process, to_port, &error))
    show_message (self, error->message);
}

static void
on_inspector_disconnect_requested (BasaltInspector *inspector,
                                   const char      *from_process,
                                   const char      *from_port,
                                   const char      *to_process,
                                   const char      *to_port,
                                   BasaltWindow    *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_disconnect (self->document, from_process, from_port, to_process, to_port, &error))
    show_message (self, error->message);
}

static void
on_canvas_connect_refused (BasaltGraphCanvas *canvas,
                           const char        *reason,
                           BasaltWindow      *self)
{
  show_message (self, reason);
}

static void
on_canvas_process_activated (BasaltGraphCanvas *canvas,
                             const char        *name,
                             BasaltWindow      *self)
{
  basalt_inspector_focus_name (self->inspector);
}

static void
on_canvas_selection_changed (BasaltGraphCanvas *canvas,
                             BasaltWindow      *self)
{
  g_auto(GStrv) names = basalt_graph_canvas_dup_selection (canvas);
  const char *shown = g_strv_length (names) == 1 ? names[0] : NULL;

  if (g_strcmp0 (shown, basalt_inspector_get_process (self->inspector)) != 0)
    basalt_inspector_set_process (self->inspector, basalt_document_get_graph (self->document), shown);
  update_actions (self);
}

static void
on_canvas_populate_menu (BasaltGraphCanvas *canvas,
                         const char        *name,
                         GMenu             *menu,
                         BasaltWindow      *self)
{
  const BslProcess *process = bsl_graph_find_process (basalt_document_get_graph (self->document), name);
  g_autoptr(GMenu) probes = NULL;

  if (process == NULL)
    return;

  probes = g_menu_new ();
  for (guint i = 0; i < process->type->n_ports; i++)
    {
      const BslPortSpec *port = &process->type->ports[i];

      if (port->direction == BSL_PORT_OUT)
        {
          g_autofree char *target = g_strdup_printf ("%s.%s", name, port->name);
          g_autofree char *label = g_strdup_printf (g_str_equal (port->name, "s_out") ? "Record Spikes (%s)"
                                                                                     : "Record %s",
                                                    port->name);
          g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

          g_menu_item_set_action_and_target_value (item, "graph.add-probe", g_variant_new_string (target));
          g_menu_append_item (probes, item);
        }
    }
  for (guint i = 0; i < process->type->n_vars; i++)
    {
      const BslVarSpec *var = &process->type->vars[i];

      if ((var->flags & BSL_VAR_STATE) && !(var->flags & BSL_VAR_HIDDEN))
        {
          g_autofree char *target = g_strdup_printf ("%s.%s", name, var->name);
          g_autofree char *label = g_strdup_printf ("Record %s", var->name);
          g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

          g_menu_item_set_action_and_target_value (item, "graph.add-probe", g_variant_new_string (target));
          g_menu_append_item (probes, item);
        }
    }

  if (g_menu_model_get_n_items (G_MENU_MODEL (probes)) > 0)
    g_menu_append_section (menu, "Probe", G_MENU_MODEL (probes));

  {
    g_autoptr(GMenu) groups = g_menu_new ();
    g_autofree char *group = basalt_document_dup_group_of (self->document, name);

    if (group != NULL)
      {
        g_autofree char *close = g_strdup_printf ("graph.close-group::%s", group);
        g_autofree char *ungroup = g_strdup_printf ("graph.ungroup::%s", group);
        g_autofree char *close_label = g_strdup_printf ("Close Group “%s”", group);
        g_autofree char *ungroup_label = g_strdup_printf ("Ungroup “%s”", group);

        g_menu_append (groups, close_label, close);
        g_menu_append (groups, ungroup_label, ungroup);
      }
    else
      g_menu_append (groups, "_Group Selection", "graph.group");
    g_menu_append_section (menu, NULL, G_MENU_MODEL (groups));
  }
}

static void
on_inspector_rename_requested (BasaltInspector *inspector,
                               const char      *old_name,
                               const char      *new_name,
                               BasaltWindow    *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *target = g_strdup (new_name);

  if (!basalt_document_rename_process (self->document, old_name, new_name, &error))
    {
      show_message (self, error->message);
      return;
    }
  basalt_graph_canvas_select (self->canvas, target, FALSE);
}

static void
on_inspector_param_changed (BasaltInspector *inspector,
                            const char      *process,
                            const char      *var,
                            gpointer         value,
                            BasaltWindow    *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_set_param (self->document, process, var, value, &error))
    show_message (self, error->message);
}

static void
on_inspector_shape_requested (BasaltInspector *inspector,
                              const char      *process,
                              gpointer         value,
                              BasaltWindow    *self)
{
  const BslArray *array = value;
  gsize dims[BSL_MAX_DIMS] = { 0 };
  g_autoptr(GError) error = NULL;
  guint ndim = MIN (array->n, BSL_MAX_DIMS);

  for (guint i = 0; i < ndim; i++)
    dims[i] = (gsize) array->data[i];

  if (!basalt_document_set_shape (self->document, process, ndim, dims, &error))
    show_message (self, error->message);
}

static void
on_inspector_model_requested (BasaltInspector *inspector,
                              const char      *process,
                              int              tag,
                              BasaltWindow    *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_set_model (self->document, process, (BslTag) tag, &error))
    show_message (self, error->message);
}

static void
on_inspector_preset_requested (BasaltInspector *inspector,
                               const char      *process_name,
                               const char      *preset_name,
                               BasaltWindow    *self)
{
  BslProcess *process = bsl_graph_find_process (basalt_document_get_graph (self->document), process_name);
  const BslPreset *preset = process ? bsl_proc_type_find_preset (process->type, preset_name) : NULL;
  g_autoptr(GPtrArray) vars = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) bsl_array_free);
  g_autofree char *label = NULL;
  g_autoptr(GError) error = NULL;

  if (preset == NULL)
    return;

  /* One undo step for the whole preset */
  for (const BslPresetValue *v = preset->values; v->var != NULL; v++)
    {
      g_ptr_array_add (vars, (gpointer) v->var);
      g_ptr_array_add (values, bsl_array_new_scalar (v->value));
    }
  g_ptr_array_add (vars, NULL);
  label = g_strdup_printf ("Apply %s to %s", preset_name, process_name);
  if (!basalt_document_set_params (self->document, process_name, (const char *const *) vars->pdata,
                                   (BslArray *const *) values->pdata, label, &error))
    show_message (self, error->message);
}

static void
on_inspector_equations_requested (BasaltInspector *inspector,
                                  const char      *process,
                                  gpointer         text,
                                  BasaltWindow    *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_set_equations (self->document, process, text, &error))
    show_message (self, error->message);
}

static void
on_inspector_learning_rule_requested (BasaltInspector *inspector,
                                      const char      *process,
                                      gpointer         rule,
                                      BasaltWindow    *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_set_learning_rule (self->document, process, rule, &error))
    show_message (self, error->message);
}

static void
on_inspector_template_requested (BasaltInspector *inspector,
                                 const char      *process,
                                 const char      *template_name,
                                 BasaltWindow    *self)
{
  g_autoptr(GError) error = NULL;

  if (!basalt_document_apply_equations_template (self->document, process, template_name, &error))
    show_message (self, error->message);
}

/* The document */

static void
push_param_to_run (BasaltWindow *self,
                   const char   *process_name,
                   const char   *var)
{
  BslProcess *process = bsl_graph_find_process (basalt_document_get_graph (self->document), process_name);
  const BslVarSpec *spec;
  g_autoptr(BslArray) value = NULL;
  g_autoptr(GError) error = NULL;

  if (process == NULL || !basalt_simulation_is_compiled (self->simulation) ||
      (spec = bsl_proc_type_find_var (process->type, var)) == NULL)
    return;

  if (spec->flags & BSL_VAR_INIT_ONLY)
    {
      g_autofree char *text = g_strdup_printf ("%s.%s is read when a run starts: it takes effect after Reset",
                                               process_name, var);
      show_message (self, text);
      return;
    }

  /* Takes effect at the next step of the running network. */
  value = bsl_process_dup_param_full (process, var, &error);
  if (value == NULL || !basalt_simulation_set_var (self->simulation, process_name, var, value, &error))
    show_message (self, error->message);
}

/* Several Vars changed at once (e.g. a fit adopted): the running network takes all that it can
 * change between steps. */
static void
push_params_to_run (BasaltWindow *self,
                    const char   *process_name)
{
  BslProcess *process = bsl_graph_find_process (basalt_document_get_graph (self->document), process_name);

  if (process == NULL || !basalt_simulation_is_compiled (self->simulation))
    return;

  for (guint i = 0; i < process->type->n_vars; i++)
    {
      const BslVarSpec *spec = &process->type->vars[i];
      g_autoptr(BslArray) value = NULL;
      g_autoptr(GError) error = NULL;

      if (spec->flags & (BSL_VAR_STATE | BSL_VAR_INIT_ONLY | BSL_VAR_HIDDEN))
        continue;
      value = bsl_process_dup_param_full (process, spec->name, &error);
      if (value == NULL || !basalt_simulation_set_var (self->simulation, process_name, spec->name, value, &error))
        {
          show_message (self, error->message);
          return;
        }
    }
}

static void
on_document_changed (BasaltDocument *document,
                     guint           flags,
                     const char     *process,
                     const char     *var,
                     BasaltWindow   *self)
{
  BslGraph *graph = basalt_document_get_graph (document);

  if (flags & BASALT_CHANGE_GRAPH)
    {
      basalt_simulation_clear_probes (self->simulation);
      basalt_graph_canvas_set_graph (self->canvas, graph);
      basalt_inspector_set_process (self->inspector, graph, NULL);
    }
  else
    basalt_graph_canvas_refresh (self->canvas);

  if (flags & BASALT_CHANGE_STRUCTURE)
    {
      /* A run cannot continue on a network whose shape changed; the plots keep what they have. */
      if (basalt_simulation_is_compiled (self->simulation))
        {
          basalt_simulation_invalidate (self->simulation);
          if (!(flags & BASALT_CHANGE_GRAPH))
            show_message (self, "The network changed: press Run to start it again");
        }
      sync_tag_ui (self);
    }
  else if ((flags & BASALT_CHANGE_PARAMS) && process != NULL && var != NULL)
    push_param_to_run (self, process, var);
  else if ((flags & BASALT_CHANGE_PARAMS) && process != NULL)
    push_params_to_run (self, process);

  if (basalt_inspector_get_process (self->inspector) != NULL &&
      bsl_graph_find_process (graph, basalt_inspector_get_process (self->inspector)) == NULL)
    basalt_inspector_set_process (self->inspector, graph, NULL);
  else
    basalt_inspector_refresh (self->inspector);

  update_title (self);
  update_actions (self);
}

static void
on_dirty_changed (BasaltDocument *document,
                  GParamSpec     *pspec,
                  BasaltWindow   *self)
{
  update_title (self);
}

/* Window */

static gboolean
basalt_window_close_request (GtkWindow *window)
{
  BasaltWindow *self = BASALT_WINDOW (window);

  if (basalt_document_get_dirty (self->document) && !self->close_confirmed)
    {
      confirm_discard_then (self, close_window, NULL, NULL);
      return TRUE;
    }

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set (self->settings, "window-size", "(ii)", width, height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }

  basalt_simulation_invalidate (self->simulation);
  return GTK_WINDOW_CLASS (basalt_window_parent_class)->close_request (window);
}

static void
basalt_window_dispose (GObject *object)
{
  BasaltWindow *self = (BasaltWindow *) object;

  g_clear_handle_id (&self->message_timeout, g_source_remove);
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  if (self->simulation != NULL)
    basalt_simulation_invalidate (self->simulation);
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  if (self->simulation != NULL)
    g_signal_handlers_disconnect_by_data (self->simulation, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), BASALT_TYPE_WINDOW);

  g_clear_object (&self->simulation);
  g_clear_object (&self->document);
  g_clear_object (&self->graph_actions);
  g_clear_object (&self->sim_actions);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (basalt_window_parent_class)->dispose (object);
}

static void
basalt_window_finalize (GObject *object)
{
  BasaltWindow *self = (BasaltWindow *) object;

  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (basalt_window_parent_class)->finalize (object);
}

static void
basalt_window_class_init (BasaltWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = basalt_window_dispose;
  object_class->finalize = basalt_window_finalize;
  window_class->close_request = basalt_window_close_request;

  /* Types used by the template */
  g_type_ensure (BASALT_TYPE_GRAPH_CANVAS);
  g_type_ensure (BASALT_TYPE_INSPECTOR);
  g_type_ensure (BASALT_TYPE_PALETTE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/basalt/Basalt/ui/basalt-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, rate_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, tag_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, undo_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, redo_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, palette);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, inspector);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, plots_box);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, plots_placeholder);
  gtk_widget_class_bind_template_child (widget_class, BasaltWindow, recent_submenu);
  gtk_widget_class_bind_template_callback (widget_class, on_message_close);
  gtk_widget_class_bind_template_callback (widget_class, on_palette_type_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_process_dropped);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_processes_moved);
  gtk_widget_class_bind_template_callback (widget_class, on_connect_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_disconnect_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_model_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_preset_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_equations_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_template_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_learning_rule_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_connect_refused);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_process_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_populate_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_group_moved);
  gtk_widget_class_bind_template_callback (widget_class, on_canvas_group_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_rename_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_param_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_inspector_shape_requested);
}

static const GActionEntry win_entries[] = {
  { "new", win_new },
  { "open", win_open },
  { "open-recent", win_open_recent, "s" },
  { "save", win_save },
  { "save-as", win_save_as },
  { "import-nir", win_import_nir },
  { "export", win_export, "s" },
  { "undo", win_undo },
  { "redo", win_redo },
  { "show-page", win_show_page, "s" },
};

static const GActionEntry graph_entries[] = {
  { "delete", graph_delete },
  { "rename", graph_rename },
  { "duplicate", graph_duplicate },
  { "select-all", graph_select_all },
  { "unselect-all", graph_unselect_all },
  { "zoom-in", graph_zoom_in },
  { "zoom-out", graph_zoom_out },
  { "zoom-fit", graph_zoom_fit },
  { "find-type", graph_find_type },
  { "add-process", graph_add_process, "s" },
  { "add-probe", graph_add_probe, "s" },
  { "group", graph_group },
  { "nudge", graph_nudge, "(dd)" },
  { "ungroup", graph_ungroup, "s" },
  { "open-group", graph_open_group, "s" },
  { "close-group", graph_close_group, "s" },
};

static const GActionEntry sim_entries[] = {
  { "run-pause", sim_run_pause },
  { "step", sim_step },
  { "reset", sim_reset },
  { "tag", NULL, "s", "'floating_pt'", sim_tag },
  { "speed", NULL, "s", "'200'", sim_speed },
  { "export-csv", sim_export_csv },
  { "export-plots", sim_export_plots },
  { "clear-probes", sim_clear_probes },
  { "remove-probe", sim_remove_probe, "s" },
};

static GSettings *
settings_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Running from the build tree without an installed schema must still work. */
  if (source == NULL || (schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)) == NULL)
    return NULL;
  return g_settings_new (APP_ID);
}

static void
basalt_window_init (BasaltWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->document = basalt_document_new ();
  self->simulation = basalt_simulation_new ();
  self->settings = settings_if_installed ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries), self);
  self->graph_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->graph_actions), graph_entries,
                                   G_N_ELEMENTS (graph_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "graph", G_ACTION_GROUP (self->graph_actions));
  self->sim_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->sim_actions), sim_entries,
                                   G_N_ELEMENTS (sim_entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "sim", G_ACTION_GROUP (self->sim_actions));

  g_signal_connect (self->document, "changed", G_CALLBACK (on_document_changed), self);
  g_signal_connect (self->document, "notify::dirty", G_CALLBACK (on_dirty_changed), self);
  g_signal_connect (self->simulation, "probe-added", G_CALLBACK (on_probe_added), self);
  g_signal_connect (self->simulation, "probe-removed", G_CALLBACK (on_probe_removed), self);
  g_signal_connect (self->simulation, "probes-cleared", G_CALLBACK (on_probes_cleared), self);
  g_signal_connect (self->tag_dropdown, "notify::selected", G_CALLBACK (on_tag_selected), self);

  if (self->settings != NULL)
    {
      int width, height;

      g_settings_get (self->settings, "window-size", "(ii)", &width, &height);
      if (width > 0 && height > 0)
        gtk_window_set_default_size (GTK_WINDOW (self), width, height);
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }

  basalt_graph_canvas_set_graph (self->canvas, basalt_document_get_graph (self->document));
  rebuild_recent_menu (self);
  sync_tag_ui (self);
  update_title (self);
  update_actions (self);

  /* The Tuner is the second page of the stack; win.show-page::tuner (Alt+2) switches to it. */
  gtk_stack_add_titled (self->stack, basalt_tuner_page_new (self->document), "tuner", "Tuner");
}

BasaltWindow *
basalt_window_new (GtkApplication *application)
{
  return g_object_new (BASALT_TYPE_WINDOW, "application", application, NULL);
}

BasaltDocument *
basalt_window_get_document (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return self->document;
}

BasaltSimulation *
basalt_window_get_simulation (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return self->simulation;
}

BasaltGraphCanvas *
basalt_window_get_canvas (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return self->canvas;
}

BasaltInspector *
basalt_window_get_inspector (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return self->inspector;
}

BasaltPalette *
basalt_window_get_palette (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return self->palette;
}

GtkStack *
basalt_window_get_stack (BasaltWindow *self)
{
  g_return_val_if_fail (BASALT_IS_WINDOW (self), NULL);

  return self->stack;
}
