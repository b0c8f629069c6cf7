/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-hdf5-auto.h"
#include "bsl-limits.h"
#include "bsl-nir-hdf5-read.h"

static gboolean
object_type_is (hid_t loc, const char *name, H5O_type_t type)
{
  H5O_info_t info;

  if (H5Lexists (loc, name, H5P_DEFAULT) <= 0)
    return FALSE;
  if (H5Oget_info_by_name (loc, name, &info, H5P_DEFAULT) < 0)
    return FALSE;
  return info.type == type;
}

gboolean
_bsl_nir_is_dataset (hid_t loc, const char *name)
{
  return object_type_is (loc, name, H5O_TYPE_DATASET);
}

gboolean
_bsl_nir_is_group (hid_t loc, const char *name)
{
  return object_type_is (loc, name, H5O_TYPE_GROUP);
}

/* A corrupt file can describe a number type libhdf5 then converts out of bounds: only the
 * layouts real writers produce are read. */
static gboolean
numeric_type_ok (hid_t ftype, H5T_class_t cls)
{
  size_t size = H5Tget_size (ftype);
  size_t bits = size * 8, precision = H5Tget_precision (ftype);
  int offset = H5Tget_offset (ftype);

  if (offset < 0 || precision == 0 || offset + precision > bits)
    return FALSE;
  if (cls == H5T_INTEGER)
    return size == 1 || size == 2 || size == 4 || size == 8;
  if (cls == H5T_FLOAT)
    {
      size_t spos, epos, esize, mpos, msize;
      if (size != 2 && size != 4 && size != 8)
        return FALSE;
      if (H5Tget_fields (ftype, &spos, &epos, &esize, &mpos, &msize) < 0)
        return FALSE;
      return spos < bits && esize > 0 && msize > 0 && epos + esize <= bits
             && mpos + msize <= bits;
    }
  return FALSE;
}

/* Contiguous data must be as long as its dataspace says (chunked data is checked by its
 * filters). */
static gboolean
storage_ok (hid_t dset, hid_t ftype, hssize_t n)
{
  g_auto (BslH5PropList) plist = H5Dget_create_plist (dset);
  g_auto (BslH5Dataspace) space = H5Dget_space (dset);
  H5D_layout_t layout = plist >= 0 ? H5Pget_layout (plist) : H5D_LAYOUT_ERROR;
  hsize_t dims[H5S_MAX_RANK], maxdims[H5S_MAX_RANK], chunk[H5S_MAX_RANK];
  int rank = space >= 0 ? H5Sget_simple_extent_dims (space, dims, maxdims) : -1;
  gboolean ok = layout != H5D_LAYOUT_ERROR && rank >= 0;

  /* A dataspace larger than its own maximum is corrupt. */
  for (int d = 0; ok && d < rank; d++)
    if (maxdims[d] != H5S_UNLIMITED && dims[d] > maxdims[d])
      ok = FALSE;
  if (ok && layout == H5D_CONTIGUOUS && H5Tis_variable_str (ftype) <= 0)
    ok = H5Dget_storage_size (dset) >= (hsize_t) n * H5Tget_size (ftype);
  if (ok && layout == H5D_CHUNKED)
    {
      /* libhdf5 visits every chunk: a corrupt chunk shape means millions of them. */
      guint64 chunks = 1, chunk_bytes = H5Tget_size (ftype);
      ok = H5Pget_chunk (plist, H5S_MAX_RANK, chunk) == rank;
      for (int d = 0; ok && d < rank; d++)
        {
          /* HDF5 never writes a chunk larger than a fixed maximum dimension. */
          ok = chunk[d] > 0 && (maxdims[d] == H5S_UNLIMITED || chunk[d] <= MAX (maxdims[d], 1));
          if (ok)
            {
              chunks *= (dims[d] + chunk[d] - 1) / chunk[d];
              chunk_bytes *= chunk[d];
            }
          ok = ok && chunks <= ((guint64) 1 << 20) && chunk_bytes <= ((guint64) 1 << 30);
        }
      /* Without filters every stored chunk is whole: anything else is a damaged pipeline or
       * index, which libhdf5 would copy out of bounds. */
      if (ok && H5Pget_nfilters (plist) == 0 && chunk_bytes > 0)
        ok = H5Dget_storage_size (dset) % chunk_bytes == 0;
    }
  return ok;
}

