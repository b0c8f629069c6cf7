/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Large lists of numbers are read straight into doubles, not through json-glib's tree: the same
 * numbers, the same errors, and a memory use a budget can bound. */
#include "config.h"

#include <string.h>

#include "bsl-network-file.h"
#include "bsl-packed-arrays.h"
#include "test-util.h"

#define ROWS 20
#define COLS 30

/* Numbers in every form JSON allows, and the edges of a double. */
static const char *const number_forms[] = {
  "0", "-0", "1", "-17", "123456789012345678", "-999999999999999999", "0.1", "-0.0", "2.5e-3",
  "1E5", "1e+300", "-4.9e-324", "2.2250738585072011e-308", "0.30000000000000004",
  "1.7976931348623157e308", "1e-400", "6.02214076E+23", "9007199254740993", "-1.5E-7",
  "3.141592653589793238462643383279", "-0e5", "-0.000", "-1e-400", "-0E-0",
};

/* The k-th number of the lists below: the forms above, then random doubles and integers. */
static void
append_number (GString *s,
               guint    k,
               GRand   *rand)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (k < G_N_ELEMENTS (number_forms))
    g_string_append (s, number_forms[k]);
  else if (k % 3 == 0)
    g_string_append_printf (s, "%d", g_rand_int_range (rand, -100000, 100000));
  else
    g_string_append (s, g_ascii_dtostr (buf, sizeof buf,
                                        g_rand_double_range (rand, -1e6, 1e6) /
                                        (1 << g_rand_int_range (rand, 0, 30))));
}

static void
append_list (GString *s,
             guint    n,
             GRand   *rand)
{
  g_string_append_c (s, '[');
  for (guint k = 0; k < n; k++)
    {
      if (k > 0)
        g_string_append (s, ", ");
      append_number (s, k, rand);
    }
  g_string_append_c (s, ']');
}

/* A network with a vector, a matrix (written over several lines) and a sparse initializer's
 * lists, of @n numbers each (the matrix: ROWS x COLS). */
static char *
network_text (guint n)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  GString *s = g_string_new ("{\"format\": \"basalt\", \"version\": 1, \"processes\": [\n");

  g_string_append_printf (s, "{\"name\": \"a\", \"type\": \"LIF\", \"shape\": [%u], "
                          "\"params\": {\"bias_mant\": ", n);
  append_list (s, n, rand);
  g_string_append_printf (s, "}},\n{\"name\": \"w\", \"type\": \"Dense\", \"shape\": [%d, %d], "
                          "\"params\": {\"weights\": [\n", ROWS, COLS);
  for (guint r = 0; r < ROWS; r++)
    {
      append_list (s, COLS, rand);
      g_string_append (s, r + 1 < ROWS ? ",\n" : "\n");
    }
  g_string_append_printf (s, "]}},\n{\"name\": \"s\", \"type\": \"Dense\", \"shape\": [%u, %u], "
                          "\"params\": {\"weights\": {\"init\": \"sparse\", \"index\": [", n, n);
  for (guint k = 0; k < n; k++)
    g_string_append_printf (s, "%s%u", k ? ", " : "", k * (n + 1));
  g_string_append (s, "], \"value\": ");
  append_list (s, n, rand);
  g_string_append (s, "}}}],\n\"connections\": []}\n");
  return g_string_free (s, FALSE);
}

/* @bitwise: -0.0 and 0.0 differ too (a saved file writes both as 0). */
static void
assert_same_values (const BslGraph *a,
                    const BslGraph *b,
                    gboolean        bitwise)
{
  g_assert_cmpuint (bsl_graph_get_n_processes (a), ==, bsl_graph_get_n_processes (b));
  for (guint i = 0; i < bsl_graph_get_n_processes (a); i++)
    {
      const BslProcess *p = bsl_graph_get_process (a, i);
      const BslProcType *type = bsl_process_get_proc_type (p);
      const BslProcess *q = bsl_graph_get_process (b, i);

      for (guint v = 0; v < type->n_vars; v++)
        {
          const char *name = type->vars[v].name;
          const BslArray *x = bsl_process_get_param (p, name);
          const BslArray *y = bsl_process_get_param (q, name);

          g_assert_true ((x == NULL) == (y == NULL));
          if (x == NULL)
            continue;
          g_assert_cmpuint (x->ndim, ==, y->ndim);
          g_assert_cmpmem (x->dims, sizeof x->dims, y->dims, sizeof y->dims);
          if (bitwise)
            g_assert_cmpmem (x->data, x->n * sizeof (double), y->data, y->n * sizeof (double));
          else
            for (gsize k = 0; k < x->n; k++)
              g_assert_cmpfloat (x->data[k], ==, y->data[k]);
        }
    }
}

