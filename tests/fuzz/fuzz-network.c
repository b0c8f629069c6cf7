/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The .basalt loader: every input is refused with a message naming the file, or loads, saves,
 * loads again and runs a few steps under both tags. */
#include "config.h"

#include "basalt-engine.h"
#include "fuzz-common.h"

static void
run_briefly (BslGraph *graph,
             BslTag    tag)
{
  g_autoptr(BslRunConfig) config = bsl_run_config_new (tag);
  g_autoptr(GError) error = NULL;
  BslRuntime *runtime;

  config->n_threads = 1;
  runtime = bsl_runtime_new (graph, config, &error);
  if (runtime == NULL)
    {
      fuzz_check_refusal (error, NULL);
      return;
    }
  bsl_runtime_run (runtime, 3);
  bsl_runtime_free (runtime);
}

/* The data files the seeds name, beside the (virtual) network file. */
static void
write_data_files (void)
{
  static const char npy[] = "\x93NUMPY\x01\x00\x76\x00{'descr': '<f8', 'fortran_order': False, "
                            "'shape': (2, 2), }";
  g_autofree char *csv = g_build_filename (fuzz_scratch_dir (), "w.csv", NULL);
  g_autofree char *npy_path = g_build_filename (fuzz_scratch_dir (), "w.npy", NULL);
  GString *bytes = g_string_new_len (npy, sizeof npy - 1);
  const double values[4] = { 1, -2, 3, 0.5 };

  if (g_file_test (csv, G_FILE_TEST_EXISTS))
    return;
  while (bytes->len < 10 + 0x76 - 1)
    g_string_append_c (bytes, ' ');
  g_string_append_c (bytes, '\n');
  g_string_append_len (bytes, (const char *) values, sizeof values);
  g_assert_true (g_file_set_contents (csv, "1,2\n3,4\n", -1, NULL));
  g_assert_true (g_file_set_contents (npy_path, bytes->str, (gssize) bytes->len, NULL));
  g_string_free (bytes, TRUE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = NULL, again = NULL;
  g_autofree char *saved = NULL;
  gsize length;

  fuzz_setup ();
  write_data_files ();
  graph = bsl_graph_load_data ((const char *) data, (gssize) size, "fuzz.basalt",
                               fuzz_scratch_dir (), &error);
  if (graph == NULL)
    {
      fuzz_check_refusal (error, "fuzz.basalt");
      return 0;
    }
  saved = bsl_graph_to_data (graph, &length);
  again = bsl_graph_load_data (saved, (gssize) length, "saved.basalt", fuzz_scratch_dir (), &error);
  if (again == NULL)
    g_error ("a loaded network saved as a file that does not load: %s", error->message);
  run_briefly (graph, BSL_TAG_FLOATING_PT);
  run_briefly (graph, BSL_TAG_FIXED_PT);
  return 0;
}
