/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NIR import: every input file is refused with a message naming it, or imports into a network
 * that saves and runs. */
#include "config.h"

#include <hdf5.h>
#include <stdlib.h>

#include "basalt-engine.h"
#include "fuzz-common.h"
#include "interop/bsl-nir-import.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = NULL;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *path = NULL, *saved = NULL;
  BslNirImportOptions options = { 0, (size > 0 && (data[size - 1] & 1)) };

  fuzz_setup ();
  path = fuzz_write_input ("fuzz.nir", data, size);
  graph = bsl_nir_import_file (path, &options, notes, &error);
  /* Whatever the outcome, the importer closes every HDF5 id it opened: memory that HDF5 itself
   * loses on a corrupt file is its own (see lsan.supp), an id left open would be ours. */
  if (H5Fget_obj_count (H5F_OBJ_ALL, H5F_OBJ_ALL) != 0)
    {
      g_printerr ("fuzz.nir: %ld HDF5 objects left open after import\n",
                  (long) H5Fget_obj_count (H5F_OBJ_ALL, H5F_OBJ_ALL));
      abort ();
    }
  if (graph == NULL)
    {
      fuzz_check_refusal (error, "fuzz.nir");
      return 0;
    }
  saved = bsl_graph_to_data (graph, NULL);
  {
    g_autoptr(BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
    BslRuntime *runtime;

    config->n_threads = 1;
    g_clear_error (&error);
    runtime = bsl_runtime_new (graph, config, &error);
    if (runtime != NULL)
      {
        bsl_runtime_run (runtime, 2);
        bsl_runtime_free (runtime);
      }
    else
      fuzz_check_refusal (error, NULL);
  }
  return 0;
}
