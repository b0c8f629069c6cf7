/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bad input never crashes, hangs or eats memory: a seeded mutation sweep over the example
 * networks and one network per registered process type. Every mutated file either loads or is
 * refused with a message naming the file; what loads compiles (or is refused) under both tags
 * and runs a few steps. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "interop/bsl-c-export.h"
#include "interop/bsl-lava-export.h"
#include "interop/bsl-nir-export.h"
#include "test-util.h"

typedef struct
{
  char     *name;
  char     *text;
  gboolean  compiles[BSL_N_TAGS];
  gboolean  heavy;     /* large enough that a few mutations of it are all the sweep affords */
} Seed;

static char *tmp_dir;
static GPtrArray *seeds;
static guint n_inputs, n_loaded, n_compiled;

/* What the mutation is aimed at; when set, a refusal must name it. */
typedef struct
{
  const char *process;
  const char *param;
  const Seed *seed;
} Target;

static void
seed_free (Seed *seed)
{
  g_free (seed->name);
  g_free (seed->text);
  g_free (seed);
}

static void
fail_with_input (const char *why, const char *display, const char *text, gsize length)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "basalt-robustness-failure.basalt",
                                            NULL);

  g_file_set_contents (path, text, length, NULL);
  g_error ("%s: %s (the input is in %s)", display, why, path);
}

/* Loads, compiles under both tags, runs, saves and reloads one input. */
/* Neurons and synapses of a network, to keep the exports of the sweep to small ones. */
static gsize
graph_elements (const BslGraph *graph)
{
  gsize total = 0;

  for (guint i = 0; i < bsl_graph_get_n_processes (graph); i++)
    {
      const BslProcess *p = bsl_graph_get_process (graph, i);
      gsize size = 1;

      for (guint d = 0; d < bsl_process_get_ndim (p); d++)
        size *= bsl_process_get_dims (p)[d];
      total += size;
    }
  return total;
}

static void
check_input (const char *text, gsize length, const Target *target)
{
  g_autofree char *display = g_strdup_printf ("mutant-%05u.basalt", n_inputs++);
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = bsl_graph_load_data (text, (gssize) length, display, tmp_dir, &error);

  if (graph == NULL)
    {
      if (error == NULL || strstr (error->message, display) == NULL)
        fail_with_input (error != NULL ? error->message : "refused without an error", display,
                         text, length);
      if (!bsl_error_is_bad_input (error))
        fail_with_input ("refused, but not as bad input (exit status 1, not 2)", display, text,
                         length);
      if (target != NULL && target->process != NULL &&
          (strstr (error->message, target->process) == NULL ||
           (target->param != NULL && strstr (error->message, target->param) == NULL)))
        {
          g_autofree char *why = g_strdup_printf ("the message does not name '%s' and '%s': %s",
                                                  target->process, target->param, error->message);
          fail_with_input (why, display, text, length);
        }
      return;
    }
  n_loaded++;

  for (BslTag tag = 0; tag < BSL_N_TAGS; tag++)
    {
      g_autoptr(BslRunConfig) config = bsl_run_config_new (tag);
      g_autoptr(GError) compile_error = NULL;
      BslRuntime *runtime;

      config->n_threads = 1;
      runtime = bsl_runtime_new (graph, config, &compile_error);
      if (runtime == NULL)
        {
          if (compile_error == NULL || compile_error->message[0] == '\0')
            fail_with_input ("compile refused without a message", display, text, length);
          if (!bsl_error_is_bad_input (compile_error))
            fail_with_input ("compile refused, but not as bad input", display, text, length);
          if (target != NULL && target->process != NULL && target->seed->compiles[tag] &&
              strstr (compile_error->message, target->process) == NULL)
            fail_with_input (compile_error->message, display, text, length);
          continue;
        }
      n_compiled++;
      bsl_runtime_run (runtime, 3);
      bsl_runtime_reset (runtime);
      bsl_runtime_run (runtime, 1);
      bsl_runtime_free (runtime);
    }

  /* What was accepted exports to NIR, Lava and C, or is refused with a message, without a crash
   * (small networks: the sweep runs thousands). */
  if (graph_elements (graph) <= 4096)
    {
      g_autofree char *nir = g_build_filename (tmp_dir, "mutant.nir", NULL);
      g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GError) export_error = NULL;
      BslLavaExportOptions lava = { .tag = BSL_TAG_NONE, .steps = 3 };
      g_autofree char *script = NULL;

      if (!bsl_nir_export_file (graph, nir, NULL, notes, &export_error) &&
          (export_error == NULL || export_error->message[0] == '\0'))
        fail_with_input ("NIR export refused without a message", display, text, length);
      g_clear_error (&export_error);
      g_unlink (nir);
      script = bsl_lava_export_to_string (graph, &lava, notes, &export_error);
      if (script == NULL && (export_error == NULL || export_error->message[0] == '\0'))
        fail_with_input ("Lava export refused without a message", display, text, length);
      g_clear_error (&export_error);
      g_clear_pointer (&script, g_free);
      script = bsl_c_export_to_string (graph, NULL, &export_error);
      if (script == NULL && (export_error == NULL || export_error->message[0] == '\0'))
        fail_with_input ("C export refused without a message", display, text, length);
    }

  /* What was accepted is saved in a form that loads again. */
  {
    gsize saved_length;
    g_autofree char *saved = bsl_graph_to_data (graph, &saved_length);
    g_autoptr(GError) reload_error = NULL;
    g_autoptr(BslGraph) again = bsl_graph_load_data (saved, (gssize) saved_length, display,
                                                     tmp_dir, &reload_error);
    if (again == NULL)
      fail_with_input (reload_error->message, display, saved, saved_length);
  }
}

