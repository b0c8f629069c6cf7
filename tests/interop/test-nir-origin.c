/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NIR -> .basalt -> NIR keeps the original graph: node types, names, nesting, edges and
 * parameters, read back here with libhdf5 and, when BASALT_NIR_PYTHONPATH is set, with the
 * reference nir package; edits that make the record stale are reported node by node. */
#include "config.h"

#include <hdf5.h>
#include <string.h>

#include <glib/gstdio.h>

#include "interop/bsl-nir-export.h"
#include "interop/bsl-nir-import.h"
#include "test-util.h"

/* libhdf5 leaks a few bytes on some error paths; see test-nir.c. */
const char *__lsan_default_suppressions (void);
const char *
__lsan_default_suppressions (void)
{
  return "leak:libhdf5_serial.so\nleak:libhdf5.so\n";
}

/* ---------------- a NIR file as text ---------------- */

static char *
read_string (hid_t loc, const char *name)
{
  hid_t d = H5Dopen2 (loc, name, H5P_DEFAULT);
  hid_t t = H5Dget_type (d), m = H5Tcopy (H5T_C_S1);
  char *s = NULL, *copy;

  g_assert_true (H5Tis_variable_str (t) > 0);
  H5Tset_size (m, H5T_VARIABLE);
  H5Tset_cset (m, H5Tget_cset (t));
  g_assert_cmpint (H5Dread (d, m, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s), >=, 0);
  copy = g_strdup (s);
  H5free_memory (s);
  H5Tclose (m);
  H5Tclose (t);
  H5Dclose (d);
  return copy;
}

static herr_t
collect_name (hid_t group, const char *name, const H5L_info_t *info, void *data)
{
  g_ptr_array_add (data, g_strdup (name));
  return 0;
}

/* Link names of a group, sorted. */
static GPtrArray *
links_of (hid_t group)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  hsize_t idx = 0;

  g_assert_cmpint (H5Literate (group, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_name, names), >=,
                   0);
  return names;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
dump_edges (hid_t graph, const char *path, GString *out)
{
  hid_t d = H5Dopen2 (graph, "edges", H5P_DEFAULT);
  hid_t space = H5Dget_space (d), t = H5Dget_type (d), m = H5Tcopy (H5T_C_S1);
  hssize_t n = H5Sget_simple_extent_npoints (space);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  if (n > 0)
    {
      g_autofree char **ends = g_new0 (char *, n);
      H5Tset_size (m, H5T_VARIABLE);
      H5Tset_cset (m, H5Tget_cset (t));
      g_assert_cmpint (H5Dread (d, m, H5S_ALL, H5S_ALL, H5P_DEFAULT, ends), >=, 0);
      for (hssize_t e = 0; e + 1 < n; e += 2)
        g_ptr_array_add (lines, g_strdup_printf ("%s: edge %s -> %s\n", path, ends[e],
                                                 ends[e + 1]));
      H5Dvlen_reclaim (m, space, H5P_DEFAULT, ends);
    }
  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    g_string_append (out, lines->pdata[i]);
  H5Tclose (m);
  H5Tclose (t);
  H5Sclose (space);
  H5Dclose (d);
}

/* "node.name [dims] v v ..." with values at float precision. */
static void
dump_dataset (hid_t node, const char *what, const char *name, GString *out)
{
  hid_t d = H5Dopen2 (node, name, H5P_DEFAULT);
  hid_t space = H5Dget_space (d);
  int rank = H5Sget_simple_extent_ndims (space);
  hsize_t dims[H5S_MAX_RANK];
  hssize_t n = H5Sget_simple_extent_npoints (space);
  g_autofree double *v = g_new (double, MAX (n, 1));

  H5Sget_simple_extent_dims (space, dims, NULL);
  g_assert_cmpint (H5Dread (d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v), >=, 0);
  g_string_append_printf (out, "%s.%s [", what, name);
  for (int k = 0; k < rank; k++)
    g_string_append_printf (out, k > 0 ? " %llu" : "%llu", (unsigned long long) dims[k]);
  g_string_append (out, "]");
  for (hssize_t i = 0; i < n; i++)
    g_string_append_printf (out, " %.7g", v[i]);
  g_string_append_c (out, '\n');
  H5Sclose (space);
  H5Dclose (d);
}

/* Every node with its type and datasets, nested graphs inside, then the graph's edges; the
 * metadata (Basalt's layout and dt, a writer's description) is left out. Counts nodes. */