static guint64
read_le (const guchar *p, gsize n)
{
  guint64 x = 0;

  for (gsize i = n; i > 0; i--)
    x = (x << 8) | p[i - 1];
  return x;
}

/* Walks one global heap collection (header: "GCOL", version, 3 reserved bytes, size; then
 * objects: index (2), references (2), reserved (4), size, data padded to 8 bytes) to object
 * `index`, which must hold at least len bytes inside the collection: its first len bytes, or
 * NULL. */
static char *
heap_object (FILE *f, guint64 where, guint64 size, size_t sizeof_size, guint64 index, guint64 len)
{
  g_autofree guchar *heap = g_malloc (size);
  guint64 pos = 8 + sizeof_size;

  if (index == 0 || fseeko (f, (off_t) where, SEEK_SET) != 0 || fread (heap, 1, size, f) != size)
    return NULL;
  while (pos + 8 + sizeof_size <= size)
    {
      guint64 id = read_le (heap + pos, 2);
      guint64 object = read_le (heap + pos + 8, sizeof_size);
      guint64 padded = (object + 7) & ~(guint64) 7;

      if (id == 0 || padded > size - pos - 8 - sizeof_size)
        return NULL;   /* free space (the end) or an object overrunning the collection */
      if (id == index)
        return object >= len ? g_strndup ((const char *) heap + pos + 8 + sizeof_size, len) : NULL;
      pos += 8 + sizeof_size + padded;
    }
  return NULL;
}

/* The strings of a contiguous vlen string dataset whose n references start at `start` in f, or
 * NULL (then the file is corrupt). */
static char **
read_vlen_references (FILE *f, guint64 start, hssize_t n, guint64 userblock, size_t sizeof_addr,
                      size_t sizeof_size)
{
  size_t element = 4 + sizeof_addr + 4;
  g_autofree guchar *raw = NULL;
  char **result;
  goffset file_size;

  if (fseeko (f, 0, SEEK_END) != 0)
    return NULL;
  file_size = ftello (f);
  raw = g_malloc (MAX (n * element, 1));
  if (fseeko (f, (off_t) start, SEEK_SET) != 0 || fread (raw, element, n, f) != (size_t) n)
    return NULL;
  result = g_new0 (char *, n + 1);
  for (hssize_t i = 0; i < n; i++)
    {
      const guchar *e = raw + i * element;
      guint64 len = read_le (e, 4), addr = read_le (e + 4, sizeof_addr);
      guint64 index = read_le (e + 4 + sizeof_addr, 4);
      guchar head[16];
      guint64 size;

      if (len == 0)
        {
          result[i] = g_strdup ("");
          continue;
        }
      if (addr + userblock + 8 + sizeof_size > (guint64) file_size
          || fseeko (f, (off_t) (userblock + addr), SEEK_SET) != 0
          || fread (head, 1, 8 + sizeof_size, f) != 8 + sizeof_size
          || memcmp (head, "GCOL", 4) != 0)
        break;
      size = read_le (head + 8, sizeof_size);
      if (size < len || size > ((guint64) 1 << 26) || addr + userblock + size > (guint64) file_size)
        break;
      result[i] = heap_object (f, userblock + addr, size, sizeof_size, index, len);
      if (result[i] == NULL)
        break;
    }
  if (result[n > 0 ? n - 1 : 0] == NULL && n > 0)
    g_clear_pointer (&result, g_strfreev);
  return result;
}

/* Variable-length strings live in "global heap collections" elsewhere in the file, and libhdf5
 * 1.10 follows corrupt references and lengths there without checking (it crashes, or loops,
 * found by fuzzing). A contiguous string dataset, which is what nir.write produces, is therefore
 * read here from the raw bytes, every reference checked. Returns the strings, NULL with
 * *corrupt set, or NULL with *corrupt unset when the layout is not contiguous. */