/* json-glib writes 1e308 back as "1e+308.0", so a bad value goes in as a placeholder string
 * that is then replaced by the value's own text. */
#define PLACEHOLDER "@@value@@"

static void
check_node (JsonNode *root, const char *value_json, const Target *target)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  parts = g_strsplit (text, "\"" PLACEHOLDER "\"", -1);
  g_free (text);
  text = g_strjoinv (value_json != NULL ? value_json : "", parts);
  check_input (text, strlen (text), target);
}

static JsonNode *
placeholder (void)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, PLACEHOLDER);
  return node;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* ---------------- seeds ---------------- */

static void
add_seed (const char *name, char *text)
{
  Seed *seed = g_new0 (Seed, 1);
  g_autoptr(BslGraph) graph = NULL;
  g_autoptr(GError) error = NULL;

  seed->name = g_strdup (name);
  seed->text = text;
  graph = bsl_graph_load_data (text, -1, name, tmp_dir, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < bsl_graph_get_n_processes (graph); i++)
    {
      const BslProcess *p = bsl_graph_get_process (graph, i);
      if (bsl_process_get_dims (p)[0] * MAX (bsl_process_get_ndim (p) > 1 ? bsl_process_get_dims (p)[1] : 1, 1) > 10000)
        seed->heavy = TRUE;
    }
  for (BslTag tag = 0; tag < BSL_N_TAGS; tag++)
    {
      g_autoptr(BslRunConfig) config = bsl_run_config_new (tag);
      BslRuntime *runtime = bsl_runtime_new (graph, config, NULL);
      seed->compiles[tag] = runtime != NULL;
      bsl_runtime_free (runtime);
    }
  g_ptr_array_add (seeds, seed);
}

/* A process of the type with every Var given explicitly, a RingBuffer into each InPort and a
 * Monitor on each OutPort. */
static char *
type_network (const BslProcType *type)
{
  g_autoptr(BslGraph) graph = bsl_graph_new ();
  g_autoptr(GError) error = NULL;
  BslProcess *p = bsl_graph_add_process (graph, type->name, "p", 0, NULL, &error);

  g_assert_no_error (error);
  for (guint v = 0; v < bsl_process_get_proc_type (p)->n_vars; v++)
    {
      const char *var = bsl_process_get_proc_type (p)->vars[v].name;
      BslArray *full = bsl_process_dup_param_full (p, var, NULL);
      if (full == NULL)
        continue;
      if (full->n > 0 && full->data[0] != full->data[0])
        {
          bsl_array_free (full);
          continue;
        }
      if (full->ndim > 0 && full->n <= 1 && bsl_process_get_proc_type (p)->vars[v].shape != BSL_SHAPE_TIME_SERIES)
        {
          double x = full->n == 1 ? full->data[0] : 0;
          bsl_array_free (full);
          full = bsl_array_new_scalar (x);
        }
      if (!bsl_process_set_param (p, var, full, NULL))
        continue;
    }
  for (guint k = 0; k < bsl_process_get_proc_type (p)->n_ports; k++)
    {
      const BslPortSpec *port = &bsl_process_get_proc_type (p)->ports[k];
      gsize n = bsl_process_port_size (p, port->name);
      g_autofree char *other = g_strdup_printf ("%s_%s", port->direction == BSL_PORT_IN ? "src"
                                                                                          : "mon",
                                                port->name);
      g_autofree char *here = g_strdup_printf ("p.%s", port->name);
      BslProcess *q = bsl_graph_add_process (graph, port->direction == BSL_PORT_IN ? "RingBuffer"
                                                                                   : "Monitor",
                                             other, 1, &n, &error);
      g_assert_no_error (error);
      if (port->direction == BSL_PORT_IN)
        {
          gsize dims[2] = { n, 3 };
          g_autofree char *from = g_strdup_printf ("%s.s_out", other);
          BslArray *data = bsl_array_new (2, dims);
          for (gsize e = 0; e < data->n; e++)
            data->data[e] = (e % 3) == 1;
          g_assert_true (bsl_process_set_param (q, "data", data, &error));
          bsl_graph_connect (graph, from, here, &error);
        }
      else
        {
          g_autofree char *to = g_strdup_printf ("%s.a_in", other);
          bsl_graph_connect (graph, here, to, &error);
        }
      g_assert_no_error (error);
    }
  return bsl_graph_to_data (graph, NULL);
}

static void
write_bytes (const char *name, const char *bytes, gsize length)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, bytes, length, &error);
  g_assert_no_error (error);
}

/* A .npy file whose header says whatever it is given, followed by n_data float64 values. */
static void
write_npy (const char *name, guint version, const char *header, gsize n_data, gsize cut)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gsize len = strlen (header);

  g_string_append_len (out, "\x93NUMPY", 6);
  g_string_append_c (out, (char) version);
  g_string_append_c (out, 0);
  g_string_append_c (out, (char) (len & 0xff));
  g_string_append_c (out, (char) ((len >> 8) & 0xff));
  if (version >= 2)
    {
      g_string_append_c (out, 0);
      g_string_append_c (out, 0);
    }
  g_string_append (out, header);
  for (gsize k = 0; k < n_data; k++)
    {
      double x = (double) (k % 7);
      g_string_append_len (out, (const char *) &x, sizeof x);
    }
  write_bytes (name, out->str, cut > 0 && cut < out->len ? cut : out->len);
}