/* Loads @text with every list packed and with none; both give the same graph or the same
 * error. */
static void
assert_same_outcome (const char *text)
{
  g_autoptr(GError) packed_error = NULL, tree_error = NULL;
  g_autoptr(BslGraph) packed = _bsl_graph_load_data_packing (text, -1, "net.basalt", NULL, 1,
                                                             &packed_error);
  g_autoptr(BslGraph) tree = _bsl_graph_load_data_packing (text, -1, "net.basalt", NULL,
                                                           G_MAXSIZE, &tree_error);

  if (tree == NULL)
    {
      g_test_message ("%s", tree_error->message);
      g_assert_nonnull (packed_error);
      g_assert_cmpstr (packed_error->message, ==, tree_error->message);
      g_assert_true (packed_error->domain == tree_error->domain);
      g_assert_cmpint (packed_error->code, ==, tree_error->code);
      return;
    }
  g_assert_no_error (packed_error);
  assert_same_values (packed, tree, TRUE);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; (p = strchr (p, '\n')) != NULL; p++)
    n++;
  return n;
}

static void
test_same_numbers (void)
{
  g_autofree char *text = network_text (300);
  g_autoptr(GString) reduced = NULL;
  g_autoptr(BslPackedArrays) arrays = NULL;
  guint64 values;
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(BslGraph) reloaded = NULL;

  /* Every list is packed: the vector, the matrix and the sparse lists. */
  arrays = bsl_packed_arrays_extract (text, strlen (text), BSL_PACKED_ARRAY_MIN, &reduced,
                                      &values);
  g_assert_cmpuint (bsl_packed_arrays_bytes (arrays), ==, (300 * 3 + ROWS * COLS) * 8);
  g_assert_cmpuint (values, <, 100);
  /* Lines kept for json-glib's messages. */
  g_assert_cmpuint (count_lines (reduced->str), ==, count_lines (text));
  assert_same_outcome (text);

  /* The sparse initializer of packed lists is written as its values and reads back the same. */
  graph = bsl_graph_load_data (text, -1, "net.basalt", NULL, &error);
  g_assert_no_error (error);
  saved = bsl_graph_to_data (graph, NULL);
  reloaded = _bsl_graph_load_data_packing (saved, -1, "saved.basalt", NULL, G_MAXSIZE, &error);
  g_assert_no_error (error);
  assert_same_values (graph, reloaded, FALSE);
}

/* @text with its matrix's element [10][5] (a number of at least two characters) replaced by
 * @token. */
static char *
with_token (const char *text,
            const char *token)
{
  const char *row = strstr (text, "\"weights\": [\n");
  const char *start, *end;

  for (guint r = 0; r <= 10; r++)
    row = strchr (row, '\n') + 1;
  start = row + 1;
  for (guint c = 0; c < 5; c++)
    start = strstr (start, ", ") + 2;
  end = start + strcspn (start, ",]");
  return g_strdup_printf ("%.*s%s%s", (int) (start - text), text, token, end);
}

/* Malformed numbers and other elements inside a large list give the errors they always gave
 * (json-glib's, with their line and column, or the loader's, with the process and parameter). */
static void
test_same_errors (void)
{
  static const char *const tokens[] = {
    "1.2.3", "01", "-01", "1e", "1e+", "-", "1.", ".5", "+1", "NaN", "Infinity", "-Infinity",
    "1e999", "-1e999", "true", "false", "null", "\"x\"", "0x10", "1 2", "[1]", "{}", "1,",
    "12345678901234567890", "-92233720368547758080", "1.5e", "1e5.0", "\"\\u0001packed:0:0\"",
    "", "2]", "3]]",
  };
  g_autofree char *text = network_text (300);

  for (guint t = 0; t < G_N_ELEMENTS (tokens); t++)
    {
      g_autofree char *bad = with_token (text, tokens[t]);

      g_test_message ("element [10][5] = %s", tokens[t]);
      assert_same_outcome (bad);
    }
  /* An error after a packed list keeps its line and column. */
  {
    g_autofree char *after = g_strdup (text);
    char *connections = strstr (after, "\"connections\"");

    memcpy (connections, "\"connections\" tru", 17);
    assert_same_outcome (after);
  }
  /* A file's own string cannot stand for a packed list. */
  {
    g_autoptr(GString) forged = g_string_new (text);
    const char *weights = strstr (forged->str, "\"weights\": [\n");
    gsize at = (gsize) (weights - forged->str) + strlen ("\"weights\": ");
    gsize end = (gsize) (strstr (weights, "\n]}") - forged->str) + 2;

    g_string_erase (forged, at, end - at);
    g_string_insert (forged, at, "\"\\u0001packed:0000000000000000:0\"");
    assert_same_outcome (forged->str);
  }
}