static char **
read_vlen_direct (hid_t dset, hssize_t n, gboolean *corrupt)
{
  g_auto (BslH5File) file = H5Iget_file_id (dset);
  g_auto (BslH5PropList) fcpl = H5I_INVALID_HID;
  haddr_t offset = H5Dget_offset (dset);
  hsize_t stored = H5Dget_storage_size (dset), userblock = 0;
  size_t sizeof_addr = 8, sizeof_size = 8;
  g_autofree char *name = NULL;
  char **result;
  ssize_t name_len;
  FILE *f;

  *corrupt = TRUE;
  if (file < 0)
    return NULL;
  if (offset == HADDR_UNDEF)
    {
      *corrupt = FALSE;
      return NULL;
    }
  fcpl = H5Fget_create_plist (file);
  if (fcpl < 0 || H5Pget_sizes (fcpl, &sizeof_addr, &sizeof_size) < 0
      || H5Pget_userblock (fcpl, &userblock) < 0 || sizeof_addr > 8 || sizeof_size > 8)
    return NULL;
  if (stored < (hsize_t) n * (4 + sizeof_addr + 4))
    return NULL;
  name_len = H5Fget_name (file, NULL, 0);
  if (name_len <= 0)
    return NULL;
  name = g_malloc (name_len + 1);
  H5Fget_name (file, name, name_len + 1);
  f = fopen (name, "rb");
  if (f == NULL)
    return NULL;
  result = read_vlen_references (f, userblock + offset, n, userblock, sizeof_addr, sizeof_size);
  fclose (f);
  *corrupt = result == NULL;
  return result;
}


/* Copies a fixed-length string element, dropping padding (NUL or spaces). */
static char *
fixed_to_string (const char *buf, size_t size, H5T_str_t pad)
{
  size_t len = 0;

  while (len < size && buf[len] != '\0')
    len++;
  if (pad == H5T_STR_SPACEPAD)
    while (len > 0 && buf[len - 1] == ' ')
      len--;
  return g_strndup (buf, len);
}

/* A vlen string dataset as libhdf5 reads it, for layouts other than contiguous. */
static char **
read_vlen_strings (hid_t dset, hid_t ftype, hid_t space, hssize_t n)
{
  g_auto (BslH5Datatype) mtype = H5Tcopy (H5T_C_S1);
  g_autofree char **buf = g_new0 (char *, n + 1);
  char **result;

  H5Tset_size (mtype, H5T_VARIABLE);
  H5Tset_cset (mtype, H5Tget_cset (ftype));
  if (H5Dread (dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
    return NULL;
  result = g_new0 (char *, n + 1);
  for (hssize_t i = 0; i < n; i++)
    result[i] = g_strdup (buf[i] != NULL ? buf[i] : "");
  H5Dvlen_reclaim (mtype, space, H5P_DEFAULT, buf);
  return result;
}

static char **
read_fixed_strings (hid_t dset, hid_t ftype, hssize_t n)
{
  size_t size = H5Tget_size (ftype);
  H5T_str_t pad = H5Tget_strpad (ftype);
  g_auto (BslH5Datatype) mtype = H5Tcopy (H5T_C_S1);
  g_autofree char *buf = g_malloc0 ((size ? size : 1) * (n ? n : 1));
  char **result;

  H5Tset_size (mtype, size);
  H5Tset_strpad (mtype, pad);
  H5Tset_cset (mtype, H5Tget_cset (ftype));
  if (H5Dread (dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
    return NULL;
  result = g_new0 (char *, n + 1);
  for (hssize_t i = 0; i < n; i++)
    result[i] = fixed_to_string (buf + i * size, size, pad);
  return result;
}

static gpointer
unreadable (GError **error, const char *what)
{
  g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
               "%s cannot be read (truncated or corrupt file?)", what);
  return NULL;
}

char **
_bsl_nir_read_strings (hid_t dset, gsize *n_out, GError **error, const char *what)
{
  g_auto (BslH5Datatype) ftype = H5Dget_type (dset);
  g_auto (BslH5Dataspace) space = H5Dget_space (dset);
  hssize_t n = H5Sget_simple_extent_npoints (space);
  char **result;

  if (ftype < 0 || space < 0 || n < 0)
    return unreadable (error, what);
  if (H5Tget_class (ftype) != H5T_STRING)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s is not a string dataset", what);
      return NULL;
    }
  if (n > BSL_NIR_MAX_ELEMENTS || H5Tget_size (ftype) > 65536 || !storage_ok (dset, ftype, n))
    return unreadable (error, what);
  if (H5Tis_variable_str (ftype) > 0)
    {
      gboolean corrupt;

      result = read_vlen_direct (dset, n, &corrupt);
      if (result == NULL && !corrupt)
        result = read_vlen_strings (dset, ftype, space, n);
    }
  else
    result = read_fixed_strings (dset, ftype, n);
  if (result == NULL)
    return unreadable (error, what);
  *n_out = n;
  return result;
}

char *
_bsl_nir_read_string (hid_t loc, const char *name, const char *what, GError **error)
{
  g_auto (BslH5Dataset) dset = H5Dopen2 (loc, name, H5P_DEFAULT);
  g_auto (GStrv) v = NULL;
  gsize n = 0;

  if (dset < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s cannot be opened", what);
      return NULL;
    }
  v = _bsl_nir_read_strings (dset, &n, error, what);
  if (v == NULL)
    return NULL;
  if (n != 1)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "%s must hold one string, it holds %"
                   G_GSIZE_FORMAT, what, n);
      return NULL;
    }
  return g_strdup (v[0]);
}