static const char *npy_files[] = {
  "good.npy", "trunc.npy", "lying.npy", "neg.npy", "negm.npy", "huge.npy", "wrap0.npy",
  "wrap2.npy", "wrapall.npy", "f2.npy", "unicode.npy", "object.npy", "complex.npy",
  "nodescr.npy", "emptydescr.npy", "numdescr.npy", "shortdescr.npy", "zerosize.npy", "big.npy",
  "noshape.npy", "openshape.npy", "nestedshape.npy", "fivedims.npy", "fortran.npy",
  "fortranzero.npy", "bighdr.npy", "hdr0.npy", "tiny.npy", "scalar.npy", "row.npy",
  "limit.npy", NULL
};

static void
write_files (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "adir.npy", NULL);
  g_autofree char *dir2 = g_build_filename (tmp_dir, "adir", NULL);
  static const char big_v2[] = "\x93NUMPY\x02\x00\xff\xff\xff\xff{'descr'";

  write_npy ("good.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }\n", 12, 0);
  write_npy ("trunc.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }\n", 12, 90);
  write_npy ("lying.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (300, 400), }\n", 12, 0);
  write_npy ("neg.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }\n", 4, 0);
  write_npy ("negm.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (-1, 4), }\n", 4, 0);
  write_npy ("huge.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000,), }\n", 4, 0);
  /* 2^62 * 4 elements of 8 bytes: the byte count wraps to 0. */
  write_npy ("wrap0.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }\n", 0, 0);
  /* (2^63 + 1) * 2 elements wrap to 2. */
  write_npy ("wrap2.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775809, 2), }\n", 2, 0);
  /* 2^64 - 1 elements: the byte count wraps to 2^64 - 8 and the end offset past zero. */
  write_npy ("wrapall.npy", 3, "{'descr': '<f8', 'fortran_order': False, 'shape': (18446744073709551615,), }\n", 4, 0);
  write_npy ("f2.npy", 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }\n", 3, 0);
  write_npy ("unicode.npy", 1, "{'descr': '<U4', 'fortran_order': False, 'shape': (3,), }\n", 6, 0);
  write_npy ("object.npy", 1, "{'descr': '|O', 'fortran_order': False, 'shape': (3,), }\n", 3, 0);
  write_npy ("complex.npy", 1, "{'descr': '<c16', 'fortran_order': False, 'shape': (3,), }\n", 6, 0);
  write_npy ("nodescr.npy", 1, "{'fortran_order': False, 'shape': (3,), }\n", 3, 0);
  write_npy ("emptydescr.npy", 1, "{'descr': '', 'fortran_order': False, 'shape': (3,), }\n", 3, 0);
  write_npy ("numdescr.npy", 1, "{'descr': 8, 'fortran_order': False, 'shape': (3,), }\n", 3, 0);
  write_npy ("shortdescr.npy", 1, "{'descr': '<f'", 3, 0);
  write_npy ("zerosize.npy", 1, "{'descr': '<i0', 'fortran_order': False, 'shape': (3,), }\n", 3, 0);
  write_npy ("big.npy", 1, "{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }\n", 3, 0);
  write_npy ("noshape.npy", 1, "{'descr': '<f8', 'fortran_order': False, }\n", 3, 0);
  write_npy ("openshape.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4", 12, 0);
  write_npy ("nestedshape.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': ((3,), 4), }\n", 12, 0);
  write_npy ("fivedims.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1, 3), }\n", 3, 0);
  write_npy ("fortran.npy", 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 4), }\n", 12, 0);
  write_npy ("fortranzero.npy", 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (0, 4), }\n", 0, 0);
  write_npy ("hdr0.npy", 1, "", 0, 0);
  write_npy ("scalar.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }\n", 1, 0);
  write_npy ("row.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3), }\n", 3, 0);
  /* Shape within size_t, but far above any process: refused before allocating. */
  write_npy ("limit.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (100000, 100000), }\n", 16, 0);
  write_bytes ("bighdr.npy", big_v2, sizeof big_v2 - 1);
  write_bytes ("tiny.npy", "\x93NUMPY\x01", 7);
  write_bytes ("good.csv", "0,1,0\n1,0,0\n0,0,1\n1,1,1\n", strlen ("0,1,0\n1,0,0\n0,0,1\n1,1,1\n"));
  write_bytes ("ragged.csv", "1,2,3,4\n5,6\n", strlen ("1,2,3,4\n5,6\n"));
  write_bytes ("text.csv", "1,2,x,4\n", strlen ("1,2,x,4\n"));
  write_bytes ("nan.csv", "1,2,nan,4\n", strlen ("1,2,nan,4\n"));
  write_bytes ("empty.csv", "", 0);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (dir2, 0755), ==, 0);
}

static const char *initializers[] = {
  "{\"init\": \"bogus\"}", "{\"init\": 5}", "{}", "{\"init\": \"constant\"}",
  "{\"init\": \"constant\", \"value\": \"x\"}", "{\"init\": \"constant\", \"value\": [1]}",
  "{\"init\": \"constant\", \"value\": 1e999}", "{\"init\": \"constant\", \"value\": -1e999}",
  "{\"init\": \"uniform\", \"low\": 1, \"high\": 0, \"seed\": -1}",
  "{\"init\": \"uniform\", \"seed\": 1e308, \"p\": 0.5}",
  "{\"init\": \"uniform\", \"seed\": -2147483649, \"round\": true}",
  "{\"init\": \"normal\", \"std\": -1, \"seed\": 4294967296}",
  "{\"init\": \"normal\", \"mean\": 1e308, \"std\": 1e308}",
  "{\"init\": \"one_to_one\"}", "{\"init\": \"one_to_one\", \"value\": null}",
  "{\"init\": \"constant\", \"round\": \"yes\"}", "{\"init\": \"constant\", \"round\": [1]}",
  "{\"init\": \"constant\", \"round\": {}}", "{\"init\": \"constant\", \"p\": 2}",
  "{\"init\": \"constant\", \"p\": -0.5}", "{\"init\": \"constant\", \"p\": null}",
  "{\"init\": \"constant\", \"p\": 1e-320}", "{\"init\": \"constant\", \"nonsense\": 1}",
  "{\"file\": 5}", "{\"file\": \"\"}", "{\"file\": null}", "{\"file\": \"missing.npy\"}",
  "{\"file\": \"missing.csv\"}", "{\"file\": \"adir.npy\"}", "{\"file\": \"adir\"}",
  "{\"file\": \"/\"}", "{\"file\": \"good.csv\"}", "{\"file\": \"ragged.csv\"}",
  "{\"file\": \"text.csv\"}", "{\"file\": \"nan.csv\"}", "{\"file\": \"empty.csv\"}",
  "{\"file\": \"good.npy\", \"init\": \"constant\"}",
};