/* Through the command line: exit 2, the file named, the same message as before. */
static void
test_command_line_errors (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *text = network_text (300);
  g_autofree char *malformed = with_token (text, "1.2.3");
  g_autofree char *infinite = with_token (text, "-1e999");
  g_autofree char *bad_path = test_write_file (dir, "malformed.basalt", malformed);
  g_autofree char *inf_path = test_write_file (dir, "infinite.basalt", infinite);
  g_autofree char *err = NULL;

  g_assert_cmpint (test_run_basalt (NULL, &err, "run", bad_path, "--steps", "1", NULL), ==, 2);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, bad_path));
  g_assert_nonnull (strstr (err, "malformed JSON"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (test_run_basalt (NULL, &err, "run", inf_path, "--steps", "1", NULL), ==, 2);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, inf_path));
  g_assert_nonnull (strstr (err, "process 'w' (Dense): parameter 'weights' is not a finite "
                                 "number at index 305"));
  test_remove_tree (dir);
}

/* A Dense of 300 000 weights: its text is 1.5 MB, a JSON tree of it would take about 29 MB, the
 * packed weights 2.4 MB. A budget of 12 MB refuses the tree (before building it) and lets the
 * packed file load and run. */
static void
test_memory_budget (void)
{
  g_autofree char *dir = test_tmp_dir ();
  GString *s = g_string_new ("{\"format\": \"basalt\", \"version\": 1, \"processes\": [\n"
                             "{\"name\": \"a\", \"type\": \"LIF\", \"shape\": [600]},\n"
                             "{\"name\": \"w\", \"type\": \"Dense\", \"shape\": [500, 600], "
                             "\"params\": {\"weights\": [\n");
  g_autofree char *text = NULL, *path = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) tree = NULL;
  g_autoptr(BslGraph) packed = NULL;
  const char *argv[] = { "/usr/bin/env", "BASALT_MEMORY_BUDGET=12M", NULL, "run", NULL,
                         "--steps", "1", NULL };
  int status;

  for (guint r = 0; r < 500; r++)
    {
      g_string_append_c (s, '[');
      for (guint c = 0; c < 600; c++)
        g_string_append (s, c ? ", 0.5" : "0.5");
      g_string_append (s, r + 1 < 500 ? "],\n" : "]\n");
    }
  g_string_append (s, "]}},\n{\"name\": \"b\", \"type\": \"LIF\", \"shape\": [500]}],\n"
                   "\"connections\": [{\"from\": \"a.s_out\", \"to\": \"w.s_in\"}, "
                   "{\"from\": \"w.a_out\", \"to\": \"b.a_in\"}]}\n");
  text = g_string_free (s, FALSE);
  path = test_write_file (dir, "budget.basalt", text);

  g_setenv ("BASALT_MEMORY_BUDGET", "12M", TRUE);
  tree = _bsl_graph_load_data_packing (text, -1, "budget.basalt", NULL, G_MAXSIZE, &error);
  g_assert_null (tree);
  g_assert_error (error, BSL_ERROR, BSL_ERROR_RANGE);
  g_assert_nonnull (strstr (error->message, "budget.basalt: reading it"));
  g_assert_nonnull (strstr (error->message, "more than the memory budget of 12.0 MB"));
  packed = bsl_graph_load_data (text, -1, "budget.basalt", NULL, &error);
  g_unsetenv ("BASALT_MEMORY_BUDGET");
  g_assert_nonnull (packed);

  argv[0] = "/usr/bin/env";
  argv[2] = g_getenv ("BASALT_EXE");
  argv[4] = path;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, NULL));
  g_test_message ("%s", err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/packed-arrays/same-numbers", test_same_numbers);
  g_test_add_func ("/packed-arrays/same-errors", test_same_errors);
  g_test_add_func ("/packed-arrays/command-line-errors", test_command_line_errors);
  g_test_add_func ("/packed-arrays/memory-budget", test_memory_budget);
  return g_test_run ();
}
