/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NIR (HDF5) -> Basalt network.
 *
 * The file is read into a flat list of nodes (subgraphs inlined, their Input/Output nodes turned
 * into pass-throughs). Every linear node (Affine, Linear, Scale, Flatten, Delay, plain edges) is
 * then folded into the consumer it feeds, so that each neuron population or Output ends up with
 * one weight matrix (and delays, and a constant bias) per producer: a source or a spiking
 * population. Those become Dense/DelayDense processes. Neurons map onto Lava's LIF as described
 * in docs/interop.md. */
#include "config.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-interop-private.h"
#include "bsl-limits.h"
#include "bsl-nir-import.h"
#include "bsl-nir-origin.h"
#include "bsl-nir-private.h"

typedef enum
{
  NODE_SOURCE,     /* top-level Input */
  NODE_SINK,       /* top-level Output */
  NODE_IDENTITY,   /* nested Input/Output, Flatten */
  NODE_LINEAR,     /* Affine, Linear, Scale */
  NODE_DELAY,
  NODE_NEURON,     /* I, LI, IF, LIF, CubaLI, CubaLIF, Threshold */
} NodeKind;

typedef struct _Node Node;

/* Per-neuron parameters of the equivalent Lava LIF, before the population is split into parts
 * that share du, dv (and the threshold where scaling cannot make it common). */
typedef struct
{
  gsize    n;
  gboolean spiking;
  double  *du, *dv;
  double  *gain;      /* input value -> a_in (before the per-neuron voltage scale k) */
  double  *bias;      /* constant added to v each step, in node units (before k) */
  double  *delta;     /* v_threshold - v_reset (spiking) */
  double  *v0;        /* NIR neurons start at v = 0, which is -v_reset in Basalt's units */
} Neuron;

typedef struct
{
  char     *name;     /* Basalt process name */
  gsize     n;
  gsize    *index;    /* node element of each part element */
  double    du, dv, vth;
  double   *k;        /* per-element voltage scale */
} Part;

typedef struct
{
  Node    *prod;      /* a source or a neuron node */
  double  *w;         /* rows x prod->n_out */
  int     *delay;     /* steps per entry, NULL when all 0 */
  char    *via;       /* the linear node that made this term, NULL when mixed or none */
} Term;

typedef struct
{
  gsize      n;
  GPtrArray *terms;   /* Term* */
  double    *bias;    /* n, NULL when none */
  char      *bias_via;
} Expr;

struct _Node
{
  char      *path;      /* "rnn/lif": for messages */
  char      *base;      /* what its Basalt name is made from: the path, less Basalt groups */
  char      *name;      /* sanitized, unique Basalt name */
  char      *type;
  NodeKind   kind;
  GHashTable *data;     /* dataset name -> BslArray* */
  gsize      n_in, n_out;
  GPtrArray *inputs;    /* Node*, one per incoming edge */
  GPtrArray *outputs;
  Neuron    *neuron;
  Node      *alias;     /* a Threshold fused into the non-spiking neuron before it */
  int        visit;
  Expr      *expr;      /* folded output expression of an identity/linear/delay node */
  GPtrArray *parts;     /* Part* (neurons, sources, sinks) */
  int        level;
  guint      ndim;      /* output shape, for convolution and pooling */
  gsize      shape[BSL_MAX_DIMS];
  double    *dense_w;   /* convolution or pooling as a dense (n_out, n_in) matrix */
  double    *dense_b;
  gboolean   has_pos;
  double     x, y;
};

/* What a name refers to inside one graph: a node, or a subgraph with its port nodes. */
typedef struct
{
  Node      *node;
  GPtrArray *sub_inputs;
  GPtrArray *sub_outputs;
} Entry;

typedef struct
{
  const char *path;      /* file path for messages */
  char       *display;   /* its basename */
  double      dt;
  GPtrArray  *nodes;     /* Node*, flat */
  GHashTable *names;     /* Basalt names taken */
  GPtrArray  *notes;
  GHashTable *layout;    /* node path -> double[2] from metadata */
  gboolean    flatten;   /* convolutions and pooling become dense weights */
  char       *name_prefix;   /* of nodes being read: the path less Basalt groups */
  GPtrArray  *groups;    /* Basalt groups found (GroupInfo*) */
  JsonObject *origin;    /* the graph being read, as recorded for the export (borrowed) */
} Ctx;

/* A nested NIRGraph that Basalt wrote for a designer group. */
typedef struct
{
  char    *name;
  double   x, y;
  gboolean collapsed;
  guint    first, last;   /* its nodes: ctx->nodes[first .. last) */
} GroupInfo;

static void
group_info_free (gpointer data)
{
  GroupInfo *g = data;

  g_free (g->name);
  g_free (g);
}

static void
part_free (gpointer data)
{
  Part *p = data;

  g_free (p->name);
  g_free (p->index);
  g_free (p->k);
  g_free (p);
}

static void
term_free (gpointer data)
{
  Term *t = data;

  g_free (t->w);
  g_free (t->delay);
  g_free (t->via);
  g_free (t);
}

static Expr *
expr_new (gsize n)
{
  Expr *e = g_new0 (Expr, 1);

  e->n = n;
  e->terms = g_ptr_array_new_with_free_func (term_free);
  return e;
}

static void
expr_free (Expr *e)
{
  if (e == NULL)
    return;
  g_ptr_array_unref (e->terms);
  g_free (e->bias);
  g_free (e->bias_via);
  g_free (e);
}

static void
neuron_free (Neuron *nr)
{
  if (nr == NULL)
    return;
  g_free (nr->du);
  g_free (nr->dv);
  g_free (nr->gain);
  g_free (nr->bias);
  g_free (nr->delta);
  g_free (nr->v0);
  g_free (nr);
}

static void
node_free (gpointer data)
{
  Node *node = data;

  g_free (node->path);
  g_free (node->base);
  g_free (node->name);
  g_free (node->type);
  g_clear_pointer (&node->data, g_hash_table_unref);
  g_clear_pointer (&node->inputs, g_ptr_array_unref);
  g_clear_pointer (&node->outputs, g_ptr_array_unref);
  neuron_free (node->neuron);
  expr_free (node->expr);
  g_clear_pointer (&node->parts, g_ptr_array_unref);
  g_free (node->dense_w);
  g_free (node->dense_b);
  g_free (node);
}

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_clear_pointer (&e->sub_inputs, g_ptr_array_unref);
  g_clear_pointer (&e->sub_outputs, g_ptr_array_unref);
  g_free (e);
}

#define note(ctx, ...) _bsl_interop_note ((ctx)->notes, __VA_ARGS__)

/* ------------------------------------------------------------------------------------------ */
/* HDF5 reading                                                                               */

static gboolean
link_exists (hid_t loc, const char *name)
{
  return H5Lexists (loc, name, H5P_DEFAULT) > 0;
}

static gboolean
is_dataset (hid_t loc, const char *name)
{
  H5O_info_t info;

  if (!link_exists (loc, name))
    return FALSE;
  if (H5Oget_info_by_name (loc, name, &info, H5P_DEFAULT) < 0)
    return FALSE;
  return info.type == H5O_TYPE_DATASET;
}

static gboolean
is_group (hid_t loc, const char *name)
{
  H5O_info_t info;

  if (!link_exists (loc, name))
    return FALSE;
  if (H5Oget_info_by_name (loc, name, &info, H5P_DEFAULT) < 0)
    return FALSE;
  return info.type == H5O_TYPE_GROUP;
}

/* No parameter of a real network comes near this; a corrupt dataspace claims far more. */
#define MAX_ELEMENTS ((hssize_t) 1 << 26)

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
  hid_t plist = H5Dget_create_plist (dset);
  hid_t space = H5Dget_space (dset);
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
  if (space >= 0)
    H5Sclose (space);
  if (plist >= 0)
    H5Pclose (plist);
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

/* Variable-length strings live in "global heap collections" elsewhere in the file, and libhdf5
 * 1.10 follows corrupt references and lengths there without checking (it crashes, or loops,
 * found by fuzzing). A contiguous string dataset, which is what nir.write produces, is therefore
 * read here from the raw bytes, every reference checked. Returns the strings, NULL with
 * *corrupt set, or NULL with *corrupt unset when the layout is not contiguous. */
