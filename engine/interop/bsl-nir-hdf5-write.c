/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bsl-array.h"
#include "bsl-hdf5-auto.h"
#include "bsl-nir-hdf5-write.h"

/* nir.write's strings: variable-length UTF-8. */
static hid_t
utf8_string_type (void)
{
  hid_t t = H5Tcopy (H5T_C_S1);

  H5Tset_size (t, H5T_VARIABLE);
  H5Tset_cset (t, H5T_CSET_UTF8);
  return t;
}

gboolean
_bsl_nir_write_string (hid_t loc, const char *name, const char *s)
{
  g_auto (BslH5Datatype) t = utf8_string_type ();
  g_auto (BslH5Dataspace) sp = H5Screate (H5S_SCALAR);
  g_auto (BslH5Dataset) d = H5Dcreate2 (loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT,
                                        H5P_DEFAULT);

  return d >= 0 && H5Dwrite (d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s) >= 0;
}

gboolean
_bsl_nir_write_edges (hid_t group, GPtrArray *ends)
{
  hsize_t dims[2] = { ends->len / 2, 2 };
  g_auto (BslH5Datatype) t = utf8_string_type ();
  g_auto (BslH5Dataspace) sp = H5Screate_simple (2, dims, NULL);
  g_auto (BslH5Dataset) d = H5Dcreate2 (group, "edges", t, sp, H5P_DEFAULT, H5P_DEFAULT,
                                        H5P_DEFAULT);

  if (d < 0)
    return FALSE;
  return ends->len == 0 || H5Dwrite (d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, ends->pdata) >= 0;
}

hid_t
_bsl_nir_compressed_plist (int rank, const hsize_t *dims, hsize_t n)
{
  hsize_t chunk[BSL_MAX_DIMS], row = n / MAX (dims[0], 1);
  hid_t plist = H5Pcreate (H5P_DATASET_CREATE);

  memcpy (chunk, dims, rank * sizeof *dims);
  chunk[0] = MAX (1, MIN (dims[0], 65536 / MAX (row, 1)));
  H5Pset_chunk (plist, rank, chunk);
  H5Pset_shuffle (plist);
  H5Pset_deflate (plist, 6);
  return plist;
}

gboolean
_bsl_nir_write_f64 (hid_t loc, const char *name, int rank, const hsize_t *dims, const double *v)
{
  g_auto (BslH5Dataspace) sp = rank == 0 ? H5Screate (H5S_SCALAR)
                                         : H5Screate_simple (rank, dims, NULL);
  g_auto (BslH5PropList) compressed = H5I_INVALID_HID;
  g_auto (BslH5Dataset) d = H5I_INVALID_HID;
  hsize_t n = 1;

  for (int k = 0; k < rank; k++)
    n *= dims[k];
  if (rank == 2 && n >= BSL_NIR_COMPRESS_MIN_ELEMENTS)
    compressed = _bsl_nir_compressed_plist (rank, dims, n);
  d = H5Dcreate2 (loc, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT,
                  compressed != H5I_INVALID_HID ? compressed : H5P_DEFAULT, H5P_DEFAULT);
  return d >= 0 && H5Dwrite (d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0;
}

gboolean
_bsl_nir_write_vector (hid_t loc, const char *name, gsize n, const double *v)
{
  hsize_t dims[1] = { n };

  return _bsl_nir_write_f64 (loc, name, 1, dims, v);
}

gboolean
_bsl_nir_write_constant (hid_t loc, const char *name, gsize n, double value)
{
  g_autofree double *v = g_new (double, n);

  for (gsize i = 0; i < n; i++)
    v[i] = value;
  return _bsl_nir_write_vector (loc, name, n, v);
}

gboolean
_bsl_nir_write_shape (hid_t loc, gsize n)
{
  hsize_t dims[1] = { 1 };
  long long v = (long long) n;
  g_auto (BslH5Dataspace) sp = H5Screate_simple (1, dims, NULL);
  g_auto (BslH5Dataset) d = H5Dcreate2 (loc, "shape", H5T_STD_I64LE, sp, H5P_DEFAULT,
                                        H5P_DEFAULT, H5P_DEFAULT);

  return d >= 0 && H5Dwrite (d, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) >= 0;
}

hid_t
_bsl_nir_new_node (hid_t nodes, const char *name, const char *type)
{
  hid_t g = H5Gcreate2 (nodes, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);

  if (g >= 0 && !_bsl_nir_write_string (g, "type", type))
    {
      H5Gclose (g);
      return H5I_INVALID_HID;
    }
  return g;
}