/* Values put where a parameter's value goes. */
static const char *bad_values[] = {
  "1e308", "-1", "0", "1e-320", "4294967296", "-2147483649", "-1e308", "2.5", "1e999",
  "[[[7]]]", "[[[[[[7]]]]]]", "[]", "[[]]", "[[1, 2], [3]]", "[1, [2]]", "\"x\"", "null", "true",
  "{\"a\": 1}", "[1e308, -1e308]", "[0, 0, 0]",
};

static const char *bad_shapes[] = {
  "[1000000000]", "[0]", "[-1]", "[2.5]", "[]", "[3, 4, 5]", "[1e308]", "[4294967296]",
  "[67108864, 67108864]", "[100000, 100000]", "[65536, 65536]", "3", "\"3\"", "[[3]]", "null",
  "[1000000000, 1]", "[-2147483649]", "[true]",
};

static const char *bad_endpoints[] = { "", ".", "a.", ".b", "a.b.c", "nope.s_in", "p.nope" };

static const char *garbage_equations[] = {
  "", "dv/dt", "dv/dt = ", "dv/dt = -v/tau : volt\ntau : second", "dv/dt = v/0 : 1",
  "dv/dt = -v/tau : volt\ntau : second\ndv/dt = 1/second : volt", "x = y : 1\ny = x : 1",
  "dv/dt = (((((((((((((((((((( v : 1", "dv/dt = exp(exp(exp(v))) / ms : 1", ":::",
  "dv/dt = -v/tau : volt (unless refractory)\ntau : meter**1e308", "\xc3\xbf\xc3\xbe garbage \xe2\x98\x83",
  "dv/dt = -v/(1e-320*second) : 1", "dv/dt = v**v**v**v/ms : 1", "v : 1\nv : 1",
  "dv/dt = rand()/ms : 1", "dI/dt = -I : amp",
};

/* ---------------- mutations of the text ---------------- */

static void
mutate_text (const Seed *seed, GRand *rng)
{
  const char *text = seed->text;
  gsize len = strlen (text);
  static const char flips[] = "[]{}\",:09-.e \xff";
  g_autoptr(GRegex) number = g_regex_new ("-?[0-9][0-9.eE+-]*", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (int));
  guint max_numbers = seed->heavy ? 2 : 24;

  /* Truncation about every 1/40th of the file. */
  for (gsize cut = 0; cut < len; cut += MAX (len / 40, 1))
    check_input (text, cut, NULL);

  /* Byte flips. */
  for (guint k = 0; k < (seed->heavy ? 4u : 40u); k++)
    {
      g_autofree char *copy = g_strdup (text);
      gsize at = (gsize) g_rand_int_range (rng, 0, (gint32) len);
      copy[at] = flips[g_rand_int_range (rng, 0, sizeof flips - 1)];
      check_input (copy, len, NULL);
    }

  /* Numbers replaced by extreme ones. */
  g_regex_match (number, text, 0, &match);
  while (g_match_info_matches (match))
    {
      int s, e;
      g_match_info_fetch_pos (match, 0, &s, &e);
      g_array_append_val (starts, s);
      g_array_append_val (ends, e);
      g_match_info_next (match, NULL);
    }
  for (guint k = 0; k < MIN (starts->len, max_numbers); k++)
    {
      guint which = starts->len <= max_numbers ? k : (guint) g_rand_int_range (rng, 0, (gint32) starts->len);
      int s = g_array_index (starts, int, which), e = g_array_index (ends, int, which);
      for (guint v = 0; v < G_N_ELEMENTS (bad_values); v += 1 + (k % 3))
        {
          g_autofree char *copy = g_strdup_printf ("%.*s%s%s", s, text, bad_values[v], text + e);
          check_input (copy, strlen (copy), NULL);
        }
    }
}

/* ---------------- mutations of the structure ---------------- */

static JsonObject *
process_of (JsonNode *root, guint i)
{
  JsonArray *procs = json_object_get_array_member (json_node_get_object (root), "processes");

  return json_array_get_object_element (procs, i);
}

static void
with_member (const Seed *seed, guint proc, const char *key, const char *value_json,
             const Target *target)
{
  g_autoptr(JsonNode) root = parse (seed->text);
  JsonObject *object = proc == G_MAXUINT ? json_node_get_object (root) : process_of (root, proc);

  if (value_json == NULL)
    json_object_remove_member (object, key);
  else
    json_object_set_member (object, key, placeholder ());
  check_node (root, value_json, target);
}

static void
with_param (const Seed *seed, guint proc, const char *param, const char *value_json)
{
  g_autoptr(JsonNode) root = parse (seed->text);
  JsonObject *object = process_of (root, proc);
  JsonObject *params = json_object_get_object_member (object, "params");
  Target target = { json_object_get_string_member (object, "name"), param, seed };

  json_object_set_member (params, param, placeholder ());
  check_node (root, value_json, &target);
}

