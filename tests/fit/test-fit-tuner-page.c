/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "basalt-document.h"
#include "bsl-error.h"
#include "basalt-rule-tuner.h"
#include "basalt-tuner-page.h"
#include "bsl-learning-rule.h"
#include "bsl-equations-templates.h"
#include "fit-case.h"
#include "test-util.h"

/* The Tuner page as a user drives it: open a reference, move sliders and see the metrics follow,
 * fit in the background (pause, resume), adopt the best (undoable), export the history. */

static char *tmp_dir;
static gboolean have_display;

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
save_screenshot (GtkWidget  *window,
                 const char *name)
{
  GdkPaintable *paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (window), height = gtk_widget_get_height (window);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  const char *dir = g_getenv ("BASALT_SCREENSHOT_DIR");

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_object_unref (paintable);
  if (node == NULL)
    {
      g_test_message ("no screenshot %s: nothing drawn yet", name);
      return;
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir != NULL ? dir : tmp_dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* The Tuner's tag list: the drop-down offering floating_pt and fixed_pt. */
static GtkWidget *
find_tag_dropdown (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_DROP_DOWN (child))
        {
          GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (child));

          if (GTK_IS_STRING_LIST (model) && g_list_model_get_n_items (model) == 2 &&
              g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), 0), "floating_pt"))
            return child;
        }
      if ((found = find_tag_dropdown (child)) != NULL)
        return found;
    }
  return NULL;
}

/* The page for a document, in a window of a usual size. */
static GtkWidget *
show_page (BasaltDocument  *document,
           GtkWidget      **page)
{
  GtkWidget *window = gtk_window_new ();

  *page = basalt_tuner_page_new (document);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (window), *page);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* The candidates of a finished fit, best first; the last one tried again shows in the sliders. */
static void
check_fit_candidates (BasaltTunerPage *page)
{
  BslMetricValues metrics;
  guint last;

  g_assert_cmpuint (basalt_tuner_page_get_n_candidates (page), >, 10);
  g_assert_cmpfloat (basalt_tuner_page_get_candidate_value (page, 0), ==, 0.0);
  g_assert_cmpfloat (basalt_tuner_page_get_candidate_value (page, 1), >=, 0.0);
  last = basalt_tuner_page_get_n_candidates (page) - 1;
  g_assert_cmpfloat (basalt_tuner_page_get_candidate_value (page, last), >,
                     basalt_tuner_page_get_candidate_value (page, 0));
  basalt_tuner_page_activate_candidate (page, last);
  basalt_tuner_page_get_metrics (page, &metrics);
  g_assert_cmpfloat (metrics.values[BSL_METRIC_RMSE_V], >, 0.0);
}

