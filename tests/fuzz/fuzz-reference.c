/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reference traces (long, wide and `basalt run` CSV, .npy): every input is refused with a
 * message naming the file, or gives a reference whose every cell can be read. The first byte
 * picks the variable asked for, as --var does. */
#include "config.h"

#include "basalt-engine.h"
#include "fit/bsl-reference.h"
#include "fuzz-common.h"

/* Keeps the reads of every cell. */
static volatile double sink;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char *vars[] = { NULL, "v", "u", "spike", "a_in", "lif", "bogus" };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL, *text = NULL;
  const char *var;
  BslReference *ref;
  double sum = 0;

  fuzz_setup ();
  if (size < 1)
    return 0;
  var = vars[data[0] % G_N_ELEMENTS (vars)];
  path = fuzz_write_input ((data[0] & 0x80) ? "fuzz.npy" : "fuzz.csv", data + 1, size - 1);
  ref = bsl_reference_load (path, var, &error);
  if (ref == NULL)
    {
      fuzz_check_refusal (error, path);
      return 0;
    }
  /* Reading every cell lets ASan check the sizes the loader allocated. */
  for (guint v = 0; v < BSL_REF_N_VARS; v++)
    if (ref->data[v] != NULL)
      for (gsize k = 0; k < ref->n_steps * ref->n_neurons; k++)
        sum += ref->data[v][k];
  text = bsl_reference_describe (ref);
  sink = sum;
  bsl_reference_free (ref);
  return 0;
}