static char **
read_vlen_direct (hid_t dset, hssize_t n, gboolean *corrupt)
{
  hid_t file = H5Iget_file_id (dset), fcpl = -1;
  haddr_t offset = H5Dget_offset (dset);
  hsize_t stored = H5Dget_storage_size (dset), userblock = 0;
  size_t sizeof_addr = 8, sizeof_size = 8, element;
  g_autofree char *name = NULL;
  g_autofree guchar *raw = NULL;
  char **result = NULL;
  ssize_t name_len;
  goffset file_size;
  FILE *f = NULL;

  *corrupt = TRUE;
  if (file < 0)
    return NULL;
  if (offset == HADDR_UNDEF)
    {
      *corrupt = FALSE;
      H5Fclose (file);
      return NULL;
    }
  fcpl = H5Fget_create_plist (file);
  if (fcpl < 0 || H5Pget_sizes (fcpl, &sizeof_addr, &sizeof_size) < 0
      || H5Pget_userblock (fcpl, &userblock) < 0 || sizeof_addr > 8 || sizeof_size > 8)
    goto out;
  element = 4 + sizeof_addr + 4;
  if (stored < (hsize_t) n * element)
    goto out;
  name_len = H5Fget_name (file, NULL, 0);
  if (name_len <= 0)
    goto out;
  name = g_malloc (name_len + 1);
  H5Fget_name (file, name, name_len + 1);
  f = fopen (name, "rb");
  if (f == NULL || fseeko (f, 0, SEEK_END) != 0)
    goto out;
  file_size = ftello (f);
  raw = g_malloc (MAX (n * element, 1));
  if (fseeko (f, (off_t) (userblock + offset), SEEK_SET) != 0
      || fread (raw, element, n, f) != (size_t) n)
    goto out;
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
  else
    *corrupt = FALSE;
out:
  if (f != NULL)
    fclose (f);
  if (fcpl >= 0)
    H5Pclose (fcpl);
  H5Fclose (file);
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

/* Reads every element of a string dataset (scalar or any shape), vlen or fixed-length. */
static char **
read_strings (hid_t dset, gsize *n_out, GError **error, const char *what)
{
  hid_t ftype = H5Dget_type (dset);
  hid_t space = H5Dget_space (dset);
  hssize_t n = H5Sget_simple_extent_npoints (space);
  char **result = NULL;

  if (ftype < 0 || space < 0 || n < 0)
    goto fail;
  if (H5Tget_class (ftype) != H5T_STRING)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s is not a string dataset", what);
      goto out;
    }
  if (n > MAX_ELEMENTS || H5Tget_size (ftype) > 65536 || !storage_ok (dset, ftype, n))
    goto fail;
  result = g_new0 (char *, n + 1);
  if (H5Tis_variable_str (ftype) > 0)
    {
      hid_t mtype;
      char **buf;
      herr_t st;
      gboolean corrupt;
      char **direct = read_vlen_direct (dset, n, &corrupt);

      g_clear_pointer (&result, g_strfreev);
      if (direct != NULL)
        {
          result = direct;
          *n_out = n;
          goto out;
        }
      if (corrupt)
        goto fail;
      result = g_new0 (char *, n + 1);
      mtype = H5Tcopy (H5T_C_S1);
      buf = g_new0 (char *, n + 1);

      H5Tset_size (mtype, H5T_VARIABLE);
      H5Tset_cset (mtype, H5Tget_cset (ftype));
      st = H5Dread (dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
      if (st >= 0)
        {
          for (hssize_t i = 0; i < n; i++)
            result[i] = g_strdup (buf[i] != NULL ? buf[i] : "");
          H5Dvlen_reclaim (mtype, space, H5P_DEFAULT, buf);
        }
      H5Tclose (mtype);
      g_free (buf);
      if (st < 0)
        {
          g_clear_pointer (&result, g_strfreev);
          goto fail;
        }
    }
  else
    {
      size_t size = H5Tget_size (ftype);
      H5T_str_t pad = H5Tget_strpad (ftype);
      hid_t mtype = H5Tcopy (H5T_C_S1);
      char *buf = g_malloc0 ((size ? size : 1) * (n ? n : 1));
      herr_t st;

      H5Tset_size (mtype, size);
      H5Tset_strpad (mtype, pad);
      H5Tset_cset (mtype, H5Tget_cset (ftype));
      st = H5Dread (dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
      H5Tclose (mtype);
      if (st >= 0)
        for (hssize_t i = 0; i < n; i++)
          result[i] = fixed_to_string (buf + i * size, size, pad);
      g_free (buf);
      if (st < 0)
        {
          g_clear_pointer (&result, g_strfreev);
          goto fail;
        }
    }
  *n_out = n;
  goto out;

fail:
  g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
               "%s cannot be read (truncated or corrupt file?)", what);
out:
  if (ftype >= 0)
    H5Tclose (ftype);
  if (space >= 0)
    H5Sclose (space);
  return result;
}

static char *
read_string (hid_t loc, const char *name, const char *what, GError **error)
{
  hid_t dset = H5Dopen2 (loc, name, H5P_DEFAULT);
  g_auto (GStrv) v = NULL;
  gsize n = 0;

  if (dset < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s cannot be opened", what);
      return NULL;
    }
  v = read_strings (dset, &n, error, what);
  H5Dclose (dset);
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

/* Reads a numeric dataset (any integer or float type, any layout or filter) as doubles. */
static BslArray *
read_array (hid_t loc, const char *name, const char *what, GError **error)
{
  hid_t dset = H5Dopen2 (loc, name, H5P_DEFAULT);
  hid_t ftype = -1, space = -1;
  hsize_t hdims[H5S_MAX_RANK];
  gsize dims[BSL_MAX_DIMS];
  BslArray *array = NULL;
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
      goto out;
    }
  if (!numeric_type_ok (ftype, cls))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s has a number type Basalt does not read (corrupt file?)", what);
      goto out;
    }
  rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;
  if (rank < 0 || rank > BSL_MAX_DIMS)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "%s has %d dimensions (at most %d allowed)",
                   what, rank, BSL_MAX_DIMS);
      goto out;
    }
  H5Sget_simple_extent_dims (space, hdims, NULL);
  if (H5Sget_simple_extent_npoints (space) > MAX_ELEMENTS
      || !storage_ok (dset, ftype, H5Sget_simple_extent_npoints (space)))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s does not match its stored data (truncated or corrupt file?)", what);
      goto out;
    }
  for (int d = 0; d < rank; d++)
    dims[d] = hdims[d];
  array = bsl_array_new (rank, dims);
  if (array->n > 0
      && H5Dread (dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, array->data) < 0)
    {
      g_clear_pointer (&array, bsl_array_free);
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s cannot be read (truncated or corrupt file?)", what);
      goto out;
    }
  for (gsize i = 0; i < array->n; i++)
    if (!isfinite (array->data[i]))
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "%s[%" G_GSIZE_FORMAT "] is %g",
                     what, i, array->data[i]);
        g_clear_pointer (&array, bsl_array_free);
        goto out;
      }
out:
  if (ftype >= 0)
    H5Tclose (ftype);
  if (space >= 0)
    H5Sclose (space);
  H5Dclose (dset);
  return array;
}

static herr_t
collect_link (hid_t group, const char *name, const H5L_info_t *info, void *data)
{
  g_ptr_array_add (data, g_strdup (name));
  return 0;
}

static GPtrArray *
list_links (hid_t group)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  hsize_t idx = 0;

  if (H5Literate (group, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_link, names) < 0)
    g_clear_pointer (&names, g_ptr_array_unref);
  return names;
}

/* ------------------------------------------------------------------------------------------ */
/* Node catalogue                                                                             */

typedef struct
{
  const char *type;
  NodeKind    kind;
  const char *required[8];
  const char *optional[4];
} NodeSpec;

static const NodeSpec node_specs[] = {
  { "Input", NODE_SOURCE, { "shape" }, { NULL } },
  { "Output", NODE_SINK, { "shape" }, { NULL } },
  { "Affine", NODE_LINEAR, { "weight", "bias" }, { NULL } },
  { "Linear", NODE_LINEAR, { "weight" }, { NULL } },
  { "Scale", NODE_LINEAR, { "scale" }, { NULL } },
  { "Flatten", NODE_IDENTITY, { "start_dim", "end_dim" }, { "input_type" } },
  { "Delay", NODE_DELAY, { "delay" }, { NULL } },
  { "Threshold", NODE_NEURON, { "threshold" }, { NULL } },
  { "I", NODE_NEURON, { "r" }, { NULL } },
  { "LI", NODE_NEURON, { "tau", "r", "v_leak" }, { NULL } },
  { "IF", NODE_NEURON, { "r", "v_threshold" }, { "v_reset" } },
  { "LIF", NODE_NEURON, { "tau", "r", "v_leak", "v_threshold" }, { "v_reset" } },
  { "CubaLI", NODE_NEURON, { "tau_syn", "tau_mem", "r", "v_leak" }, { "w_in" } },
  { "CubaLIF", NODE_NEURON, { "tau_syn", "tau_mem", "r", "v_leak", "v_threshold" },
    { "v_reset", "w_in" } },
  /* Only with the flatten option: */
  { "Conv1d", NODE_LINEAR, { "weight", "stride", "padding", "dilation", "groups", "input_shape" },
    { "bias" } },
  { "Conv2d", NODE_LINEAR, { "weight", "stride", "padding", "dilation", "groups", "input_shape" },
    { "bias" } },
  { "SumPool2d", NODE_LINEAR, { "kernel_size", "stride", "padding" }, { NULL } },
  { "AvgPool2d", NODE_LINEAR, { "kernel_size", "stride", "padding" }, { NULL } },
};

/* Node types of NIR that Basalt cannot represent. */
static const char *const unsupported_types[] = {
  "Identity", NULL,
};

/* Node types Basalt represents only as dense matrices, when asked to. */
static const char *const conv_types[] = {
  "Conv1d", "Conv2d", "SumPool2d", "AvgPool2d", NULL,
};

static const NodeSpec *
find_spec (const char *type)
{
  for (gsize i = 0; i < G_N_ELEMENTS (node_specs); i++)
    if (g_str_equal (node_specs[i].type, type))
      return &node_specs[i];
  return NULL;
}

static gboolean
spec_knows (const NodeSpec *spec, const char *name)
{
  for (int i = 0; i < 8 && spec->required[i] != NULL; i++)
    if (g_str_equal (spec->required[i], name))
      return TRUE;
  for (int i = 0; i < 4 && spec->optional[i] != NULL; i++)
    if (g_str_equal (spec->optional[i], name))
      return TRUE;
  return FALSE;
}

static char *
node_what (Ctx *ctx, const char *path, const char *type)
{
  if (type != NULL)
    return g_strdup_printf ("%s: node '%s' (%s)", ctx->display, path, type);
  return g_strdup_printf ("%s: node '%s'", ctx->display, path);
}

static const BslArray *
node_array (Node *node, const char *name)
{
  return g_hash_table_lookup (node->data, name);
}

/* A valid Basalt process name for a node path: [A-Za-z_][A-Za-z0-9_]*. */
static char *
sanitize_name (const char *wanted)
{
  GString *s = g_string_new (NULL);

  for (const char *p = wanted; *p != '\0'; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '_' ? *p : '_');
  if (s->len == 0 || g_ascii_isdigit (s->str[0]))
    g_string_prepend_c (s, 'n');
  return g_string_free (s, FALSE);
}

/* The same, made unique among the processes created so far. */
static char *
claim_name (Ctx *ctx, const char *wanted)
{
  g_autofree char *base = sanitize_name (wanted);
  char *name = g_strdup (base);

  for (int k = 2; g_hash_table_contains (ctx->names, name); k++)
    {
      g_free (name);
      name = g_strdup_printf ("%s_%d", base, k);
    }
  g_hash_table_add (ctx->names, g_strdup (name));
  return name;
}

static gsize
array_prod_shape (const BslArray *shape)
{
  gsize n = 1;

  for (gsize i = 0; i < shape->n; i++)
    n *= (gsize) MAX (shape->data[i], 0);
  return n;
}

static gboolean read_graph (Ctx *ctx, hid_t group, const char *prefix, int depth,
                            GPtrArray *inputs, GPtrArray *outputs, GError **error);

static double
meta_number (hid_t meta, const char *name, double fallback)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslArray) a = is_dataset (meta, name) ? read_array (meta, name, name, &error) : NULL;

  return a != NULL && a->n == 1 ? a->data[0] : fallback;
}

/* The group a subgraph stands for, when Basalt wrote it. */
static GroupInfo *
read_group_mark (Ctx *ctx, hid_t graph, const char *name)
{
  GroupInfo *info;
  hid_t meta;

  if (!is_group (graph, "metadata"))
    return NULL;
  meta = H5Gopen2 (graph, "metadata", H5P_DEFAULT);
  if (meta < 0)
    return NULL;
  if (!is_dataset (meta, BSL_NIR_GROUP_MARK))
    {
      H5Gclose (meta);
      return NULL;
    }
  info = g_new0 (GroupInfo, 1);
  info->name = g_strdup (name);
  info->x = meta_number (meta, "x", 0);
  info->y = meta_number (meta, "y", 0);
  info->collapsed = meta_number (meta, "collapsed", 0) != 0;
  H5Gclose (meta);
  return info;
}

/* The number type a dataset is stored as, in the record's notation ("f4", "i8", ...); read_array
 * has checked it. */
static const char *
stored_type (hid_t group, const char *name)
{
  static const char *const names[2][9] = {
    { "i1", "i1", "i2", "i2", "i4", "i4", "i4", "i4", "i8" },
    { "u1", "u1", "u2", "u2", "u4", "u4", "u4", "u4", "u8" },
  };
  hid_t dset = H5Dopen2 (group, name, H5P_DEFAULT);
  hid_t ftype = dset >= 0 ? H5Dget_type (dset) : -1;
  const char *out = "f8";
  size_t size = ftype >= 0 ? MIN (H5Tget_size (ftype), 8) : 8;

  if (ftype >= 0 && H5Tget_class (ftype) == H5T_INTEGER)
    out = names[H5Tget_sign (ftype) == H5T_SGN_NONE ? 1 : 0][size];
  else if (ftype >= 0 && size <= 4)
    out = "f4";
  if (ftype >= 0)
    H5Tclose (ftype);
  if (dset >= 0)
    H5Dclose (dset);
  return out;
}