static void
test_tuner_page (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("fixed");
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(BslGraph) graph = NULL;
  g_autofree char *network = NULL, *history = NULL, *contents = NULL;
  const FitCase *fc = NULL;
  BslProcess *lif;
  GtkWidget *window, *page;
  BslMetricValues before, after;
  gint64 t0;
  double per_move_ms;
  const char *locks[] = { "bias_mant[0]", "bias_mant[1]", "bias_mant[2]", "bias_exp[0]",
                          "bias_exp[1]", "bias_exp[2]" };

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  for (guint c = 0; c < cases->len; c++)
    if (g_str_has_prefix (((FitCase *) g_ptr_array_index (cases, c))->name, "p05"))
      fc = g_ptr_array_index (cases, c);
  g_assert_nonnull (fc);

  /* The case's network with du, dv and vth 25 % off. */
  graph = fit_case_network (fc);
  lif = bsl_graph_find_process (graph, "lif");
  bsl_process_set_param (lif, "du", bsl_array_new_scalar (513), NULL);
  bsl_process_set_param (lif, "dv", bsl_array_new_scalar (154), NULL);
  bsl_process_set_param (lif, "vth", bsl_array_new_scalar (2500), NULL);
  /* the Tuner follows the network's tag, as the header shows it */
  bsl_graph_set_run_tag (graph, BSL_TAG_FIXED_PT);
  network = g_build_filename (tmp_dir, "p05.basalt", NULL);
  g_assert_true (bsl_graph_save_file (graph, network, NULL));
  file = g_file_new_for_path (network);
  g_assert_true (basalt_document_load (document, file, &error));

  window = show_page (document, &page);

  g_assert_true (basalt_tuner_page_load_reference (BASALT_TUNER_PAGE (page), fc->csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (basalt_tuner_page_set_process (BASALT_TUNER_PAGE (page), "lif", &error));
  g_assert_cmpfloat (basalt_tuner_page_get_value (BASALT_TUNER_PAGE (page), "du"), ==, 513);
  basalt_tuner_page_get_metrics (BASALT_TUNER_PAGE (page), &before);
  g_assert_cmpfloat (before.values[BSL_METRIC_RMSE_V], >, 0.0);
  iterate_for (300);

  /* Sliders re-simulate at once: the true values give Lava's trace, well within a frame. */
  t0 = g_get_monotonic_time ();
  basalt_tuner_page_set_value (BASALT_TUNER_PAGE (page), "du", 410);
  basalt_tuner_page_set_value (BASALT_TUNER_PAGE (page), "dv", 205);
  basalt_tuner_page_set_value (BASALT_TUNER_PAGE (page), "vth", 2000);
  per_move_ms = (g_get_monotonic_time () - t0) / 3000.0;
  g_test_message ("one slider move: %.2f ms (simulate 400 steps x 3 neurons, metrics, plot data)", per_move_ms);
  g_assert_cmpfloat (per_move_ms, <, 16.0);
  basalt_tuner_page_get_metrics (BASALT_TUNER_PAGE (page), &after);
  g_assert_cmpfloat (after.values[BSL_METRIC_RMSE_V], ==, 0.0);
  g_assert_cmpfloat (after.gamma, ==, 1.0);
  iterate_for (300);
  g_test_message ("redraw of the four plots: %.1f ms", basalt_tuner_page_get_draw_ms (BASALT_TUNER_PAGE (page)));
  g_assert_cmpfloat (basalt_tuner_page_get_draw_ms (BASALT_TUNER_PAGE (page)), >, 0.0);

  /* The float model the integers stand for, beside the fixed one. */
  basalt_tuner_page_set_compare (BASALT_TUNER_PAGE (page), TRUE);
  g_assert_nonnull (basalt_tuner_page_get_comparison (BASALT_TUNER_PAGE (page)));
  g_test_message ("%s", basalt_tuner_page_get_comparison (BASALT_TUNER_PAGE (page)));
  g_assert_true (strstr (basalt_tuner_page_get_comparison (BASALT_TUNER_PAGE (page)), "floating_pt model") != NULL);
  iterate_for (200);
  save_screenshot (window, "tuner-compare-tags.png");
  basalt_tuner_page_set_compare (BASALT_TUNER_PAGE (page), FALSE);
  g_assert_null (basalt_tuner_page_get_comparison (BASALT_TUNER_PAGE (page)));

  /* Back to the start, then fit du, dv and vth with the biases locked. */
  basalt_tuner_page_set_value (BASALT_TUNER_PAGE (page), "du", 513);
  basalt_tuner_page_set_value (BASALT_TUNER_PAGE (page), "dv", 154);
  basalt_tuner_page_set_value (BASALT_TUNER_PAGE (page), "vth", 2500);
  for (guint k = 0; k < G_N_ELEMENTS (locks); k++)
    basalt_tuner_page_set_locked (BASALT_TUNER_PAGE (page), locks[k], TRUE);
  /* Bounds narrow the slider and the fit; the Loihi 2 range still limits them. */
  {
    double lo, hi;

    g_assert_true (basalt_tuner_page_set_bounds (BASALT_TUNER_PAGE (page), "dv", -50, 1000));
    basalt_tuner_page_get_bounds (BASALT_TUNER_PAGE (page), "dv", &lo, &hi);
    g_assert_cmpfloat (lo, ==, 0.0);
    g_assert_cmpfloat (hi, ==, 1000.0);
  }
  g_assert_true (basalt_tuner_page_start_fit (BASALT_TUNER_PAGE (page), &error));
  g_assert_no_error (error);
  g_assert_true (basalt_tuner_page_is_fitting (BASALT_TUNER_PAGE (page)));
  iterate_for (30);
  basalt_tuner_page_set_fit_paused (BASALT_TUNER_PAGE (page), TRUE);
  iterate_for (400);
  {
    guint64 paused_at = basalt_tuner_page_get_fit_evaluations (BASALT_TUNER_PAGE (page));

    save_screenshot (window, "tuner-mid-fit.png");
    iterate_for (200);
    if (basalt_tuner_page_is_fitting (BASALT_TUNER_PAGE (page)))
      g_assert_cmpuint (basalt_tuner_page_get_fit_evaluations (BASALT_TUNER_PAGE (page)), <=, paused_at + 500);
  }
  basalt_tuner_page_set_fit_paused (BASALT_TUNER_PAGE (page), FALSE);
  t0 = g_get_monotonic_time ();
  while (basalt_tuner_page_is_fitting (BASALT_TUNER_PAGE (page)) &&
         g_get_monotonic_time () - t0 < 60 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (basalt_tuner_page_is_fitting (BASALT_TUNER_PAGE (page)));
  iterate_for (200);
  save_screenshot (window, "tuner-fit-done.png");

  check_fit_candidates (BASALT_TUNER_PAGE (page));

  /* Adopting writes the network's parameters, as an undoable edit. */
  g_assert_true (basalt_tuner_page_adopt_best (BASALT_TUNER_PAGE (page), &error));
  g_assert_no_error (error);
  basalt_tuner_page_get_metrics (BASALT_TUNER_PAGE (page), &after);
  g_assert_cmpfloat (after.values[BSL_METRIC_RMSE_V], ==, 0.0);
  lif = bsl_graph_find_process (basalt_document_get_graph (document), "lif");
  g_assert_cmpfloat (bsl_array_get (bsl_process_get_param (lif, "du"), 0), ==, 410);
  g_assert_cmpfloat (bsl_array_get (bsl_process_get_param (lif, "dv"), 0), ==, 205);
  g_assert_true (basalt_document_can_undo (document));
  /* The whole fit is one edit: a single Undo brings every fitted parameter back. */
  basalt_document_undo (document);
  lif = bsl_graph_find_process (basalt_document_get_graph (document), "lif");
  g_assert_cmpfloat (bsl_array_get (bsl_process_get_param (lif, "du"), 0), ==, 513);
  g_assert_cmpfloat (bsl_array_get (bsl_process_get_param (lif, "dv"), 0), ==, 154);

  history = g_build_filename (tmp_dir, "history.csv", NULL);
  g_assert_true (basalt_tuner_page_export_history (BASALT_TUNER_PAGE (page), history, &error));
  g_assert_true (g_file_get_contents (history, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "stage,evaluation,value,du,dv,vth\n"));

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (50);
}

static void
test_bad_reference (void)
{
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "ragged.csv", NULL);
  GtkWidget *page;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  page = basalt_tuner_page_new (document);
  g_object_ref_sink (page);
  g_assert_true (g_file_set_contents (path, "step,neuron,u,v,spike\n1,0,0,0,0\n2,0,0\n", -1, NULL));
  g_assert_false (basalt_tuner_page_load_reference (BASALT_TUNER_PAGE (page), path, &error));
  g_assert_true (strstr (error->message, "ragged.csv") != NULL);
  g_assert_true (strstr (error->message, "line 3") != NULL);
  g_assert_cmpuint (basalt_tuner_page_get_n_params (BASALT_TUNER_PAGE (page)), ==, 0);
  g_object_unref (page);
}

/* A population defined by equations in the Tuner: Lava's LIF written as equations (the lava_lif
 * template) fitted to Lava's own float trace through the window, then adopted. */
static void
test_tuner_page_equations (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("float");
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(BslGraph) graph = bsl_graph_new ();
  g_autofree char *network = NULL;
  const FitCase *fc = NULL;
  BslProcess *eq;
  GtkWidget *window, *page;
  BslMetricValues before, after;
  const char *locks[] = { "vth[0]", "vth[1]", "bias_mant[0]", "bias_mant[1]" };
  gint64 t0;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  for (guint c = 0; c < cases->len; c++)
    if (g_str_has_prefix (((FitCase *) g_ptr_array_index (cases, c))->name, "f_current_const"))
      fc = g_ptr_array_index (cases, c);
  g_assert_nonnull (fc);

  eq = bsl_graph_add_process (graph, "Equations", "eq", 1, (gsize[]) { 2 }, &error);
  g_assert_no_error (error);
  g_assert_true (bsl_process_apply_equations_template (eq, bsl_equations_template_find ("lava_lif"), &error));
  bsl_process_set_param (eq, "du", bsl_array_new_scalar (0.13), NULL);
  bsl_process_set_param (eq, "dv", bsl_array_new_scalar (0.075), NULL);
  bsl_process_set_param (eq, "vth", bsl_array_new_scalar (200), NULL);
  bsl_graph_set_run_tag (graph, BSL_TAG_FLOATING_PT);
  network = g_build_filename (tmp_dir, "eq.basalt", NULL);
  g_assert_true (bsl_graph_save_file (graph, network, NULL));
  file = g_file_new_for_path (network);
  g_assert_true (basalt_document_load (document, file, &error));

  window = show_page (document, &page);
  basalt_tuner_page_load_reference (BASALT_TUNER_PAGE (page), fc->csv_path, &error);
  g_assert_no_error (error);
  g_assert_true (basalt_tuner_page_set_process (BASALT_TUNER_PAGE (page), "eq", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (basalt_tuner_page_get_value (BASALT_TUNER_PAGE (page), "du[0]"), ==, 0.13);
  basalt_tuner_page_get_metrics (BASALT_TUNER_PAGE (page), &before);
  g_assert_cmpfloat (before.values[BSL_METRIC_RMSE_V], >, 1.0);

  for (guint k = 0; k < G_N_ELEMENTS (locks); k++)
    basalt_tuner_page_set_locked (BASALT_TUNER_PAGE (page), locks[k], TRUE);
  g_assert_true (basalt_tuner_page_start_fit (BASALT_TUNER_PAGE (page), &error));
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  while (basalt_tuner_page_is_fitting (BASALT_TUNER_PAGE (page)) &&
         g_get_monotonic_time () - t0 < 240 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (basalt_tuner_page_is_fitting (BASALT_TUNER_PAGE (page)));
  g_test_message ("equations fit: %" G_GUINT64_FORMAT " evaluations in %.2f s",
                  basalt_tuner_page_get_fit_evaluations (BASALT_TUNER_PAGE (page)),
                  (g_get_monotonic_time () - t0) / 1e6);
  iterate_for (200);
  save_screenshot (window, "tuner-equations.png");

  /* an equations model has one tag: the comparison says so */
  basalt_tuner_page_set_compare (BASALT_TUNER_PAGE (page), TRUE);
  g_assert_cmpstr (basalt_tuner_page_get_comparison (BASALT_TUNER_PAGE (page)), ==,
                   "Equations has no fixed_pt model to compare with");
  basalt_tuner_page_set_compare (BASALT_TUNER_PAGE (page), FALSE);

  g_assert_true (basalt_tuner_page_adopt_best (BASALT_TUNER_PAGE (page), &error));
  g_assert_no_error (error);
  basalt_tuner_page_get_metrics (BASALT_TUNER_PAGE (page), &after);
  g_test_message ("rmse v %g -> %g", before.values[BSL_METRIC_RMSE_V], after.values[BSL_METRIC_RMSE_V]);
  g_assert_cmpfloat (after.values[BSL_METRIC_RMSE_V], <, 1e-9);
  eq = bsl_graph_find_process (basalt_document_get_graph (document), "eq");
  {
    g_autoptr(BslArray) du = bsl_process_dup_param_full (eq, "du", NULL);
    g_autoptr(BslArray) dv = bsl_process_dup_param_full (eq, "dv", NULL);

    for (guint i = 0; i < 2; i++)
      {
        g_assert_cmpfloat_with_epsilon (du->data[i], 0.10009765625, 1e-12);
        g_assert_cmpfloat_with_epsilon (dv->data[i], 0.10009765625, 1e-12);
      }
  }
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (50);
}

/* ATRLIF runs under both tags: Compare tags draws the other one in this tag's units. Driven by
 * integer currents with no bias, the fixed_pt model differs from the float one only by Loihi's
 * truncations. */
static void
test_tuner_page_atrlif_tags (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("float");
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  g_autoptr(GError) error = NULL;
  const FitCase *fc = NULL;
  GtkWidget *window, *page;
  BslTag tags[] = { BSL_TAG_FLOATING_PT, BSL_TAG_FIXED_PT };
  double rmses[2];

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  for (guint c = 0; c < cases->len; c++)
    if (g_str_has_prefix (((FitCase *) g_ptr_array_index (cases, c))->name, "f_current_const"))
      fc = g_ptr_array_index (cases, c);
  g_assert_nonnull (fc);

  window = show_page (document, &page);
  g_assert_true (basalt_tuner_page_load_reference (BASALT_TUNER_PAGE (page), fc->csv_path, &error));
  g_assert_true (basalt_tuner_page_set_process (BASALT_TUNER_PAGE (page), "new:ATRLIF", &error));
  g_assert_no_error (error);
  basalt_tuner_page_set_compare (BASALT_TUNER_PAGE (page), TRUE);
  for (guint k = 0; k < G_N_ELEMENTS (tags); k++)
    {
      const char *text;
      double rmse;
      guint other_spikes, these_spikes;
      char other_tag[16];

      basalt_tuner_page_set_tag (BASALT_TUNER_PAGE (page), tags[k]);
      basalt_tuner_page_set_value (BASALT_TUNER_PAGE (page), "theta_0", 20);
      text = basalt_tuner_page_get_comparison (BASALT_TUNER_PAGE (page));
      g_assert_nonnull (text);
      g_test_message ("ATRLIF under %s: %s", bsl_tag_to_string (tags[k]), text);
      g_assert_cmpint (sscanf (text, "%15s model: rmse v vs this %lf, spikes %u (this %u)", other_tag,
                               &rmse, &other_spikes, &these_spikes), ==, 4);
      g_assert_cmpstr (other_tag, ==, bsl_tag_to_string (tags[1 - k]));
      g_assert_cmpuint (these_spikes, >, 10);
      g_assert_cmpuint (ABS ((int) other_spikes - (int) these_spikes), <=, these_spikes / 10);
      /* theta_0 = 20: v spans about 0..20 float units, 64 times that in fixed_pt units */
      rmses[k] = rmse / (tags[k] == BSL_TAG_FIXED_PT ? 64.0 : 1.0);
      g_assert_cmpfloat (rmses[k], <, 1.0);
    }
  /* the same difference, seen from either side */
  g_assert_cmpfloat (fabs (rmses[0] - rmses[1]), <, 0.01 * rmses[0]);
  iterate_for (200);
  save_screenshot (window, "tuner-atrlif-tags.png");
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (50);
}

/* Every neuron type the Population list offers opens in the Tuner, under both tags where it has
 * them: sliders, plots and Compare tags, or a message, never a crash. */
static void
test_tuner_page_every_type (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("float");
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  const FitCase *fc = NULL;
  const BslProcType **types;
  guint n_types, opened = 0;
  GtkWidget *window, *page;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  fc = g_ptr_array_index (cases, 0);
  window = show_page (document, &page);
  g_assert_true (basalt_tuner_page_load_reference (BASALT_TUNER_PAGE (page), fc->csv_path, NULL));
  basalt_tuner_page_set_compare (BASALT_TUNER_PAGE (page), TRUE);
  types = bsl_proc_type_list (&n_types);
  for (guint k = 0; k < n_types; k++)
    {
      g_autofree char *key = g_strdup_printf ("new:%s", types[k]->name);
      g_autoptr(GError) error = NULL;

      if (types[k]->category != BSL_CATEGORY_NEURONS || bsl_proc_type_find_port (types[k], "a_in") == NULL)
        continue;
      for (guint t = 0; t < BSL_N_TAGS; t++)
        {
          const char *said;

          basalt_tuner_page_set_tag (BASALT_TUNER_PAGE (page), (BslTag) t);
          if (basalt_tuner_page_set_process (BASALT_TUNER_PAGE (page), key, &error))
            {
              g_test_message ("%s under %s: %u parameters; %s", types[k]->name, bsl_tag_to_string ((BslTag) t),
                              basalt_tuner_page_get_n_params (BASALT_TUNER_PAGE (page)),
                              basalt_tuner_page_get_comparison (BASALT_TUNER_PAGE (page)));
              /* every type has parameters to tune (a new Equations population starts as the
               * default model), and the comparison speaks of this population, not the last one */
              g_assert_cmpuint (basalt_tuner_page_get_n_params (BASALT_TUNER_PAGE (page)), >, 0);
              said = basalt_tuner_page_get_comparison (BASALT_TUNER_PAGE (page));
              if (g_str_has_suffix (said, "to compare with"))
                g_assert_true (g_str_has_prefix (said, types[k]->name));
              g_assert_nonnull (basalt_tuner_page_get_comparison (BASALT_TUNER_PAGE (page)));
              opened++;
            }
          else
            {
              g_test_message ("%s: %s", types[k]->name, error->message);
              g_assert_true (bsl_error_is_bad_input (error) || error->domain == BSL_ERROR);
              g_clear_error (&error);
            }
          iterate_for (20);
        }
    }
  g_test_message ("%u type and tag pairs opened", opened);
  g_assert_cmpuint (opened, >=, 10);
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (50);
}

/* A population of the network simulated as the reference: tuned against itself it matches
 * exactly; another model is matched by input and spikes only (its u and v are dropped). */
static void
test_tuner_page_reference_from_network (void)
{
  const char *json =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"floating_pt\", \"steps\": 600},"
    " \"processes\": [{\"name\": \"drive\", \"type\": \"CurrentSource\", \"shape\": [1],"
    " \"params\": {\"amplitude\": 10, \"start\": 100, \"stop\": 500}},"
    " {\"name\": \"iz\", \"type\": \"Izhikevich\", \"shape\": [1]},"
    " {\"name\": \"atr\", \"type\": \"ATRLIF\", \"shape\": [1]}],"
    " \"connections\": [{\"from\": \"drive.a_out\", \"to\": \"iz.a_in\"}]}";
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "iz-atr.basalt", NULL);
  GtkWidget *window, *page;
  BslMetricValues values;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  file = g_file_new_for_path (path);
  g_assert_true (basalt_document_load (document, file, &error));
  window = show_page (document, &page);

  g_assert_false (basalt_tuner_page_reference_from_network (BASALT_TUNER_PAGE (page), "drive", &error));
  g_assert_nonnull (strstr (error->message, "not a neuron population"));
  g_clear_error (&error);

  g_assert_true (basalt_tuner_page_reference_from_network (BASALT_TUNER_PAGE (page), "iz", &error));
  g_assert_no_error (error);
  g_assert_true (basalt_tuner_page_set_process (BASALT_TUNER_PAGE (page), "iz", &error));
  g_assert_no_error (error);
  basalt_tuner_page_get_metrics (BASALT_TUNER_PAGE (page), &values);
  g_assert_cmpfloat (values.values[BSL_METRIC_RMSE_V], ==, 0.0);
  g_assert_cmpfloat (values.values[BSL_METRIC_RMSE_U], ==, 0.0);
  g_assert_cmpfloat (values.gamma, ==, 1.0);

  g_assert_true (basalt_tuner_page_set_process (BASALT_TUNER_PAGE (page), "atr", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (basalt_tuner_page_get_n_params (BASALT_TUNER_PAGE (page)), >, 0);
  basalt_tuner_page_get_metrics (BASALT_TUNER_PAGE (page), &values);
  g_assert_true (isnan (values.values[BSL_METRIC_RMSE_V]));
  g_assert_false (isnan (values.values[BSL_METRIC_VAN_ROSSUM]));
  /* the objective moved to spike distances: a fit has something to minimise */
  g_assert_cmpfloat (values.total, >, 0.0);
  iterate_for (200);
  save_screenshot (window, "tuner-reference-from-network.png");
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (50);
}

static gboolean
not_fitting (gpointer page)
{
  return !basalt_tuner_page_is_fitting (page);
}

static void
wait_for_fit (GtkWidget *page)
{
  gint64 t0 = g_get_monotonic_time ();

  while (!not_fitting (page) && g_get_monotonic_time () - t0 < 60 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (basalt_tuner_page_is_fitting (BASALT_TUNER_PAGE (page)));
}

/* The tag list says what the header says (the network's run tag), and choosing in it sets the
 * network's; another network opened drops the last fit's candidates and status. */
static void
test_tuner_page_follows_network (void)
{
  g_autoptr(GPtrArray) cases = fit_case_load_all ("fixed");
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL, other_file = NULL;
  g_autoptr(BslGraph) graph = NULL, other = bsl_graph_new ();
  g_autofree char *network = NULL, *other_network = NULL;
  const FitCase *fc = NULL;
  GtkWidget *window, *page;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  for (guint c = 0; cases != NULL && c < cases->len; c++)
    if (g_str_has_prefix (((FitCase *) g_ptr_array_index (cases, c))->name, "p05"))
      fc = g_ptr_array_index (cases, c);
  /* The Lava-made traces are in tests/data/reference. */
  g_assert_nonnull (fc);
  graph = fit_case_network (fc);
  bsl_graph_set_run_tag (graph, BSL_TAG_FIXED_PT);
  bsl_process_set_param (bsl_graph_find_process (graph, "lif"), "vth", bsl_array_new_scalar (2500), NULL);
  network = g_build_filename (tmp_dir, "follow.basalt", NULL);
  g_assert_true (bsl_graph_save_file (graph, network, NULL));
  file = g_file_new_for_path (network);
  g_assert_true (basalt_document_load (document, file, &error));
  window = show_page (document, &page);
  g_assert_true (basalt_tuner_page_load_reference (BASALT_TUNER_PAGE (page), fc->csv_path, &error));
  g_assert_true (basalt_tuner_page_set_process (BASALT_TUNER_PAGE (page), "lif", &error));
  g_assert_no_error (error);

  /* the header's change shows in the Tuner, the Tuner's in the network */
  basalt_document_set_run_tag (document, BSL_TAG_FLOATING_PT);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (find_tag_dropdown (page))), ==, 0);
  basalt_tuner_page_set_tag (BASALT_TUNER_PAGE (page), BSL_TAG_FIXED_PT);
  g_assert_cmpint (bsl_graph_get_run_tag (basalt_document_get_graph (document)), ==, BSL_TAG_FIXED_PT);

  for (guint k = 0; k < basalt_tuner_page_get_n_params (BASALT_TUNER_PAGE (page)); k++)
    {
      const char *name = basalt_tuner_page_get_param_name (BASALT_TUNER_PAGE (page), k);

      basalt_tuner_page_set_locked (BASALT_TUNER_PAGE (page), name, !g_str_equal (name, "vth"));
    }
  g_assert_true (basalt_tuner_page_start_fit (BASALT_TUNER_PAGE (page), &error));
  wait_for_fit (page);
  g_assert_cmpuint (basalt_tuner_page_get_n_candidates (BASALT_TUNER_PAGE (page)), >, 0);

  /* another network: a float LIF of two neurons */
  bsl_graph_add_process (other, "LIF", "other", 1, (gsize[]) { 2 }, NULL);
  bsl_graph_set_run_tag (other, BSL_TAG_FLOATING_PT);
  other_network = g_build_filename (tmp_dir, "other.basalt", NULL);
  g_assert_true (bsl_graph_save_file (other, other_network, NULL));
  other_file = g_file_new_for_path (other_network);
  g_assert_true (basalt_document_load (document, other_file, &error));
  iterate_for (100);
  g_assert_cmpuint (basalt_tuner_page_get_n_candidates (BASALT_TUNER_PAGE (page)), ==, 0);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (find_tag_dropdown (page))), ==, 0);
  g_assert_false (basalt_tuner_page_adopt_best (BASALT_TUNER_PAGE (page), NULL));
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (50);
}

/* ---- the learning rule ---- */

static BasaltRuleTuner *
find_rule_tuner (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      BasaltRuleTuner *found;

      if (BASALT_IS_RULE_TUNER (child))
        return BASALT_RULE_TUNER (child);
      if ((found = find_rule_tuner (child)) != NULL)
        return found;
    }
  return NULL;
}

/* Lava's STDP case (tests/data/learning/traces/l01_stdp_fixed) with its rule's taus and A_plus
 * off, saved as a network file. */
static char *
write_perturbed_stdp (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = test_learning_case_graph ("l01_stdp_fixed");
  g_autoptr(BslLearningRule) rule = NULL;
  BslProcess *syn;
  char *path = g_build_filename (tmp_dir, "stdp-off.basalt", NULL);

  bsl_graph_set_run_tag (graph, BSL_TAG_FIXED_PT);
  syn = bsl_graph_find_process (graph, "syn");
  rule = bsl_learning_rule_copy (bsl_process_get_learning_rule (syn));
  rule->tau_plus = rule->tau[BSL_K_TRACE_X1] = 6;
  rule->tau_minus = rule->tau[BSL_K_TRACE_Y1] = 15;
  rule->a_plus = 3;
  g_assert_true (bsl_process_set_learning_rule (syn, rule, &error));
  g_assert_true (bsl_graph_save_file (graph, path, &error));
  return path;
}

/* The Tuner of a plastic network offers its rule: a Lava weight trajectory loaded, the sliders
 * start at the network's rule with the weights off, a fit of three parameters brings every
 * weight of every step onto Lava's, the plot overlays both, and adopting is one undoable edit. */
static void
test_rule_tuner (void)
{
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *network = write_perturbed_stdp ();
  g_autofree char *reference = test_data_path ("learning", "traces", "l01_stdp_fixed.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (network);
  const BslWeightErrorReport *report;
  const BslLearningRule *adopted;
  BasaltRuleTuner *tuner;
  GtkWidget *window, *page;
  const char *untouched[] = { "learning_rate", "A_minus", "x1_impulse", "y1_impulse" };
  g_autoptr(BslArray) low_threshold = bsl_array_new_scalar (5);
  gint64 t0;
  double rmse;
  gboolean saw_progress = FALSE;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  g_assert_true (basalt_document_load (document, file, &error));
  window = show_page (document, &page);
  tuner = find_rule_tuner (page);
  g_assert_nonnull (tuner);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (tuner)));
  g_assert_cmpuint (basalt_rule_tuner_get_n_params (tuner), ==, 0);
  g_assert_true (basalt_rule_tuner_load_reference (tuner, reference, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (basalt_rule_tuner_get_n_params (tuner), ==, 7);
  g_assert_cmpfloat (basalt_rule_tuner_get_value (tuner, "tau_plus"), ==, 6);
  report = basalt_rule_tuner_get_report (tuner);
  g_assert_cmpfloat (report->overall_max_abs, >, 0);
  g_assert_nonnull (strstr (basalt_rule_tuner_get_status (tuner), "the first difference at step"));
  g_assert_cmpuint (basalt_plot_get_n_series (basalt_rule_tuner_get_weights_plot (tuner)), ==, 8);

  /* a slider moved by hand re-runs the network */
  rmse = report->overall_rmse;
  g_assert_true (basalt_rule_tuner_set_position (tuner, "tau_minus", 12));
  g_assert_cmpfloat (basalt_rule_tuner_get_value (tuner, "tau_minus"), ==, 12);
  g_assert_cmpfloat (basalt_rule_tuner_get_report (tuner)->overall_rmse, !=, rmse);

  /* an edit elsewhere in the network re-runs it with the sliders where they are */
  rmse = basalt_rule_tuner_get_report (tuner)->overall_rmse;
  g_assert_true (basalt_document_set_param (document, "post", "vth", low_threshold, &error));
  g_assert_cmpfloat (basalt_rule_tuner_get_value (tuner, "tau_minus"), ==, 12);
  g_assert_cmpfloat (basalt_rule_tuner_get_report (tuner)->overall_rmse, !=, rmse);
  g_assert_true (basalt_document_undo (document));
  g_assert_cmpfloat (basalt_rule_tuner_get_report (tuner)->overall_rmse, ==, rmse);

  for (guint k = 0; k < G_N_ELEMENTS (untouched); k++)
    basalt_rule_tuner_set_fitted (tuner, untouched[k], FALSE);
  g_assert_true (basalt_rule_tuner_start_fit (tuner, &error));
  g_assert_no_error (error);
  g_assert_true (basalt_rule_tuner_is_fitting (tuner));
  t0 = g_get_monotonic_time ();
  while (basalt_rule_tuner_is_fitting (tuner) && g_get_monotonic_time () - t0 < 60 * G_USEC_PER_SEC)
    {
      g_main_context_iteration (NULL, FALSE);
      saw_progress = saw_progress || basalt_rule_tuner_get_fit_evaluations (tuner) > 0;
    }
  g_assert_false (basalt_rule_tuner_is_fitting (tuner));
  g_assert_true (saw_progress);
  g_assert_cmpfloat (basalt_rule_tuner_get_value (tuner, "tau_plus"), ==, 10);
  g_assert_cmpfloat (basalt_rule_tuner_get_value (tuner, "tau_minus"), ==, 10);
  g_assert_cmpfloat (basalt_rule_tuner_get_value (tuner, "A_plus"), ==, 2);
  g_assert_cmpfloat (basalt_rule_tuner_get_value (tuner, "learning_rate"), ==, 0.25);
  report = basalt_rule_tuner_get_report (tuner);
  g_assert_cmpfloat (report->overall_max_abs, ==, 0);
  g_assert_nonnull (strstr (basalt_rule_tuner_get_status (tuner), "Fitted exactly"));
  g_assert_nonnull (strstr (basalt_rule_tuner_get_status (tuner), "Every weight equals the reference's at all 200 steps"));
  iterate_for (200);
  save_screenshot (window, "tuner-rule-fit.png");

  g_assert_true (basalt_rule_tuner_adopt (tuner, &error));
  g_assert_no_error (error);
  adopted = bsl_process_get_learning_rule (bsl_graph_find_process (basalt_document_get_graph (document), "syn"));
  g_assert_cmpfloat (adopted->tau_plus, ==, 10);
  g_assert_cmpfloat (adopted->a_plus, ==, 2);
  g_assert_true (basalt_document_undo (document));
  adopted = bsl_process_get_learning_rule (bsl_graph_find_process (basalt_document_get_graph (document), "syn"));
  g_assert_cmpfloat (adopted->tau_plus, ==, 6);
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (50);
}

/* A network without a plastic connection shows no rule tuner; a trajectory of another shape
 * is refused saying both sizes. */
static void
test_rule_tuner_errors (void)
{
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *network = write_perturbed_stdp ();
  g_autofree char *wider = test_data_path ("learning", "traces", "l06_u_sgn_constants_fixed.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (network);
  BasaltRuleTuner *tuner;
  GtkWidget *window, *page;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  window = show_page (document, &page);
  tuner = find_rule_tuner (page);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (tuner)));
  g_assert_true (basalt_document_load (document, file, &error));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (tuner)));
  g_assert_false (basalt_rule_tuner_load_reference (tuner, wider, &error));
  g_assert_nonnull (strstr (error->message, "holds 12 weights per step, process 'syn' (LearningDense) has 6 synapses"));
  g_assert_nonnull (strstr (basalt_rule_tuner_get_status (tuner), "has 6 synapses"));
  g_assert_false (basalt_rule_tuner_start_fit (tuner, NULL));
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (50);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();
  tmp_dir = g_dir_make_tmp ("basalt-tuner-XXXXXX", NULL);
  g_test_add_func ("/fit/tuner-page/bad-reference", test_bad_reference);
  g_test_add_func ("/fit/tuner-page/fit", test_tuner_page);
  g_test_add_func ("/fit/tuner-page/equations", test_tuner_page_equations);
  g_test_add_func ("/fit/tuner-page/atrlif-tags", test_tuner_page_atrlif_tags);
  g_test_add_func ("/fit/tuner-page/every-type", test_tuner_page_every_type);
  g_test_add_func ("/fit/tuner-page/reference-from-network", test_tuner_page_reference_from_network);
  g_test_add_func ("/fit/tuner-page/follows-network", test_tuner_page_follows_network);
  g_test_add_func ("/fit/tuner-page/rule", test_rule_tuner);
  g_test_add_func ("/fit/tuner-page/rule-errors", test_rule_tuner_errors);
  status = g_test_run ();
  fit_remove_tmp_dir (tmp_dir, TRUE);
  g_free (tmp_dir);
  return status;
}
