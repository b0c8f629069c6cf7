/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The live preview under an Equations process's texts: it follows what the user types (a faster
 * membrane, a typed input, a parameter without a value, a typing error that is marked where it
 * is) and never changes the network, which only Apply does. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "basalt-application.h"
#include "basalt-equations-preview.h"
#include "basalt-inspector-private.h"
#include "basalt-plot.h"
#include "basalt-window.h"
#include "bsl-network-file.h"
#include "test-gui-util.h"

static gboolean have_display;
static BasaltApplication *app;

typedef struct
{
  BasaltWindow           *window;
  BasaltInspector        *inspector;
  BasaltEquationsPreview *preview;
  GtkTextBuffer          *buffer;
  guint                   updates;
} Fixture;

static gboolean
preview_ran (gpointer data)
{
  Fixture *f = data;

  return basalt_equations_preview_get_n_updates (f->preview) > f->updates;
}

/* Waits for the debounced update that follows an edit. */
static void
wait_for_preview (Fixture *f)
{
  g_assert_true (gui_wait_until (preview_ran, f, 5));
  f->updates = basalt_equations_preview_get_n_updates (f->preview);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "equations-lif.basalt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  if (!have_display)
    return;

  f->window = basalt_window_new (GTK_APPLICATION (app));
  f->inspector = basalt_window_get_inspector (f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 900);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (basalt_window_open_file (f->window, file, &error));
  g_assert_no_error (error);
  basalt_graph_canvas_select (basalt_window_get_canvas (f->window), "neuron", FALSE);
  g_assert_cmpstr (basalt_inspector_get_process (f->inspector), ==, "neuron");
  f->preview = BASALT_EQUATIONS_PREVIEW (basalt_inspector_get_equations_preview (f->inspector));
  g_assert_nonnull (f->preview);
  f->buffer = gtk_text_view_get_buffer (basalt_inspector_get_equations_view (f->inspector));
  f->updates = basalt_equations_preview_get_n_updates (f->preview);
  gui_spin (0.05);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
}

/* Typing at a character offset of the model text, one key at a time. */
static void
type_at (Fixture    *f,
         int         offset,
         const char *keys)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (f->buffer, &iter, offset);
  gtk_text_buffer_place_cursor (f->buffer, &iter);
  for (const char *k = keys; *k; k = g_utf8_next_char (k))
    {
      gtk_text_buffer_insert_at_cursor (f->buffer, k, (int) (g_utf8_next_char (k) - k));
      gui_spin (0.01);
    }
}

static int
model_offset_of (Fixture    *f,
                 const char *needle)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  const char *at;

  gtk_text_buffer_get_bounds (f->buffer, &start, &end);
  text = gtk_text_buffer_get_text (f->buffer, &start, &end, FALSE);
  at = strstr (text, needle);
  g_assert_nonnull (at);
  return (int) g_utf8_pointer_to_offset (text, at);
}

static const char *
shown_model (Fixture *f)
{
  BslProcess *process = bsl_graph_find_process (basalt_document_get_graph (basalt_window_get_document (f->window)),
                                                "neuron");
  BslEquationsText text;

  g_assert_true (bsl_process_get_equations (process, &text));
  return text.model;
}

