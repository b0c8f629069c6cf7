/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plastic synapses: NumPy's generator as Lava draws from it, the rule grammar, and every Lava
 * learning trace in tests/data/learning (made by Lava 0.11 itself). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-kernel-numpy-random.h"
#include "test-util.h"

static JsonObject *
load_json_object (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "learning", name, NULL);

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* numpy-rng.json: one generator per seed and kind of call, each advanced one call at a time. */
static void
test_numpy_random (void)
{
  g_autoptr(JsonObject) root = load_json_object ("numpy-rng.json");
  JsonObject *doubles = json_object_get_object_member (root, "random");
  JsonObject *integers = json_object_get_object_member (root, "integers_0_128");
  g_autoptr(GList) seeds = json_object_get_members (doubles);
  guint checked = 0;

  for (GList *l = seeds; l != NULL; l = l->next)
    {
      guint64 seed = g_ascii_strtoull (l->data, NULL, 10);
      JsonArray *want_doubles = json_object_get_array_member (doubles, l->data);
      JsonArray *want_ints = json_object_get_array_member (integers, l->data);
      BslNumpyRandom rd, ri;

      bsl_numpy_random_init (&rd, seed);
      bsl_numpy_random_init (&ri, seed);
      for (guint k = 0; k < json_array_get_length (want_doubles); k++)
        {
          JsonObject *draw = json_array_get_object_element (want_doubles, k);
          double want = g_ascii_strtod (json_object_get_string_member (draw, "bits"), NULL);
          double got = bsl_numpy_random_double (&rd);

          if (got != want)
            g_error ("seed %s, random() draw %u: got %a, want %a", (char *) l->data, k, got, want);
          checked++;
        }
      for (guint k = 0; k < json_array_get_length (want_ints); k++)
        {
          gint64 want = json_array_get_int_element (want_ints, k);
          gint64 got = bsl_numpy_random_integers (&ri, 128);

          if (got != want)
            g_error ("seed %s, integers(0, 128) draw %u: got %" G_GINT64_FORMAT ", want %"
                     G_GINT64_FORMAT, (char *) l->data, k, got, want);
          checked++;
        }
    }
  g_assert_cmpuint (checked, >=, 14 * 128);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/learning/numpy-random", test_numpy_random);
  return g_test_run ();
}