static void
with_connection (const Seed *seed, const char *from, const char *to)
{
  g_autoptr(JsonNode) root = parse (seed->text);
  JsonObject *object = json_node_get_object (root);
  JsonObject *conn = json_object_new ();

  if (!json_object_has_member (object, "connections"))
    json_object_set_array_member (object, "connections", json_array_new ());
  json_object_set_string_member (conn, "from", from);
  json_object_set_string_member (conn, "to", to);
  json_array_add_object_element (json_object_get_array_member (object, "connections"), conn);
  check_node (root, NULL, NULL);
}

static void
mutate_structure (const Seed *seed, GRand *rng)
{
  g_autoptr(JsonNode) root = parse (seed->text);
  JsonArray *procs = json_object_get_array_member (json_node_get_object (root), "processes");
  guint n_procs = json_array_get_length (procs);
  static const char *top[][2] = {
    { "version", "2" }, { "version", "0" }, { "version", "-1" }, { "version", "1e308" },
    { "version", "\"1\"" }, { "version", NULL }, { "format", NULL }, { "format", "5" },
    { "run", "{\"tag\": \"bogus\"}" }, { "run", "{\"tag\": 5}" }, { "run", "{\"steps\": -5}" },
    { "run", "{\"steps\": 1e20}" }, { "run", "{\"steps\": [1]}" }, { "run", "{\"seed\": -1}" },
    { "run", "{\"seed\": 1e308}" }, { "run", "5" }, { "processes", "5" },
    { "processes", "[5]" }, { "processes", "[{}]" }, { "processes", "[{\"name\": \"a\"}]" },
    { "connections", "5" }, { "connections", "[5]" }, { "connections", "[{}]" },
    { "connections", "[{\"from\": 5, \"to\": []}]" }, { "groups", "[[[]]]" },
  };

  for (guint k = 0; k < G_N_ELEMENTS (top); k++)
    with_member (seed, G_MAXUINT, top[k][0], top[k][1], NULL);

  for (guint i = 0; i < n_procs; i++)
    {
      JsonObject *proc = json_array_get_object_element (procs, i);
      const char *name = json_object_get_string_member (proc, "name");
      const char *type_name = json_object_get_string_member (proc, "type");
      const BslProcType *type = bsl_proc_type_lookup (type_name);
      JsonObject *params = json_object_get_object_member (proc, "params");
      g_autoptr(GList) param_names = params != NULL ? json_object_get_members (params) : NULL;
      guint n_params = g_list_length (param_names);
      Target target = { name, NULL, seed };
      g_autofree char *first_name = g_strdup_printf ("\"%s\"", json_object_get_string_member (
                                                       json_array_get_object_element (procs, 0), "name"));

      for (guint k = 0; k < G_N_ELEMENTS (bad_shapes); k++)
        with_member (seed, i, "shape", bad_shapes[k], &target);
      if (i > 0)
        with_member (seed, i, "name", first_name, NULL);
      with_member (seed, i, "name", "\"\"", NULL);
      with_member (seed, i, "name", "\"1x\"", NULL);
      with_member (seed, i, "name", "\"a.b\"", NULL);
      with_member (seed, i, "name", "5", NULL);
      with_member (seed, i, "type", "\"Nope\"", NULL);
      with_member (seed, i, "type", "5", NULL);
      with_member (seed, i, "params", "5", &target);
      with_member (seed, i, "params", "[]", &target);
      with_member (seed, i, "params", "{\"nope\": 1}", &target);
      with_member (seed, i, "model", "\"bogus\"", &target);
      with_member (seed, i, "model", "5", &target);
      with_member (seed, i, "ui", "{\"x\": [1], \"y\": {}}", NULL);
      with_member (seed, i, "ui", "{\"x\": \"a\", \"y\": null}", NULL);
      with_member (seed, i, "ui", "[]", NULL);

      /* Every bad value and every initializer lands on some parameter. */
      if (n_params > 0)
        {
          for (guint k = 0; k < G_N_ELEMENTS (bad_values); k++)
            with_param (seed, i, g_list_nth_data (param_names, (k + i) % n_params), bad_values[k]);
          for (guint k = 0; k < G_N_ELEMENTS (initializers); k++)
            with_param (seed, i, g_list_nth_data (param_names, g_rand_int_range (rng, 0, (gint32) n_params)),
                        initializers[k]);
          for (guint k = 0; npy_files[k] != NULL; k++)
            {
              g_autofree char *init = g_strdup_printf ("{\"file\": \"%s\"}", npy_files[k]);
              with_param (seed, i, g_list_nth_data (param_names, (k * 7 + i) % n_params), init);
            }
        }

      /* Self-connections, every OutPort to every InPort of the same process. */
      for (guint a = 0; type != NULL && a < type->n_ports; a++)
        for (guint b = 0; b < type->n_ports; b++)
          {
            g_autofree char *from = g_strdup_printf ("%s.%s", name, type->ports[a].name);
            g_autofree char *to = g_strdup_printf ("%s.%s", name, type->ports[b].name);
            with_connection (seed, from, to);
          }

      if (type != NULL && bsl_proc_type_is_equations (type))
        {
          static const char *keys[] = { "model", "threshold", "reset", "refractory", "input",
                                        "method" };
          for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
            {
              static const char *odd[] = { "5", "[]", "null", "{}", "\"\"", "\"bogus\"" };
              for (guint o = 0; o < G_N_ELEMENTS (odd); o++)
                {
                  g_autoptr(JsonNode) r = parse (seed->text);
                  JsonObject *eq = json_object_get_object_member (process_of (r, i), "equations");
                  json_object_set_member (eq, keys[k], placeholder ());
                  check_node (r, odd[o], &target);
                }
              for (guint g = 0; g < G_N_ELEMENTS (garbage_equations); g++)
                {
                  g_autoptr(JsonNode) r = parse (seed->text);
                  JsonObject *eq = json_object_get_object_member (process_of (r, i), "equations");
                  json_object_set_string_member (eq, keys[k], garbage_equations[g]);
                  check_node (r, NULL, &target);
                }
            }
          with_member (seed, i, "equations", "\"dv/dt = -v/ms : 1\"", &target);
          with_member (seed, i, "equations", "[]", &target);
        }
      else
        with_member (seed, i, "equations", "{\"model\": \"dv/dt = -v/ms : 1\"}", &target);
    }

  /* Connections to nowhere and odd endpoints; a connection made twice. */
  for (guint k = 0; k < G_N_ELEMENTS (bad_endpoints); k++)
    {
      with_connection (seed, bad_endpoints[k], "p.a_in");
      with_connection (seed, "p.s_out", bad_endpoints[k]);
    }
  {
    JsonArray *conns = json_object_get_array_member (json_node_get_object (root), "connections");
    if (conns != NULL && json_array_get_length (conns) > 0)
      {
        JsonObject *c = json_array_get_object_element (conns, 0);
        const char *from = json_object_get_string_member (c, "from");
        const char *to = json_object_get_string_member (c, "to");
        with_connection (seed, from, to);
        with_connection (seed, to, from);
      }
  }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);

  for (const char *name; dir != NULL && (name = g_dir_read_name (dir)) != NULL;)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* ---------------- tests ---------------- */

