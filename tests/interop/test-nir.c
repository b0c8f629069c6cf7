/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NIR import and export: the reference files, the documented neuron mapping against a direct
 * Euler integration of NIR's equations, round trips, the exact HDF5 layout, malformed files
 * (written here with libhdf5) and the command line. */
#include "config.h"

#include <hdf5.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bsl-error.h"
#include "interop/bsl-nir-export.h"
#include "interop/bsl-nir-import.h"
#include "test-util.h"

/* libhdf5 1.10 leaks a few bytes on some error paths of corrupt files (H5Dopen reading a broken
 * layout message); under -Db_sanitize those are libhdf5's, not Basalt's. LeakSanitizer asks the
 * program for suppressions through this hook; other builds never call it. */
const char *__lsan_default_suppressions (void);
const char *
__lsan_default_suppressions (void)
{
  return "leak:libhdf5_serial.so\nleak:libhdf5.so\n";
}

/* ---------------- writing test files ---------------- */

typedef enum { STR_VLEN, STR_NULLPAD, STR_SPACEPAD } StrKind;

static void
h5_string (hid_t loc, const char *name, const char *s, StrKind kind)
{
  hid_t t = H5Tcopy (H5T_C_S1), sp = H5Screate (H5S_SCALAR), d;

  if (kind == STR_VLEN)
    H5Tset_size (t, H5T_VARIABLE);
  else
    {
      H5Tset_size (t, strlen (s) + 3);
      H5Tset_strpad (t, kind == STR_NULLPAD ? H5T_STR_NULLPAD : H5T_STR_SPACEPAD);
    }
  d = H5Dcreate2 (loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (kind == STR_VLEN)
    H5Dwrite (d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s);
  else
    {
      g_autofree char *buf = g_strnfill (strlen (s) + 3, kind == STR_NULLPAD ? '\0' : ' ');
      memcpy (buf, s, strlen (s));
      H5Dwrite (d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    }
  H5Dclose (d);
  H5Sclose (sp);
  H5Tclose (t);
}

/* Stored as `type` (float32 is what most NIR writers use); gzip-compressed when asked, as
 * nir.write does by default. */
static void
h5_typed (hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
          const double *v, gboolean gzip)
{
  hid_t sp = H5Screate_simple (rank, dims, NULL);
  hid_t plist = H5Pcreate (H5P_DATASET_CREATE);
  hid_t d;

  if (gzip)
    {
      H5Pset_chunk (plist, rank, dims);
      H5Pset_deflate (plist, 4);
    }
  d = H5Dcreate2 (loc, name, type, sp, H5P_DEFAULT, plist, H5P_DEFAULT);
  H5Dwrite (d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
  H5Dclose (d);
  H5Pclose (plist);
  H5Sclose (sp);
}

static void
h5_floats (hid_t loc, const char *name, int rank, const hsize_t *dims, const double *v,
           gboolean gzip)
{
  h5_typed (loc, name, H5T_IEEE_F64LE, rank, dims, v, gzip);
}

static void
h5_vec (hid_t loc, const char *name, gsize n, const double *v)
{
  hsize_t dims[1] = { n };

  h5_typed (loc, name, H5T_IEEE_F64LE, 1, dims, v, TRUE);
}

static void
h5_vec32 (hid_t loc, const char *name, gsize n, const double *v)
{
  hsize_t dims[1] = { n };

  h5_typed (loc, name, H5T_IEEE_F32LE, 1, dims, v, TRUE);
}

static void
h5_shape (hid_t loc, long long n)
{
  hsize_t dims[1] = { 1 };
  hid_t sp = H5Screate_simple (1, dims, NULL);
  hid_t d = H5Dcreate2 (loc, "shape", H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);

  H5Dwrite (d, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, &n);
  H5Dclose (d);
  H5Sclose (sp);
}

static hid_t
h5_node (hid_t nodes, const char *name, const char *type, StrKind kind)
{
  hid_t g = H5Gcreate2 (nodes, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);

  h5_string (g, "type", type, kind);
  return g;
}

/* (E, 2) edges, as fixed-length strings or vlen. */
static void
h5_edges (hid_t graph, const char *const *ends, gsize n_edges, StrKind kind)
{
  hsize_t dims[2] = { n_edges, 2 };
  hid_t t = H5Tcopy (H5T_C_S1), sp = H5Screate_simple (2, dims, NULL), d;

  if (kind == STR_VLEN)
    {
      H5Tset_size (t, H5T_VARIABLE);
      d = H5Dcreate2 (graph, "edges", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite (d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, ends);
    }
  else
    {
      g_autofree char *buf = g_malloc0 (n_edges * 2 * 16);
      for (gsize i = 0; i < 2 * n_edges; i++)
        strncpy (buf + 16 * i, ends[i], 16);
      H5Tset_size (t, 16);
      H5Tset_strpad (t, H5T_STR_NULLPAD);
      d = H5Dcreate2 (graph, "edges", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite (d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    }
  H5Dclose (d);
  H5Sclose (sp);
  H5Tclose (t);
}

typedef struct
{
  hid_t file, root, nodes;
} NirFile;

static NirFile
nir_begin (const char *path, StrKind kind, double dt)
{
  NirFile f;

  f.file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  g_assert_cmpint (f.file, >=, 0);
  h5_string (f.file, "version", "1.0.7", kind);
  f.root = H5Gcreate2 (f.file, "node", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  h5_string (f.root, "type", "NIRGraph", kind);
  f.nodes = H5Gcreate2 (f.root, "nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (dt > 0)
    {
      hid_t meta = H5Gcreate2 (f.root, "metadata", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      hid_t sp = H5Screate (H5S_SCALAR);
      hid_t d = H5Dcreate2 (meta, "dt", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite (d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &dt);
      H5Dclose (d);
      H5Sclose (sp);
      H5Gclose (meta);
    }
  return f;
}

static void
nir_end (NirFile *f, const char *const *ends, gsize n_edges, StrKind kind)
{
  H5Gclose (f->nodes);
  if (ends != NULL)
    h5_edges (f->root, ends, n_edges, kind);
  H5Gclose (f->root);
  H5Fclose (f->file);
}

/* ---------------- comparing networks ---------------- */

static gboolean
close_enough (double a, double b)
{
  return fabs (a - b) <= 1e-9 * MAX (1.0, MAX (fabs (a), fabs (b)));
}

static void
assert_same_network (const BslGraph *a, const BslGraph *b)
{
  g_assert_cmpuint (bsl_graph_get_n_processes (a), ==, bsl_graph_get_n_processes (b));
  for (guint i = 0; i < bsl_graph_get_n_processes (a); i++)
    {
      const BslProcess *p = bsl_graph_get_process (a, i);
      const BslProcType *type = bsl_process_get_proc_type (p);
      const BslProcess *q = bsl_graph_find_process (b, bsl_process_get_name (p));
      double px, py, qx, qy;

      if (q == NULL)
        g_error ("process '%s' is missing after the round trip", bsl_process_get_name (p));
      g_assert_cmpstr (type->name, ==, bsl_process_get_proc_type (q)->name);
      g_assert_cmpuint (bsl_process_get_ndim (p), ==, bsl_process_get_ndim (q));
      for (guint d = 0; d < bsl_process_get_ndim (p); d++)
        g_assert_cmpuint (bsl_process_get_dims (p)[d], ==, bsl_process_get_dims (q)[d]);
      for (guint v = 0; v < type->n_vars; v++)
        {
          const char *var = type->vars[v].name;
          g_autoptr (BslArray) x = NULL;
          g_autoptr (BslArray) y = NULL;
          if (type->vars[v].shape == BSL_SHAPE_TIME_SERIES)
            continue;   /* Input data does not travel through NIR */
          x = bsl_process_dup_param_full (p, var, NULL);
          y = bsl_process_dup_param_full (q, var, NULL);
          g_assert_cmpuint (x->n, ==, y->n);
          for (gsize k = 0; k < x->n; k++)
            if (!close_enough (x->data[k], y->data[k]))
              g_error ("%s.%s[%" G_GSIZE_FORMAT "]: %.17g before, %.17g after the round trip",
                       bsl_process_get_name (p), var, k, x->data[k], y->data[k]);
        }
      bsl_process_get_position (p, &px, &py);
      g_assert_true (bsl_process_get_position (q, &qx, &qy));
      g_assert_cmpfloat (px, ==, qx);
      g_assert_cmpfloat (py, ==, qy);
    }
  g_assert_cmpuint (bsl_graph_get_n_connections (a), ==, bsl_graph_get_n_connections (b));
  for (guint c = 0; c < bsl_graph_get_n_connections (a); c++)
    {
      const BslConnection *x = bsl_graph_get_connection (a, c);
      gboolean found = FALSE;
      for (guint d = 0; d < bsl_graph_get_n_connections (b) && !found; d++)
        found = bsl_connection_equal (x, bsl_graph_get_connection (b, d));
      if (!found)
        g_error ("connection %s.%s -> %s.%s is missing after the round trip",
                 bsl_connection_get_from_process (x), bsl_connection_get_from_port (x),
                 bsl_connection_get_to_process (x), bsl_connection_get_to_port (x));
    }
}

static BslGraph *
import_ok (const char *path, GPtrArray *notes)
{
  g_autoptr (GError) error = NULL;
  BslGraph *graph = bsl_nir_import_file (path, NULL, notes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (graph);
  return graph;
}

static void
assert_import_fails (const char *path, const char *const *words)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_nir_import_file (path, NULL, NULL, &error);
  g_autofree char *base = g_path_get_basename (path);

  g_assert_null (graph);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (bsl_error_is_bad_input (error));
  g_assert_nonnull (strstr (error->message, base));
  for (guint i = 0; words[i] != NULL; i++)
    if (strstr (error->message, words[i]) == NULL)
      g_error ("the message '%s' does not mention '%s'", error->message, words[i]);
}

/* ---------------- the reference files ---------------- */

static void
test_reference_import (gconstpointer data)
{
  const char *path = data;
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (BslGraph) graph = import_ok (path, notes);
  g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
  g_autoptr (GError) error = NULL;
  BslRuntime *rt;

  g_assert_cmpint (bsl_graph_get_run_tag (graph), ==, BSL_TAG_FLOATING_PT);
  g_assert_cmpuint (bsl_graph_get_n_processes (graph), >, 2);
  /* Laid out: every process placed, no two on the same spot. */
  for (guint i = 0; i < bsl_graph_get_n_processes (graph); i++)
    {
      double px, py, qx, qy;

      g_assert_true (bsl_process_get_position (bsl_graph_get_process (graph, i), &px, &py));
      for (guint j = 0; j < i; j++)
        {
          bsl_process_get_position (bsl_graph_get_process (graph, j), &qx, &qy);
          g_assert_false (px == qx && py == qy);
        }
    }
  /* It runs as imported. */
  rt = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  bsl_runtime_run (rt, 20);
  bsl_runtime_free (rt);
  for (guint i = 0; i < notes->len; i++)
    g_test_message ("note: %s", (char *) notes->pdata[i]);
}

/* 01: per-neuron time constants become one LIF per (tau_syn, tau_mem) with du = dt / tau_syn. */
static void
test_reference_cubalif (void)
{
  g_autofree char *path = test_data_path ("reference", "nir", "01_cubalif_single.nir", NULL);
  g_autoptr (BslGraph) graph = import_ok (path, NULL);
  hid_t file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  double tau_syn[4], tau_mem[4], v_thr[4], v_reset[4];
  guint n_lif = 0, distinct = 0;

  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  g_assert_cmpint (file, >=, 0);
  {
    const char *names[] = { "tau_syn", "tau_mem", "v_threshold", "v_reset" };
    double *dest[] = { tau_syn, tau_mem, v_thr, v_reset };
    for (int k = 0; k < 4; k++)
      {
        g_autofree char *ds = g_strdup_printf ("/node/nodes/cubalif/%s", names[k]);
        hid_t d = H5Dopen2 (file, ds, H5P_DEFAULT);
        g_assert_cmpint (d, >=, 0);
        g_assert_cmpint (H5Dread (d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, dest[k]),
                         >=, 0);
        H5Dclose (d);
      }
  }
  H5Fclose (file);

  for (int i = 0; i < 4; i++)
    {
      gboolean seen = FALSE, found = FALSE;
      for (int j = 0; j < i; j++)
        if (tau_syn[j] == tau_syn[i] && tau_mem[j] == tau_mem[i])
          seen = TRUE;
      if (!seen)
        distinct++;
      for (guint p = 0; p < bsl_graph_get_n_processes (graph); p++)
        {
          const BslProcess *proc = bsl_graph_get_process (graph, p);
          g_autoptr (BslArray) du = NULL;
          g_autoptr (BslArray) dv = NULL;
          g_autoptr (BslArray) vth = NULL;
          if (!g_str_equal (bsl_process_get_proc_type (proc)->name, "LIF"))
            continue;
          du = bsl_process_dup_param_full (proc, "du", NULL);
          dv = bsl_process_dup_param_full (proc, "dv", NULL);
          vth = bsl_process_dup_param_full (proc, "vth", NULL);
          if (close_enough (du->data[0], 1e-3 / tau_syn[i])
              && close_enough (dv->data[0], 1e-3 / tau_mem[i])
              && close_enough (vth->data[0], v_thr[i] - v_reset[i]))
            found = TRUE;
        }
      g_assert_true (found);
    }
  for (guint p = 0; p < bsl_graph_get_n_processes (graph); p++)
    if (g_str_equal (bsl_process_get_proc_type (bsl_graph_get_process (graph, p))->name, "LIF"))
      n_lif++;
  g_assert_cmpuint (n_lif, ==, distinct);
}

static void
test_reference_conv (void)
{
  g_autofree char *path = test_data_path ("reference", "nir", "05_conv2d_sumpool_flatten.nir", NULL);
  const char *words[] = { "'conv'", "Conv2d", NULL };

  assert_import_fails (path, words);
}

static void
test_reference_round_trip (gconstpointer data)
{
  const char *path = data;
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *out = g_build_filename (dir, "round.nir", NULL);
  g_autoptr (BslGraph) first = import_ok (path, NULL);
  g_autoptr (BslGraph) second = NULL;
  g_autoptr (GError) error = NULL;

  bsl_nir_export_file (first, out, NULL, NULL, &error);
  g_assert_no_error (error);
  second = import_ok (out, NULL);
  assert_same_network (first, second);
}

static void
h5_ints (hid_t loc, const char *name, int rank, const long long *v, gsize n)
{
  hsize_t dims[1] = { n };
  hid_t sp = rank == 0 ? H5Screate (H5S_SCALAR) : H5Screate_simple (1, dims, NULL);
  hid_t d = H5Dcreate2 (loc, name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);

  H5Dwrite (d, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
  H5Dclose (d);
  H5Sclose (sp);
}

/* With --flatten-conv a grouped, strided, padded Conv2d with a non-square kernel gives the
 * same currents as the convolution computed directly. */
static void
test_flatten_conv (void)
{
  enum { CI = 2, CO = 4, H = 5, W = 4, KH = 2, KW = 3, G = 2 };
  const long long stride[2] = { 2, 1 }, pad[2] = { 1, 0 }, dil[2] = { 1, 1 }, groups = G;
  const long long in_shape[2] = { H, W }, shape_in[3] = { CI, H, W };
  const gsize HO = (H + 2 * 1 - (KH - 1) - 1) / 2 + 1, WO = (W - (KW - 1) - 1) / 1 + 1;
  const double dt = 1e-3;
  double weight[CO * (CI / G) * KH * KW], bias[CO], x[CI * H * W];
  g_autofree double *r = g_new (double, CO * HO * WO);
  g_autofree double *thr = g_new (double, CO * HO * WO);
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "conv.nir", NULL);
  const char *ends[] = { "input", "conv", "conv", "if", "if", "output" };
  BslNirImportOptions options = { .flatten_conv = TRUE };
  g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
  g_autoptr (BslGraph) graph = NULL;
  g_autoptr (BslArray) u = NULL;
  g_autoptr (BslArray) bias_mant = NULL;
  g_autoptr (GError) error = NULL;
  gsize data_dims[2] = { CI * H * W, 1 };
  NirFile f = nir_begin (path, STR_VLEN, dt);
  BslArray *data;
  BslRuntime *rt;
  hid_t g;

  for (guint i = 0; i < G_N_ELEMENTS (weight); i++)
    weight[i] = (double) ((i * 7) % 11) - 5.0;
  for (guint i = 0; i < CO; i++)
    bias[i] = 0.25 * i;
  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    x[i] = (double) ((i * 5) % 3);
  for (gsize i = 0; i < CO * HO * WO; i++)
    {
      r[i] = 1.0 / dt;   /* unit gain: u = the convolution */
      thr[i] = 1e9;
    }

  g = h5_node (f.nodes, "input", "Input", STR_VLEN);
  h5_ints (g, "shape", 1, shape_in, 3);
  H5Gclose (g);
  g = h5_node (f.nodes, "conv", "Conv2d", STR_VLEN);
  {
    hsize_t wd[4] = { CO, CI / G, KH, KW };
    h5_floats (g, "weight", 4, wd, weight, TRUE);
  }
  h5_vec (g, "bias", CO, bias);
  h5_ints (g, "stride", 1, stride, 2);
  h5_ints (g, "padding", 1, pad, 2);
  h5_ints (g, "dilation", 1, dil, 2);
  h5_ints (g, "groups", 0, &groups, 1);
  h5_ints (g, "input_shape", 1, in_shape, 2);
  H5Gclose (g);
  g = h5_node (f.nodes, "if", "IF", STR_VLEN);
  {
    hsize_t d3[3] = { CO, HO, WO };
    h5_floats (g, "r", 3, d3, r, TRUE);
    h5_floats (g, "v_threshold", 3, d3, thr, TRUE);
  }
  H5Gclose (g);
  g = h5_node (f.nodes, "output", "Output", STR_VLEN);
  {
    long long n = CO * HO * WO;
    h5_ints (g, "shape", 1, &n, 1);
  }
  H5Gclose (g);
  nir_end (&f, ends, 3, STR_VLEN);

  graph = bsl_nir_import_file (path, NULL, NULL, &error);
  g_assert_error (error, BSL_ERROR, BSL_ERROR_NEEDS_FLATTENING);
  g_clear_error (&error);
  graph = bsl_nir_import_file (path, &options, NULL, &error);
  g_assert_no_error (error);

  data = bsl_array_new (2, data_dims);
  memcpy (data->data, x, sizeof x);
  bsl_process_set_param (bsl_graph_find_process (graph, "input"), "data", data, &error);
  g_assert_no_error (error);
  rt = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  bsl_runtime_run (rt, 2);   /* the Dense delivers step 1's input at step 2 */
  u = bsl_runtime_get_var (rt, "if", "u", &error);
  g_assert_no_error (error);
  bias_mant = bsl_runtime_get_var (rt, "if", "bias_mant", &error);
  g_assert_no_error (error);
  bsl_runtime_free (rt);
  g_assert_cmpuint (u->n, ==, CO * HO * WO);

  for (gsize co = 0; co < CO; co++)
    for (gsize oy = 0; oy < HO; oy++)
      for (gsize ox = 0; ox < WO; ox++)
        {
          double want = 0.0;   /* the bias goes to bias_mant: u of an IF is its input */
          gsize grp = co / (CO / G);
          for (gsize cl = 0; cl < CI / G; cl++)
            for (gsize ky = 0; ky < KH; ky++)
              for (gsize kx = 0; kx < KW; kx++)
                {
                  long iy = (long) (oy * stride[0] + ky * dil[0]) - pad[0];
                  long ix = (long) (ox * stride[1] + kx * dil[1]) - pad[1];
                  if (iy < 0 || ix < 0 || iy >= H || ix >= W)
                    continue;
                  want += weight[((co * (CI / G) + cl) * KH + ky) * KW + kx]
                          * x[((grp * (CI / G) + cl) * H + iy) * W + ix];
                }
          g_assert_true (close_enough (u->data[(co * HO + oy) * WO + ox], want));
          g_assert_true (close_enough (bias_mant->data[(co * HO + oy) * WO + ox], bias[co]));
        }
}

static void
test_reference_conv_flattened (void)
{
  g_autofree char *path = test_data_path ("reference", "nir", "05_conv2d_sumpool_flatten.nir", NULL);
  BslNirImportOptions options = { .flatten_conv = TRUE };
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_nir_import_file (path, &options, notes, &error);
  g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
  BslRuntime *rt;

  g_assert_no_error (error);
  /* Input (1, 8, 8) -> conv -> IF (2, 8, 8) -> pool (2, 4, 4) -> flatten -> fc -> LIF (3). */
  g_assert_cmpuint (bsl_process_get_dims (bsl_graph_find_process (graph, "input"))[0], ==, 64);
  g_assert_cmpuint (bsl_process_get_dims (bsl_graph_find_process (graph, "if"))[0], ==, 128);
  g_assert_cmpuint (bsl_process_get_dims (bsl_graph_find_process (graph, "fc"))[1], ==, 128);
  rt = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);
  bsl_runtime_run (rt, 10);
  bsl_runtime_free (rt);
}

/* ---------------- the mapping against NIR's own equations ---------------- */

/* Input(3) -> Affine -> CubaLIF(3) -> Output, with w_in, r, v_leak, v_reset and thresholds that
 * differ per neuron. Basalt's imported LIF must follow NIR's Euler-discretised equations:
 *   I += dt/tau_syn (w_in x - I),  v += dt/tau_mem (v_leak - v + r I),  spike: v > v_th -> v_reset
 * with the input one step late (Lava's Dense) and v_basalt = k (v_nir - v_reset). */
static void
test_mapping_cubalif (void)
{
  static const double W[6] = { 1.5, 0.5, 0, 0.2, 2.0, -0.5 };
  static const double b[3] = { 0.1, 0, 0.3 };
  static const double tau_syn[3] = { 0.005, 0.005, 0.005 }, tau_mem[3] = { 0.02, 0.02, 0.02 };
  static const double r[3] = { 4.0, 3.0, 5.0 }, v_leak[3] = { 0.05, 0, -0.1 };
  static const double v_th[3] = { 1.0, 0.8, 1.2 }, v_reset[3] = { -0.2, 0, 0.1 };
  static const double w_in[3] = { 1.0, 2.0, 0.5 };
  const double dt = 1e-3;
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "cuba.nir", NULL);
  const char *ends[] = { "input", "fc", "fc", "lif", "lif", "output" };
  NirFile f = nir_begin (path, STR_VLEN, dt);
  g_autoptr (BslGraph) graph = NULL;
  g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);
  g_autoptr (GError) error = NULL;
  const BslProcess *lif = NULL;
  double I[3] = { 0 }, v[3] = { 0 }, x[2] = { 0 };
  const gsize T = 200;
  gsize dims[2] = { 2, T };
  BslArray *data;
  BslRuntime *rt;
  guint spikes = 0;
  hid_t g;

  g = h5_node (f.nodes, "input", "Input", STR_VLEN);
  h5_shape (g, 2);
  H5Gclose (g);
  g = h5_node (f.nodes, "fc", "Affine", STR_VLEN);
  {
    double wt[6] = { W[0], W[3], W[1], W[4], W[2], W[5] };   /* (3, 2) */
    hsize_t d2[2] = { 3, 2 };
    h5_floats (g, "weight", 2, d2, wt, TRUE);
  }
  h5_vec (g, "bias", 3, b);
  H5Gclose (g);
  g = h5_node (f.nodes, "lif", "CubaLIF", STR_VLEN);
  h5_vec (g, "tau_syn", 3, tau_syn);
  h5_vec (g, "tau_mem", 3, tau_mem);
  h5_vec (g, "r", 3, r);
  h5_vec (g, "v_leak", 3, v_leak);
  h5_vec (g, "v_threshold", 3, v_th);
  h5_vec (g, "v_reset", 3, v_reset);
  h5_vec (g, "w_in", 3, w_in);
  H5Gclose (g);
  g = h5_node (f.nodes, "output", "Output", STR_VLEN);
  h5_shape (g, 3);
  H5Gclose (g);
  nir_end (&f, ends, 3, STR_VLEN);

  graph = import_ok (path, NULL);
  for (guint i = 0; i < bsl_graph_get_n_processes (graph); i++)
    if (g_str_equal (bsl_process_get_proc_type (bsl_graph_get_process (graph, i))->name, "LIF"))
      lif = bsl_graph_get_process (graph, i);
  g_assert_nonnull (lif);
  g_assert_cmpuint (bsl_process_get_dims (lif)[0], ==, 3);

  /* Drive: input values that change every step. */
  data = bsl_array_new (2, dims);
  for (gsize t = 0; t < T; t++)
    {
      data->data[0 * T + t] = (t % 3 == 0) ? 1.0 : 0.25;
      data->data[1 * T + t] = (t % 5 < 2) ? 1.0 : 0.0;
    }
  bsl_process_set_param (bsl_graph_find_process (graph, "input"), "data", data, &error);
  g_assert_no_error (error);
  rt = bsl_runtime_new (graph, config, &error);
  g_assert_no_error (error);

  for (gsize t = 1; t <= T; t++)
    {
      g_autoptr (BslArray) vb = NULL;
      g_autoptr (BslArray) sb = NULL;
      double vth;

      bsl_runtime_step (rt);
      for (int i = 0; i < 3; i++)
        {
          double y = b[i];
          for (int j = 0; j < 2; j++)
            y += W[j * 3 + i] * x[j];
          I[i] += dt / tau_syn[i] * (w_in[i] * y - I[i]);
          v[i] += dt / tau_mem[i] * (v_leak[i] - v[i] + r[i] * I[i]);
        }
      /* the Dense delivers step t's input at step t + 1 */
      x[0] = data->data[0 * T + (t - 1)];
      x[1] = data->data[1 * T + (t - 1)];
      vb = bsl_runtime_get_var (rt, bsl_process_get_name (lif), "v", &error);
      sb = bsl_runtime_get_var (rt, bsl_process_get_name (lif), "s_out", &error);
      g_assert_no_error (error);
      {
        g_autoptr (BslArray) vth_a = bsl_runtime_get_var (rt, bsl_process_get_name (lif), "vth", &error);
        vth = vth_a->data[0];
      }
      for (int i = 0; i < 3; i++)
        {
          double k = vth / (v_th[i] - v_reset[i]);
          gboolean fired = v[i] > v_th[i];
          if (fired)
            v[i] = v_reset[i];
          g_assert_cmpint (fired, ==, sb->data[i] != 0);
          if (fabs (vb->data[i] / k + v_reset[i] - v[i]) > 1e-9)
            g_error ("step %" G_GSIZE_FORMAT ", neuron %d: Basalt v = %.17g means %.17g in NIR "
                     "units, the NIR equations give %.17g", t, i, vb->data[i],
                     vb->data[i] / k + v_reset[i], v[i]);
          spikes += fired;
        }
    }
  bsl_runtime_free (rt);
  g_assert_cmpuint (spikes, >, 3);   /* the comparison covered resets */
}

/* ---------------- Basalt -> NIR -> Basalt behaves the same ---------------- */

static const char float_network[] =
  "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"floating_pt\", \"steps\": 100},\n"
  " \"processes\": [\n"
  "  {\"name\": \"src\", \"type\": \"RingBuffer\", \"shape\": [3], \"params\": {\"data\": [[1, 0, 1, 0], [0, 1, 1, 0], [0, 0, 1, 1]]}, \"ui\": {\"x\": 10, \"y\": 20}},\n"
  "  {\"name\": \"w1\", \"type\": \"Dense\", \"shape\": [4, 3], \"params\": {\"weights\": [[0.5, 0.1, 0], [0.2, 0.3, 0.4], [-0.1, 0.6, 0.2], [0.05, 0, 0.7]]}},\n"
  "  {\"name\": \"bias\", \"type\": \"CurrentSource\", \"shape\": [4], \"params\": {\"amplitude\": [0.01, 0.02, 0, 0.03]}},\n"
  "  {\"name\": \"cuba\", \"type\": \"LIF\", \"shape\": [4], \"params\": {\"du\": 0.25, \"dv\": 0.1, \"vth\": 0.3, \"bias_mant\": [0.001, 0.002, 0, 0.004]}},\n"
  "  {\"name\": \"w3\", \"type\": \"DelayDense\", \"shape\": [2, 4], \"params\": {\"weights\": [[0.8, 0, 0.6, 0], [0, 0.9, 0, 0.7]], \"delays\": [[2, 2, 2, 2], [0, 0, 0, 0]]}},\n"
  "  {\"name\": \"plain\", \"type\": \"LIF\", \"shape\": [2], \"params\": {\"du\": 1, \"dv\": 0.2, \"vth\": 0.5, \"bias_mant\": 0.01}},\n"
  "  {\"name\": \"w2\", \"type\": \"Sparse\", \"shape\": [2, 2], \"params\": {\"weights\": [[1.2, 0], [0.4, 1.1]]}},\n"
  "  {\"name\": \"integ\", \"type\": \"LIF\", \"shape\": [2], \"params\": {\"du\": 1, \"dv\": 0, \"vth\": 0.9, \"bias_mant\": 0.02}},\n"
  "  {\"name\": \"mon\", \"type\": \"Monitor\", \"shape\": [2]},\n"
  "  {\"name\": \"mon2\", \"type\": \"Monitor\", \"shape\": [4]}\n"
  " ],\n"
  " \"connections\": [\n"
  "  {\"from\": \"src.s_out\", \"to\": \"w1.s_in\"}, {\"from\": \"w1.a_out\", \"to\": \"cuba.a_in\"},\n"
  "  {\"from\": \"bias.a_out\", \"to\": \"cuba.a_in\"}, {\"from\": \"cuba.s_out\", \"to\": \"w3.s_in\"},\n"
  "  {\"from\": \"w3.a_out\", \"to\": \"plain.a_in\"}, {\"from\": \"plain.s_out\", \"to\": \"w2.s_in\"},\n"
  "  {\"from\": \"w2.a_out\", \"to\": \"integ.a_in\"}, {\"from\": \"integ.s_out\", \"to\": \"mon.a_in\"},\n"
  "  {\"from\": \"cuba.s_out\", \"to\": \"mon2.a_in\"}\n"
  " ]}\n";

static GArray *
record (const BslGraph *graph, const char *const *targets, gint64 steps)
{
  g_autoptr (BslRunConfig) config = bsl_run_config_new (bsl_graph_get_run_tag (graph));
  g_autoptr (GError) error = NULL;
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));
  BslRuntime *rt = bsl_runtime_new (graph, config, &error);

  g_assert_no_error (error);
  for (gint64 t = 0; t < steps; t++)
    {
      bsl_runtime_step (rt);
      for (guint i = 0; targets[i] != NULL; i++)
        {
          g_auto (GStrv) pv = g_strsplit (targets[i], ".", 2);
          g_autoptr (BslArray) a = bsl_runtime_get_var (rt, pv[0], pv[1], &error);
          g_assert_no_error (error);
          g_array_append_vals (values, a->data, a->n);
        }
    }
  bsl_runtime_free (rt);
  return values;
}

static void
test_basalt_round_trip (void)
{
  const char *targets[] = { "cuba.v", "cuba.u", "plain.v", "integ.v", "mon.data", "mon2.data", NULL };
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *out = g_build_filename (dir, "net.nir", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (float_network, -1, "float", NULL, &error);
  g_autoptr (BslGraph) back = NULL;
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) want = NULL;
  g_autoptr (GArray) got = NULL;
  double spikes = 0;
  double x;

  g_assert_no_error (error);
  bsl_nir_export_file (graph, out, NULL, notes, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < notes->len; i++)
    g_test_message ("note: %s", (char *) notes->pdata[i]);
  back = import_ok (out, NULL);
  /* Input data is not part of NIR: give the imported source the same data. */
  bsl_process_set_param (bsl_graph_find_process (back, "src"), "data",
                         bsl_array_copy (bsl_process_get_param (bsl_graph_find_process (graph, "src"), "data")),
                         &error);
  g_assert_no_error (error);
  bsl_process_get_position (bsl_graph_find_process (back, "src"), &x, NULL);
  g_assert_true (x == 10);

  want = record (graph, targets, 120);
  got = record (back, targets, 120);
  g_assert_cmpuint (want->len, ==, got->len);
  for (guint i = 0; i < want->len; i++)
    {
      double a = g_array_index (want, double, i), b = g_array_index (got, double, i);
      if (fabs (a - b) > 1e-9 * MAX (1.0, fabs (a)))
        g_error ("value %u differs after Basalt -> NIR -> Basalt: %.17g vs %.17g", i, a, b);
    }
  for (guint i = 0; i < want->len; i++)
    spikes += g_array_index (want, double, i) == 1.0;
  g_assert_cmpfloat (spikes, >, 0);
}

/* ---------------- the exported layout ---------------- */

static const char *const allowed[][9] = {
  { "Input", "shape" }, { "Output", "shape" }, { "Affine", "weight", "bias" },
  { "Linear", "weight" }, { "Delay", "delay" }, { "I", "r" }, { "LI", "tau", "r", "v_leak" },
  { "IF", "r", "v_threshold", "v_reset" },
  { "LIF", "tau", "r", "v_leak", "v_threshold", "v_reset" },
  { "CubaLI", "tau_syn", "tau_mem", "r", "v_leak", "w_in" },
  { "CubaLIF", "tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "v_reset", "w_in" },
};

static void
read_doubles (hid_t node, const char *name, double *out)
{
  hid_t d = H5Dopen2 (node, name, H5P_DEFAULT);

  g_assert_cmpint (d, >=, 0);
  g_assert_cmpint (H5Dread (d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out), >=, 0);
  H5Dclose (d);
}

static char *
read_str (hid_t loc, const char *name)
{
  hid_t d = H5Dopen2 (loc, name, H5P_DEFAULT);
  hid_t t = H5Dget_type (d), m = H5Tcopy (H5T_C_S1);
  char *s = NULL, *copy;

  g_assert_true (H5Tis_variable_str (t) > 0);
  g_assert_cmpint (H5Tget_cset (t), ==, H5T_CSET_UTF8);   /* as nir.write */
  H5Tset_size (m, H5T_VARIABLE);
  H5Tset_cset (m, H5T_CSET_UTF8);
  g_assert_cmpint (H5Dread (d, m, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s), >=, 0);
  copy = g_strdup (s);
  H5free_memory (s);
  H5Tclose (m);
  H5Tclose (t);
  H5Dclose (d);
  return copy;
}

static herr_t
check_node (hid_t nodes, const char *name, const H5L_info_t *info, void *data)
{
  hid_t g = H5Gopen2 (nodes, name, H5P_DEFAULT);
  g_autofree char *type = read_str (g, "type");
  const char *const *spec = NULL;
  H5G_info_t ginfo;
  guint *count = data;

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    if (g_str_equal (allowed[i][0], type))
      spec = allowed[i];
  if (spec == NULL)
    g_error ("exported node '%s' has type '%s'", name, type);
  H5Gget_info (g, &ginfo);
  for (hsize_t k = 0; k < ginfo.nlinks; k++)
    {
      char link[256];
      gboolean ok = FALSE;
      H5Lget_name_by_idx (g, ".", H5_INDEX_NAME, H5_ITER_INC, k, link, sizeof link, H5P_DEFAULT);
      ok = g_str_equal (link, "type") || g_str_equal (link, "metadata");
      for (guint j = 1; j < 9 && spec[j] != NULL; j++)
        ok = ok || g_str_equal (spec[j], link);
      if (!ok)
        g_error ("node '%s' (%s) holds '%s', which nir.read would refuse", name, type, link);
    }
  /* every parameter present: nir.read needs them all */
  for (guint j = 1; j < 9 && spec[j] != NULL; j++)
    g_assert_true (H5Lexists (g, spec[j], H5P_DEFAULT) > 0);
  H5Gclose (g);
  (*count)++;
  return 0;
}

static herr_t
no_attributes (hid_t obj, const char *name, const H5O_info_t *info, void *data)
{
  if (info->num_attrs != 0)
    g_error ("'%s' carries HDF5 attributes; NIR files use datasets only", name);
  return 0;
}

static void
test_export_layout (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *out = g_build_filename (dir, "net.nir", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (float_network, -1, "float", NULL, &error);
  g_autofree char *version = NULL, *type = NULL;
  hid_t file, root, nodes, edges, space, meta;
  hsize_t dims[2];
  guint count = 0;

  g_assert_no_error (error);
  bsl_nir_export_file (graph, out, NULL, NULL, &error);
  g_assert_no_error (error);
  file = H5Fopen (out, H5F_ACC_RDONLY, H5P_DEFAULT);
  g_assert_cmpint (file, >=, 0);
  version = read_str (file, "version");
  g_assert_true (g_str_has_prefix (version, "1."));
  root = H5Gopen2 (file, "node", H5P_DEFAULT);
  type = read_str (root, "type");
  g_assert_cmpstr (type, ==, "NIRGraph");
  H5Ovisit (file, H5_INDEX_NAME, H5_ITER_INC, no_attributes, NULL);
  nodes = H5Gopen2 (root, "nodes", H5P_DEFAULT);
  H5Literate (nodes, H5_INDEX_NAME, H5_ITER_INC, NULL, check_node, &count);
  /* 10 processes: DelayDense adds a Delay, the constant current became a bias */
  g_assert_cmpuint (count, ==, bsl_graph_get_n_processes (graph));
  edges = H5Dopen2 (root, "edges", H5P_DEFAULT);
  space = H5Dget_space (edges);
  g_assert_cmpint (H5Sget_simple_extent_ndims (space), ==, 2);
  H5Sget_simple_extent_dims (space, dims, NULL);
  g_assert_cmpuint (dims[1], ==, 2);
  g_assert_cmpuint (dims[0], ==, bsl_graph_get_n_connections (graph));   /* -1 merged, +1 Linear -> Delay */
  meta = H5Gopen2 (root, "metadata", H5P_DEFAULT);
  g_assert_true (H5Lexists (meta, "dt", H5P_DEFAULT) > 0);
  H5Gclose (meta);
  H5Sclose (space);
  H5Dclose (edges);
  H5Gclose (nodes);
  H5Gclose (root);
  H5Fclose (file);
}

/* A fixed_pt network goes out through its float equivalent, with a report. */
static void
test_export_fixed_report (void)
{
  g_autofree char *path = test_examples_path ("ringbuffer-dense-lif.basalt");
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *out = g_build_filename (dir, "fixed.nir", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_file (path, &error);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (BslGraph) back = NULL;
  BslNirExportOptions options = { .dt = 1e-3, .tag = BSL_TAG_FIXED_PT };
  gboolean du = FALSE, dv = FALSE;

  g_assert_no_error (error);
  bsl_nir_export_file (graph, out, &options, notes, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < notes->len; i++)
    {
      const char *n = notes->pdata[i];
      g_test_message ("note: %s", n);
      du = du || strstr (n, ".du = ") != NULL;
      dv = dv || strstr (n, ".dv = ") != NULL;
    }
  g_assert_true (du && dv);
  back = import_ok (out, NULL);
  g_assert_cmpuint (bsl_graph_get_n_processes (back), >, 0);
}

/* An Equations process whose equations are a current-based LIF goes out as a CubaLIF with its
 * SI parameters; one with other equations is left out with a note naming it. */
static void
test_export_equations (void)
{
  const char *json =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"floating_pt\"}, \"processes\": ["
    "{\"name\": \"src\", \"type\": \"RingBuffer\", \"shape\": [2], \"params\": {\"data\": [[1, 0], [0, 1]]}},"
    "{\"name\": \"syn\", \"type\": \"Dense\", \"shape\": [2, 2], \"params\": {\"weights\": [[1e-9, 0], [0, 2e-9]]}},"
    "{\"name\": \"cuba\", \"type\": \"Equations\", \"shape\": [2]},"
    "{\"name\": \"other\", \"type\": \"Equations\", \"shape\": [2], \"equations\": {\"model\":"
    " \"dv/dt = -v/tau : volt\\ntau : second\", \"threshold\": \"v > 1*volt\", \"input\": \"v\"},"
    " \"params\": {\"tau\": 0.02}}],"
    "\"connections\": [{\"from\": \"src.s_out\", \"to\": \"syn.s_in\"}, {\"from\": \"syn.a_out\", \"to\": \"cuba.a_in\"}]}";
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *out = g_build_filename (dir, "eq.nir", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (json, -1, "eq", NULL, &error);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  BslNirExportOptions options = { .dt = 1e-4, .tag = BSL_TAG_NONE };
  gboolean other_named = FALSE;
  double tau_mem[2] = { 0 }, w_in[2] = { 0 };
  hid_t file, node;
  g_autofree char *type = NULL;

  g_assert_no_error (error);
  bsl_nir_export_file (graph, out, &options, notes, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < notes->len; i++)
    other_named = other_named || strstr (notes->pdata[i], "other (Equations)") != NULL;
  g_assert_true (other_named);

  file = H5Fopen (out, H5F_ACC_RDONLY, H5P_DEFAULT);
  node = H5Gopen2 (file, "node/nodes/cuba", H5P_DEFAULT);
  type = read_str (node, "type");
  g_assert_cmpstr (type, ==, "CubaLIF");
  read_doubles (node, "tau_mem", tau_mem);
  read_doubles (node, "w_in", w_in);
  g_assert_cmpfloat (tau_mem[1], ==, 0.010);
  g_assert_cmpfloat (w_in[0], ==, 0.005 / 1e-4);   /* tau_syn/dt: a unit input raises I by 1 */
  g_assert_cmpint (H5Lexists (file, "node/nodes/other", H5P_DEFAULT), ==, 0);
  H5Gclose (node);
  H5Fclose (file);
}

/* Lava's LIF written as equations (the lava_lif template) leaves as the built-in LIF beside it
 * does: data/examples/lif-as-equations.basalt comes back as two identical LIF populations. */
static void
test_export_lava_lif_equations (void)
{
  g_autofree char *path = test_examples_path ("lif-as-equations.basalt");
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *out = g_build_filename (dir, "lif-as-equations.nir", NULL);
  static const char *const vars[] = { "du", "dv", "vth", "bias_mant" };
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_file (path, &error);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (BslGraph) back = NULL;
  BslNirExportOptions options = { .dt = 1e-3, .tag = BSL_TAG_NONE };
  const BslProcess *lif, *eq;
  gboolean named = FALSE;

  g_assert_no_error (error);
  g_assert_true (bsl_nir_export_file (graph, out, &options, notes, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < notes->len; i++)
    named = named || strstr (notes->pdata[i], "eq (Equations) is Lava's floating LIF") != NULL;
  g_assert_true (named);
  back = import_ok (out, NULL);
  lif = bsl_graph_find_process (back, "lif");
  eq = bsl_graph_find_process (back, "eq");
  g_assert_nonnull (lif);
  g_assert_nonnull (eq);
  g_assert_cmpstr (bsl_process_get_proc_type (eq)->name, ==, "LIF");
  for (guint k = 0; k < G_N_ELEMENTS (vars); k++)
    {
      g_autoptr (BslArray) a = bsl_process_dup_param_full (lif, vars[k], NULL);
      g_autoptr (BslArray) b = bsl_process_dup_param_full (eq, vars[k], NULL);

      g_assert_true (bsl_array_equal (a, b));
    }

  /* du per neuron has no place in the LIF export: left out, with the reason */
  {
    BslProcess *p = bsl_graph_find_process (graph, "eq");
    double du[20];

    for (guint i = 0; i < 20; i++)
      du[i] = 0.1 + 0.01 * i;
    g_assert_true (bsl_process_set_param (p, "du", bsl_array_new_vector (20, du), &error));
    g_ptr_array_set_size (notes, 0);
    g_assert_true (bsl_nir_export_file (graph, out, &options, notes, &error));
    named = FALSE;
    for (guint i = 0; i < notes->len; i++)
      named = named || strstr (notes->pdata[i], "its du differs between neurons (0.1 at [0], 0.11 at [1])") != NULL;
    g_assert_true (named);
  }
  g_unlink (out);
  g_rmdir (dir);
}

/* Equations are recognised by what they compute, whatever their names, units and arrangement;
 * the rest is left out with the reason. */
static void
test_export_equations_forms (void)
{
  static const struct
  {
    const char *model, *threshold, *reset, *input, *params;
    const char *type;         /* NULL: left out */
    const char *reason;
  } cases[] = {
    { "dvm/dt = -(vm - El)/taum + Rm*Isyn/taum : volt\ndIsyn/dt = -Isyn/taus : amp\n"
      "El : volt\ntaum : second\ntaus : second\nRm : ohm\n",
      "vm >= -50*mV", "vm = -70*mV", "Isyn",
      "\"El\": -0.07, \"taum\": 0.02, \"taus\": 0.004, \"Rm\": 1e8", "CubaLIF", NULL },
    { "dx/dt = (x0 - x)/tau : 1\nx0 : 1\ntau : second\nth : 1\n", "x > th", "x = 0", "x",
      "\"x0\": 0.5, \"tau\": 0.01, \"th\": 1", "LIF", NULL },
    { "dv/dt = -v/tau : volt\ntau : second\n", NULL, NULL, "v", "\"tau\": 0.01", "LI", NULL },
    { "dv/dt = 0*volt/second : volt\n", "v > 1*volt", "v = 0*volt", "v", NULL, "IF", NULL },
    { "dvm/dt = (gL*(EL - vm) + gL*DT*exp((vm - VT)/DT))/C : volt\ngL : siemens\nEL : volt\n"
      "DT : volt\nVT : volt\nC : farad\n", "vm > 0*mV", "vm = EL", "vm",
      "\"gL\": 1e-8, \"EL\": -0.07, \"DT\": 0.002, \"VT\": -0.05, \"C\": 2e-10", NULL,
      "not linear with constant coefficients" },
    { "dv/dt = v/tau : 1\ntau : second\n", "v > 1", "v = 0", "v", "\"tau\": 0.01", NULL,
      "grows instead of decaying" },
    { "dv/dt = -v/tau : 1\ntau : second\n", "v > 1 and v < 2", "v = 0", "v", "\"tau\": 0.01", NULL,
      "is not of the form 'v > value'" },
    { "dv/dt = (-v + w)/tau : 1\ndw/dt = -w/tau : 1\ntau : second\n", "v > 1", "v = 0\nw += 1", "w",
      "\"tau\": 0.01", NULL, "is not the single statement 'v = value'" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (GString) json = g_string_new (NULL);
      g_autofree char *dir = test_tmp_dir ();
      g_autofree char *out = g_build_filename (dir, "forms.nir", NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (BslGraph) graph = NULL;
      g_autoptr (JsonNode) model = json_node_init_string (json_node_alloc (), cases[c].model);
      g_autoptr (JsonNode) threshold = json_node_init_string (json_node_alloc (), cases[c].threshold ? cases[c].threshold : "");
      g_autoptr (JsonNode) reset = json_node_init_string (json_node_alloc (), cases[c].reset ? cases[c].reset : "");
      g_autofree char *model_json = json_to_string (model, FALSE);
      g_autofree char *threshold_json = json_to_string (threshold, FALSE);
      g_autofree char *reset_json = json_to_string (reset, FALSE);
      BslNirExportOptions options = { .dt = 1e-3, .tag = BSL_TAG_NONE };
      gboolean noted = FALSE;
      hid_t file;

      g_string_append_printf (json,
        "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
        "{\"name\": \"src\", \"type\": \"RingBuffer\", \"shape\": [2], \"params\": {\"data\": [[1, 0], [0, 1]]}},"
        "{\"name\": \"syn\", \"type\": \"Dense\", \"shape\": [2, 2], \"params\": {\"weights\": [[1, 0], [0, 1]]}},"
        "{\"name\": \"n\", \"type\": \"Equations\", \"shape\": [2], \"equations\": {\"model\": %s,"
        " \"threshold\": %s, \"reset\": %s, \"input\": \"%s\"}, \"params\": {%s}}],"
        "\"connections\": [{\"from\": \"src.s_out\", \"to\": \"syn.s_in\"}, {\"from\": \"syn.a_out\", \"to\": \"n.a_in\"}]}",
        model_json, threshold_json, reset_json, cases[c].input, cases[c].params ? cases[c].params : "");
      graph = bsl_graph_load_data (json->str, -1, "forms", NULL, &error);
      g_assert_no_error (error);
      if (cases[c].type == NULL)
        {
          /* the neuron left out strands its synapses and source: no file, and the reason */
          g_assert_false (bsl_nir_export_file (graph, out, &options, notes, &error));
          g_assert_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED);
          g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
          for (guint i = 0; i < notes->len; i++)
            noted = noted || (strstr (notes->pdata[i], "n (Equations) has no NIR equivalent") != NULL &&
                              strstr (notes->pdata[i], cases[c].reason) != NULL);
          if (!noted)
            g_error ("case %u: no note saying '%s'", c, cases[c].reason);
          g_rmdir (dir);
          continue;
        }
      g_assert_true (bsl_nir_export_file (graph, out, &options, notes, &error));
      g_assert_no_error (error);
      file = H5Fopen (out, H5F_ACC_RDONLY, H5P_DEFAULT);
        {
          hid_t node = H5Gopen2 (file, "node/nodes/n", H5P_DEFAULT);
          g_autofree char *type = read_str (node, "type");

          g_assert_cmpstr (type, ==, cases[c].type);
          /* the processes step by 0.1 ms, the file by 1 ms: the report says so */
          for (guint i = 0; i < notes->len; i++)
            noted = noted || strstr (notes->pdata[i], "n steps by 0.0001 s in Basalt, the file by 0.001 s") != NULL;
          g_assert_true (noted);
          if (g_str_equal (type, "CubaLIF"))
            {
              double v_threshold[2], v_reset[2], r[2], w_in[2];

              read_doubles (node, "v_threshold", v_threshold);
              read_doubles (node, "v_reset", v_reset);
              read_doubles (node, "r", r);
              read_doubles (node, "w_in", w_in);
              /* the units are read: -50*mV is -0.05 volt */
              g_assert_cmpfloat (v_threshold[1], ==, -0.05);
              g_assert_cmpfloat (v_reset[0], ==, -0.07);
              g_assert_cmpfloat (r[0], ==, 1e8);
              g_assert_cmpfloat (w_in[0], ==, 4);
            }
          H5Gclose (node);
        }
      H5Fclose (file);
      g_unlink (out);
      g_rmdir (dir);
    }
}

/* Exported equations and the LIF Basalt imports from the file compute the same thing: the same
 * spikes on the same steps, the same membrane (NIR starts at v = 0, the importer shifts v by
 * v_reset). */
static void
test_export_equations_dynamics (void)
{
  static const struct { const char *equations, *params; double shift; } models[] = {
    { "\"model\": \"dv/dt = (E_L - v)/tau_m : volt\\nE_L : volt\\ntau_m : second\\ntheta : volt\\n\","
      " \"threshold\": \"v > theta\", \"reset\": \"v = E_L\", \"input\": \"v\", \"method\": \"euler\"",
      "\"E_L\": -0.07, \"tau_m\": 0.02, \"theta\": -0.06, \"dt\": 0.001", 0.07 },
    { "\"model\": \"dv/dt = (v_rest - v + R*I)/tau : volt\\ndI/dt = -I/tau_syn : amp\\nv_rest : volt\\n"
      "v_th : volt\\nv_reset : volt\\nR : ohm\\ntau : second\\ntau_syn : second\\n\","
      " \"threshold\": \"v > v_th\", \"reset\": \"v = v_reset\", \"input\": \"I\", \"method\": \"euler\"",
      "\"v_rest\": -0.065, \"v_th\": -0.055, \"v_reset\": -0.065, \"R\": 1e8, \"tau\": 0.01,"
      " \"tau_syn\": 0.005, \"dt\": 0.001", 0.065 },
  };
  const double weight_scale[] = { 1.0, 2.5e-8 };

  for (guint k = 0; k < G_N_ELEMENTS (models); k++)
    {
      enum { N_IN = 10, N = 4, T = 400 };
      g_autoptr (GRand) rand = g_rand_new_with_seed (5);
      g_autoptr (BslArray) data = bsl_array_new_matrix (N_IN, T);
      g_autoptr (BslArray) weights = bsl_array_new_matrix (N, N_IN);
      g_autoptr (GString) json = g_string_new (NULL);
      g_autofree char *dir = test_tmp_dir ();
      g_autofree char *out = g_build_filename (dir, "dyn.nir", NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (BslGraph) graph = NULL;
      g_autoptr (BslGraph) back = NULL;
      BslNirExportOptions options = { .dt = 1e-3, .tag = BSL_TAG_NONE };
      BslProbe *s[2], *v[2];
      BslRuntime *rt[2];
      guint n_spikes = 0;
      double worst = 0;

      for (gsize e = 0; e < data->n; e++)
        data->data[e] = g_rand_double (rand) < 0.2;
      for (gsize e = 0; e < weights->n; e++)
        weights->data[e] = g_rand_double_range (rand, 0, 0.004) * weight_scale[k];
      g_string_append_printf (json,
        "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
        "{\"name\": \"src\", \"type\": \"RingBuffer\", \"shape\": [%d]},"
        "{\"name\": \"syn\", \"type\": \"Dense\", \"shape\": [%d, %d]},"
        "{\"name\": \"n\", \"type\": \"Equations\", \"shape\": [%d], \"equations\": {%s}, \"params\": {%s}}],"
        "\"connections\": [{\"from\": \"src.s_out\", \"to\": \"syn.s_in\"}, {\"from\": \"syn.a_out\", \"to\": \"n.a_in\"}]}",
        N_IN, N, N_IN, N, models[k].equations, models[k].params);
      graph = bsl_graph_load_data (json->str, -1, "dyn", NULL, &error);
      g_assert_no_error (error);
      g_assert_true (bsl_process_set_param (bsl_graph_find_process (graph, "src"), "data", bsl_array_copy (data), &error));
      g_assert_true (bsl_process_set_param (bsl_graph_find_process (graph, "syn"), "weights", bsl_array_copy (weights), &error));
      g_assert_true (bsl_nir_export_file (graph, out, &options, NULL, &error));
      g_assert_no_error (error);
      back = import_ok (out, NULL);
      g_assert_cmpstr (bsl_process_get_proc_type (bsl_graph_find_process (back, "n"))->name, ==, "LIF");
      g_assert_true (bsl_process_set_param (bsl_graph_find_process (back, "src"), "data", bsl_array_copy (data), &error));

      for (guint g = 0; g < 2; g++)
        {
          g_autoptr (BslRunConfig) config = bsl_run_config_new (BSL_TAG_FLOATING_PT);

          rt[g] = bsl_runtime_new (g == 0 ? graph : back, config, &error);
          g_assert_no_error (error);
          s[g] = bsl_runtime_add_probe (rt[g], "n.s_out", BSL_PROBE_RECORD, 0, &error);
          v[g] = bsl_runtime_add_probe (rt[g], "n.v", BSL_PROBE_RECORD, 0, &error);
          g_assert_no_error (error);
          bsl_runtime_run (rt[g], T);
        }
      for (gsize i = 0; i < N; i++)
        for (gsize t = 0; t < T; t++)
          {
            /* With its input on v, the equations lose an input that arrives the step after a
             * spike (Brian2's order, which the export notes); NIR's LIF keeps it. */
            if (k == 0 && t > 0 && bsl_probe_get_row (s[0], t - 1)[i] != 0)
              break;
            g_assert_cmpfloat (bsl_probe_get_row (s[1], t)[i], ==, bsl_probe_get_row (s[0], t)[i]);
            n_spikes += bsl_probe_get_row (s[0], t)[i] != 0;
            worst = MAX (worst, fabs (bsl_probe_get_row (v[1], t)[i] - models[k].shift -
                                      bsl_probe_get_row (v[0], t)[i]));
          }
      g_test_message ("%s equations -> NIR -> LIF: %u spikes on the same steps, v within %.3g",
                      k == 0 ? "LIF" : "CubaLIF", n_spikes, worst);
      g_assert_cmpuint (n_spikes, >, k == 0 ? N - 1 : 100);
      g_assert_cmpfloat (worst, <, 1e-12);
      bsl_runtime_free (rt[0]);
      bsl_runtime_free (rt[1]);
      g_unlink (out);
      g_rmdir (dir);
    }
}

/* A network the engine refuses is not exported: the values the conversion relies on are the
 * engine's to check (a num_weight_bits far outside Loihi's range once overflowed in it). */
/* ---------------- what every reader needs ---------------- */

static char *
export_to_tmp (const BslGraph *graph, const char *name, GPtrArray *notes, char **dir)
{
  g_autoptr (GError) error = NULL;
  char *out;

  *dir = test_tmp_dir ();
  out = g_build_filename (*dir, name, NULL);
  g_assert_true (bsl_nir_export_file (graph, out, NULL, notes, &error));
  g_assert_no_error (error);
  return out;
}

static void
remove_tmp (char *out, char *dir)
{
  g_unlink (out);
  g_rmdir (dir);
}

static gboolean
notes_contain (GPtrArray *notes, const char *text)
{
  for (guint i = 0; i < notes->len; i++)
    if (strstr (notes->pdata[i], text) != NULL)
      return TRUE;
  return FALSE;
}

static char *
node_type (hid_t file, const char *node)
{
  g_autofree char *path = g_strdup_printf ("node/nodes/%s", node);
  hid_t g;
  char *type;

  if (H5Lexists (file, path, H5P_DEFAULT) <= 0)
    return NULL;
  g = H5Gopen2 (file, path, H5P_DEFAULT);
  type = read_str (g, "type");
  H5Gclose (g);
  return type;
}

/* The spikes of a recurrent network leave it through Output nodes (nir.read needs one). */
static void
test_export_outputs (void)
{
  g_autofree char *example = test_examples_path ("ei-network.basalt");
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_file (example, &error);
  g_autofree char *dir = NULL, *out = NULL, *e = NULL, *i = NULL, *v = NULL;
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  hid_t file;

  g_assert_no_error (error);
  out = export_to_tmp (graph, "ei.nir", NULL, &dir);
  file = H5Fopen (out, H5F_ACC_RDONLY, H5P_DEFAULT);
  e = node_type (file, "E_output");
  i = node_type (file, "I_output");
  H5Fclose (file);
  g_assert_cmpstr (e, ==, "Output");
  g_assert_cmpstr (i, ==, "Output");
  /* its sparse matrices stay small: compressed in the NIR file, their non-zeros in .basalt */
  {
    GStatBuf st;
    g_autoptr (BslGraph) back = bsl_nir_import_file (out, NULL, NULL, &error);
    gsize length = 0;
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    g_assert_cmpint (g_stat (out, &st), ==, 0);
    g_test_message ("ei-network: %" G_GINT64_FORMAT " bytes of NIR", (gint64) st.st_size);
    g_assert_cmpint (st.st_size, <, 1000000);
    text = bsl_graph_to_data (back, &length);
    g_test_message ("imported again: %" G_GSIZE_FORMAT " bytes of .basalt", length);
    g_assert_cmpuint (length, <, 4000000);
  }
  remove_tmp (out, dir);

  /* the network's probes choose them; a probed Var is said not to be exported */
  g_assert_true (bsl_graph_add_probe (graph, "I.s_out", &error));
  g_assert_true (bsl_graph_add_probe (graph, "E.v", &error));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&dir, g_free);
  out = export_to_tmp (graph, "ei.nir", notes, &dir);
  file = H5Fopen (out, H5F_ACC_RDONLY, H5P_DEFAULT);
  g_clear_pointer (&e, g_free);
  g_clear_pointer (&i, g_free);
  e = node_type (file, "E_output");
  i = node_type (file, "I_output");
  H5Fclose (file);
  g_assert_null (e);
  g_assert_cmpstr (i, ==, "Output");
  g_assert_true (notes_contain (notes, "probe E.v: a NIR Output carries spikes"));
  remove_tmp (out, dir);
}

/* A process NIR cannot hold leaves with the connections that only served it. */
static void
test_export_no_dangling (void)
{
  const char *json =
    "{\"format\": \"basalt\", \"version\": 1, \"processes\": ["
    "{\"name\": \"src\", \"type\": \"RingBuffer\", \"shape\": [2], \"params\": {\"data\": [[1, 0], [0, 1]]}},"
    "{\"name\": \"to_tern\", \"type\": \"Dense\", \"shape\": [2, 2], \"params\": {\"weights\": 1}},"
    "{\"name\": \"tern\", \"type\": \"TernaryLIF\", \"shape\": [2]},"
    "{\"name\": \"to_lif\", \"type\": \"Dense\", \"shape\": [2, 2], \"params\": {\"weights\": 1}},"
    "{\"name\": \"lif\", \"type\": \"LIF\", \"shape\": [2]},"
    "{\"name\": \"to_cond\", \"type\": \"Dense\", \"shape\": [2, 2], \"params\": {\"weights\": 1}},"
    "{\"name\": \"cond\", \"type\": \"CondLIF\", \"shape\": [2]},"
    "{\"name\": \"alone\", \"type\": \"RingBuffer\", \"shape\": [2], \"params\": {\"data\": [[1], [0]]}},"
    "{\"name\": \"to_cond2\", \"type\": \"Dense\", \"shape\": [2, 2], \"params\": {\"weights\": 1}}],"
    "\"connections\": [{\"from\": \"src.s_out\", \"to\": \"to_tern.s_in\"}, {\"from\": \"to_tern.a_out\", \"to\": \"tern.a_in\"},"
    " {\"from\": \"src.s_out\", \"to\": \"to_lif.s_in\"}, {\"from\": \"to_lif.a_out\", \"to\": \"lif.a_in\"},"
    " {\"from\": \"lif.s_out\", \"to\": \"to_cond.s_in\"}, {\"from\": \"to_cond.a_out\", \"to\": \"cond.a_in\"},"
    " {\"from\": \"alone.s_out\", \"to\": \"to_cond2.s_in\"}, {\"from\": \"to_cond2.a_out\", \"to\": \"cond.a_in\"}]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (json, -1, "dangling", NULL, &error);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = NULL, *out = NULL;
  const char *gone[] = { "tern", "to_tern", "cond", "to_cond", "to_cond2", "alone" };
  const char *kept[] = { "src", "to_lif", "lif", "lif_output" };
  hid_t file;

  g_assert_no_error (error);
  out = export_to_tmp (graph, "dangling.nir", notes, &dir);
  file = H5Fopen (out, H5F_ACC_RDONLY, H5P_DEFAULT);
  for (guint k = 0; k < G_N_ELEMENTS (gone); k++)
    {
      g_autofree char *type = node_type (file, gone[k]);
      if (type != NULL)
        g_error ("%s (%s) is left in the graph with nothing to connect", gone[k], type);
    }
  for (guint k = 0; k < G_N_ELEMENTS (kept); k++)
    {
      g_autofree char *type = node_type (file, kept[k]);
      g_assert_nonnull (type);
    }
  H5Fclose (file);
  g_assert_true (notes_contain (notes, "to_tern (Dense) was left out with tern"));
  g_assert_true (notes_contain (notes, "to_cond (Dense) was left out with cond"));
  g_assert_true (notes_contain (notes, "alone (RingBuffer) was left out with to_cond2"));
  remove_tmp (out, dir);
}

/* An IF population driven by its bias alone (data/examples/lif-bias.basalt) still spikes after
 * export and import, on the same steps. */
static void
test_export_if_bias (void)
{
  g_autofree char *example = test_examples_path ("lif-bias.basalt");
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_file (example, &error);
  g_autoptr (BslGraph) back = NULL;
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = NULL, *out = NULL;
  const char *const targets[] = { "lif.s_out", NULL };
  g_autoptr (GArray) want = NULL, got = NULL;
  double bias[3];
  hid_t file, node;

  g_assert_no_error (error);
  out = export_to_tmp (graph, "bias.nir", notes, &dir);
  g_assert_true (notes_contain (notes, "lif: an IF node has no bias; it is the bias of Affine 'lif_bias'"));
  file = H5Fopen (out, H5F_ACC_RDONLY, H5P_DEFAULT);
  node = H5Gopen2 (file, "node/nodes/lif_bias", H5P_DEFAULT);
  read_doubles (node, "bias", bias);
  H5Gclose (node);
  H5Fclose (file);
  g_assert_cmpfloat (bias[0], ==, 100);
  g_assert_cmpfloat (bias[2], ==, 7);

  back = bsl_nir_import_file (out, NULL, NULL, &error);
  g_assert_no_error (error);
  want = record (graph, targets, 60);
  got = record (back, targets, 60);
  g_assert_cmpuint (got->len, ==, want->len);
  {
    guint spikes = 0;
    for (guint k = 0; k < want->len; k++)
      {
        g_assert_cmpfloat (g_array_index (got, double, k), ==, g_array_index (want, double, k));
        spikes += g_array_index (want, double, k) != 0;
      }
    g_assert_cmpuint (spikes, >, 10);
  }
  remove_tmp (out, dir);
}

/* An equation neuron starting below its threshold does not spike at NIR's first step: its
 * voltages are written relative to its initial v. */
static void
test_export_equations_initial_v (void)
{
  const char *json =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"floating_pt\"}, \"processes\": ["
    "{\"name\": \"n\", \"type\": \"Equations\", \"shape\": [2], \"equations\": {\"model\":"
    " \"dv/dt = (v_rest - v)/tau : volt\\ntau : second\\nv_rest : volt\", \"threshold\": \"v > -50*mV\","
    " \"reset\": \"v = -70*mV\", \"input\": \"v\"},"
    " \"params\": {\"tau\": 0.02, \"v_rest\": -0.065, \"v\": [-0.065, -0.06]}}]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (json, -1, "eq", NULL, &error);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = NULL, *out = NULL, *type = NULL;
  double threshold[2], reset[2], leak[2];
  hid_t file, node;

  g_assert_no_error (error);
  out = export_to_tmp (graph, "eq.nir", notes, &dir);
  file = H5Fopen (out, H5F_ACC_RDONLY, H5P_DEFAULT);
  node = H5Gopen2 (file, "node/nodes/n", H5P_DEFAULT);
  type = read_str (node, "type");
  read_doubles (node, "v_threshold", threshold);
  read_doubles (node, "v_reset", reset);
  read_doubles (node, "v_leak", leak);
  H5Gclose (node);
  H5Fclose (file);
  g_assert_cmpstr (type, ==, "LIF");
  g_assert_cmpfloat_with_epsilon (threshold[0], 0.015, 1e-15);
  g_assert_cmpfloat_with_epsilon (threshold[1], 0.010, 1e-15);
  g_assert_cmpfloat_with_epsilon (reset[0], -0.005, 1e-15);
  g_assert_cmpfloat_with_epsilon (leak[0], 0.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (leak[1], -0.005, 1e-15);
  g_assert_true (notes_contain (notes, "n: v starts at -0.065 (neuron 0)"));
  remove_tmp (out, dir);
}

/* The reference reader: BASALT_NIR_PYTHONPATH is the PYTHONPATH under which python3
 * (BASALT_NIR_PYTHON, else python3) imports nir. It must load the file with its type check,
 * find an Output and no node outside the edges. */
static const char nir_check_script[] =
  "import sys, nir\n"
  "g = nir.read(sys.argv[1])\n"
  "def loose(graph):\n"
  "    ends = {e.split('.')[0] for edge in graph.edges for e in edge}\n"
  "    out = [n for n in graph.nodes if n not in ends]\n"
  "    for n, node in graph.nodes.items():\n"
  "        if isinstance(node, nir.NIRGraph):\n"
  "            out += [n + '/' + m for m in loose(node)]\n"
  "    return out\n"
  "outputs = [n for n, node in g.nodes.items() if isinstance(node, nir.Output)]\n"
  "if not outputs or loose(g):\n"
  "    sys.exit('outputs %s, nodes outside the edges %s' % (outputs, loose(g)))\n"
  "print('%d nodes, %d edges, %d outputs' % (len(g.nodes), len(g.edges), len(outputs)))\n";

static guint nir_files_read;

static void
read_with_nir (const char *path)
{
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = { "-c", nir_check_script, path, NULL };
  int status;

  if (!test_run_nir_python (args, &out, &err, &status))
    return;
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("nir.read refuses %s:\n%s", path, err);
  g_test_message ("nir.read: %s", g_strstrip (out));
  nir_files_read++;
}

/* Brian2's CUBA network (three-state neurons) has nothing NIR can hold: the export says so
 * and writes no file, rather than a graph that nir.read refuses. */
static void
test_nothing_to_write (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *example = test_examples_path ("cuba.basalt");
  g_autoptr (BslGraph) graph = bsl_graph_load_file (example, &error);
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "cuba.nir", NULL);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  g_assert_false (bsl_nir_export_file (graph, path, NULL, notes, &error));
  g_assert_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "nothing to write: no process of the network has a "
                                            "NIR equivalent"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (notes->len, >, 0);
  test_remove_tree (dir);
}

static void
test_reader_example (gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_file (data, &error);
  g_autofree char *dir = NULL, *out = NULL;

  g_assert_no_error (error);
  /* three-state and noisy neurons: NIR holds none of them (/nir/export/nothing-to-write) */
  if (g_str_has_suffix (data, "/cuba.basalt") || g_str_has_suffix (data, "/noisy-lif-equations.basalt"))
    {
      g_test_skip ("no process of it has a NIR equivalent: /nir/export/nothing-to-write");
      return;
    }
  out = export_to_tmp (graph, "example.nir", NULL, &dir);
  read_with_nir (out);
  remove_tmp (out, dir);
}

/* A reference file imported, then exported again. */
static void
test_reader_reference (gconstpointer data)
{
  BslNirImportOptions options = { .flatten_conv = TRUE };
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_nir_import_file (data, &options, NULL, &error);
  g_autofree char *dir = NULL, *out = NULL;

  g_assert_no_error (error);
  out = export_to_tmp (graph, "again.nir", NULL, &dir);
  read_with_nir (out);
  remove_tmp (out, dir);
}

static void
test_reader_summary (void)
{
  if (g_getenv ("BASALT_NIR_PYTHONPATH") == NULL || *g_getenv ("BASALT_NIR_PYTHONPATH") == '\0')
    {
      g_test_skip ("BASALT_NIR_PYTHONPATH is not set: no file was read with the reference nir "
                   "package");
      return;
    }
  g_test_message ("%u exported files loaded by nir.read with its type check", nir_files_read);
  g_assert_cmpuint (nir_files_read, >, 0);
}

static void
test_export_refuses_what_does_not_run (void)
{
  const char *json =
    "{\"format\": \"basalt\", \"version\": 1, \"run\": {\"tag\": \"fixed_pt\"}, \"processes\": ["
    "{\"name\": \"src\", \"type\": \"RingBuffer\", \"shape\": [2], \"params\": {\"data\": [[1, 0], [0, 1]]}},"
    "{\"name\": \"syn\", \"type\": \"Dense\", \"shape\": [2, 2], \"params\": {\"weights\": [[8, 0], [0, 8]],"
    " \"num_weight_bits\": -2147483648}},"
    "{\"name\": \"n\", \"type\": \"LIF\", \"shape\": [2], \"params\": {\"du\": 4095, \"dv\": 0, \"vth\": 10}}],"
    "\"connections\": [{\"from\": \"src.s_out\", \"to\": \"syn.s_in\"}, {\"from\": \"syn.a_out\", \"to\": \"n.a_in\"}]}";
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *out = g_build_filename (dir, "refused.nir", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (json, -1, "refused", NULL, &error);

  g_assert_no_error (error);
  g_assert_false (bsl_nir_export_file (graph, out, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_true (bsl_error_is_bad_input (error));
  g_assert_nonnull (strstr (error->message, "'syn'"));
  g_assert_nonnull (strstr (error->message, "num_weight_bits"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

/* A designer group goes out as a nested NIRGraph and comes back as the same group. */
static void
test_group_round_trip (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *out = g_build_filename (dir, "grouped.nir", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = bsl_graph_load_data (float_network, -1, "float", NULL, &error);
  g_autoptr (BslGraph) back = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *groups;
  JsonObject *g;
  hid_t file, sub;

  g_assert_no_error (error);
  json_parser_load_from_data (parser, "[{\"name\": \"core\", \"members\": [\"w3\", \"plain\", "
                              "\"w2\"], \"collapsed\": true, \"x\": 300, \"y\": 120}]", -1, &error);
  g_assert_no_error (error);
  bsl_graph_set_groups (graph, json_node_copy (json_parser_get_root (parser)));

  bsl_nir_export_file (graph, out, NULL, NULL, &error);
  g_assert_no_error (error);
  /* The group is a NIRGraph node holding its members and one Input and one Output port. */
  file = H5Fopen (out, H5F_ACC_RDONLY, H5P_DEFAULT);
  sub = H5Gopen2 (file, "/node/nodes/core", H5P_DEFAULT);
  g_assert_cmpint (sub, >=, 0);
  {
    g_autofree char *type = read_str (sub, "type");
    g_assert_cmpstr (type, ==, "NIRGraph");
  }
  g_assert_true (H5Lexists (sub, "nodes/plain", H5P_DEFAULT) > 0);
  g_assert_true (H5Lexists (sub, "nodes/in_cuba", H5P_DEFAULT) > 0);
  g_assert_true (H5Lexists (sub, "nodes/out_integ", H5P_DEFAULT) <= 0);
  H5Gclose (sub);
  H5Fclose (file);

  back = import_ok (out, NULL);
  bsl_process_set_param (bsl_graph_find_process (back, "src"), "data",
                         bsl_array_copy (bsl_process_get_param (bsl_graph_find_process (graph, "src"), "data")),
                         &error);
  g_assert_no_error (error);
  g_assert_nonnull (bsl_graph_get_groups (back));
  groups = json_node_get_array (bsl_graph_get_groups (back));
  g_assert_cmpuint (json_array_get_length (groups), ==, 1);
  g = json_array_get_object_element (groups, 0);
  g_assert_cmpstr (json_object_get_string_member (g, "name"), ==, "core");
  g_assert_cmpfloat (json_object_get_double_member (g, "x"), ==, 300);
  g_assert_true (json_object_get_boolean_member (g, "collapsed"));
  {
    JsonArray *members = json_object_get_array_member (g, "members");
    const char *want[] = { "w3", "plain", "w2" };
    g_assert_cmpuint (json_array_get_length (members), ==, 3);
    for (guint i = 0; i < 3; i++)
      {
        gboolean found = FALSE;
        for (guint k = 0; k < 3; k++)
          found = found || g_str_equal (json_array_get_string_element (members, k), want[i]);
        g_assert_true (found);
      }
  }
  /* Same processes, same names, same behaviour. */
  {
    const char *targets[] = { "plain.v", "integ.v", "mon.data", NULL };
    g_autoptr (GArray) want = record (graph, targets, 80);
    g_autoptr (GArray) got = record (back, targets, 80);
    g_assert_cmpuint (want->len, ==, got->len);
    for (guint i = 0; i < want->len; i++)
      g_assert_true (close_enough (g_array_index (want, double, i), g_array_index (got, double, i)));
  }
}

/* ---------------- what the importer must accept ---------------- */

/* Fixed-length strings (NULL- and space-padded), gzip float32 data, optional fields left out. */
static void
test_strings_gzip_defaults (void)
{
  static const double tau[2] = { 0.01, 0.02 }, one[2] = { 1, 1 }, zero[2] = { 0, 0 };
  static const double thr[2] = { 0.5, 0.5 }, ts[2] = { 0.005, 0.005 }, tm[2] = { 0.01, 0.01 };
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "fixed-strings.nir", NULL);
  const char *ends[] = { "input", "lif", "lif", "cuba", "cuba", "output" };
  NirFile f = nir_begin (path, STR_NULLPAD, 0);
  g_autoptr (BslGraph) graph = NULL;
  const BslProcess *lif, *cuba;
  g_autoptr (BslArray) vth = NULL;
  hid_t g;

  g = h5_node (f.nodes, "input", "Input", STR_SPACEPAD);
  h5_shape (g, 2);
  H5Gclose (g);
  g = h5_node (f.nodes, "lif", "LIF", STR_NULLPAD);   /* no v_reset */
  h5_vec32 (g, "tau", 2, tau);
  h5_vec32 (g, "r", 2, one);
  h5_vec32 (g, "v_leak", 2, zero);
  h5_vec32 (g, "v_threshold", 2, thr);
  H5Gclose (g);
  g = h5_node (f.nodes, "cuba", "CubaLIF", STR_NULLPAD);   /* no v_reset, no w_in */
  h5_vec32 (g, "tau_syn", 2, ts);
  h5_vec32 (g, "tau_mem", 2, tm);
  h5_vec32 (g, "r", 2, one);
  h5_vec32 (g, "v_leak", 2, zero);
  h5_vec32 (g, "v_threshold", 2, one);
  H5Gclose (g);
  g = h5_node (f.nodes, "output", "Output", STR_VLEN);
  h5_shape (g, 2);
  H5Gclose (g);
  nir_end (&f, ends, 3, STR_NULLPAD);

  graph = import_ok (path, NULL);
  lif = bsl_graph_find_process (graph, "lif_0");
  cuba = bsl_graph_find_process (graph, "cuba");
  g_assert_nonnull (lif);   /* two time constants: two populations */
  g_assert_nonnull (bsl_graph_find_process (graph, "lif_1"));
  g_assert_nonnull (cuba);
  vth = bsl_process_dup_param_full (lif, "vth", NULL);
  g_assert_cmpfloat (vth->data[0], ==, 0.5f);    /* v_reset defaulted to 0 */
  {
    /* w_in defaulted to 1: gain du * dv * r on the lif -> cuba weights */
    const BslProcess *w = bsl_graph_find_process (graph, "lif_0_to_cuba");
    g_autoptr (BslArray) weights = NULL;
    g_assert_nonnull (w);
    weights = bsl_process_dup_param_full (w, "weights", NULL);
    g_assert_true (close_enough (weights->data[0], (1e-3 / (double) 0.005f) * (1e-3 / (double) 0.01f)));
  }
}

/* Dotted node names are plain names (snnTorch writes "lif1.w_rec"); an empty edge list may be a
 * (0,) float dataset, as h5py writes it. */
/* input (2) -> linear (Linear, 2 x 2 weights w) -> lif (LIF) -> output */
static void
write_chain_nir (const char *path, const char *linear, const double *w)
{
  static const double tau[2] = { 0.01, 0.01 }, one[2] = { 1, 1 }, zero[2] = { 0, 0 };
  const char *ends[] = { "input", linear, linear, "lif", "lif", "output" };
  hsize_t wd[2] = { 2, 2 };
  NirFile f = nir_begin (path, STR_VLEN, 0);
  hid_t g;

  g = h5_node (f.nodes, "input", "Input", STR_VLEN);
  h5_shape (g, 2);
  H5Gclose (g);
  g = h5_node (f.nodes, linear, "Linear", STR_VLEN);
  h5_floats (g, "weight", 2, wd, w, FALSE);
  H5Gclose (g);
  g = h5_node (f.nodes, "lif", "LIF", STR_VLEN);
  h5_vec (g, "tau", 2, tau);
  h5_vec (g, "r", 2, one);
  h5_vec (g, "v_leak", 2, zero);
  h5_vec (g, "v_threshold", 2, one);
  H5Gclose (g);
  g = h5_node (f.nodes, "output", "Output", STR_VLEN);
  h5_shape (g, 2);
  H5Gclose (g);
  nir_end (&f, ends, 3, STR_VLEN);
}

/* An Input through a Linear node reaches its neurons one step later whatever the weights: an
 * identity matrix is a Dense like any other (it was a direct wire, one step early). */
static void
test_timing_does_not_depend_on_weights (void)
{
  static const double identity[4] = { 1, 0, 0, 1 }, doubled[4] = { 2, 0, 0, 2 };
  const double *weights[] = { identity, doubled };
  g_autofree char *dir = test_tmp_dir ();

  for (guint k = 0; k < G_N_ELEMENTS (weights); k++)
    {
      g_autofree char *path = g_strdup_printf ("%s/timing%u.nir", dir, k);
      g_autoptr (BslGraph) graph = NULL;
      const BslProcess *fc;

      write_chain_nir (path, "fc", weights[k]);
      graph = import_ok (path, NULL);
      fc = bsl_graph_find_process (graph, "fc");
      if (fc == NULL)
        g_error ("weights %g: the Input is wired to the neurons without the Linear's step",
                 weights[k][0]);
      g_assert_cmpstr (bsl_process_get_proc_type (fc)->name, ==, "Dense");
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_dotted_names_and_empty_edges (void)
{
  static const double w[4] = { 1, 0.5, 0, 2 };
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "dotted.nir", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty-edges.nir", NULL);
  NirFile f;
  g_autoptr (BslGraph) graph = NULL;
  g_autoptr (BslGraph) lone = NULL;
  const BslProcess *dense;
  hid_t g;

  write_chain_nir (path, "fc.0", w);
  graph = import_ok (path, NULL);
  dense = bsl_graph_find_process (graph, "fc_0");
  g_assert_nonnull (dense);
  g_assert_cmpstr (bsl_process_get_proc_type (dense)->name, ==, "Dense");

  f = nir_begin (empty, STR_VLEN, 0);
  g = h5_node (f.nodes, "input", "Input", STR_VLEN);
  h5_shape (g, 3);
  H5Gclose (g);
  {
    hsize_t d0[1] = { 0 };
    h5_floats (f.root, "edges", 1, d0, NULL, FALSE);
  }
  nir_end (&f, NULL, 0, STR_VLEN);
  lone = import_ok (empty, NULL);
  g_assert_cmpuint (bsl_graph_get_n_processes (lone), ==, 1);
  g_assert_cmpuint (bsl_graph_get_n_connections (lone), ==, 0);
}

/* ---------------- malformed files ---------------- */

typedef enum
{
  BAD_MISSING_DATASET,
  BAD_PARAM_SHAPES,
  BAD_EDGE_SHAPES,
  BAD_DANGLING_EDGE,
  BAD_UNKNOWN_TYPE,
  BAD_NO_EDGES,
  BAD_NUMERIC_EDGES,
  BAD_LOOP,
  BAD_NO_TYPE,
} BadKind;

static void
write_bad (const char *path, BadKind kind)
{
  static const double tau[3] = { 0.01, 0.01, 0.01 }, one[3] = { 1, 1, 1 }, zero[3] = { 0, 0, 0 };
  static const double w[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  const char *ends[] = { "input", "fc", "fc", "lif", "lif", "output", "fc", "fc2", "fc2", "fc" };
  gsize n_edges = kind == BAD_LOOP ? 5 : 3;
  hsize_t wd[2] = { kind == BAD_EDGE_SHAPES ? 2 : 3, 3 };
  NirFile f = nir_begin (path, STR_VLEN, 0);
  hid_t g;

  if (kind == BAD_DANGLING_EDGE)
    ends[3] = "ghost";
  g = h5_node (f.nodes, "input", "Input", STR_VLEN);
  h5_shape (g, 3);
  H5Gclose (g);
  g = h5_node (f.nodes, "fc", "Linear", STR_VLEN);
  h5_floats (g, "weight", 2, wd, w, FALSE);
  H5Gclose (g);
  if (kind == BAD_LOOP)
    {
      g = h5_node (f.nodes, "fc2", "Linear", STR_VLEN);
      h5_floats (g, "weight", 2, wd, w, FALSE);
      H5Gclose (g);
    }
  if (kind == BAD_NO_TYPE)
    g = H5Gcreate2 (f.nodes, "lif", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  else
    g = h5_node (f.nodes, "lif", kind == BAD_UNKNOWN_TYPE ? "Banana" : "LIF", STR_VLEN);
  if (kind != BAD_MISSING_DATASET)
    h5_vec (g, "tau", 3, tau);
  h5_vec (g, "r", kind == BAD_PARAM_SHAPES ? 2 : 3, one);
  h5_vec (g, "v_leak", 3, zero);
  h5_vec (g, "v_threshold", 3, one);
  H5Gclose (g);
  g = h5_node (f.nodes, "output", "Output", STR_VLEN);
  h5_shape (g, 3);
  H5Gclose (g);
  if (kind == BAD_NUMERIC_EDGES)
    {
      hsize_t ed[2] = { 3, 2 };
      double e[6] = { 0 };
      h5_floats (f.root, "edges", 2, ed, e, FALSE);
      nir_end (&f, NULL, 0, STR_VLEN);
    }
  else
    nir_end (&f, kind == BAD_NO_EDGES ? NULL : ends, n_edges, STR_VLEN);
}

typedef struct
{
  const char *name;
  BadKind     kind;
  const char *words[3];
} BadCase;

static const BadCase bad_cases[] = {
  { "missing-dataset", BAD_MISSING_DATASET, { "'lif'", "'tau'", NULL } },
  { "parameter-shapes", BAD_PARAM_SHAPES, { "'lif'", "wrong shape", NULL } },
  { "edge-shapes", BAD_EDGE_SHAPES, { "'fc' -> 'lif'", "wrong shapes", NULL } },
  { "dangling-edge", BAD_DANGLING_EDGE, { "'ghost'", "dangling", NULL } },
  { "unknown-type", BAD_UNKNOWN_TYPE, { "'lif'", "'Banana'", NULL } },
  { "no-edges", BAD_NO_EDGES, { "'edges'", NULL } },
  { "numeric-edges", BAD_NUMERIC_EDGES, { "'edges'", "strings", NULL } },
  { "loop-without-neuron", BAD_LOOP, { "loop", NULL } },
  { "no-type", BAD_NO_TYPE, { "'lif'", "'type'", NULL } },
};

static void
test_malformed (gconstpointer data)
{
  const BadCase *c = data;
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *file = g_strconcat (c->name, ".nir", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);

  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
  write_bad (path, c->kind);
  assert_import_fails (path, c->words);
}

/* Cut files, a text file, an HDF5 file that is not NIR: errors, never a crash. */
static void
test_truncated (void)
{
  g_autofree char *ref = test_data_path ("reference", "nir",
                                           "02_feedforward_affine_cubalif_affine_lif.nir", NULL);
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;
  const double fractions[] = { 0.9, 0.6, 0.3, 0.05 };
  const char *none[] = { NULL };

  g_file_get_contents (ref, &contents, &len, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (fractions); i++)
    {
      g_autofree char *name = g_strdup_printf ("cut-%u.nir", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_file_set_contents (path, contents, (gssize) (len * fractions[i]), &error);
      g_assert_no_error (error);
      assert_import_fails (path, none);
    }
  {
    g_autofree char *path = g_build_filename (dir, "text.nir", NULL);
    const char *words[] = { "not an HDF5 file", NULL };
    g_file_set_contents (path, "hello\n", -1, &error);
    g_assert_no_error (error);
    assert_import_fails (path, words);
  }
  {
    g_autofree char *path = g_build_filename (dir, "empty.nir", NULL);
    const char *words[] = { "'/node'", NULL };
    hid_t file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose (file);
    assert_import_fails (path, words);
  }
}

/* Files with a few bytes overwritten at random (fixed seed): a network or a clear error, never a
 * crash or a hang (libhdf5 1.10 had both on such files before the importer checked them). */
static void
test_corrupted_bytes (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "mutant.nir", NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261122);
  const char *const names[] = { "01_cubalif_single.nir", "02_feedforward_affine_cubalif_affine_lif.nir",
                                "03_recurrent_lif_subgraph.nir",
                                "04_if_li_integrator_threshold_scale_delay.nir" };
  guint imported = 0, refused = 0;

  for (guint f = 0; f < G_N_ELEMENTS (names); f++)
    {
      g_autofree char *ref = test_data_path ("reference", "nir", names[f], NULL);
      g_autofree char *contents = NULL;
      g_autoptr (GError) error = NULL;
      gsize len;

      g_file_get_contents (ref, &contents, &len, &error);
      g_assert_no_error (error);
      for (guint round = 0; round < 60; round++)
        {
          g_autofree char *mutant = g_memdup2 (contents, len);
          g_autoptr (BslGraph) graph = NULL;
          g_autoptr (GError) local = NULL;
          guint flips = g_rand_int_range (rand, 1, 9);

          for (guint k = 0; k < flips; k++)
            mutant[g_rand_int_range (rand, 0, (gint32) len)] = (char) g_rand_int_range (rand, 0, 256);
          g_file_set_contents (path, mutant, len, &error);
          g_assert_no_error (error);
          graph = bsl_nir_import_file (path, NULL, NULL, &local);
          g_assert_true ((graph == NULL) == (local != NULL));
          if (local != NULL)
            {
              g_assert_true (bsl_error_is_bad_input (local));
              refused++;
            }
          else
            imported++;
        }
    }
  g_test_message ("%u corrupted files imported, %u refused", imported, refused);
  g_assert_cmpuint (refused, >, 0);
}

/* ---------------- the command line ---------------- */

static void
test_cli (void)
{
  g_autofree char *dir = test_tmp_dir ();
  g_autofree char *nir = g_build_filename (dir, "ex.nir", NULL);
  g_autofree char *back = g_build_filename (dir, "back.basalt", NULL);
  g_autofree char *bad_out = g_build_filename (dir, "never.basalt", NULL);
  g_autofree char *example = test_examples_path ("ringbuffer-dense-lif.basalt");
  g_autofree char *conv = test_data_path ("reference", "nir", "05_conv2d_sumpool_flatten.nir", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (BslGraph) graph = NULL;
  int status;

  status = test_run_basalt (&out, &err, "export", example, "--format", "nir", "-o", nir, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (err, "note:"));   /* fixed_pt: what was approximated */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = test_run_basalt (&out, &err, "import", nir, "-o", back, NULL);
  g_assert_cmpint (status, ==, 0);
  graph = bsl_graph_load_file (back, &error);
  g_assert_no_error (error);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = test_run_basalt (&out, &err, "import", conv, "-o", bad_out, NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "Conv2d"));
  /* The command line says how to ask for flattening (the window asks instead). */
  g_assert_nonnull (strstr (err, "--flatten-conv"));
  g_assert_false (g_file_test (bad_out, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = test_run_basalt (&out, &err, "export", example, "--format", "bogus", "-o", bad_out, NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_false (g_file_test (bad_out, G_FILE_TEST_EXISTS));

  /* a step that is not a positive finite number of seconds is refused both ways */
  for (const char *const *dt = (const char *const[]) { "0", "-0.001", "nan", "inf", "-inf", "1ms", NULL };
       *dt != NULL; dt++)
    {
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      status = test_run_basalt (&out, &err, "export", example, "--format", "nir", "-o", bad_out,
                                "--dt", *dt, NULL);
      g_assert_cmpint (status, ==, 2);
      g_assert_nonnull (strstr (err, "--dt must be a positive number of seconds"));
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      status = test_run_basalt (&out, &err, "import", nir, "-o", bad_out, "--dt", *dt, NULL);
      g_assert_cmpint (status, ==, 2);
      g_assert_false (g_file_test (bad_out, G_FILE_TEST_EXISTS));
    }
}

static void
add_reference (const char *prefix, GTestDataFunc func, gboolean with_conv)
{
  g_autofree char *dir = test_data_path ("reference", "nir", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".nir") && (with_conv || strstr (name, "conv") == NULL))
      g_ptr_array_add (names, g_strdup (name));
  g_assert_cmpuint (names->len, >, 0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test = g_strdup_printf ("%s/%s", prefix, (char *) names->pdata[i]);
      g_test_add_data_func_full (test, g_build_filename (dir, names->pdata[i], NULL), func, g_free);
    }
}

int
main (int argc, char **argv)
{
  g_autofree char *examples = NULL;
  g_test_init (&argc, &argv, NULL);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);

  add_reference ("/nir/import/reference", test_reference_import, FALSE);
  g_test_add_func ("/nir/import/reference-cubalif-split", test_reference_cubalif);
  g_test_add_func ("/nir/import/reference-conv-refused", test_reference_conv);
  add_reference ("/nir/round-trip/reference", test_reference_round_trip, FALSE);
  g_test_add_func ("/nir/import/mapping-cubalif", test_mapping_cubalif);
  g_test_add_func ("/nir/import/flatten-conv", test_flatten_conv);
  g_test_add_func ("/nir/import/reference-conv-flattened", test_reference_conv_flattened);
  g_test_add_func ("/nir/import/strings-gzip-defaults", test_strings_gzip_defaults);
  g_test_add_func ("/nir/import/dotted-names-empty-edges", test_dotted_names_and_empty_edges);
  g_test_add_func ("/nir/export/nothing-to-write", test_nothing_to_write);
  g_test_add_func ("/nir/import/timing-does-not-depend-on-weights", test_timing_does_not_depend_on_weights);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/nir/import/malformed/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_malformed);
    }
  g_test_add_func ("/nir/import/malformed/truncated", test_truncated);
  g_test_add_func ("/nir/import/malformed/corrupted-bytes", test_corrupted_bytes);
  g_test_add_func ("/nir/round-trip/basalt", test_basalt_round_trip);
  g_test_add_func ("/nir/round-trip/group", test_group_round_trip);
  g_test_add_func ("/nir/export/layout", test_export_layout);
  g_test_add_func ("/nir/export/fixed-report", test_export_fixed_report);
  g_test_add_func ("/nir/export/equations", test_export_equations);
  g_test_add_func ("/nir/export/lava-lif-equations", test_export_lava_lif_equations);
  g_test_add_func ("/nir/export/equations-forms", test_export_equations_forms);
  g_test_add_func ("/nir/export/equations-dynamics", test_export_equations_dynamics);
  g_test_add_func ("/nir/export/refuses-what-does-not-run", test_export_refuses_what_does_not_run);
  g_test_add_func ("/nir/export/outputs", test_export_outputs);
  g_test_add_func ("/nir/export/no-dangling", test_export_no_dangling);
  g_test_add_func ("/nir/export/if-bias", test_export_if_bias);
  g_test_add_func ("/nir/export/equations-initial-v", test_export_equations_initial_v);
  g_test_add_func ("/nir/cli", test_cli);
  examples = test_examples_path ("");
  test_add_dir_cases ("/nir/reader/examples", examples, ".basalt", test_reader_example);
  add_reference ("/nir/reader/reference", test_reader_reference, TRUE);
  g_test_add_func ("/nir/reader-summary/all", test_reader_summary);
  return g_test_run ();
}