/* Reads one node group; subgraphs recurse and come back as an Entry with port lists. */
static Entry *
read_node (Ctx *ctx, hid_t parent, const char *name, const char *prefix, int depth, GError **error)
{
  g_autofree char *path = g_strconcat (prefix, name, NULL);
  g_autofree char *what = node_what (ctx, path, NULL);
  g_autofree char *type = NULL;
  g_autofree char *type_what = NULL;
  g_autoptr (GPtrArray) links = NULL;
  const NodeSpec *spec;
  Entry *entry = NULL;
  JsonObject *origin;
  Node *node;
  hid_t group;

  if (!is_group (parent, name))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s is not a group", what);
      return NULL;
    }
  group = H5Gopen2 (parent, name, H5P_DEFAULT);
  if (group < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s cannot be opened", what);
      return NULL;
    }
  if (!is_dataset (group, "type"))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s has no 'type' dataset", what);
      goto out;
    }
  type_what = g_strdup_printf ("%s: 'type'", what);
  type = read_string (group, "type", type_what, error);
  if (type == NULL)
    goto out;

  if (g_str_equal (type, "NIRGraph"))
    {
      g_autofree char *sub_prefix = g_strconcat (path, "/", NULL);
      char *outer_prefix = ctx->name_prefix;
      GroupInfo *info = read_group_mark (ctx, group, name);
      JsonObject *outer_origin = ctx->origin;

      /* Inside a Basalt group, nodes keep their own names; in any other subgraph the
       * subgraph's name goes in front. */
      ctx->name_prefix = info != NULL ? g_strdup (outer_prefix)
                                      : g_strconcat (outer_prefix, name, "/", NULL);
      entry = g_new0 (Entry, 1);
      entry->sub_inputs = g_ptr_array_new ();
      entry->sub_outputs = g_ptr_array_new ();
      if (info != NULL)
        info->first = ctx->nodes->len;
      ctx->origin = _bsl_nir_origin_add_node (outer_origin, name, type);
      if (!read_graph (ctx, group, sub_prefix, depth + 1, entry->sub_inputs, entry->sub_outputs,
                       error))
        g_clear_pointer (&entry, entry_free);
      ctx->origin = outer_origin;
      if (info != NULL)
        {
          info->last = ctx->nodes->len;
          g_ptr_array_add (ctx->groups, info);
        }
      g_free (ctx->name_prefix);
      ctx->name_prefix = outer_prefix;
      goto out;
    }

  for (int i = 0; unsupported_types[i] != NULL; i++)
    if (g_str_equal (type, unsupported_types[i]))
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                     "%s: node '%s' is a %s, which Basalt cannot represent "
                     "(only neuron populations and dense connections)",
                     ctx->display, path, type);
        goto out;
      }
  if (!ctx->flatten && g_strv_contains (conv_types, type))
    {
      /* The caller says how to ask for flattening: a command-line option, a button. */
      g_set_error (error, BSL_ERROR, BSL_ERROR_NEEDS_FLATTENING,
                   "%s: node '%s' is a %s, which Basalt imports only flattened into dense weights",
                   ctx->display, path, type);
      goto out;
    }
  spec = find_spec (type);
  if (spec == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_TYPE,
                   "%s: node '%s' has unknown type '%s'", ctx->display, path, type);
      goto out;
    }

  g_free (what);
  what = node_what (ctx, path, type);
  node = g_new0 (Node, 1);
  node->path = g_strdup (path);
  node->base = g_strconcat (ctx->name_prefix, name, NULL);
  node->type = g_strdup (type);
  node->kind = spec->kind;
  if (depth > 0 && (node->kind == NODE_SOURCE || node->kind == NODE_SINK))
    node->kind = NODE_IDENTITY;
  node->data = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) bsl_array_free);
  node->inputs = g_ptr_array_new ();
  node->outputs = g_ptr_array_new ();
  g_ptr_array_add (ctx->nodes, node);
  entry = g_new0 (Entry, 1);
  entry->node = node;
  origin = _bsl_nir_origin_add_node (ctx->origin, name, type);

  for (int i = 0; i < 8 && spec->required[i] != NULL; i++)
    if (!is_dataset (group, spec->required[i]))
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: required dataset '%s' is missing",
                     what, spec->required[i]);
        g_clear_pointer (&entry, entry_free);
        goto out;
      }
  links = list_links (group);
  if (links == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s cannot be listed", what);
      g_clear_pointer (&entry, entry_free);
      goto out;
    }
  for (guint i = 0; i < links->len; i++)
    {
      const char *ds = links->pdata[i];
      g_autofree char *ds_what = NULL;
      BslArray *array;

      if (g_str_equal (ds, "type") || g_str_equal (ds, "metadata"))
        continue;
      if (!spec_knows (spec, ds))
        {
          note (ctx, "node '%s' (%s): dataset '%s' is not part of NIR and was ignored",
                path, type, ds);
          continue;
        }
      if (!is_dataset (group, ds))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: '%s' is not a dataset", what, ds);
          g_clear_pointer (&entry, entry_free);
          goto out;
        }
      ds_what = g_strdup_printf ("%s: dataset '%s'", what, ds);
      array = read_array (group, ds, ds_what, error);
      if (array == NULL)
        {
          g_clear_pointer (&entry, entry_free);
          goto out;
        }
      _bsl_nir_origin_add_dataset (origin, ds, array, stored_type (group, ds));
      g_hash_table_insert (node->data, g_strdup (ds), array);
    }

out:
  H5Gclose (group);
  return entry;
}

/* Resolves an edge end: a node of this graph, a subgraph (its single port), or "G.port". */
static Node *
resolve_end (Ctx *ctx, GHashTable *entries, const char *name, gboolean as_source,
             const char *graph_path, guint edge, GError **error)
{
  Entry *entry = g_hash_table_lookup (entries, name);
  GPtrArray *ports;

  if (entry == NULL)
    {
      const char *dot = strrchr (name, '.');
      if (dot != NULL)
        {
          g_autofree char *head = g_strndup (name, dot - name);
          Entry *sub = g_hash_table_lookup (entries, head);
          if (sub != NULL && sub->node == NULL)
            {
              ports = as_source ? sub->sub_outputs : sub->sub_inputs;
              for (guint i = 0; i < ports->len; i++)
                {
                  Node *p = ports->pdata[i];
                  const char *base = strrchr (p->path, '/');
                  if (g_str_equal (base != NULL ? base + 1 : p->path, dot + 1))
                    return p;
                }
            }
        }
      g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                   "%s: edge %u of graph '%s' (%s end) names '%s', which is not a node "
                   "of that graph (dangling edge)", ctx->display, edge,
                   graph_path[0] ? graph_path : "/", as_source ? "source" : "target", name);
      return NULL;
    }
  if (entry->node != NULL)
    return entry->node;
  ports = as_source ? entry->sub_outputs : entry->sub_inputs;
  if (ports->len != 1)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                   "%s: edge %u of graph '%s' connects to subgraph '%s', which has %u %s "
                   "nodes: name one as '%s.<port>'", ctx->display, edge,
                   graph_path[0] ? graph_path : "/", name, ports->len,
                   as_source ? "Output" : "Input", name);
      return NULL;
    }
  return ports->pdata[0];
}

static gboolean
read_graph (Ctx *ctx, hid_t group, const char *prefix, int depth,
            GPtrArray *inputs, GPtrArray *outputs, GError **error)
{
  g_autoptr (GHashTable) entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          entry_free);
  g_autoptr (GPtrArray) links = NULL;
  g_autofree char *graph_path = g_strndup (prefix, strlen (prefix) ? strlen (prefix) - 1 : 0);
  g_autofree char *gwhat = g_strdup_printf ("%s: graph '%s'", ctx->display,
                                            graph_path[0] ? graph_path : "/");
  g_auto (GStrv) edges = NULL;
  gsize n_edges = 0;
  hid_t nodes, dset;

  if (!is_group (group, "nodes"))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s has no 'nodes' group", gwhat);
      return FALSE;
    }
  if (!is_dataset (group, "edges"))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s has no 'edges' dataset", gwhat);
      return FALSE;
    }
  nodes = H5Gopen2 (group, "nodes", H5P_DEFAULT);
  links = nodes >= 0 ? list_links (nodes) : NULL;
  if (links == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: 'nodes' cannot be read", gwhat);
      if (nodes >= 0)
        H5Gclose (nodes);
      return FALSE;
    }
  for (guint i = 0; i < links->len; i++)
    {
      const char *name = links->pdata[i];
      Entry *entry = read_node (ctx, nodes, name, prefix, depth, error);
      if (entry == NULL)
        {
          H5Gclose (nodes);
          return FALSE;
        }
      if (entry->node != NULL && g_str_equal (entry->node->type, "Input"))
        g_ptr_array_add (inputs, entry->node);
      if (entry->node != NULL && g_str_equal (entry->node->type, "Output"))
        g_ptr_array_add (outputs, entry->node);
      g_hash_table_insert (entries, g_strdup (name), entry);
    }
  H5Gclose (nodes);

  /* edges: (E, 2) strings; an empty list may come back from h5py as a (0,) float dataset. */
  dset = H5Dopen2 (group, "edges", H5P_DEFAULT);
  if (dset < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: 'edges' cannot be opened", gwhat);
      return FALSE;
    }
  {
    hid_t space = H5Dget_space (dset), ftype = H5Dget_type (dset);
    hssize_t npts = space >= 0 ? H5Sget_simple_extent_npoints (space) : -1;
    int rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;
    hsize_t dims[H5S_MAX_RANK] = { 0 };
    gboolean is_str = ftype >= 0 && H5Tget_class (ftype) == H5T_STRING;

    if (rank > 0 && rank <= H5S_MAX_RANK)
      H5Sget_simple_extent_dims (space, dims, NULL);
    if (ftype >= 0)
      H5Tclose (ftype);
    if (space >= 0)
      H5Sclose (space);
    if (npts == 0)
      n_edges = 0;
    else if (!is_str)
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                     "%s: 'edges' must hold strings (pairs of node names)", gwhat);
        H5Dclose (dset);
        return FALSE;
      }
    else if (rank != 2 || dims[1] != 2)
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                     "%s: 'edges' must have shape (E, 2), not %d-dimensional%s", gwhat, rank,
                     rank == 2 ? " with a second dimension other than 2" : "");
        H5Dclose (dset);
        return FALSE;
      }
    else
      {
        g_autofree char *ewhat = g_strdup_printf ("%s: 'edges'", gwhat);
        gsize n = 0;
        edges = read_strings (dset, &n, error, ewhat);
        if (edges == NULL)
          {
            H5Dclose (dset);
            return FALSE;
          }
        n_edges = n / 2;
      }
  }
  H5Dclose (dset);
  _bsl_nir_origin_set_edges (ctx->origin, edges, n_edges);

  for (gsize e = 0; e < n_edges; e++)
    {
      Node *src = resolve_end (ctx, entries, edges[2 * e], TRUE, graph_path, e, error);
      Node *dst = src ? resolve_end (ctx, entries, edges[2 * e + 1], FALSE, graph_path, e,
                                     error) : NULL;
      if (dst == NULL)
        return FALSE;
      g_ptr_array_add (src->outputs, dst);
      g_ptr_array_add (dst->inputs, src);
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Sizes and neuron parameters                                                                */

static gboolean
check_vector (Ctx *ctx, Node *node, const char *ds, gsize *n, GError **error)
{
  const BslArray *a = node_array (node, ds);
  gsize m;

  if (a == NULL)
    return TRUE;
  m = a->ndim == 0 ? 0 : a->n;   /* 0-d: broadcast */
  if (m == 0 && a->ndim != 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "%s: node '%s' (%s): '%s' is empty",
                   ctx->display, node->path, node->type, ds);
      return FALSE;
    }
  if (m != 0 && *n != 0 && m != *n)
    {
      g_autofree char *shape = bsl_shape_to_string (a->ndim, a->dims);
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "%s: node '%s' (%s): '%s' has shape %s (%" G_GSIZE_FORMAT " values) but the "
                   "other parameters have %" G_GSIZE_FORMAT " (wrong shape)",
                   ctx->display, node->path, node->type, ds, shape, m, *n);
      return FALSE;
    }
  if (m != 0)
    *n = m;
  return TRUE;
}