static void
test_sweep (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (20261122);
  gint64 t0 = g_get_monotonic_time ();

  for (guint s = 0; s < seeds->len; s++)
    {
      const Seed *seed = g_ptr_array_index (seeds, s);
      gint64 t1 = g_get_monotonic_time ();
      guint before = n_inputs;
      mutate_text (seed, rng);
      if (!seed->heavy)
        mutate_structure (seed, rng);
      g_test_message ("%s: %u inputs, %.2f s", seed->name, n_inputs - before,
                      (g_get_monotonic_time () - t1) / 1e6);
    }
  g_test_message ("%u inputs: %u loaded, %u compiled runs, %.1f s", n_inputs, n_loaded,
                  n_compiled, (g_get_monotonic_time () - t0) / 1e6);
  /* The sweep is only worth something if it also reaches the compiler and the kernels. */
  g_assert_cmpuint (n_loaded, >, n_inputs / 10);
  g_assert_cmpuint (n_compiled, >, n_loaded / 4);
}

/* Inputs that once crashed, warned, allocated without bound or were accepted and then could not
 * be saved; each must now be refused with a message that says what is wrong where. */
static void
test_regressions (void)
{
#define NET(procs, extra) "{\"format\": \"basalt\", \"version\": 1, \"processes\": [" procs "]" extra "}"
#define LIF "{\"name\": \"lif\", \"type\": \"LIF\", \"shape\": [3]"
  static const struct { const char *text; const char *wanted[3]; } cases[] = {
    { "", { "the file is empty" } },
    { "  \n ", { "the file is empty" } },
    { "{\"format\": [\"basalt\"], \"version\": 1}", { "\"format\": \"basalt\"" } },
    { "{\"format\": \"basalt\", \"version\": 1e308}", { "newer Basalt" } },
    { "{\"format\": \"basalt\", \"version\": 1.5}", { "version 1.5" } },
    { NET ("", ", \"run\": {\"steps\": [1]}"), { "run", "steps" } },
    { NET ("", ", \"run\": {\"steps\": -5}"), { "run", "steps" } },
    { NET ("", ", \"run\": {\"steps\": 1e20}"), { "run", "steps" } },
    { NET ("", ", \"run\": {\"seed\": {}}"), { "run", "seed" } },
    { NET ("", ", \"run\": {\"tag\": []}"), { "run", "tag" } },
    { NET ("", ", \"run\": 5"), { "\"run\" must be an object" } },
    { NET ("{\"name\": [], \"type\": \"LIF\"}", ""), { "processes[0]", "name" } },
    { NET ("{\"name\": \"lif\", \"type\": {}}", ""), { "lif", "type" } },
    { NET (LIF "}", ", \"connections\": [{\"from\": {}, \"to\": \"lif.a_in\"}]"),
      { "connections[0]", "from" } },
    { NET ("{\"name\": \"eq\", \"type\": \"Equations\", \"equations\": {\"model\": []}}", ""),
      { "eq", "Equations", "\"model\" must be a string" } },
    { NET ("{\"name\": \"eq\", \"type\": \"Equations\", \"equations\": {\"reset\": 5}}", ""),
      { "eq", "\"reset\" must be a string" } },
    { NET (LIF ", \"ui\": {\"x\": 1, \"y\": 1e999}}", ""), { "lif", "LIF", "\"ui\": \"y\" is not a finite" } },
    { NET (LIF ", \"note\": [1e999]}", ""), { "lif", "\"note\"[0] is not a finite" } },
    { NET (LIF "}", ", \"groups\": {\"g\": -1e999}"), { "\"groups\": \"g\" is not a finite" } },
    { NET (LIF ", \"params\": {\"bias_mant\": {\"init\": []}}}", ""), { "lif", "bias_mant", "\"init\"" } },
    { NET (LIF ", \"params\": {\"bias_mant\": {\"file\": {}}}}", ""), { "lif", "bias_mant", "'file' must be a string" } },
    { NET (LIF ", \"params\": {\"bias_mant\": {\"init\": \"constant\", \"x\": 1e999}}}", ""),
      { "lif", "\"bias_mant\": \"x\" is not a finite" } },
    { NET (LIF ", \"params\": {\"bias_mant\": {\"file\": \"neg.npy\"}}}", ""), { "lif", "bias_mant", "neg.npy" } },
    { NET (LIF ", \"params\": {\"bias_mant\": {\"file\": \"/dev/zero\"}}}", ""),
      { "lif", "bias_mant", "/dev/zero is outside the network's folder" } },
    { NET (LIF ", \"params\": {\"bias_mant\": {\"file\": \"wrapall.npy\"}}}", ""), { "bias_mant", "wrapall.npy", "truncated" } },
    { NET (LIF ", \"params\": {\"bias_mant\": {\"file\": \"wrap2.npy\"}}}", ""), { "bias_mant", "wrap2.npy", "truncated" } },
    { NET (LIF ", \"params\": {\"bias_mant\": {\"file\": \"limit.npy\"}}}", ""), { "bias_mant", "limit.npy", "truncated" } },
    { NET ("{\"name\": \"syn\", \"type\": \"Dense\", \"shape\": [65536, 65536], "
           "\"params\": {\"weights\": {\"init\": \"constant\", \"value\": 1}}}", ""),
      { "syn", "Dense", "at most 67108864" } },
    { NET ("{\"name\": \"syn\", \"type\": \"Dense\", \"shape\": [67108864, 67108864]}", ""),
      { "syn", "at most 67108864" } },
    { NET (LIF ", \"params\": {\"bias_mant\": {\"init\": \"uniform\", \"seed\": -1}}}", ""),
      { "lif", "bias_mant", "'seed' = -1" } },
    { NET (LIF ", \"params\": {\"bias_mant\": {\"init\": \"normal\", \"seed\": 1e308}}}", ""),
      { "lif", "bias_mant", "'seed'" } },
    { NET (LIF ", \"params\": {\"bias_mant\": {\"init\": \"constant\", \"p\": 0.5, \"seed\": 2.5}}}", ""),
      { "lif", "bias_mant", "'seed'" } },
    { NET ("{\"name\": \"lif\", \"type\": \"LIF\", \"shape\": [1e308]}", ""), { "lif", "shape", "too large" } },
    { NET ("{\"name\": \"lif\", \"type\": \"LIF\", \"shape\": [1000000000]}", ""), { "lif", "shape", "1000000000" } },
  };
#undef LIF
#undef NET

  /* json-glib's recursive parser overflowed the stack on this. */
  {
    g_autoptr(GString) deep = g_string_new ("{\"format\": \"basalt\", \"version\": 1, \"x\": ");
    g_autoptr(GError) error = NULL;
    g_autoptr(BslGraph) graph = NULL;

    for (guint k = 0; k < 300000; k++)
      g_string_append_c (deep, '[');
    for (guint k = 0; k < 300000; k++)
      g_string_append_c (deep, ']');
    g_string_append_c (deep, '}');
    graph = bsl_graph_load_data (deep->str, (gssize) deep->len, "deep.basalt", NULL, &error);
    g_assert_error (error, BSL_ERROR, BSL_ERROR_PARSE);
    g_assert_true (g_str_has_prefix (error->message, "deep.basalt: "));
    g_assert_nonnull (strstr (error->message, "nested"));
  }

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BslGraph) graph = bsl_graph_load_data (cases[k].text, -1, "case.basalt", tmp_dir,
                                                       &error);
      g_test_message ("case %u: %s", k, cases[k].text);
      g_assert_null (graph);
      g_assert_nonnull (error);
      g_assert_true (bsl_error_is_bad_input (error));
      g_assert_true (g_str_has_prefix (error->message, "case.basalt: "));
      for (guint w = 0; w < G_N_ELEMENTS (cases[k].wanted) && cases[k].wanted[w] != NULL; w++)
        if (strstr (error->message, cases[k].wanted[w]) == NULL)
          g_error ("case %u: '%s' is not in the message: %s", k, cases[k].wanted[w], error->message);
    }
}

