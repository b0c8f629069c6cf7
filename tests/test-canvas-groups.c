/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "bsl-network-file.h"

#include "basalt-canvas-groups.h"

/* src -> syn -> lif1: the group {syn, lif1} is fed through syn.s_in and feeds nothing; the group
 * {src} feeds the rest through src.s_out. */
static const char network[] =
  "{\"format\": \"basalt\", \"version\": 1,"
  " \"processes\": ["
  "  {\"name\": \"src\", \"type\": \"RingBuffer\", \"shape\": [4], \"params\": {\"data\": [[0, 1], [1, 0], [0, 0], [1, 1]]}},"
  "  {\"name\": \"syn\", \"type\": \"Dense\", \"shape\": [3, 4], \"params\": {\"weights\": 1}},"
  "  {\"name\": \"lif1\", \"type\": \"LIF\", \"shape\": [3]}"
  " ],"
  " \"connections\": [{\"from\": \"src.s_out\", \"to\": \"syn.s_in\"}, {\"from\": \"syn.a_out\", \"to\": \"lif1.a_in\"}],"
  " \"groups\": ["
  "  {\"name\": \"chain\", \"members\": [\"syn\", \"lif1\"], \"collapsed\": true, \"x\": 10, \"y\": 20},"
  "  {\"name\": \"input\", \"members\": [\"src\"]},"
  "  {\"members\": [\"src\"]},"
  "  \"not a group\""
  " ]}";

static void
test_groups_from_file (void)
{
  g_autoptr(GError) error = NULL;
  BslGraph *graph = bsl_graph_load_data (network, -1, "groups.basalt", NULL, &error);
  g_autoptr(GPtrArray) groups = NULL;
  BasaltCanvasGroup *chain, *input;

  g_assert_no_error (error);
  g_assert_nonnull (graph);
  groups = basalt_canvas_groups_new (graph);

  /* Entries without a name are not groups. */
  g_assert_cmpuint (groups->len, ==, 2);
  chain = basalt_canvas_groups_find (groups, "chain");
  input = basalt_canvas_groups_find (groups, "input");
  g_assert_nonnull (chain);
  g_assert_nonnull (input);
  g_assert_null (basalt_canvas_groups_find (groups, "other"));
  g_assert_true (chain->collapsed && chain->has_position);
  g_assert_cmpfloat (chain->x, ==, 10);
  g_assert_cmpfloat (chain->y, ==, 20);
  g_assert_false (input->collapsed || input->has_position);

  /* Only a collapsed group hides its members. */
  g_assert_true (basalt_canvas_groups_find_hiding (groups, "lif1") == chain);
  g_assert_true (basalt_canvas_groups_find_hiding (groups, "syn") == chain);
  g_assert_null (basalt_canvas_groups_find_hiding (groups, "src"));

  {
    g_autoptr(GPtrArray) ins = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GPtrArray) outs = g_ptr_array_new_with_free_func (g_free);

    basalt_canvas_group_ports (chain, graph, ins, outs);
    g_assert_cmpuint (ins->len, ==, 1);
    g_assert_cmpstr (ins->pdata[0], ==, "syn.s_in");
    g_assert_cmpuint (outs->len, ==, 0);
  }
  {
    g_autoptr(GPtrArray) ins = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GPtrArray) outs = g_ptr_array_new_with_free_func (g_free);

    basalt_canvas_group_ports (input, graph, ins, outs);
    g_assert_cmpuint (ins->len, ==, 0);
    g_assert_cmpuint (outs->len, ==, 1);
    g_assert_cmpstr (outs->pdata[0], ==, "src.s_out");
  }
  bsl_graph_unref (graph);
}

static void
test_no_groups (void)
{
  g_autoptr(GPtrArray) none = basalt_canvas_groups_new (NULL);

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_null (basalt_canvas_groups_find_hiding (none, "src"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/canvas-groups/from-file", test_groups_from_file);
  g_test_add_func ("/canvas-groups/none", test_no_groups);

  return g_test_run ();
}