/* Element i of a parameter, with its default when it is optional and missing. */
static double
param (Node *node, const char *ds, gsize i, double fallback)
{
  const BslArray *a = node_array (node, ds);

  if (a == NULL)
    return fallback;
  return a->ndim == 0 ? a->data[0] : a->data[i];
}

/* Sets a node's output shape; its size is the product. */
static void
set_shape (Node *node, guint ndim, const gsize *dims)
{
  node->ndim = MIN (ndim, BSL_MAX_DIMS);
  node->n_out = 1;
  for (guint d = 0; d < node->ndim; d++)
    {
      node->shape[d] = dims[d];
      node->n_out *= dims[d];
    }
}

/* One of the 1 or 2 values of a per-axis parameter (an int is used for every axis). */
static double
axis_param (Node *node, const char *ds, guint axis, double fallback)
{
  const BslArray *a = node_array (node, ds);

  if (a == NULL || a->n == 0)
    return fallback;
  return a->data[a->n > axis ? axis : 0];
}

static gboolean
dense_too_large (Ctx *ctx, Node *node, gsize n_out, gsize n_in, GError **error)
{
  if (n_in == 0 || n_out == 0 || n_out > (gsize) MAX_ELEMENTS / n_in)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                   "%s: node '%s' (%s) would become a %" G_GSIZE_FORMAT " x %" G_GSIZE_FORMAT
                   " dense matrix, which is too large (or empty)", ctx->display, node->path,
                   node->type, n_out, n_in);
      return TRUE;
    }
  return FALSE;
}

/* out = (in + 2 pad - dilation (k - 1) - 1) / stride + 1, as NIR and PyTorch compute it. */
static gboolean
output_extent (Ctx *ctx, Node *node, gsize in, gsize k, long pad, long stride, long dil,
               gsize *out, GError **error)
{
  long span = (long) in + 2 * pad - dil * ((long) k - 1) - 1;

  if (stride <= 0 || dil <= 0 || pad < 0 || span < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "%s: node '%s' (%s): kernel %" G_GSIZE_FORMAT ", stride %ld, padding %ld, "
                   "dilation %ld do not fit an input of %" G_GSIZE_FORMAT, ctx->display,
                   node->path, node->type, k, stride, pad, dil, in);
      return FALSE;
    }
  *out = (gsize) (span / stride + 1);
  return TRUE;
}

/* Conv1d / Conv2d as a dense matrix over the flattened (C, H, W) input and output. */
static gboolean
conv_setup (Ctx *ctx, Node *node, GError **error)
{
  const BslArray *w = node_array (node, "weight");
  const BslArray *bias = node_array (node, "bias");
  const BslArray *in_shape = node_array (node, "input_shape");
  gboolean two_d = g_str_equal (node->type, "Conv2d");
  guint sd = two_d ? 2 : 1;
  gsize c_out, c_in_g, c_in, k[2] = { 1, 1 }, in[2] = { 1, 1 }, out[2] = { 1, 1 };
  long groups = (long) param (node, "groups", 0, 1);
  long stride[2] = { 1, 1 }, pad[2] = { 0, 0 }, dil[2] = { 1, 1 };

  if (w->ndim != sd + 2 || in_shape->n != sd || groups <= 0 || w->dims[0] % groups != 0)
    {
      g_autofree char *shape = bsl_shape_to_string (w->ndim, w->dims);
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "%s: node '%s' (%s): 'weight' %s, 'input_shape' of %" G_GSIZE_FORMAT
                   " values and groups %ld do not fit together (wrong shape)", ctx->display,
                   node->path, node->type, shape, in_shape->n, groups);
      return FALSE;
    }
  c_out = w->dims[0];
  c_in_g = w->dims[1];
  c_in = c_in_g * groups;
  for (guint d = 0; d < sd; d++)
    {
      k[d] = w->dims[2 + d];
      in[d] = (gsize) MAX (in_shape->data[d], 0);
      stride[d] = (long) axis_param (node, "stride", d, 1);
      pad[d] = (long) axis_param (node, "padding", d, 0);
      dil[d] = (long) axis_param (node, "dilation", d, 1);
      if (!output_extent (ctx, node, in[d], k[d], pad[d], stride[d], dil[d], &out[d], error))
        return FALSE;
    }
  node->n_in = c_in * in[0] * in[1];
  {
    gsize dims[3] = { c_out, out[0], out[1] };
    set_shape (node, sd + 1, dims);
  }
  if (dense_too_large (ctx, node, node->n_out, node->n_in, error))
    return FALSE;
  node->dense_w = g_new0 (double, node->n_out * node->n_in);
  node->dense_b = g_new0 (double, node->n_out);
  for (gsize co = 0; co < c_out; co++)
    for (gsize oy = 0; oy < out[0]; oy++)
      for (gsize ox = 0; ox < out[1]; ox++)
        {
          gsize row = (co * out[0] + oy) * out[1] + ox;
          gsize g = co / (c_out / groups);
          node->dense_b[row] = bias != NULL && bias->n == c_out ? bias->data[co] : 0.0;
          for (gsize cl = 0; cl < c_in_g; cl++)
            for (gsize ky = 0; ky < k[0]; ky++)
              for (gsize kx = 0; kx < k[1]; kx++)
                {
                  long iy = (long) oy * stride[0] - pad[0] + (long) ky * dil[0];
                  long ix = (long) ox * stride[1] - pad[1] + (long) kx * dil[1];
                  gsize ci = g * c_in_g + cl, col;
                  if (iy < 0 || ix < 0 || iy >= (long) in[0] || ix >= (long) in[1])
                    continue;
                  col = (ci * in[0] + (gsize) iy) * in[1] + (gsize) ix;
                  node->dense_w[row * node->n_in + col] +=
                    w->data[((co * c_in_g + cl) * k[0] + ky) * k[1] + kx];
                }
        }
  note (ctx, "node '%s' (%s) became dense weights (%" G_GSIZE_FORMAT " x %" G_GSIZE_FORMAT ")",
        node->path, node->type, node->n_out, node->n_in);
  return TRUE;
}

/* SumPool2d / AvgPool2d over the (C, H, W) output of the node before. */
static gboolean
pool_setup (Ctx *ctx, Node *node, const Node *up, GError **error)
{
  gboolean avg = g_str_equal (node->type, "AvgPool2d");
  gsize k[2], out[2], c, in[2];
  long stride[2], pad[2];

  if (up->ndim != 3)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "%s: node '%s' (%s) needs a (C, H, W) input; '%s' gives %u dimensions",
                   ctx->display, node->path, node->type, up->path, up->ndim);
      return FALSE;
    }
  c = up->shape[0];
  for (guint d = 0; d < 2; d++)
    {
      in[d] = up->shape[1 + d];
      k[d] = (gsize) MAX (axis_param (node, "kernel_size", d, 1), 1);
      stride[d] = (long) axis_param (node, "stride", d, (double) k[d]);
      pad[d] = (long) axis_param (node, "padding", d, 0);
      if (!output_extent (ctx, node, in[d], k[d], pad[d], stride[d], 1, &out[d], error))
        return FALSE;
    }
  node->n_in = up->n_out;
  {
    gsize dims[3] = { c, out[0], out[1] };
    set_shape (node, 3, dims);
  }
  if (dense_too_large (ctx, node, node->n_out, node->n_in, error))
    return FALSE;
  node->dense_w = g_new0 (double, node->n_out * node->n_in);
  for (gsize ch = 0; ch < c; ch++)
    for (gsize oy = 0; oy < out[0]; oy++)
      for (gsize ox = 0; ox < out[1]; ox++)
        for (gsize ky = 0; ky < k[0]; ky++)
          for (gsize kx = 0; kx < k[1]; kx++)
            {
              long iy = (long) oy * stride[0] - pad[0] + (long) ky;
              long ix = (long) ox * stride[1] - pad[1] + (long) kx;
              gsize row = (ch * out[0] + oy) * out[1] + ox;
              if (iy < 0 || ix < 0 || iy >= (long) in[0] || ix >= (long) in[1])
                continue;
              node->dense_w[row * node->n_in + (ch * in[0] + (gsize) iy) * in[1] + (gsize) ix] +=
                avg ? 1.0 / (double) (k[0] * k[1]) : 1.0;
            }
  note (ctx, "node '%s' (%s) became dense weights (%" G_GSIZE_FORMAT " x %" G_GSIZE_FORMAT ")",
        node->path, node->type, node->n_out, node->n_in);
  return TRUE;
}