static void
test_preview_follows_typing (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *model_before = NULL;
  g_autofree double *before = NULL;
  const double *trace;
  gsize n_before, n, spikes_before, spikes;
  gboolean changed = FALSE;

  REQUIRE_DISPLAY (have_display);

  /* The process as saved: a trace with spikes under the default input. */
  trace = basalt_equations_preview_get_trace (f->preview, &n_before);
  g_assert_nonnull (trace);
  g_assert_cmpuint (n_before, >=, 200);
  before = g_memdup2 (trace, n_before * sizeof (double));
  spikes_before = basalt_equations_preview_get_n_spikes (f->preview);
  g_test_message ("default input %s A: %" G_GSIZE_FORMAT " spikes: %s",
                  gtk_editable_get_text (basalt_equations_preview_get_input (f->preview)), spikes_before,
                  basalt_equations_preview_get_message (f->preview));
  g_assert_cmpuint (spikes_before, >=, 2);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->preview)));
  model_before = g_strdup (shown_model (f));

  /* A membrane twice as fast: dv/dt = 2*(...)/tau. */
  type_at (f, model_offset_of (f, "(v_rest"), "2*");
  wait_for_preview (f);
  g_assert_null (basalt_inspector_get_equations_error (f->inspector));
  trace = basalt_equations_preview_get_trace (f->preview, &n);
  g_assert_nonnull (trace);
  g_assert_cmpuint (n, ==, n_before);
  for (gsize i = 0; i < n; i++)
    changed |= trace[i] != before[i];
  g_assert_true (changed);
  spikes = basalt_equations_preview_get_n_spikes (f->preview);
  g_test_message ("faster membrane: %" G_GSIZE_FORMAT " spikes", spikes);
  g_assert_cmpuint (spikes, >, spikes_before);
  g_assert_nonnull (strstr (basalt_equations_preview_get_message (f->preview), "spikes"));

  /* The preview only reads the network. */
  g_assert_cmpstr (shown_model (f), ==, model_before);
  g_assert_false (basalt_document_get_dirty (basalt_window_get_document (f->window)));

  /* Apply makes the typed model the process's own; the typed input stays. */
  gtk_editable_set_text (basalt_equations_preview_get_input (f->preview), "2e-11");
  {
    BslEquationsText as_shown = { NULL };

    g_assert_true (basalt_inspector_enter_equations (f->inspector, &as_shown));
  }
  gui_spin (0.05);
  g_assert_nonnull (strstr (shown_model (f), "2*(v_rest"));
  f->preview = BASALT_EQUATIONS_PREVIEW (basalt_inspector_get_equations_preview (f->inspector));
  g_assert_cmpstr (gtk_editable_get_text (basalt_equations_preview_get_input (f->preview)), ==, "2e-11");
  g_assert_cmpuint (basalt_equations_preview_get_n_spikes (f->preview), >, spikes);

  /* No input, no spikes. */
  g_test_timer_start ();
  gtk_editable_set_text (basalt_equations_preview_get_input (f->preview), "0");
  g_test_message ("a new input re-simulated and re-plotted in %.3f ms", g_test_timer_elapsed () * 1e3);
  g_assert_cmpuint (basalt_equations_preview_get_n_spikes (f->preview), ==, 0);
  gtk_editable_set_text (basalt_equations_preview_get_input (f->preview), "a lot");
  g_assert_null (basalt_equations_preview_get_trace (f->preview, NULL));
  g_assert_nonnull (strstr (basalt_equations_preview_get_message (f->preview), "not a number"));
}

static GtkEditable *
find_entry_with_text (GtkWidget  *widget,
                      const char *text)
{
  if (GTK_IS_ENTRY (widget) && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (widget)), text) == 0)
    return GTK_EDITABLE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkEditable *found = find_entry_with_text (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
window_shows_izhikevich_reset (gpointer window)
{
  return find_entry_with_text (window, "v = c; u += d") != NULL;
}

static gboolean
preview_starts_at_three (gpointer data)
{
  gsize n = 0;
  const double *trace = basalt_equations_preview_get_trace (data, &n);

  return trace != NULL && n > 0 && fabs (trace[0] - 3) < 1e-9;
}

/* The preview watches what the threshold reads: for Lava's LIF template that is v (not the
 * first state, I), and v follows Lava's arithmetic under a constant input. */
static void
test_preview_shows_threshold_variable (Fixture       *f,
                                       gconstpointer  data)
{
  const double *trace;
  double u = 0, v = 0;
  gsize n, first_spike = 0;

  REQUIRE_DISPLAY (have_display);

  /* a reset of two statements reads on one line */
  g_assert_true (basalt_inspector_choose_equations_template (f->inspector, "izhikevich"));
  gui_wait_until (window_shows_izhikevich_reset, f->window, 5);
  g_assert_nonnull (find_entry_with_text (GTK_WIDGET (f->window), "v = c; u += d"));

  g_assert_true (basalt_inspector_choose_equations_template (f->inspector, "lava_lif"));
  gui_spin (0.1);
  f->preview = BASALT_EQUATIONS_PREVIEW (basalt_inspector_get_equations_preview (f->inspector));
  gtk_editable_set_text (basalt_equations_preview_get_input (f->preview), "3");
  /* the inspector re-simulates once edits pause: wait for the new model's trace */
  gui_wait_until (preview_starts_at_three, f->preview, 5);
  trace = basalt_equations_preview_get_trace (f->preview, &n);
  g_assert_nonnull (trace);
  for (gsize t = 0; t < n; t++)
    {
      u = u * (1 - 0.1) + 3;
      v = v * (1 - 0.1) + u;
      if (v > 10)
        {
          v = 0;
          if (first_spike == 0)
            first_spike = t + 1;
        }
      g_assert_cmpfloat_with_epsilon (trace[t], v, 1e-9);
    }
  g_test_message ("lava_lif under 3 per step: first spike at step %" G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT
                  " spikes; %s", first_spike, basalt_equations_preview_get_n_spikes (f->preview),
                  basalt_equations_preview_get_message (f->preview));
  g_assert_cmpuint (first_spike, ==, 3);
  g_assert_cmpuint (basalt_equations_preview_get_n_spikes (f->preview), >, 10);
}

static gboolean
has_error_mark (GtkTextBuffer *buffer,
                int           *offset)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "error");
  GtkTextIter iter;

  gtk_text_buffer_get_start_iter (buffer, &iter);
  do
    if (gtk_text_iter_has_tag (&iter, tag))
      {
        *offset = gtk_text_iter_get_offset (&iter);
        return TRUE;
      }
  while (gtk_text_iter_forward_char (&iter));
  return FALSE;
}