/* A ring of 1500 LIF populations, each into the next through a Dense: 3000 processes, as a
 * large design has. Compiling it once took most of a minute (a name lookup per connection per
 * scheduled process); the bound is far above what it takes now, even under a sanitizer. */
static void
test_many_processes (void)
{
  const guint n = 1500;
  g_autoptr(GString) text = g_string_new ("{\"format\": \"basalt\", \"version\": 1, \"processes\": [");
  g_autoptr(GError) error = NULL;
  g_autoptr(BslGraph) graph = NULL;
  g_autoptr(BslRunConfig) config = bsl_run_config_new (BSL_TAG_FIXED_PT);
  BslRuntime *runtime;
  gint64 t0;
  double seconds;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s{\"name\": \"l%u\", \"type\": \"LIF\", \"shape\": [2], "
                            "\"params\": {\"vth\": 10, \"bias_mant\": 20, \"bias_exp\": 6}}, "
                            "{\"name\": \"d%u\", \"type\": \"Dense\", \"shape\": [2, 2], "
                            "\"params\": {\"weights\": 1}}", i ? ", " : "", i, i);
  g_string_append (text, "], \"connections\": [");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s{\"from\": \"l%u.s_out\", \"to\": \"d%u.s_in\"}, "
                            "{\"from\": \"d%u.a_out\", \"to\": \"l%u.a_in\"}",
                            i ? ", " : "", i, i, i, (i + 1) % n);
  g_string_append (text, "]}");

  t0 = g_get_monotonic_time ();
  graph = bsl_graph_load_data (text->str, (gssize) text->len, "ring.basalt", NULL, &error);
  g_assert_no_error (error);
  config->n_threads = 1;
  runtime = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  bsl_runtime_run (runtime, 5);
  seconds = (g_get_monotonic_time () - t0) / 1e6;
  g_test_message ("%u processes: loaded, compiled and ran 5 steps in %.2f s", 2 * n, seconds);
  g_assert_cmpfloat (seconds, <, 15.0);
  bsl_runtime_free (runtime);
}