BslArray *
_bsl_nir_read_array (hid_t loc, const char *name, const char *what, GError **error)
{
  g_auto (BslH5Dataset) dset = H5Dopen2 (loc, name, H5P_DEFAULT);
  g_auto (BslH5Datatype) ftype = H5I_INVALID_HID;
  g_auto (BslH5Dataspace) space = H5I_INVALID_HID;
  g_autoptr (BslArray) array = NULL;
  hsize_t hdims[H5S_MAX_RANK];
  gsize dims[BSL_MAX_DIMS];
  int rank;
  H5T_class_t cls;

  if (dset < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s cannot be opened", what);
      return NULL;
    }
  ftype = H5Dget_type (dset);
  space = H5Dget_space (dset);
  cls = ftype >= 0 ? H5Tget_class (ftype) : H5T_NO_CLASS;
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s is not numeric", what);
      return NULL;
    }
  if (!numeric_type_ok (ftype, cls))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s has a number type Basalt does not read (corrupt file?)", what);
      return NULL;
    }
  rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;
  if (rank < 0 || rank > BSL_MAX_DIMS)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "%s has %d dimensions (at most %d allowed)",
                   what, rank, BSL_MAX_DIMS);
      return NULL;
    }
  H5Sget_simple_extent_dims (space, hdims, NULL);
  if (H5Sget_simple_extent_npoints (space) > BSL_NIR_MAX_ELEMENTS
      || !storage_ok (dset, ftype, H5Sget_simple_extent_npoints (space)))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s does not match its stored data (truncated or corrupt file?)", what);
      return NULL;
    }
  for (int d = 0; d < rank; d++)
    dims[d] = hdims[d];
  array = bsl_array_new (rank, dims);
  if (array->n > 0
      && H5Dread (dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, array->data) < 0)
    return unreadable (error, what);
  for (gsize i = 0; i < array->n; i++)
    if (!isfinite (array->data[i]))
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "%s[%" G_GSIZE_FORMAT "] is %g",
                     what, i, array->data[i]);
        return NULL;
      }
  return g_steal_pointer (&array);
}

double
_bsl_nir_read_number (hid_t loc, const char *name, double fallback)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslArray) a = _bsl_nir_is_dataset (loc, name)
                           ? _bsl_nir_read_array (loc, name, name, &error) : NULL;

  return a != NULL && a->n == 1 ? a->data[0] : fallback;
}

const char *
_bsl_nir_stored_type (hid_t group, const char *name)
{
  static const char *const names[2][9] = {
    { "i1", "i1", "i2", "i2", "i4", "i4", "i4", "i4", "i8" },
    { "u1", "u1", "u2", "u2", "u4", "u4", "u4", "u4", "u8" },
  };
  g_auto (BslH5Dataset) dset = H5Dopen2 (group, name, H5P_DEFAULT);
  g_auto (BslH5Datatype) ftype = dset >= 0 ? H5Dget_type (dset) : H5I_INVALID_HID;
  size_t size = ftype >= 0 ? MIN (H5Tget_size (ftype), 8) : 8;

  if (ftype >= 0 && H5Tget_class (ftype) == H5T_INTEGER)
    return names[H5Tget_sign (ftype) == H5T_SGN_NONE ? 1 : 0][size];
  if (ftype >= 0 && size <= 4)
    return "f4";
  return "f8";
}

static herr_t
collect_link (hid_t group, const char *name, const H5L_info_t *info, void *data)
{
  g_ptr_array_add (data, g_strdup (name));
  return 0;
}

GPtrArray *
_bsl_nir_list_links (hid_t group)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  hsize_t idx = 0;

  if (H5Literate (group, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_link, names) < 0)
    g_clear_pointer (&names, g_ptr_array_unref);
  return names;
}