static void
test_preview_errors (Fixture       *f,
                     gconstpointer  data)
{
  const char *message;
  int mark = -1, typo;

  REQUIRE_DISPLAY (have_display);

  /* An operator with nothing after it, on the second line. */
  typo = model_offset_of (f, "-I/tau_syn") + (int) strlen ("-I/tau_syn");
  type_at (f, typo, " *");
  wait_for_preview (f);
  message = basalt_inspector_get_equations_error (f->inspector);
  g_test_message ("typing error: %s", message);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "line 2"));
  g_assert_nonnull (strstr (message, "column"));
  g_assert_null (basalt_equations_preview_get_trace (f->preview, NULL));
  g_assert_true (has_error_mark (f->buffer, &mark));
  g_test_message ("marked at %d, typed at %d", mark, typo);
  g_assert_cmpint (mark, >=, typo - 2);
  g_assert_cmpint (mark, <=, typo + 3);

  /* Removing it clears the message and the mark. */
  {
    GtkTextIter a, b;

    gtk_text_buffer_get_iter_at_offset (f->buffer, &a, typo);
    gtk_text_buffer_get_iter_at_offset (f->buffer, &b, typo + 2);
    gtk_text_buffer_delete (f->buffer, &a, &b);
  }
  wait_for_preview (f);
  g_assert_null (basalt_inspector_get_equations_error (f->inspector));
  g_assert_false (has_error_mark (f->buffer, &mark));
  g_assert_nonnull (basalt_equations_preview_get_trace (f->preview, NULL));

  /* An error in the threshold is marked in its own field. */
  {
    GtkEditable *threshold = find_entry_with_text (GTK_WIDGET (f->inspector), "v > v_th");

    g_assert_nonnull (threshold);
    gtk_editable_set_text (threshold, "v > v_th and");
    wait_for_preview (f);
    message = basalt_inspector_get_equations_error (f->inspector);
    g_test_message ("threshold error: %s", message);
    g_assert_nonnull (message);
    g_assert_true (g_str_has_prefix (message, "threshold, line 1"));
    g_assert_nonnull (gtk_entry_get_attributes (GTK_ENTRY (threshold)));
    gtk_editable_set_text (threshold, "v > v_th");
    wait_for_preview (f);
    g_assert_null (basalt_inspector_get_equations_error (f->inspector));
    g_assert_null (gtk_entry_get_attributes (GTK_ENTRY (threshold)));
  }

  /* A parameter the process has no value for yet: said so, instead of a trace. */
  type_at (f, model_offset_of (f, "R*I") + 3, "*gain");
  type_at (f, model_offset_of (f, "tau_syn : second") + (int) strlen ("tau_syn : second\n"), "gain : 1\n");
  wait_for_preview (f);
  g_assert_null (basalt_inspector_get_equations_error (f->inspector));
  g_assert_null (basalt_equations_preview_get_trace (f->preview, NULL));
  message = basalt_equations_preview_get_message (f->preview);
  g_test_message ("new parameter: %s", message);
  g_assert_nonnull (strstr (message, "gain"));
  g_assert_nonnull (strstr (message, "no value"));
  g_assert_null (strstr (shown_model (f), "gain"));
}