static void
assert_no_file (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    g_error ("%s was written although the run failed", path);
}

/* The command line: exit status 2, the file named on stderr, no output file left behind. */
static void
test_cli (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *example = test_examples_path ("lif-bias.basalt");
  g_autofree char *bad = g_build_filename (dir, "truncated-net.basalt", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty-net.basalt", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing-net.basalt", NULL);
  g_autofree char *out = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *unwritable = g_build_filename (dir, "no-such-dir", "out.csv", NULL);
  g_autofree char *text = NULL;
  const char *bad_files[] = { bad, empty, missing, dir };
  static const char *odd_probes[] = { "", ".", "a.", ".b", "a.b.c", "lif.", "lif.nope" };
  gsize length;

  g_assert_true (g_file_get_contents (example, &text, &length, NULL));
  g_assert_true (g_file_set_contents (bad, text, (gssize) length / 2, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));

  for (guint k = 0; k < G_N_ELEMENTS (bad_files); k++)
    {
      g_autofree char *o = NULL, *e = NULL;
      g_autofree char *base = g_path_get_basename (bad_files[k]);
      int status = test_run_basalt (&o, &e, "run", bad_files[k], "--out", out, NULL);

      g_test_message ("basalt run %s: %d, %s", bad_files[k], status, e);
      g_assert_cmpint (status, ==, 2);
      g_assert_nonnull (strstr (e, base));
      g_assert_null (strstr (e, "CRITICAL"));
      assert_no_file (out);
    }

  {
    g_autofree char *o = NULL, *e = NULL;
    int status = test_run_basalt (&o, &e, "run", example, "--steps", "1e20", "--out", out, NULL);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (e, "--steps"));
    assert_no_file (out);
  }
  {
    g_autofree char *o = NULL, *e = NULL;
    int status = test_run_basalt (&o, &e, "run", example, "--out", unwritable, NULL);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (e, unwritable));
  }
  {
    g_autofree char *o = NULL, *e = NULL;
    int status = test_run_basalt (&o, &e, "run", example, "--steps", "2", "--out", dir, NULL);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (e, dir));
    g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  }
  for (guint k = 0; k < G_N_ELEMENTS (odd_probes); k++)
    {
      g_autofree char *o = NULL, *e = NULL;
      int status = test_run_basalt (&o, &e, "run", example, "--steps", "3", "--probe",
                                    odd_probes[k], "--out", out, NULL);
      g_test_message ("--probe '%s': %d, %s", odd_probes[k], status, e);
      g_assert_cmpint (status, ==, 2);
      g_assert_nonnull (strstr (e, "probe"));
      g_assert_nonnull (strstr (e, "lif-bias.basalt"));
      assert_no_file (out);
    }
  {
    g_autofree char *o = NULL, *e = NULL;
    int status = test_run_basalt (&o, &e, "run", example, "--steps", "-5", "--out", out, NULL);
    g_test_message ("--steps -5: %d, %s", status, e);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (e, "--steps"));
    assert_no_file (out);
    g_clear_pointer (&o, g_free);
    g_clear_pointer (&e, g_free);
    status = test_run_basalt (&o, &e, "run", example, "--seed", "-7", NULL);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (e, "--seed"));
    g_unlink (out);
  }
  remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_autoptr(GDir) dir = NULL;
  const char *root = g_getenv ("BASALT_EXAMPLES_DIR");
  const BslProcType **types;
  guint n_types;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = test_tmp_dir ();
  seeds = g_ptr_array_new_with_free_func ((GDestroyNotify) seed_free);
  write_files ();

  dir = g_dir_open (root != NULL ? root : "data/examples", 0, NULL);
  g_assert_nonnull (dir);
  for (const char *name; (name = g_dir_read_name (dir)) != NULL;)
    if (g_str_has_suffix (name, ".basalt"))
      {
        g_autofree char *path = test_examples_path (name);
        char *text = NULL;
        g_file_get_contents (path, &text, NULL, NULL);
        g_assert_nonnull (text);
        add_seed (name, text);
      }
  types = bsl_proc_type_list (&n_types);
  for (guint t = 0; t < n_types; t++)
    add_seed (types[t]->name, type_network (types[t]));
  add_seed ("initializers", g_strdup (
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"fixed_pt\", \"steps\": 10},"
    " \"processes\": ["
    "  {\"name\": \"src\", \"type\": \"RingBuffer\", \"shape\": [4], \"params\": {\"data\": {\"file\": \"good.csv\"}}},"
    "  {\"name\": \"syn\", \"type\": \"Dense\", \"shape\": [3, 4], \"params\": {\"weights\": {\"file\": \"good.npy\"}}},"
    "  {\"name\": \"p\", \"type\": \"LIF\", \"shape\": [3], \"params\": {\"du\": 410, \"vth\": 10,"
    "     \"bias_mant\": {\"init\": \"uniform\", \"low\": 0, \"high\": 50, \"seed\": 3, \"round\": true}}}],"
    " \"connections\": [{\"from\": \"src.s_out\", \"to\": \"syn.s_in\"}, {\"from\": \"syn.a_out\", \"to\": \"p.a_in\"}]}"));

  g_test_add_func ("/robustness/regressions", test_regressions);
  g_test_add_func ("/robustness/cli", test_cli);
  g_test_add_func ("/robustness/many-processes", test_many_processes);
  g_test_add_func ("/robustness/sweep", test_sweep);
  status = g_test_run ();
  g_ptr_array_unref (seeds);
  remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
