/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gtk/gtk.h>

#include "basalt-document.h"
#include "basalt-rule-tuner.h"
#include "basalt-tuner-page.h"
#include "bsl-learning-rule.h"
#include "test-gui-util.h"
#include "test-util.h"

/* The Tuner's learning-rule part driven through the X server (xdotool) as a person would: a
 * value typed into a parameter's box, the tick of a row, Fit Rule and Adopt Rule pressed with
 * the pointer, on Lava's STDP weight trajectory. */

static gboolean have_display;
static char *tmp_dir;

static gboolean
is_button_labelled (GtkWidget *widget, gconstpointer label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
is_rule_tuner (GtkWidget *widget, gconstpointer data)
{
  return BASALT_IS_RULE_TUNER (widget);
}

static gboolean
is_grid (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_GRID (widget);
}

static gboolean
not_fitting (gpointer tuner)
{
  return !basalt_rule_tuner_is_fitting (tuner);
}

/* Lava's l01_stdp_fixed network with tau_plus 6 and tau_minus 15 (Lava's: 10 and 10). */
static char *
write_network (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = test_learning_case_graph ("l01_stdp_fixed");
  g_autoptr(BslLearningRule) rule = NULL;
  BslProcess *syn;
  char *path = g_build_filename (tmp_dir, "stdp.basalt", NULL);

  bsl_graph_set_run_tag (graph, BSL_TAG_FIXED_PT);
  syn = bsl_graph_find_process (graph, "syn");
  rule = bsl_learning_rule_copy (bsl_process_get_learning_rule (syn));
  rule->tau_plus = rule->tau[BSL_K_TRACE_X1] = 6;
  rule->tau_minus = rule->tau[BSL_K_TRACE_Y1] = 15;
  g_assert_true (bsl_process_set_learning_rule (syn, rule, &error));
  g_assert_true (bsl_graph_save_file (graph, path, &error));
  return path;
}

static void
test_rule_tuner_by_pointer (void)
{
  g_autoptr(BasaltDocument) document = basalt_document_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *network = write_network ();
  g_autofree char *reference = test_data_path ("learning", "traces", "l01_stdp_fixed.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (network);
  const char *keep[] = { "learning_rate", "A_plus", "A_minus", "x1_impulse", "y1_impulse" };
  GtkWidget *window, *page, *tuner, *grid, *spin, *check, *fit_button, *adopt_button;
  const BslLearningRule *rule;

  REQUIRE_DISPLAY (have_display);
  g_assert_true (basalt_document_load (document, file, &error));
  window = gtk_window_new ();
  page = basalt_tuner_page_new (document);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 1000);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  tuner = gui_find_widget (page, is_rule_tuner, NULL);
  g_assert_nonnull (tuner);
  g_assert_true (basalt_rule_tuner_load_reference (BASALT_RULE_TUNER (tuner), reference, &error));
  g_assert_no_error (error);
  gui_spin (0.5);

  /* tau_plus is the fourth row: its box takes a typed 10 */
  g_assert_cmpstr (basalt_rule_tuner_get_param_name (BASALT_RULE_TUNER (tuner), 3), ==, "tau_plus");
  grid = gui_find_widget (tuner, is_grid, NULL);
  spin = gtk_grid_get_child_at (GTK_GRID (grid), 3, 3);
  g_assert_true (GTK_IS_SPIN_BUTTON (spin));
  if (!gui_click (spin))
    {
      g_test_skip ("no xdotool");
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }
  gui_xdotool ("key", "ctrl+a", NULL);
  gui_xdotool ("type", "10", NULL);
  gui_xdotool ("key", "Return", NULL);
  gui_spin (0.3);
  g_assert_cmpfloat (basalt_rule_tuner_get_value (BASALT_RULE_TUNER (tuner), "tau_plus"), ==, 10);

  /* tau_plus is right now: its tick off, only tau_minus left with the others kept */
  check = gtk_grid_get_child_at (GTK_GRID (grid), 0, 3);
  g_assert_true (gui_click (check));
  gui_spin (0.2);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  for (guint k = 0; k < G_N_ELEMENTS (keep); k++)
    basalt_rule_tuner_set_fitted (BASALT_RULE_TUNER (tuner), keep[k], FALSE);

  fit_button = gui_find_widget (tuner, is_button_labelled, "Fit Rule");
  g_assert_true (gui_click (fit_button));
  gui_spin (0.05);
  g_assert_true (gui_wait_until (not_fitting, tuner, 60.0));
  g_assert_cmpfloat (basalt_rule_tuner_get_value (BASALT_RULE_TUNER (tuner), "tau_minus"), ==, 10);
  g_assert_cmpfloat (basalt_rule_tuner_get_value (BASALT_RULE_TUNER (tuner), "tau_plus"), ==, 10);
  g_assert_cmpfloat (basalt_rule_tuner_get_report (BASALT_RULE_TUNER (tuner))->overall_max_abs, ==, 0);
  g_assert_nonnull (strstr (basalt_rule_tuner_get_status (BASALT_RULE_TUNER (tuner)), "Fitted exactly"));

  adopt_button = gui_find_widget (tuner, is_button_labelled, "Adopt Rule");
  g_assert_true (gui_click (adopt_button));
  gui_spin (0.2);
  rule = bsl_process_get_learning_rule (bsl_graph_find_process (basalt_document_get_graph (document), "syn"));
  g_assert_cmpfloat (rule->tau_plus, ==, 10);
  g_assert_cmpfloat (rule->tau_minus, ==, 10);
  gtk_window_destroy (GTK_WINDOW (window));
  gui_spin (0.1);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  have_display = gtk_init_check ();
  tmp_dir = test_tmp_dir ();
  g_test_add_func ("/gui/rule-tuner/pointer", test_rule_tuner_by_pointer);
  status = g_test_run ();
  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