static gboolean
node_sizes (Ctx *ctx, Node *node, GError **error)
{
  const char *t = node->type;
  const BslArray *a;

  if (g_str_equal (t, "Input") || g_str_equal (t, "Output"))
    {
      a = node_array (node, "shape");
      if (a->ndim > 1)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                       "%s: node '%s' (%s): 'shape' must be a list of dimensions",
                       ctx->display, node->path, t);
          return FALSE;
        }
      node->n_in = node->n_out = array_prod_shape (a);
      {
        gsize dims[BSL_MAX_DIMS] = { 0 };
        for (guint d = 0; d < MIN (a->n, BSL_MAX_DIMS); d++)
          dims[d] = (gsize) MAX (a->data[d], 0);
        set_shape (node, MIN (a->n, BSL_MAX_DIMS), dims);
        node->n_out = node->n_in;
      }
    }
  else if (g_str_equal (t, "Conv1d") || g_str_equal (t, "Conv2d"))
    return conv_setup (ctx, node, error);
  else if (g_str_has_suffix (t, "Pool2d"))
    node->n_in = node->n_out = 0;   /* from the node before, in check_edges */
  else if (g_str_equal (t, "Affine") || g_str_equal (t, "Linear"))
    {
      a = node_array (node, "weight");
      if (a->ndim != 2)
        {
          g_autofree char *shape = bsl_shape_to_string (a->ndim, a->dims);
          g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                       "%s: node '%s' (%s): 'weight' must have shape (out, in), not %s",
                       ctx->display, node->path, t, shape);
          return FALSE;
        }
      node->n_out = a->dims[0];
      node->n_in = a->dims[1];
      node->ndim = 1;
      node->shape[0] = node->n_out;
      a = node_array (node, "bias");
      if (a != NULL && !(a->n == node->n_out && a->ndim <= 1))
        {
          g_autofree char *shape = bsl_shape_to_string (a->ndim, a->dims);
          g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                       "%s: node '%s' (%s): 'bias' has shape %s but 'weight' has %"
                       G_GSIZE_FORMAT " rows (wrong shape)",
                       ctx->display, node->path, t, shape, node->n_out);
          return FALSE;
        }
    }
  else if (g_str_equal (t, "Flatten"))
    {
      a = node_array (node, "input_type");
      node->n_in = node->n_out = a != NULL ? array_prod_shape (a) : 0;
    }
  else if (node->kind == NODE_IDENTITY)   /* nested Input/Output */
    node->n_in = node->n_out = array_prod_shape (node_array (node, "shape"));
  else
    {
      static const char *const all[] = { "scale", "delay", "threshold", "r", "tau", "v_leak",
                                         "v_threshold", "v_reset", "tau_syn", "tau_mem", "w_in",
                                         NULL };
      gsize n = 0;
      for (int i = 0; all[i] != NULL; i++)
        {
          const BslArray *p = node_array (node, all[i]);
          if (!check_vector (ctx, node, all[i], &n, error))
            return FALSE;
          if (p != NULL && p->ndim > 0 && node->ndim == 0)
            set_shape (node, p->ndim, p->dims);
        }
      node->n_in = node->n_out = MAX (n, 1);
    }
  if (node->ndim == 0 && node->n_out > 0)
    {
      node->ndim = 1;
      node->shape[0] = node->n_out;
    }
  return TRUE;
}