static void
dump_graph (hid_t graph, const char *path, GString *out, guint *n_nodes)
{
  hid_t nodes = H5Gopen2 (graph, "nodes", H5P_DEFAULT);
  g_autoptr (GPtrArray) names = links_of (nodes);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      g_autofree char *where = g_strconcat (path, "/", name, NULL);
      hid_t node = H5Gopen2 (nodes, name, H5P_DEFAULT);
      g_autofree char *type = read_string (node, "type");

      g_string_append_printf (out, "%s: %s\n", where, type);
      (*n_nodes)++;
      if (g_str_equal (type, "NIRGraph"))
        dump_graph (node, where, out, n_nodes);
      else
        {
          g_autoptr (GPtrArray) sets = links_of (node);
          for (guint k = 0; k < sets->len; k++)
            if (!g_str_equal (sets->pdata[k], "type") && !g_str_equal (sets->pdata[k], "metadata"))
              dump_dataset (node, where, sets->pdata[k], out);
        }
      H5Gclose (node);
    }
  H5Gclose (nodes);
  dump_edges (graph, path[0] != '\0' ? path : "/", out);
}

static char *
dump_nir (const char *path, guint *n_nodes)
{
  GString *out = g_string_new (NULL);
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t root;

  g_assert_cmpint (file, >=, 0);
  root = H5Gopen2 (file, "node", H5P_DEFAULT);
  *n_nodes = 0;
  dump_graph (root, "", out, n_nodes);
  H5Gclose (root);
  H5Fclose (file);
  return g_string_free (out, FALSE);
}

/* ---------------- the round trip ---------------- */

static gboolean
notes_contain (GPtrArray *notes, const char *text)
{
  for (guint i = 0; i < notes->len; i++)
    if (strstr (notes->pdata[i], text) != NULL)
      return TRUE;
  return FALSE;
}

/* Imported, saved as .basalt and loaded again: what a user's file holds. */
static BslGraph *
import_through_file (const char *nir_path, const char *dir)
{
  BslNirImportOptions options = { .flatten_conv = TRUE };
  g_autofree char *saved = g_build_filename (dir, "imported.basalt", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) imported = bsl_nir_import_file (nir_path, &options, NULL, &error);
  BslGraph *loaded;

  g_assert_no_error (error);
  g_assert_true (bsl_graph_save_file (imported, saved, &error));
  g_assert_no_error (error);
  loaded = bsl_graph_load_file (saved, &error);
  g_assert_no_error (error);
  g_unlink (saved);
  return loaded;
}

