/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writes a recorded NIR graph (bsl-nir-origin.h) back as HDF5: every node with its type and its
 * datasets in their stored number types, nested graphs with their own edges. The record was
 * checked by _bsl_nir_origin_still_valid, so its shape is known to be sound here. */
#include "config.h"

#include <string.h>

#include "bsl-nir-origin.h"
#include "bsl-interop-output.h"
#include "bsl-hdf5-auto.h"
#include "bsl-nir-hdf5-write.h"
#include "bsl-nir-private.h"

static hid_t
file_type (const char *dtype)
{
  static const struct { const char *name; hid_t *type; } types[] = {
    { "f4", &H5T_IEEE_F32LE_g }, { "f8", &H5T_IEEE_F64LE_g },
    { "i1", &H5T_STD_I8LE_g }, { "i2", &H5T_STD_I16LE_g },
    { "i4", &H5T_STD_I32LE_g }, { "i8", &H5T_STD_I64LE_g },
    { "u1", &H5T_STD_U8LE_g }, { "u2", &H5T_STD_U16LE_g },
    { "u4", &H5T_STD_U32LE_g }, { "u8", &H5T_STD_U64LE_g },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (types[i].name, dtype))
      return *types[i].type;
  return H5T_IEEE_F64LE;
}

static gboolean
write_dataset (hid_t loc, const char *name, JsonObject *set)
{
  JsonArray *shape = json_object_get_array_member (set, "shape");
  int rank = json_array_get_length (shape);
  hsize_t dims[BSL_MAX_DIMS], n = 1;
  g_autofree double *v = NULL;
  g_auto (BslH5Dataspace) space = H5I_INVALID_HID;
  g_auto (BslH5PropList) compressed = H5I_INVALID_HID;
  g_auto (BslH5Dataset) d = H5I_INVALID_HID;

  for (int k = 0; k < rank; k++)
    n *= dims[k] = json_array_get_int_element (shape, k);
  v = g_new (double, MAX (n, 1));
  if (!_bsl_nir_origin_parse_values (set, n, v))
    return FALSE;
  space = rank == 0 ? H5Screate (H5S_SCALAR) : H5Screate_simple (rank, dims, NULL);
  if (rank > 0 && n >= BSL_NIR_COMPRESS_MIN_ELEMENTS)
    compressed = _bsl_nir_compressed_plist (rank, dims, n);
  d = H5Dcreate2 (loc, name, file_type (json_object_get_string_member (set, "dtype")), space,
                  H5P_DEFAULT, compressed != H5I_INVALID_HID ? compressed : H5P_DEFAULT,
                  H5P_DEFAULT);
  return d >= 0
         && (n == 0 || H5Dwrite (d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
}

static gboolean
append_edges (JsonObject *graph_object, GPtrArray *ends, GPtrArray *keep)
{
  JsonArray *edges = json_object_get_array_member (graph_object, "edges");

  for (guint e = 0; e < json_array_get_length (edges); e++)
    {
      JsonArray *pair = json_array_get_array_element (edges, e);
      for (guint k = 0; k < 2; k++)
        {
          char *end = g_strdup (json_array_get_string_element (pair, k));
          g_ptr_array_add (keep, end);
          g_ptr_array_add (ends, end);
        }
    }
  return TRUE;
}

static gboolean
write_node (hid_t nodes, const char *name, JsonObject *node)
{
  const char *type = json_object_get_string_member (node, "type");
  g_auto (BslH5Group) group = H5Gcreate2 (nodes, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  gboolean ok = group >= 0 && _bsl_nir_write_string (group, "type", type);

  if (ok && g_str_equal (type, "NIRGraph"))
    {
      g_autoptr (GPtrArray) ends = g_ptr_array_new ();
      g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
      g_auto (BslH5Group) inner = H5Gcreate2 (group, "nodes", H5P_DEFAULT, H5P_DEFAULT,
                                              H5P_DEFAULT);

      ok = inner >= 0 && _bsl_nir_origin_write (node, inner, ends, keep)
           && _bsl_nir_write_edges (group, ends);
    }
  else if (ok)
    {
      JsonObject *data = json_object_get_object_member (node, "data");
      g_autoptr (GList) sets = json_object_get_members (data);
      for (GList *l = sets; ok && l != NULL; l = l->next)
        ok = write_dataset (group, l->data, json_object_get_object_member (data, l->data));
    }
  return ok;
}

gboolean
_bsl_nir_origin_write (JsonObject *graph_object,
                       hid_t       nodes,
                       GPtrArray  *ends,
                       GPtrArray  *keep)
{
  JsonObject *members = json_object_get_object_member (graph_object, "nodes");
  g_autoptr (GList) names = json_object_get_members (members);

  for (GList *l = names; l != NULL; l = l->next)
    if (!write_node (nodes, l->data, json_object_get_object_member (members, l->data)))
      return FALSE;
  return append_edges (graph_object, ends, keep);
}

/* The type of node name under nodes in the file being built, NULL when there is none. */
static char *
written_type (hid_t nodes, const char *name)
{
  g_autofree char *path = g_strconcat (name, "/type", NULL);
  g_auto (BslH5Dataset) d = H5I_INVALID_HID;
  g_auto (BslH5Datatype) t = H5I_INVALID_HID;
  char *s = NULL, *out = NULL;

  if (H5Lexists (nodes, name, H5P_DEFAULT) <= 0 || H5Lexists (nodes, path, H5P_DEFAULT) <= 0)
    return NULL;
  d = H5Dopen2 (nodes, path, H5P_DEFAULT);
  if (d < 0)
    return NULL;
  t = H5Tcopy (H5T_C_S1);
  H5Tset_size (t, H5T_VARIABLE);
  H5Tset_cset (t, H5T_CSET_UTF8);
  if (H5Dread (d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s) >= 0 && s != NULL)
    {
      out = g_strdup (s);
      H5free_memory (s);
    }
  return out;
}

static void
report_graph (JsonObject *graph_object, const char *prefix, hid_t nodes, GPtrArray *notes)
{
  JsonObject *members = json_object_get_object_member (graph_object, "nodes");
  g_autoptr (GList) names = json_object_get_members (members);

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *node = json_object_get_object_member (members, l->data);
      const char *type = json_object_get_string_member (node, "type");
      g_autofree char *path = g_strconcat (prefix, l->data, NULL);
      g_autofree char *flat = g_strdelimit (g_strdup (path), "/", '_');
      g_autofree char *now = NULL;

      if (g_str_equal (type, "NIRGraph"))
        {
          g_autofree char *inner = g_strconcat (path, "/", NULL);
          _bsl_interop_note (notes, "NIR node '%s' (NIRGraph) is not nested any more: its nodes "
                             "are written at the top level as %s_<node>", path, flat);
          report_graph (node, inner, nodes, notes);
          continue;
        }
      now = written_type (nodes, flat);
      if (now == NULL)
        _bsl_interop_note (notes, "NIR node '%s' (%s) is not in the file under that name: the "
                           "import split, fused or folded it into other processes (its notes "
                           "say how)", path, type);
      else if (!g_str_equal (now, type))
        _bsl_interop_note (notes, "NIR node '%s' (%s) is written as %s '%s'", path, type, now,
                           flat);
    }
}

void
_bsl_nir_origin_report (JsonObject *graph_object,
                        hid_t       nodes,
                        const char *why,
                        GPtrArray  *notes)
{
  _bsl_interop_note (notes, "the network is not what its NIR import made (%s): it is exported "
                     "from its processes, and the nodes of the original NIR graph listed next "
                     "change", why);
  if (graph_object != NULL)
    report_graph (graph_object, "", nodes, notes);
}