/* Sizes of Flatten nodes without input_type come from upstream; then every edge is checked. */
static gboolean
check_edges (Ctx *ctx, GError **error)
{
  gboolean changed = TRUE;

  while (changed)
    {
      changed = FALSE;
      for (guint i = 0; i < ctx->nodes->len; i++)
        {
          Node *node = ctx->nodes->pdata[i];
          Node *up;
          if (node->n_in != 0 || node->inputs->len == 0)
            continue;
          up = node->inputs->pdata[0];
          if (up->n_out == 0)
            continue;
          if (g_str_has_suffix (node->type, "Pool2d"))
            {
              if (!pool_setup (ctx, node, up, error))
                return FALSE;
            }
          else if (g_str_equal (node->type, "Flatten"))
            {
              node->n_in = node->n_out = up->n_out;
              node->ndim = 1;
              node->shape[0] = up->n_out;
            }
          else
            {
              node->n_in = up->n_out;
              set_shape (node, up->ndim, up->shape);
            }
          changed = TRUE;
        }
    }
  for (guint i = 0; i < ctx->nodes->len; i++)
    {
      Node *node = ctx->nodes->pdata[i];
      for (guint j = 0; j < node->outputs->len; j++)
        {
          Node *dst = node->outputs->pdata[j];
          if (dst->n_in != node->n_out)
            {
              g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                           "%s: edge '%s' -> '%s': '%s' (%s) gives %" G_GSIZE_FORMAT
                           " values but '%s' (%s) takes %" G_GSIZE_FORMAT " (wrong shapes)",
                           ctx->display, node->path, dst->path, node->path, node->type,
                           node->n_out, dst->path, dst->type, dst->n_in);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static gboolean
positive (Ctx *ctx, Node *node, const char *ds, gsize i, double value, GError **error)
{
  if (value > 0)
    return TRUE;
  g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
               "%s: node '%s' (%s): %s[%" G_GSIZE_FORMAT "] = %g must be positive",
               ctx->display, node->path, node->type, ds, i, value);
  return FALSE;
}

/* Euler discretisation with step dt, spikes counted as 1 per step (the convention of the Lava
 * and snnTorch converters, see docs/interop.md):
 *   u = u (1 - du) + gain x,  v = v (1 - dv) + u + bias,  spike when v - v_reset > delta. */
static gboolean
neuron_params (Ctx *ctx, Node *node, GError **error)
{
  const char *t = node->type;
  gsize n = node->n_out;
  Neuron *nr = g_new0 (Neuron, 1);
  gboolean cuba = g_str_has_prefix (t, "Cuba");
  gboolean leaky = g_str_equal (t, "LI") || g_str_equal (t, "LIF");
  gboolean threshold = g_str_equal (t, "Threshold");
  gboolean clamped = FALSE;

  node->neuron = nr;
  nr->n = n;
  nr->spiking = g_str_equal (t, "IF") || g_str_equal (t, "LIF") || g_str_equal (t, "CubaLIF")
                || threshold;
  nr->du = g_new (double, n);
  nr->dv = g_new (double, n);
  nr->gain = g_new (double, n);
  nr->bias = g_new (double, n);
  nr->delta = g_new (double, n);
  nr->v0 = g_new0 (double, n);
  for (gsize i = 0; i < n; i++)
    {
      double r = param (node, "r", i, 1.0);
      double v_reset = nr->spiking && !threshold ? param (node, "v_reset", i, 0.0) : 0.0;
      double v_leak = param (node, "v_leak", i, 0.0);

      if (threshold)
        {
          /* Memoryless: v = a_in each step. */
          nr->du[i] = 1.0;
          nr->dv[i] = 1.0;
          nr->gain[i] = 1.0;
          nr->bias[i] = 0.0;
          nr->delta[i] = param (node, "threshold", i, 0.0);
          continue;
        }
      if (cuba)
        {
          double tau_syn = param (node, "tau_syn", i, 0), tau_mem = param (node, "tau_mem", i, 0);
          if (!positive (ctx, node, "tau_syn", i, tau_syn, error)
              || !positive (ctx, node, "tau_mem", i, tau_mem, error))
            return FALSE;
          nr->du[i] = ctx->dt / tau_syn;
          nr->dv[i] = ctx->dt / tau_mem;
        }
      else if (leaky)
        {
          double tau = param (node, "tau", i, 0);
          if (!positive (ctx, node, "tau", i, tau, error))
            return FALSE;
          nr->du[i] = 1.0;
          nr->dv[i] = ctx->dt / tau;
        }
      else   /* I, IF */
        {
          nr->du[i] = 1.0;
          nr->dv[i] = 0.0;
        }
      if (nr->du[i] > 1.0 || nr->dv[i] > 1.0)
        clamped = TRUE;
      nr->du[i] = MIN (nr->du[i], 1.0);
      nr->dv[i] = MIN (nr->dv[i], 1.0);
      if (cuba)
        nr->gain[i] = nr->du[i] * param (node, "w_in", i, 1.0) * nr->dv[i] * r;
      else if (leaky)
        nr->gain[i] = nr->dv[i] * r;
      else
        nr->gain[i] = ctx->dt * r;
      nr->bias[i] = nr->dv[i] * (v_leak - v_reset);
      nr->delta[i] = param (node, "v_threshold", i, 0.0) - v_reset;
      nr->v0[i] = -v_reset;
    }
  if (clamped)
    note (ctx, "node '%s' (%s): a time constant is shorter than dt = %g s; its decay was "
          "clamped to 1 per step", node->path, t, ctx->dt);
  return TRUE;
}

/* A Threshold right after a non-spiking neuron (I, LI, CubaLI) with no other consumer is the
 * spiking version of that neuron, except that NIR's Threshold does not reset v: Lava's LIF does. */
static void
fuse_thresholds (Ctx *ctx)
{
  for (guint i = 0; i < ctx->nodes->len; i++)
    {
      Node *th = ctx->nodes->pdata[i];
      Node *up;

      if (!g_str_equal (th->type, "Threshold") || th->inputs->len != 1)
        continue;
      up = th->inputs->pdata[0];
      if (up->kind != NODE_NEURON || up->neuron->spiking || up->outputs->len != 1)
        continue;
      up->neuron->spiking = TRUE;
      for (gsize k = 0; k < up->n_out; k++)
        up->neuron->delta[k] = param (th, "threshold", k, 0.0);
      th->alias = up;
      note (ctx, "nodes '%s' (%s) and '%s' (Threshold) became one spiking LIF '%s': it resets v "
            "to 0 after a spike, which a bare NIR Threshold does not", up->path, up->type,
            th->path, up->name);
    }
}

/* Splits a neuron node into parts with one du, dv and threshold each. Within a part a positive
 * per-neuron scale k of v makes differing thresholds (v_threshold - v_reset) common. */
static void
make_parts (Ctx *ctx, Node *node)
{
  Neuron *nr = node->neuron;
  gsize n = node->n_out;
  gboolean all_pos = TRUE;
  g_autofree int *part_of = g_new (int, n);
  g_autoptr (GArray) leaders = g_array_new (FALSE, FALSE, sizeof (gsize));

  for (gsize i = 0; i < n; i++)
    if (nr->spiking && !(nr->delta[i] > 0))
      all_pos = FALSE;
  for (gsize i = 0; i < n; i++)
    {
      part_of[i] = -1;
      for (guint p = 0; p < leaders->len; p++)
        {
          gsize l = g_array_index (leaders, gsize, p);
          if (nr->du[l] == nr->du[i] && nr->dv[l] == nr->dv[i]
              && (all_pos || !nr->spiking || nr->delta[l] == nr->delta[i]))
            {
              part_of[i] = p;
              break;
            }
        }
      if (part_of[i] < 0)
        {
          part_of[i] = leaders->len;
          g_array_append_val (leaders, i);
        }
    }
  node->parts = g_ptr_array_new_with_free_func (part_free);
  for (guint p = 0; p < leaders->len; p++)
    {
      gsize l = g_array_index (leaders, gsize, p);
      Part *part = g_new0 (Part, 1);
      g_autofree char *wanted = NULL;

      for (gsize i = 0; i < n; i++)
        if (part_of[i] == (int) p)
          part->n++;
      part->index = g_new (gsize, part->n);
      part->k = g_new (double, part->n);
      part->du = nr->du[l];
      part->dv = nr->dv[l];
      part->vth = nr->spiking ? nr->delta[l] : BSL_NIR_NONSPIKING_VTH;
      for (gsize i = 0, j = 0; i < n; i++)
        if (part_of[i] == (int) p)
          {
            part->index[j] = i;
            part->k[j] = nr->spiking && nr->delta[i] != part->vth ? part->vth / nr->delta[i] : 1.0;
            j++;
          }
      wanted = leaders->len == 1 ? g_strdup (node->name)
                                 : g_strdup_printf ("%s_%u", node->name, p);
      part->name = leaders->len == 1 ? g_strdup (node->name) : claim_name (ctx, wanted);
      g_ptr_array_add (node->parts, part);
    }
  if (leaders->len > 1)
    note (ctx, "node '%s' (%s): its %" G_GSIZE_FORMAT " neurons have %u different time "
          "constants%s; it became %u LIF populations '%s_0' ... (Lava's du, dv and vth are "
          "shared by a population)", node->path, node->type, n, leaders->len,
          all_pos ? "" : " or thresholds", leaders->len, node->name);
}

/* Sources and sinks: one part covering every element. */
static void
make_single_part (Node *node)
{
  Part *part = g_new0 (Part, 1);

  part->name = g_strdup (node->name);
  part->n = node->n_out;
  part->index = g_new (gsize, part->n);
  part->k = g_new (double, part->n);
  for (gsize i = 0; i < part->n; i++)
    {
      part->index[i] = i;
      part->k[i] = 1.0;
    }
  node->parts = g_ptr_array_new_with_free_func (part_free);
  g_ptr_array_add (node->parts, part);
}

/* ------------------------------------------------------------------------------------------ */
/* Folding linear nodes                                                                       */

static Node *
producer_of (Node *node)
{
  return node->alias != NULL ? node->alias : node;
}

static Term *
term_find (Expr *e, Node *prod)
{
  for (guint i = 0; i < e->terms->len; i++)
    {
      Term *t = e->terms->pdata[i];
      if (t->prod == prod)
        return t;
    }
  return NULL;
}

static gboolean
delays_conflict (Ctx *ctx, Node *at, Node *prod, GError **error)
{
  g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
               "%s: node '%s' (%s) sums signals from '%s' that arrive with different delays "
               "through the same synapse; Basalt has one delay per synapse",
               ctx->display, at->path, at->type, prod->path);
  return FALSE;
}

/* dst += src (same size). */
static gboolean
expr_add (Ctx *ctx, Node *at, Expr *dst, const Expr *src, GError **error)
{
  for (guint i = 0; i < src->terms->len; i++)
    {
      Term *s = src->terms->pdata[i];
      Term *d = term_find (dst, s->prod);
      gsize size = dst->n * s->prod->n_out;

      if (d == NULL)
        {
          d = g_new0 (Term, 1);
          d->prod = s->prod;
          d->w = g_memdup2 (s->w, size * sizeof (double));
          d->delay = s->delay ? g_memdup2 (s->delay, size * sizeof (int)) : NULL;
          d->via = g_strdup (s->via);
          g_ptr_array_add (dst->terms, d);
          continue;
        }
      if (g_strcmp0 (d->via, s->via) != 0)
        g_clear_pointer (&d->via, g_free);
      if (s->delay != NULL && d->delay == NULL)
        d->delay = g_new0 (int, size);
      for (gsize q = 0; q < size; q++)
        {
          int sd = s->delay ? s->delay[q] : 0;
          if (s->w[q] != 0 && d->w[q] != 0 && d->delay != NULL && d->delay[q] != sd)
            return delays_conflict (ctx, at, s->prod, error);
          if (s->w[q] != 0 && d->delay != NULL)
            d->delay[q] = sd;
          d->w[q] += s->w[q];
        }
    }
  if (src->bias != NULL)
    {
      if (dst->bias == NULL)
        dst->bias = g_new0 (double, dst->n);
      for (gsize i = 0; i < dst->n; i++)
        dst->bias[i] += src->bias[i];
      if (dst->bias_via == NULL)
        dst->bias_via = g_strdup (src->bias_via);
    }
  return TRUE;
}

/* out = W in + b, W given as a rows x in->n matrix, or a diagonal (scale). */
static Expr *
expr_map (Ctx *ctx, Node *at, const Expr *in, gsize rows, const double *w, const double *diag,
          const double *b, GError **error)
{
  Expr *out = expr_new (rows);
  gsize cols = in->n;

  for (guint i = 0; i < in->terms->len; i++)
    {
      Term *s = in->terms->pdata[i];
      gsize np = s->prod->n_out;
      Term *d = g_new0 (Term, 1);
      /* The non-zero entries of each row of the term: terms are mostly identities. */
      g_autofree gsize *row_start = g_new (gsize, cols + 1);
      g_autoptr (GArray) nz = g_array_new (FALSE, FALSE, sizeof (gsize));

      for (gsize k = 0; k < cols; k++)
        {
          row_start[k] = nz->len;
          for (gsize j = 0; j < np; j++)
            if (s->w[k * np + j] != 0)
              g_array_append_val (nz, j);
        }
      row_start[cols] = nz->len;

      d->prod = s->prod;
      d->w = g_new0 (double, rows * np);
      d->via = g_strdup (at->name);
      if (s->delay != NULL)
        d->delay = g_new0 (int, rows * np);
      g_ptr_array_add (out->terms, d);
      for (gsize r = 0; r < rows; r++)
        for (gsize k = 0; k < cols; k++)
          {
            double f = w != NULL ? w[r * cols + k] : (k == r ? diag[r] : 0.0);
            if (f == 0)
              continue;
            for (gsize e = row_start[k]; e < row_start[k + 1]; e++)
              {
                gsize j = g_array_index (nz, gsize, e);
                double x = s->w[k * np + j];
                if (s->delay != NULL)
                  {
                    int sd = s->delay[k * np + j];
                    if (d->w[r * np + j] != 0 && d->delay[r * np + j] != sd)
                      {
                        delays_conflict (ctx, at, s->prod, error);
                        expr_free (out);
                        return NULL;
                      }
                    d->delay[r * np + j] = sd;
                  }
                d->w[r * np + j] += f * x;
              }
          }
    }
  if (in->bias != NULL || b != NULL)
    {
      out->bias = g_new0 (double, rows);
      for (gsize r = 0; r < rows; r++)
        {
          double acc = b != NULL ? b[r] : 0.0;
          if (in->bias != NULL)
            for (gsize k = 0; k < cols; k++)
              acc += (w != NULL ? w[r * cols + k] : (k == r ? diag[r] : 0.0)) * in->bias[k];
          out->bias[r] = acc;
        }
      out->bias_via = g_strdup (b != NULL ? at->name : in->bias_via);
    }
  return out;
}

static Expr *expr_of_output (Ctx *ctx, Node *node, GError **error);

/* The sum of what arrives at a node over all its incoming edges. */
static Expr *
expr_of_input (Ctx *ctx, Node *node, GError **error)
{
  Expr *sum = expr_new (node->n_in);

  for (guint i = 0; i < node->inputs->len; i++)
    {
      Expr *e = expr_of_output (ctx, node->inputs->pdata[i], error);
      if (e == NULL || !expr_add (ctx, node, sum, e, error))
        {
          expr_free (sum);
          return NULL;
        }
    }
  return sum;
}

static Expr *
expr_identity (Node *prod)
{
  Expr *e = expr_new (prod->n_out);
  Term *t = g_new0 (Term, 1);

  t->prod = prod;
  t->w = g_new0 (double, prod->n_out * prod->n_out);
  for (gsize i = 0; i < prod->n_out; i++)
    t->w[i * prod->n_out + i] = 1.0;
  g_ptr_array_add (e->terms, t);
  return e;
}

/* Borrowed: cached on the node. */
static Expr *
expr_of_output (Ctx *ctx, Node *node, GError **error)
{
  Node *prod = producer_of (node);
  Expr *in;

  if (prod->expr != NULL)
    return prod->expr;
  if (prod->kind == NODE_SOURCE || prod->kind == NODE_NEURON)
    return prod->expr = expr_identity (prod);
  if (prod->kind == NODE_SINK)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                   "%s: Output node '%s' has an outgoing edge", ctx->display, prod->path);
      return NULL;
    }
  if (prod->visit == 1)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                   "%s: node '%s' (%s) is part of a loop without any neuron in it",
                   ctx->display, prod->path, prod->type);
      return NULL;
    }
  prod->visit = 1;
  in = expr_of_input (ctx, prod, error);
  prod->visit = 2;
  if (in == NULL)
    return NULL;
  if (prod->kind == NODE_IDENTITY)
    prod->expr = in;
  else if (prod->kind == NODE_DELAY)
    {
      for (guint i = 0; i < in->terms->len; i++)
        {
          Term *t = in->terms->pdata[i];
          gsize np = t->prod->n_out;
          if (t->delay == NULL)
            t->delay = g_new0 (int, in->n * np);
          for (gsize r = 0; r < in->n; r++)
            {
              double d = param (prod, "delay", r, 0.0) / ctx->dt;
              int steps = (int) lround (d);
              if (d < 0)
                {
                  g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                               "%s: node '%s' (Delay): delay[%" G_GSIZE_FORMAT "] = %g is "
                               "negative", ctx->display, prod->path, r,
                               param (prod, "delay", r, 0.0));
                  expr_free (in);
                  return NULL;
                }
              if (fabs (d - steps) > 1e-6)
                note (ctx, "node '%s' (Delay): delay[%" G_GSIZE_FORMAT "] = %g s rounded to %d "
                      "steps of %g s", prod->path, r, param (prod, "delay", r, 0.0), steps,
                      ctx->dt);
              for (gsize j = 0; j < np; j++)
                t->delay[r * np + j] += steps;
            }
          /* A Delay after a weight node belongs to that node's connection. */
          if (t->via == NULL)
            t->via = g_strdup (prod->name);
        }
      prod->expr = in;
    }
  else   /* NODE_LINEAR */
    {
      const BslArray *w = node_array (prod, "weight");
      const BslArray *b = node_array (prod, "bias");
      const BslArray *s = node_array (prod, "scale");
      g_autofree double *diag = NULL;

      if (s != NULL)
        {
          diag = g_new (double, prod->n_out);
          for (gsize i = 0; i < prod->n_out; i++)
            diag[i] = param (prod, "scale", i, 1.0);
        }
      if (prod->dense_w != NULL)
        prod->expr = expr_map (ctx, prod, in, prod->n_out, prod->dense_w, NULL, prod->dense_b,
                               error);
      else
        prod->expr = expr_map (ctx, prod, in, prod->n_out, w ? w->data : NULL, diag,
                               b ? b->data : NULL, error);
      expr_free (in);
    }
  return prod->expr;
}

/* An Output that shows one population as it is gets one Monitor per part of that population,
 * wired straight to its spikes; anything else is one Monitor behind Dense connections. */