static char *
export_nir (const BslGraph *graph, const char *dir, GPtrArray *notes)
{
  char *out = g_build_filename (dir, "again.nir", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (bsl_nir_export_file (graph, out, NULL, notes, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < notes->len; i++)
    g_test_message ("note: %s", (char *) notes->pdata[i]);
  return out;
}

static void
test_round_trip (gconstpointer data)
{
  const char *path = data;
  g_autofree char *dir = test_tmp_dir ();
  g_autoptr (BslGraph) graph = import_through_file (path, dir);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = export_nir (graph, dir, notes);
  guint n_before, n_after;
  g_autofree char *before = dump_nir (path, &n_before);
  g_autofree char *after = dump_nir (out, &n_after);

  g_assert_true (notes_contain (notes, "unchanged since its NIR import"));
  g_assert_cmpstr (after, ==, before);
  g_test_message ("%u nodes (%u processes in Basalt) with the same types, names, nesting, edges "
                  "and parameters", n_after, bsl_graph_get_n_processes (graph));
  test_remove_tree (dir);
}

static char *
node_type_at (const char *path, const char *node)
{
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  g_autofree char *where = g_strconcat ("/node/nodes/", node, NULL);
  char *type = NULL;
  hid_t g;

  g_assert_cmpint (file, >=, 0);
  if (H5Lexists (file, where, H5P_DEFAULT) > 0 && (g = H5Gopen2 (file, where, H5P_DEFAULT)) >= 0)
    {
      type = read_string (g, "type");
      H5Gclose (g);
    }
  H5Fclose (file);
  return type;
}

static char *
reference_path (const char *name)
{
  return test_data_path ("reference", "nir", name, NULL);
}

/* Moving processes, adding an unconnected process and setting input data keep the record: the
 * subgraph stays nested, the new process is exported beside it. */
static void
test_kept_through_edits (void)
{
  g_autofree char *path = reference_path ("03_recurrent_lif_subgraph.nir");
  g_autofree char *dir = test_tmp_dir ();
  g_autoptr (BslGraph) graph = import_through_file (path, dir);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) back = NULL;
  g_autofree char *out = NULL, *rnn = NULL, *lif = NULL, *added = NULL;
  BslProcess *readout = bsl_graph_find_process (graph, "readout");
  BslProcess *input = bsl_graph_find_process (graph, "input");
  const BslArray *old = bsl_process_get_param (input, "data");
  g_autoptr (BslArray) drive = bsl_array_new (old->ndim, old->dims);
  gsize one[1] = { 3 };
  double x, y, moved_x;

  bsl_process_get_position (readout, &x, &y);
  moved_x = x + 55;
  bsl_process_set_position (readout, moved_x, y);
  for (gsize i = 0; i < drive->n; i++)
    drive->data[i] = 1;
  g_assert_true (bsl_process_set_param (input, "data", bsl_array_copy (drive), &error));
  g_assert_nonnull (bsl_graph_add_process (graph, "LIF", "added", 1, one, &error));
  g_assert_no_error (error);

  out = export_nir (graph, dir, notes);
  g_assert_true (notes_contain (notes, "unchanged since its NIR import"));
  g_assert_true (notes_contain (notes, "1 processes added after the import"));
  rnn = node_type_at (out, "rnn");
  lif = node_type_at (out, "rnn/nodes/lif");
  added = node_type_at (out, "added");
  g_assert_cmpstr (rnn, ==, "NIRGraph");
  g_assert_cmpstr (lif, ==, "LIF");
  g_assert_cmpstr (added, ==, "CubaLIF");   /* a default LIF: du = 0 */
  /* positions travel in Basalt's metadata */
  back = bsl_nir_import_file (out, NULL, NULL, &error);
  g_assert_no_error (error);
  bsl_process_get_position (bsl_graph_find_process (back, "readout"), &x, NULL);
  g_assert_cmpfloat (x, ==, moved_x);
  test_remove_tree (dir);
}

/* An edited parameter or connection makes the record stale: the export is made from the
 * processes and the report names the edit and every node whose type or name changes. */
static void
test_edit_reported (void)
{
  g_autofree char *path = reference_path ("02_feedforward_affine_cubalif_affine_lif.nir");
  g_autofree char *dir = test_tmp_dir ();
  g_autoptr (BslGraph) graph = import_through_file (path, dir);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) unplugged = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) rewired = bsl_graph_copy (graph);
  g_autofree char *out = NULL, *fc2 = NULL, *cuba = NULL;
  BslProcess *cuba1 = bsl_graph_find_process (graph, "cuba1");

  g_assert_true (bsl_process_set_param (cuba1, "vth", bsl_array_new_scalar (0.5), &error));
  out = export_nir (graph, dir, notes);
  g_assert_true (notes_contain (notes, "cuba1.vth was changed"));
  g_assert_true (notes_contain (notes, "NIR node 'fc2' (Affine) is written as Linear 'fc2'"));
  fc2 = node_type_at (out, "fc2");
  cuba = node_type_at (out, "cuba1");
  g_assert_cmpstr (fc2, ==, "Linear");
  g_assert_cmpstr (cuba, ==, "CubaLIF");
  g_unlink (out);

  g_assert_true (bsl_graph_disconnect (rewired, "lif2", "s_out", "output", "a_in"));
  g_clear_pointer (&out, g_free);
  out = export_nir (rewired, dir, unplugged);
  g_assert_true (notes_contain (unplugged, "connection lif2.s_out -> output.a_in was removed"));
  test_remove_tree (dir);
}

/* Another dt than the import's is another network in SI units: exported from the processes. */
static void
test_other_dt (void)
{
  g_autofree char *path = reference_path ("01_cubalif_single.nir");
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *out = g_build_filename (dir, "dt.nir", NULL);
  g_autoptr (BslGraph) graph = import_through_file (path, dir);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  BslNirExportOptions options = { .dt = 2e-3 };

  g_assert_true (bsl_nir_export_file (graph, out, &options, notes, &error));
  g_assert_no_error (error);
  g_assert_true (notes_contain (notes, "the export's dt (0.002 s) is not the import's (0.001 s)"));
  test_remove_tree (dir);
}