static gboolean
is_named (GtkWidget     *widget,
          gconstpointer  name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

/* A process whose model calls a table (TimedArray): the inspector shows its tables, an edit of
 * the texts keeps them (and the preview can call them), and saving and reopening keeps both. */
static void
test_tables_kept (Fixture       *f,
                  gconstpointer  data)
{
  static const char network[] =
    "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
    " {\"name\": \"neuron\", \"type\": \"Equations\", \"shape\": [1], \"equations\": {"
    "  \"model\": \"dv/dt = (v_rest - v + R*stimulus(t))/tau : volt\\n"
    "v_rest : volt\\nR : ohm\\ntau : second\\n\","
    "  \"threshold\": \"v > -50*mV\", \"reset\": \"v = -70*mV\", \"method\": \"euler\","
    "  \"tables\": {\"stimulus\": {\"dt\": \"5*ms\", \"unit\": \"amp\","
    "                \"values\": [0, 3e-10, 1e-10, 3e-10]}}},"
    " \"params\": {\"v\": -0.07, \"v_rest\": -0.07, \"R\": 1e8, \"tau\": 0.01,"
    "              \"dt\": 0.0001}}]}";
  const BslEquationsText edited = {
    .model = "I = 2*stimulus(t) : amp\n"
             "dv/dt = (v_rest - v + R*I)/tau : volt\nv_rest : volt\nR : ohm\ntau : second\n",
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL, *path = NULL, *saved_path = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFile) saved = NULL;
  g_autoptr (BslGraph) reopened = NULL;
  BslEquationsText text;
  GtkWidget *label;

  REQUIRE_DISPLAY (have_display);

  dir = g_dir_make_tmp ("basalt-tables-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "tables.basalt", NULL);
  saved_path = g_build_filename (dir, "saved.basalt", NULL);
  g_assert_true (g_file_set_contents (path, network, -1, &error));
  file = g_file_new_for_path (path);
  g_assert_true (basalt_window_open_file (f->window, file, &error));
  g_assert_no_error (error);
  basalt_graph_canvas_select (basalt_window_get_canvas (f->window), "neuron", FALSE);
  gui_spin (0.05);

  label = gui_find_widget (GTK_WIDGET (f->inspector), is_named, "equations-tables");
  g_assert_nonnull (label);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)),
                                   "Tables: stimulus(t): 4 rows, every 0.005 s, in amp"));

  g_assert_true (basalt_inspector_enter_equations (f->inspector, &edited));
  g_assert_null (basalt_inspector_get_equations_error (f->inspector));
  g_assert_cmpstr (shown_model (f), ==, edited.model);

  saved = g_file_new_for_path (saved_path);
  g_assert_true (basalt_window_save_file (f->window, saved, &error));
  g_assert_no_error (error);
  reopened = bsl_graph_load_file (saved_path, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_process_get_equations (bsl_graph_find_process (reopened, "neuron"), &text));
  g_assert_cmpstr (text.model, ==, edited.model);
  g_assert_cmpuint (bsl_equations_tables_get_n (text.tables), ==, 1);
  {
    g_autofree char *description = bsl_equations_tables_describe (text.tables);

    g_assert_cmpstr (description, ==, "stimulus(t): 4 rows, every 0.005 s, in amp");
  }
  g_unlink (path);
  g_unlink (saved_path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();

  if (have_display)
    {
      app = basalt_application_new (G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, NULL);
    }

  g_test_add ("/equations-preview/follows-typing", Fixture, NULL, fixture_set_up, test_preview_follows_typing,
              fixture_tear_down);
  g_test_add ("/equations-preview/errors", Fixture, NULL, fixture_set_up, test_preview_errors, fixture_tear_down);
  g_test_add ("/equations-preview/threshold-variable", Fixture, NULL, fixture_set_up,
              test_preview_shows_threshold_variable, fixture_tear_down);
  g_test_add ("/equations-preview/tables-kept", Fixture, NULL, fixture_set_up, test_tables_kept,
              fixture_tear_down);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