static gboolean
make_sink_parts (Ctx *ctx, Node *node, GError **error)
{
  Expr *in = expr_of_input (ctx, node, error);
  Term *t;
  Node *prod;
  gboolean mirror;

  if (in == NULL)
    return FALSE;
  t = in->terms->len == 1 ? in->terms->pdata[0] : NULL;
  prod = t != NULL ? t->prod : NULL;
  mirror = t != NULL && in->bias == NULL && t->delay == NULL && prod->n_out == node->n_in
           && prod->parts != NULL && prod->parts->len > 1;
  for (gsize r = 0; mirror && r < node->n_in; r++)
    for (gsize c = 0; mirror && c < prod->n_out; c++)
      if (t->w[r * prod->n_out + c] != (r == c ? 1.0 : 0.0))
        mirror = FALSE;
  if (!mirror)
    {
      expr_free (in);
      make_single_part (node);
      return TRUE;
    }
  node->parts = g_ptr_array_new_with_free_func (part_free);
  for (guint p = 0; p < prod->parts->len; p++)
    {
      Part *src = prod->parts->pdata[p];
      Part *part = g_new0 (Part, 1);
      g_autofree char *wanted = g_strdup_printf ("%s_%u", node->name, p);
      part->name = claim_name (ctx, wanted);
      part->n = src->n;
      part->index = g_memdup2 (src->index, src->n * sizeof (gsize));
      part->k = g_new (double, src->n);
      for (gsize i = 0; i < src->n; i++)
        part->k[i] = 1.0;
      g_ptr_array_add (node->parts, part);
    }
  expr_free (in);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Building the Basalt graph                                                                  */

static void
array_set (BslProcess *p, const char *name, BslArray *value)
{
  g_autoptr (GError) error = NULL;

  if (!bsl_process_set_param (p, name, value, &error))
    g_warning ("NIR import: %s.%s: %s", p->name, name, error->message);
}

static BslArray *
vector_or_scalar (const double *v, gsize n)
{
  for (gsize i = 1; i < n; i++)
    if (v[i] != v[0])
      return bsl_array_new_vector (n, v);
  return bsl_array_new_scalar (n > 0 ? v[0] : 0.0);
}

static gboolean
emit_neuron_part (Ctx *ctx, BslGraph *graph, Node *node, Part *part, GError **error)
{
  gsize dims[1] = { part->n };
  BslProcess *p = bsl_graph_add_process (graph, "LIF", part->name, 1, dims, error);

  if (p == NULL)
    return FALSE;
  array_set (p, "du", bsl_array_new_scalar (part->du));
  array_set (p, "dv", bsl_array_new_scalar (part->dv));
  array_set (p, "vth", bsl_array_new_scalar (part->vth));
  {
    g_autofree double *v0 = g_new (double, part->n);
    gboolean any = FALSE;
    for (gsize r = 0; r < part->n; r++)
      {
        v0[r] = part->k[r] * node->neuron->v0[part->index[r]];
        any = any || v0[r] != 0;
      }
    if (any)
      array_set (p, "v", vector_or_scalar (v0, part->n));
  }
  return TRUE;
}

static gboolean
emit_source (Ctx *ctx, BslGraph *graph, Node *node, GError **error)
{
  gsize dims[2] = { node->n_out, 1 };
  BslProcess *p = bsl_graph_add_process (graph, "RingBuffer", node->name, 1, dims, error);

  if (p == NULL)
    return FALSE;
  array_set (p, "data", bsl_array_new (2, dims));
  note (ctx, "Input '%s' became RingBuffer '%s' with all-zero data: set its data to drive the "
        "network", node->path, node->name);
  return TRUE;
}

static gboolean
connect (BslGraph *graph, const char *from, const char *from_port, const char *to,
         const char *to_port, GError **error)
{
  return bsl_graph_connect_ports (graph, from, from_port, to, to_port, error) != NULL;
}

/* One connection process (or a direct wire) from a producer part into a consumer part. */
static gboolean
emit_synapse (Ctx *ctx, BslGraph *graph, Node *consumer, Part *cpart, const double *row_scale,
              Term *term, Part *ppart, GError **error)
{
  Node *prod = term->prod;
  gsize np = prod->n_out;
  gsize rows = cpart->n, cols = ppart->n;
  g_autoptr (BslArray) w = bsl_array_new_matrix (rows, cols);
  g_autoptr (BslArray) delays = NULL;
  gboolean any = FALSE, identity = rows == cols, delayed = FALSE;
  g_autofree char *wanted = NULL;
  g_autofree char *name = NULL;
  const char *from_port = "s_out";
  BslProcess *p;

  for (gsize r = 0; r < rows; r++)
    for (gsize c = 0; c < cols; c++)
      {
        gsize q = cpart->index[r] * np + ppart->index[c];
        double x = term->w[q] * row_scale[r];
        w->data[r * cols + c] = x;
        if (x != 0)
          any = TRUE;
        if (x != (r == c ? 1.0 : 0.0))
          identity = FALSE;
        if (term->delay != NULL && term->delay[q] != 0 && x != 0)
          delayed = TRUE;
      }
  if (!any)
    return TRUE;
  /* A plain edge from an Input or to an Output is a direct wire; any weight node (Linear,
   * Affine, Scale, even one holding the identity) is a connection process, which takes one step
   * as every Basalt connection does. The timing follows the graph, not the weights' values. */
  if (term->via == NULL && identity && !delayed
      && (prod->kind == NODE_SOURCE || consumer->kind == NODE_SINK))
    return connect (graph, ppart->name, from_port, cpart->name, "a_in", error);

  if (term->via != NULL && consumer->parts->len == 1 && prod->parts->len == 1)
    wanted = g_strdup (term->via);
  else
    wanted = g_strdup_printf ("%s_to_%s", ppart->name, cpart->name);
  name = claim_name (ctx, wanted);
  {
    gsize dims[2] = { rows, cols };
    p = bsl_graph_add_process (graph, delayed ? "DelayDense" : "Dense", name, 2, dims, error);
  }
  if (p == NULL)
    return FALSE;
  array_set (p, "weights", g_steal_pointer (&w));
  if (delayed)
    {
      delays = bsl_array_new_matrix (rows, cols);
      for (gsize r = 0; r < rows; r++)
        for (gsize c = 0; c < cols; c++)
          delays->data[r * cols + c] = term->delay[cpart->index[r] * np + ppart->index[c]];
      array_set (p, "delays", g_steal_pointer (&delays));
    }
  /* An Input carries values, not spikes: Lava's Dense only multiplies graded messages. */
  if (prod->kind == NODE_SOURCE)
    array_set (p, "num_message_bits", bsl_array_new_scalar (24));
  return connect (graph, ppart->name, from_port, name, "s_in", error)
         && connect (graph, name, "a_out", cpart->name, "a_in", error);
}

static gboolean
emit_consumer (Ctx *ctx, BslGraph *graph, Node *node, GError **error)
{
  Expr *in = expr_of_input (ctx, node, error);
  gboolean ok = TRUE;

  if (in == NULL)
    return FALSE;
  for (guint pi = 0; ok && pi < node->parts->len; pi++)
    {
      Part *cpart = node->parts->pdata[pi];
      g_autofree double *scale = g_new (double, cpart->n);

      for (gsize r = 0; r < cpart->n; r++)
        scale[r] = node->kind == NODE_NEURON
                   ? cpart->k[r] * node->neuron->gain[cpart->index[r]] : 1.0;
      for (guint ti = 0; ok && ti < in->terms->len; ti++)
        {
          Term *term = in->terms->pdata[ti];
          if (term->prod->kind == NODE_NEURON && !term->prod->neuron->spiking)
            {
              if (node->kind != NODE_SINK)
                {
                  g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                               "%s: node '%s' (%s) passes its membrane voltage on to '%s' (%s); "
                               "Basalt's connections carry spikes",
                               ctx->display, term->prod->path, term->prod->type, node->path,
                               node->type);
                  ok = FALSE;
                  break;
                }
              if (pi == 0)
                note (ctx, "Output '%s' reads the membrane voltage of '%s' (%s), which never "
                      "spikes in Basalt: probe %s.v to see it", node->path, term->prod->path,
                      term->prod->type, term->prod->name);
            }
          for (guint pp = 0; ok && pp < term->prod->parts->len; pp++)
            ok = emit_synapse (ctx, graph, node, cpart, scale, term, term->prod->parts->pdata[pp],
                               error);
        }
    }

  /* Constant input (Affine biases): into v for neurons without a synaptic filter, else a
   * CurrentSource feeding a_in, which the synaptic current then filters exactly as NIR does. */
  if (ok && in->bias != NULL && node->kind == NODE_SINK)
    note (ctx, "Output '%s': the bias of '%s' that reaches it was dropped (a Monitor has no bias)",
          node->path, in->bias_via ? in->bias_via : "?");
  for (guint pi = 0; ok && node->kind == NODE_NEURON && pi < node->parts->len; pi++)
    {
      Part *part = node->parts->pdata[pi];
      Neuron *nr = node->neuron;
      BslProcess *p = bsl_graph_find_process (graph, part->name);
      g_autofree double *bias = g_new0 (double, part->n);
      g_autofree double *current = g_new0 (double, part->n);
      gboolean any_current = FALSE;

      for (gsize r = 0; r < part->n; r++)
        {
          gsize i = part->index[r];
          double b = in->bias != NULL ? in->bias[i] : 0.0;
          bias[r] = part->k[r] * nr->bias[i];
          if (part->du == 1.0)
            bias[r] += part->k[r] * nr->gain[i] * b;
          else
            {
              current[r] = part->k[r] * nr->gain[i] * b;
              if (current[r] != 0)
                any_current = TRUE;
            }
        }
      array_set (p, "bias_mant", vector_or_scalar (bias, part->n));
      if (any_current)
        {
          g_autofree char *wanted = g_strdup_printf ("%s_bias", in->bias_via && node->parts->len == 1
                                                                ? in->bias_via : part->name);
          g_autofree char *name = claim_name (ctx, wanted);
          gsize dims[1] = { part->n };
          BslProcess *cs = bsl_graph_add_process (graph, "CurrentSource", name, 1, dims, error);
          if (cs == NULL)
            ok = FALSE;
          else
            {
              array_set (cs, "amplitude", vector_or_scalar (current, part->n));
              array_set (cs, "baseline", vector_or_scalar (current, part->n));
              ok = connect (graph, name, "a_out", part->name, "a_in", error);
            }
        }
    }
  expr_free (in);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Layout: columns by distance from the inputs, connections between their two ends.            */

static void
layout (Ctx *ctx, BslGraph *graph)
{
  g_autoptr (GHashTable) level = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) count = g_hash_table_new (g_direct_hash, g_direct_equal);
  gboolean changed = TRUE;
  guint rounds = 0;

  for (guint i = 0; i < graph->processes->len; i++)
    {
      BslProcess *p = graph->processes->pdata[i];
      if (p->type->category == BSL_CATEGORY_INPUTS)
        g_hash_table_insert (level, p->name, GINT_TO_POINTER (1));
    }
  /* Shortest distance in processes from an input (recurrent edges do not push columns out). */
  while (changed && rounds++ < graph->processes->len + 1)
    {
      changed = FALSE;
      for (guint c = 0; c < graph->connections->len; c++)
        {
          BslConnection *conn = graph->connections->pdata[c];
          int a = GPOINTER_TO_INT (g_hash_table_lookup (level, conn->from_process));
          int b = GPOINTER_TO_INT (g_hash_table_lookup (level, conn->to_process));
          if (a > 0 && (b == 0 || b > a + 1))
            {
              g_hash_table_insert (level, conn->to_process, GINT_TO_POINTER (a + 1));
              changed = TRUE;
            }
        }
    }
  for (guint i = 0; i < graph->processes->len; i++)
    {
      BslProcess *p = graph->processes->pdata[i];
      int col = GPOINTER_TO_INT (g_hash_table_lookup (level, p->name));
      int row;
      if (col == 0)
        col = 1;
      if (p->type->category == BSL_CATEGORY_INPUTS && p->type != bsl_proc_type_lookup ("RingBuffer"))
        col = 1;
      row = GPOINTER_TO_INT (g_hash_table_lookup (count, GINT_TO_POINTER (col)));
      g_hash_table_insert (count, GINT_TO_POINTER (col), GINT_TO_POINTER (row + 1));
      p->has_position = TRUE;
      p->x = 40.0 + 220.0 * (col - 1);
      p->y = 40.0 + 140.0 * row;
    }
  /* Positions stored by Basalt's own export win: they are keyed by process name. */
  for (guint i = 0; i < graph->processes->len; i++)
    {
      BslProcess *p = graph->processes->pdata[i];
      double *xy = g_hash_table_lookup (ctx->layout, p->name);
      if (xy != NULL)
        {
          p->x = xy[0];
          p->y = xy[1];
        }
    }
}