/* A record edited by hand into nonsense is not written: the export is made from the processes. */
static void
test_malformed_record (void)
{
  g_autofree char *path = reference_path ("02_feedforward_affine_cubalif_affine_lif.nir");
  g_autofree char *dir = test_tmp_dir ();
  g_autoptr (BslGraph) graph = import_through_file (path, dir);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL, *fc1 = NULL;
  JsonObject *origin = json_object_get_object_member (bsl_graph_get_extra (graph), "nir_origin");
  JsonObject *nodes = json_object_get_object_member (json_object_get_object_member (origin,
                                                                                    "graph"),
                                                     "nodes");
  JsonObject *weight = json_object_get_object_member (
    json_object_get_object_member (json_object_get_object_member (nodes, "fc1"), "data"),
    "weight");

  json_object_set_string_member (weight, "values", "1 2 oops");
  out = export_nir (graph, dir, notes);
  g_assert_true (notes_contain (notes, "its record in the file is malformed"));
  fc1 = node_type_at (out, "fc1");
  g_assert_cmpstr (fc1, ==, "Affine");
  test_remove_tree (dir);
}

/* ---------------- the reference reader ---------------- */

static guint compared_files;

static gboolean
same_with_nir (const char *original, const char *exported, char **report)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "interop",
                                                   "compare_nir_graphs.py", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { script, original, exported, NULL };
  int status;

  if (!test_run_nir_python (args, &out, &err, &status))
    return FALSE;
  *report = g_strdup (g_strstrip (g_spawn_check_wait_status (status, NULL) ? out : err));
  return g_spawn_check_wait_status (status, NULL);
}

static void
test_reader_round_trip (gconstpointer data)
{
  const char *path = data;
  g_autofree char *dir = test_tmp_dir ();
  g_autoptr (BslGraph) graph = import_through_file (path, dir);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = export_nir (graph, dir, notes);
  g_autofree char *report = NULL;

  if (same_with_nir (path, out, &report))
    {
      g_test_message ("nir.read: %s", report);
      compared_files++;
    }
  else if (report != NULL)
    g_error ("%s round trip differs for nir.read: %s", path, report);
  test_remove_tree (dir);
}

/* The comparison can fail: an edited network's export is not the original graph. */
static void
test_reader_sees_edits (void)
{
  g_autofree char *path = reference_path ("03_recurrent_lif_subgraph.nir");
  g_autofree char *dir = test_tmp_dir ();
  g_autoptr (BslGraph) graph = import_through_file (path, dir);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL, *report = NULL;

  g_assert_true (bsl_process_set_param (bsl_graph_find_process (graph, "readout"), "dv",
                                        bsl_array_new_scalar (0.25), &error));
  out = export_nir (graph, dir, notes);
  if (!same_with_nir (path, out, &report) && report != NULL)
    {
      g_test_message ("as expected: %s", report);
      g_assert_nonnull (strstr (report, "rnn"));
    }
  else if (report != NULL)
    g_error ("an edited network compares equal to the original: %s", report);
  test_remove_tree (dir);
}

static void
test_reader_summary (void)
{
  if (g_getenv ("BASALT_NIR_PYTHONPATH") == NULL || *g_getenv ("BASALT_NIR_PYTHONPATH") == '\0')
    {
      g_test_skip ("BASALT_NIR_PYTHONPATH is not set: no round trip was read with nir");
      return;
    }
  g_test_message ("%u round trips equal for nir.read", compared_files);
  g_assert_cmpuint (compared_files, >, 0);
}

int
main (int argc, char **argv)
{
  g_autofree char *reference = NULL;

  g_test_init (&argc, &argv, NULL);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  reference = test_data_path ("reference", "nir", NULL);
  test_add_dir_cases ("/nir/origin/round-trip", reference, ".nir", test_round_trip);
  g_test_add_func ("/nir/origin/kept-through-edits", test_kept_through_edits);
  g_test_add_func ("/nir/origin/edit-reported", test_edit_reported);
  g_test_add_func ("/nir/origin/other-dt", test_other_dt);
  g_test_add_func ("/nir/origin/malformed-record", test_malformed_record);
  test_add_dir_cases ("/nir/origin/reader", reference, ".nir", test_reader_round_trip);
  g_test_add_func ("/nir/origin/reader-sees-edits", test_reader_sees_edits);
  g_test_add_func ("/nir/origin/summary/reader", test_reader_summary);
  return g_test_run ();
}