static void
read_metadata (Ctx *ctx, hid_t node_group)
{
  hid_t meta, lay;
  g_autoptr (GPtrArray) names = NULL;

  if (!is_group (node_group, "metadata"))
    return;
  meta = H5Gopen2 (node_group, "metadata", H5P_DEFAULT);
  if (meta < 0)
    return;
  if (ctx->dt <= 0 && is_dataset (meta, "dt"))
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (BslArray) dt = read_array (meta, "dt", "metadata 'dt'", &error);
      if (dt != NULL && dt->n == 1 && dt->data[0] > 0)
        ctx->dt = dt->data[0];
      else
        note (ctx, "metadata 'dt' is not a positive number and was ignored");
    }
  if (is_group (meta, BSL_NIR_LAYOUT_GROUP)
      && (lay = H5Gopen2 (meta, BSL_NIR_LAYOUT_GROUP, H5P_DEFAULT)) >= 0)
    {
      names = list_links (lay);
      for (guint i = 0; names != NULL && i < names->len; i++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (BslArray) xy = NULL;
          if (!is_dataset (lay, names->pdata[i]))
            continue;
          xy = read_array (lay, names->pdata[i], "layout", &error);
          if (xy != NULL && xy->n == 2)
            {
              double *v = g_new (double, 2);
              v[0] = xy->data[0];
              v[1] = xy->data[1];
              g_hash_table_insert (ctx->layout, g_strdup (names->pdata[i]), v);
            }
        }
      H5Gclose (lay);
    }
  H5Gclose (meta);
}

/* Groups Basalt exported come back as the designer's "groups" array, with every process made
 * from one of their nodes as a member. */
static void
restore_groups (Ctx *ctx, BslGraph *graph)
{
  JsonArray *array;

  if (ctx->groups->len == 0)
    return;
  array = json_array_new ();
  for (guint i = 0; i < ctx->groups->len; i++)
    {
      GroupInfo *info = ctx->groups->pdata[i];
      JsonObject *o = json_object_new ();
      JsonArray *members = json_array_new ();
      g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint k = info->first; k < info->last; k++)
        {
          Node *node = ctx->nodes->pdata[k];
          if (node->parts != NULL)
            for (guint p = 0; p < node->parts->len; p++)
              {
                Part *part = node->parts->pdata[p];
                if (bsl_graph_find_process (graph, part->name) != NULL
                    && g_hash_table_add (seen, part->name))
                  json_array_add_string_element (members, part->name);
              }
          else if (node->kind != NODE_IDENTITY && bsl_graph_find_process (graph, node->name) != NULL
                   && g_hash_table_add (seen, node->name))
            json_array_add_string_element (members, node->name);
        }
      json_object_set_string_member (o, "name", info->name);
      json_object_set_array_member (o, "members", members);
      json_object_set_boolean_member (o, "collapsed", info->collapsed);
      json_object_set_double_member (o, "x", info->x);
      json_object_set_double_member (o, "y", info->y);
      json_array_add_object_element (array, o);
    }
  g_clear_pointer (&graph->groups, json_node_unref);
  graph->groups = json_node_init_array (json_node_alloc (), array);
  json_array_unref (array);
}

BslGraph *
bsl_nir_import_file (const char                *path,
                     const BslNirImportOptions *options,
                     GPtrArray                 *notes,
                     GError                   **error)
{
  g_autoptr (BslGraph) graph = NULL;
  g_autoptr (GPtrArray) inputs = g_ptr_array_new ();
  g_autoptr (GPtrArray) outputs = g_ptr_array_new ();
  g_autofree char *type = NULL;
  g_autoptr (JsonObject) origin = _bsl_nir_origin_graph_new ();
  Ctx ctx = { 0 };
  hid_t file = -1, root = -1;
  gboolean ok = FALSE;

  g_return_val_if_fail (path != NULL, NULL);
  if (options != NULL && !isfinite (options->dt))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "the step dt must be a finite number of "
                   "seconds, not %g", options->dt);
      return NULL;
    }

  ctx.path = path;
  ctx.display = g_path_get_basename (path);
  ctx.dt = options != NULL ? options->dt : 0.0;
  ctx.nodes = g_ptr_array_new_with_free_func (node_free);
  ctx.names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ctx.notes = notes;
  ctx.layout = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ctx.flatten = options != NULL && options->flatten_conv;
  ctx.name_prefix = g_strdup ("");
  ctx.groups = g_ptr_array_new_with_free_func (group_info_free);
  ctx.origin = origin;

  /* HDF5 prints its own error stacks by default; Basalt reports through GError instead. */
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);

  if (!bsl_check_regular_file (path, error))
    goto out;
  if (H5Fis_hdf5 (path) <= 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: not an HDF5 file (a NIR file is HDF5; truncated or wrong format?)",
                   ctx.display);
      goto out;
    }
  file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: the HDF5 file cannot be opened (truncated or corrupt?)", ctx.display);
      goto out;
    }
  if (!is_group (file, "node"))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: no group '/node': not a NIR graph file", ctx.display);
      goto out;
    }
  root = H5Gopen2 (file, "node", H5P_DEFAULT);
  if (!is_dataset (root, "type"))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: '/node' has no 'type' dataset",
                   ctx.display);
      goto out;
    }
  {
    g_autofree char *what = g_strdup_printf ("%s: '/node/type'", ctx.display);
    type = read_string (root, "type", what, error);
  }
  if (type == NULL)
    goto out;
  if (!g_str_equal (type, "NIRGraph"))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: the top-level node is a %s; a NIR file holds a NIRGraph",
                   ctx.display, type);
      goto out;
    }
  read_metadata (&ctx, root);
  if (ctx.dt <= 0)
    ctx.dt = BSL_NIR_DEFAULT_DT;
  if (!read_graph (&ctx, root, "", 0, inputs, outputs, error))
    goto out;

  for (guint i = 0; i < ctx.nodes->len; i++)
    {
      Node *node = ctx.nodes->pdata[i];
      /* Only nodes that become processes reserve their name; linear nodes lend theirs to the
       * connection they turn into, when that is free. */
      if (node->kind == NODE_SOURCE || node->kind == NODE_SINK || node->kind == NODE_NEURON)
        node->name = claim_name (&ctx, node->base);
      else
        node->name = sanitize_name (node->base);
      if (!node_sizes (&ctx, node, error))
        goto out;
    }
  if (!check_edges (&ctx, error))
    goto out;
  for (guint i = 0; i < ctx.nodes->len; i++)
    {
      Node *node = ctx.nodes->pdata[i];
      if (node->kind == NODE_NEURON && !neuron_params (&ctx, node, error))
        goto out;
    }
  fuse_thresholds (&ctx);
  for (guint i = 0; i < ctx.nodes->len; i++)
    {
      Node *node = ctx.nodes->pdata[i];
      if (node->kind == NODE_NEURON && node->alias == NULL)
        make_parts (&ctx, node);
      else if (node->kind == NODE_SOURCE)
        make_single_part (node);
    }
  /* Sinks after the producers: they may mirror a producer's parts. */
  for (guint i = 0; i < ctx.nodes->len; i++)
    {
      Node *node = ctx.nodes->pdata[i];
      if (node->kind == NODE_SINK && !make_sink_parts (&ctx, node, error))
        goto out;
    }

  graph = bsl_graph_new ();
  graph->run_tag = BSL_TAG_FLOATING_PT;
  for (guint i = 0; i < ctx.nodes->len; i++)
    {
      Node *node = ctx.nodes->pdata[i];
      if (node->kind == NODE_SOURCE && !emit_source (&ctx, graph, node, error))
        goto out;
    }
  for (guint i = 0; i < ctx.nodes->len; i++)
    {
      Node *node = ctx.nodes->pdata[i];
      if (node->kind == NODE_NEURON && node->alias == NULL)
        for (guint p = 0; p < node->parts->len; p++)
          if (!emit_neuron_part (&ctx, graph, node, node->parts->pdata[p], error))
            goto out;
    }
  for (guint i = 0; i < ctx.nodes->len; i++)
    {
      Node *node = ctx.nodes->pdata[i];
      if (node->kind == NODE_SINK)
        for (guint p = 0; p < node->parts->len; p++)
          {
            Part *part = node->parts->pdata[p];
            gsize dims[1] = { part->n };
            if (bsl_graph_add_process (graph, "Monitor", part->name, 1, dims, error) == NULL)
              goto out;
          }
    }
  for (guint i = 0; i < ctx.nodes->len; i++)
    {
      Node *node = ctx.nodes->pdata[i];
      if (((node->kind == NODE_NEURON && node->alias == NULL) || node->kind == NODE_SINK)
          && !emit_consumer (&ctx, graph, node, error))
        goto out;
    }
  for (guint i = 0; i < ctx.nodes->len; i++)
    {
      Node *node = ctx.nodes->pdata[i];
      if ((node->kind == NODE_LINEAR || node->kind == NODE_DELAY) && node->outputs->len == 0)
        note (&ctx, "node '%s' (%s) feeds nothing and was left out", node->path, node->type);
    }
  layout (&ctx, graph);
  restore_groups (&ctx, graph);
  /* A file Basalt wrote for designer groups comes back as those groups, not as NIR subgraphs. */
  if (ctx.groups->len == 0)
    {
      _bsl_nir_origin_attach (graph, g_steal_pointer (&origin), ctx.dt);
      note (&ctx, "the NIR graph is kept with the network: exported to NIR unchanged, it "
            "is written back with its node types, names, nesting and edges");
    }
  ok = TRUE;

out:
  if (root >= 0)
    H5Gclose (root);
  if (file >= 0)
    H5Fclose (file);
  g_free (ctx.display);
  g_ptr_array_unref (ctx.nodes);
  g_hash_table_unref (ctx.names);
  g_hash_table_unref (ctx.layout);
  g_ptr_array_unref (ctx.groups);
  g_free (ctx.name_prefix);
  return ok ? g_steal_pointer (&graph) : NULL;
}
