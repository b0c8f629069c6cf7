/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsl-csv.h"
#include "bsl-error.h"
#include "bsl-limits.h"
#include "bsl-network-file.h"
#include "bsl-reference.h"

static const char *const ref_var_names[BSL_REF_N_VARS] = { "a_in", "u", "v", "spike" };

const char *
bsl_ref_var_to_string (BslRefVar var)
{
  g_return_val_if_fail (var < BSL_REF_N_VARS, NULL);
  return ref_var_names[var];
}

gboolean
bsl_ref_var_from_string (const char *text,
                         BslRefVar  *var)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < BSL_REF_N_VARS; i++)
    if (g_ascii_strcasecmp (text, ref_var_names[i]) == 0)
      {
        *var = i;
        return TRUE;
      }
  /* Lava's OutPort name for spikes. */
  if (g_ascii_strcasecmp (text, "s_out") == 0 || g_ascii_strcasecmp (text, "spikes") == 0)
    {
      *var = BSL_REF_SPIKE;
      return TRUE;
    }
  return FALSE;
}

BslReference *
bsl_reference_new (gsize       n_steps,
                   gsize       n_neurons,
                   const char *display_name)
{
  BslReference *ref = g_new0 (BslReference, 1);

  ref->n_steps = n_steps;
  ref->n_neurons = n_neurons;
  ref->display_name = g_strdup (display_name != NULL ? display_name : "reference");
  return ref;
}

void
bsl_reference_free (BslReference *ref)
{
  if (ref == NULL)
    return;
  for (guint i = 0; i < BSL_REF_N_VARS; i++)
    g_free (ref->data[i]);
  g_free (ref->display_name);
  g_free (ref);
}

BslReference *
bsl_reference_copy (const BslReference *ref)
{
  BslReference *copy = bsl_reference_new (ref->n_steps, ref->n_neurons, ref->display_name);
  gsize n = ref->n_steps * ref->n_neurons;

  for (guint i = 0; i < BSL_REF_N_VARS; i++)
    if (ref->data[i] != NULL)
      copy->data[i] = g_memdup2 (ref->data[i], MAX (n, 1) * sizeof (double));
  return copy;
}

gboolean
bsl_reference_has_var (const BslReference *ref,
                       BslRefVar           var)
{
  return var < BSL_REF_N_VARS && ref->data[var] != NULL;
}

char *
bsl_reference_describe (const BslReference *ref)
{
  GString *text = g_string_new (NULL);
  gboolean first = TRUE;

  g_return_val_if_fail (ref != NULL, NULL);

  g_string_append_printf (text, "%" G_GSIZE_FORMAT " steps, %" G_GSIZE_FORMAT " neuron%s:",
                          ref->n_steps, ref->n_neurons, ref->n_neurons == 1 ? "" : "s");
  for (guint i = 0; i < BSL_REF_N_VARS; i++)
    if (ref->data[i] != NULL)
      {
        g_string_append_printf (text, "%s %s", first ? "" : ",", ref_var_names[i]);
        first = FALSE;
      }
  if (ref->data[BSL_REF_SPIKE] != NULL)
    g_string_append_printf (text, " (%" G_GSIZE_FORMAT " spikes)",
                            bsl_reference_count_spikes (ref, -1));
  return g_string_free (text, FALSE);
}

gsize
bsl_reference_count_spikes (const BslReference *ref,
                            gssize              neuron)
{
  const double *s;
  gsize count = 0;

  g_return_val_if_fail (ref != NULL, 0);

  s = ref->data[BSL_REF_SPIKE];
  if (s == NULL)
    return 0;
  for (gsize t = 0; t < ref->n_steps; t++)
    for (gsize i = 0; i < ref->n_neurons; i++)
      if ((neuron < 0 || (gsize) neuron == i) && s[t * ref->n_neurons + i] != 0.0)
        count++;
  return count;
}

gboolean
bsl_reference_check_neurons (const BslReference *ref,
                             gsize               n_neurons,
                             const char         *process,
                             GError            **error)
{
  g_return_val_if_fail (ref != NULL, FALSE);

  if (ref->n_neurons == n_neurons)
    return TRUE;
  g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
               "%s: wrong neuron count: the reference has %" G_GSIZE_FORMAT " neuron%s but "
               "process '%s' has %" G_GSIZE_FORMAT,
               ref->display_name, ref->n_neurons, ref->n_neurons == 1 ? "" : "s",
               process != NULL ? process : "(fitted)", n_neurons);
  return FALSE;
}

gboolean
bsl_reference_merge (BslReference       *ref,
                     const BslReference *other,
                     GError            **error)
{
  gsize n;

  g_return_val_if_fail (ref != NULL, FALSE);
  g_return_val_if_fail (other != NULL, FALSE);

  n = ref->n_steps * ref->n_neurons;
  if (other->n_neurons != ref->n_neurons)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "%s: wrong neuron count: %" G_GSIZE_FORMAT " neurons, but %s has %" G_GSIZE_FORMAT,
                   other->display_name, other->n_neurons, ref->display_name, ref->n_neurons);
      return FALSE;
    }
  if (other->n_steps != ref->n_steps)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "%s: %" G_GSIZE_FORMAT " steps, but %s has %" G_GSIZE_FORMAT,
                   other->display_name, other->n_steps, ref->display_name, ref->n_steps);
      return FALSE;
    }
  for (guint i = 0; i < BSL_REF_N_VARS; i++)
    if (other->data[i] != NULL)
      {
        g_free (ref->data[i]);
        ref->data[i] = g_memdup2 (other->data[i], MAX (n, 1) * sizeof (double));
      }
  return TRUE;
}

/* --- CSV ------------------------------------------------------------------------------------ */

/* A reference's CSV: a read error says it is the reference, and a binary file is refused. */
static gboolean
csv_reader_open (BslCsvReader  *reader,
                 const char    *path,
                 GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!bsl_csv_reader_open (reader, path, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   "cannot read the reference: %s", local_error->message);
      return FALSE;
    }
  if (memchr (reader->contents, '\0', reader->length) != NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: not a text (CSV) file", path);
      bsl_csv_reader_clear (reader);
      return FALSE;
    }
  return TRUE;
}

static int
find_column (char      **header,
             guint       n_fields,
             const char *name)
{
  for (guint i = 0; i < n_fields; i++)
    if (g_ascii_strcasecmp (header[i], name) == 0)
      return (int) i;
  return -1;
}

/* The cells (steps x neurons) of a reference, checked for overflow and against the memory
 * budget before anything of that size is allocated: step and neuron numbers come from the
 * file, up to 1e12 each. */
static gboolean
reference_cells (const char  *path,
                 gint64       min_step,
                 gint64       max_step,
                 gint64       n_neurons,
                 gsize        bytes_per_cell,
                 gsize       *cells,
                 GError     **error)
{
  guint64 n_steps = (guint64) (max_step - min_step) + 1, product, bytes;

  if (!g_uint64_checked_mul (&product, n_steps, (guint64) n_neurons) ||
      !g_uint64_checked_mul (&bytes, product, bytes_per_cell) || product > G_MAXSIZE)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "%s: steps %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                   " neurons: too large a reference", path, min_step, max_step, n_neurons);
      return FALSE;
    }
  if (!bsl_memory_check (bytes, path, error))
    return FALSE;
  *cells = (gsize) product;
  return TRUE;
}

typedef struct
{
  gint64 step;
  gint64 neuron;
  guint  line_no;
  double values[BSL_REF_N_VARS];
} LongRow;

BslReference *
bsl_reference_load_long_csv (const char  *path,
                             GError     **error)
{
  g_auto(BslCsvReader) reader = { 0 };
  g_autofree char **header = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(BslReference) ref = NULL;
  g_autofree guint *seen_line = NULL;
  int col_step, col_neuron, col_var[BSL_REF_N_VARS];
  guint n_header;
  gint64 min_step = G_MAXINT64, max_step = G_MININT64, max_neuron = -1;
  gsize cells;
  char *line;

  if (!csv_reader_open (&reader, path, error))
    return NULL;

  line = bsl_csv_reader_next_line (&reader);
  if (line == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: empty file, expected a header "
                   "'step,neuron,a_in,u,v,spike'", path);
      return NULL;
    }
  header = bsl_csv_split (line, &n_header);
  col_step = find_column (header, n_header, "step");
  col_neuron = find_column (header, n_header, "neuron");
  for (guint v = 0; v < BSL_REF_N_VARS; v++)
    col_var[v] = find_column (header, n_header, ref_var_names[v]);
  if (col_var[BSL_REF_SPIKE] < 0)
    col_var[BSL_REF_SPIKE] = find_column (header, n_header, "s_out");
  if (col_step < 0 || col_neuron < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: line %u: missing column '%s' (a long reference needs the header "
                   "'step,neuron,a_in,u,v,spike'; a_in is optional)",
                   path, reader.line_no, col_step < 0 ? "step" : "neuron");
      return NULL;
    }
  if (col_var[BSL_REF_U] < 0 && col_var[BSL_REF_V] < 0 && col_var[BSL_REF_SPIKE] < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: line %u: missing columns: none of 'u', 'v', 'spike' is in the header",
                   path, reader.line_no);
      return NULL;
    }
  for (guint i = 0; i < n_header; i++)
    for (guint j = 0; j < i; j++)
      if (*header[i] != '\0' && g_ascii_strcasecmp (header[i], header[j]) == 0)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "%s: line %u, column %u: duplicate column '%s'",
                       path, reader.line_no, i + 1, header[i]);
          return NULL;
        }

  rows = g_array_new (FALSE, FALSE, sizeof (LongRow));
  while ((line = bsl_csv_reader_next_line (&reader)) != NULL)
    {
      g_autofree char **fields = NULL;
      guint n_fields;
      LongRow row = { 0 };

      fields = bsl_csv_split (line, &n_fields);
      if (n_fields != n_header)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "%s: line %u: ragged row: %u fields, the header has %u",
                       path, reader.line_no, n_fields, n_header);
          return NULL;
        }
      row.line_no = reader.line_no;
      if (!bsl_csv_reader_integer (&reader, fields[col_step], col_step, "step", 0, &row.step, error) ||
          !bsl_csv_reader_integer (&reader, fields[col_neuron], col_neuron, "neuron", 0, &row.neuron, error))
        return NULL;
      for (guint v = 0; v < BSL_REF_N_VARS; v++)
        if (col_var[v] >= 0 &&
            !bsl_csv_reader_value (&reader, fields[col_var[v]], col_var[v], header[col_var[v]],
                        &row.values[v], error))
          return NULL;
      min_step = MIN (min_step, row.step);
      max_step = MAX (max_step, row.step);
      max_neuron = MAX (max_neuron, row.neuron);
      g_array_append_val (rows, row);
    }
  if (rows->len == 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: no data rows after the header", path);
      return NULL;
    }
  /* Every (step, neuron) has one row, so the grid has as many cells as the file has rows;
   * anything larger names a row that is missing (found below, when the grid fits). */
  if (!reference_cells (path, min_step, max_step, max_neuron + 1,
                        BSL_REF_N_VARS * sizeof (double) + sizeof (guint), &cells, error))
    return NULL;
  if (cells != rows->len && cells > 100000000)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: steps %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT " and neurons "
                   "0..%" G_GINT64_FORMAT " do not fit the %u data rows",
                   path, min_step, max_step, max_neuron, rows->len);
      return NULL;
    }
  ref = bsl_reference_new (max_step - min_step + 1, max_neuron + 1, path);
  seen_line = g_new0 (guint, cells);
  for (guint v = 0; v < BSL_REF_N_VARS; v++)
    if (col_var[v] >= 0)
      ref->data[v] = g_new0 (double, cells);
  for (guint r = 0; r < rows->len; r++)
    {
      const LongRow *row = &g_array_index (rows, LongRow, r);
      gsize k = (row->step - min_step) * ref->n_neurons + row->neuron;

      if (seen_line[k] != 0)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "%s: line %u: step %" G_GINT64_FORMAT ", neuron %" G_GINT64_FORMAT
                       " was already given on line %u",
                       path, row->line_no, row->step, row->neuron, seen_line[k]);
          return NULL;
        }
      seen_line[k] = row->line_no;
      for (guint v = 0; v < BSL_REF_N_VARS; v++)
        if (ref->data[v] != NULL)
          ref->data[v][k] = row->values[v];
    }
  for (gsize k = 0; k < ref->n_steps * ref->n_neurons; k++)
    if (seen_line[k] == 0)
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                     "%s: wrong neuron count at step %" G_GINT64_FORMAT ": no row for neuron %"
                     G_GSIZE_FORMAT " (the file has neurons 0..%" G_GSIZE_FORMAT ")",
                     path, (gint64) (k / ref->n_neurons) + min_step, k % ref->n_neurons,
                     ref->n_neurons - 1);
        return NULL;
      }
  return g_steal_pointer (&ref);
}

/* "v_0", "v[3]", "lif1.v", "lif1_v.npy" -> v. */
static gboolean
guess_var (const char *name,
           BslRefVar  *var)
{
  g_autofree char *base = g_path_get_basename (name);
  char *dot = strrchr (base, '.');
  g_auto(GStrv) parts = NULL;

  if (dot != NULL && (g_str_equal (dot, ".npy") || g_str_equal (dot, ".csv")))
    *dot = '\0';
  if (bsl_ref_var_from_string (base, var))
    return TRUE;
  /* Longest known name at either end, split by '_', '.', '[' or '-'. */
  parts = g_strsplit_set (base, "_.[]-", -1);
  /* Names with an underscore of their own: a_in, s_out. */
  for (guint i = 0; parts[i] != NULL && parts[i + 1] != NULL; i++)
    {
      g_autofree char *joined = g_strdup_printf ("%s_%s", parts[i], parts[i + 1]);

      if (bsl_ref_var_from_string (joined, var))
        return TRUE;
    }
  for (int i = (int) g_strv_length (parts) - 1; i >= 0; i--)
    if (bsl_ref_var_from_string (parts[i], var))
      return TRUE;
  return FALSE;
}

static gboolean
resolve_var (const char  *path,
             const char  *var_name,
             const char  *header_hint,
             BslRefVar   *var,
             GError     **error)
{
  if (var_name != NULL)
    {
      if (bsl_ref_var_from_string (var_name, var))
        return TRUE;
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                   "%s: unknown variable '%s' (expected a_in, u, v or spike)", path, var_name);
      return FALSE;
    }
  if (header_hint != NULL && guess_var (header_hint, var))
    return TRUE;
  if (guess_var (path, var))
    return TRUE;
  g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
               "%s: cannot tell which variable (a_in, u, v or spike) the file holds: name it "
               "in the header (v_0, v_1, ...) or in the file name (lif1_v.csv)", path);
  return FALSE;
}

BslReference *
bsl_reference_load_wide_csv (const char  *path,
                             const char  *var_name,
                             GError     **error)
{
  g_auto(BslCsvReader) reader = { 0 };
  g_autoptr(GArray) values = NULL;
  g_autoptr(BslReference) ref = NULL;
  g_autofree char **first_fields = NULL;
  g_autofree char *header_hint = NULL;
  g_auto(GStrv) header_names = NULL;
  BslRefVar var;
  gboolean has_header = FALSE, has_step_col = FALSE;
  guint n_fields_first, n_columns = 0, first_data_col = 0;
  gsize n_rows = 0;
  char *line;

  if (!csv_reader_open (&reader, path, error))
    return NULL;
  line = bsl_csv_reader_next_line (&reader);
  if (line == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: empty file", path);
      return NULL;
    }
  first_fields = bsl_csv_split (line, &n_fields_first);
  for (guint i = 0; i < n_fields_first; i++)
    {
      double d;

      if (!bsl_csv_parse_number (first_fields[i], &d))
        has_header = TRUE;
    }
  if (has_header)
    {
      header_names = g_strdupv (first_fields);
      if (g_ascii_strcasecmp (first_fields[0], "step") == 0 ||
          g_ascii_strcasecmp (first_fields[0], "t") == 0 ||
          g_ascii_strcasecmp (first_fields[0], "time") == 0)
        has_step_col = TRUE;
      first_data_col = has_step_col ? 1 : 0;
      if (first_data_col < n_fields_first)
        header_hint = g_strdup (first_fields[first_data_col]);
      n_columns = n_fields_first;
    }
  if (!resolve_var (path, var_name, header_hint, &var, error))
    return NULL;

  values = g_array_new (FALSE, FALSE, sizeof (double));
  if (!has_header)
    n_columns = n_fields_first;
  if (n_columns <= first_data_col)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: line %u: no neuron columns",
                   path, reader.line_no);
      return NULL;
    }
  for (gboolean first = !has_header; ; first = FALSE)
    {
      g_autofree char **fields = NULL;
      guint n_fields;

      /* Without a header the first line is already split and is data. */
      if (first)
        {
          fields = g_steal_pointer (&first_fields);
          n_fields = n_fields_first;
        }
      else if ((line = bsl_csv_reader_next_line (&reader)) != NULL)
        fields = bsl_csv_split (line, &n_fields);
      else
        break;
      if (n_fields != n_columns)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "%s: line %u: ragged row: %u fields, expected %u (%s)",
                       path, reader.line_no, n_fields, n_columns,
                       has_header ? "as in the header" : "as in the first row");
          return NULL;
        }
      for (guint c = first_data_col; c < n_fields; c++)
        {
          g_autofree char *name = has_header ? g_strdup (header_names[c])
                                             : g_strdup_printf ("neuron %u", c - first_data_col);
          double d;

          if (!bsl_csv_reader_value (&reader, fields[c], c, name, &d, error))
            return NULL;
          g_array_append_val (values, d);
        }
      n_rows++;
    }
  if (n_rows == 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: no data rows", path);
      return NULL;
    }
  ref = bsl_reference_new (n_rows, n_columns - first_data_col, path);
  ref->data[var] = (double *) g_array_free (g_steal_pointer (&values), FALSE);
  return g_steal_pointer (&ref);
}

BslReference *
bsl_reference_load_npy (const char  *path,
                        const char  *var_name,
                        GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(BslArray) array = NULL;
  BslReference *ref;
  BslRefVar var;
  gsize n_steps, n_neurons = 1, index;

  g_return_val_if_fail (path != NULL, NULL);

  if (!resolve_var (path, var_name, NULL, &var, error))
    return NULL;
  array = bsl_npy_load (path, &local_error);
  if (array == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (array->ndim < 1 || array->ndim > 2)
    {
      g_autofree char *shape = bsl_shape_to_string (array->ndim, array->dims);

      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "%s: array of shape %s; a reference needs (steps,) or (steps, neurons)",
                   path, shape);
      return NULL;
    }
  n_steps = array->dims[0];
  if (array->ndim == 2)
    n_neurons = array->dims[1];
  if (n_steps == 0 || n_neurons == 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "%s: the array is empty", path);
      return NULL;
    }
  if (bsl_array_find_nan (array, &index))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                   "%s: step %" G_GSIZE_FORMAT " (row %" G_GSIZE_FORMAT "), neuron %" G_GSIZE_FORMAT
                   ": %g is not a finite number",
                   path, index / n_neurons + 1, index / n_neurons, index % n_neurons,
                   array->data[index]);
      return NULL;
    }
  ref = bsl_reference_new (n_steps, n_neurons, path);
  ref->data[var] = g_steal_pointer (&array->data);
  array->data = g_new0 (double, 1);
  return ref;
}

/* ---------------- `basalt run` CSV: step,probe,index,value ---------------- */

typedef struct
{
  gint64 step;
  gint64 index;
  guint  probe;         /* index into the probe names */
  guint  line_no;
  double value;
} ProbeRow;

/* The reference variable a probed Var or port stands for, or -1. */
static int
probe_ref_var (const char *var)
{
  if (g_str_equal (var, "s_out"))
    return BSL_REF_SPIKE;
  if (g_str_equal (var, "a_in"))
    return BSL_REF_A_IN;
  if (g_str_equal (var, "u"))
    return BSL_REF_U;
  if (g_str_equal (var, "v"))
    return BSL_REF_V;
  return -1;
}

/* A probe written as events: only its non-zero values have rows; the others are zero. */
typedef struct
{
  gint64 size;
  gint64 first_step;
  gint64 last_step;
} EventsProbe;

/* Reads the "# events PROBE SIZE FIRST LAST" lines basalt run --out writes for spike probes, and
 * registers those probes (they may have no row at all when nothing spiked). */
static GHashTable *
scan_events_probes (const char *contents, GPtrArray *probes, GHashTable *probe_ids)
{
  GHashTable *events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *line = contents;

  while (line != NULL && *line != '\0')
    {
      const char *next = strchr (line, '\n');
      char name[512];
      gint64 size, first, last;

      if (g_str_has_prefix (line, "# events ") &&
          sscanf (line + 9, "%511s %" G_GINT64_MODIFIER "d %" G_GINT64_MODIFIER "d %"
                  G_GINT64_MODIFIER "d", name, &size, &first, &last) == 4 &&
          size > 0 && first >= 1 && last >= first)
        {
          EventsProbe *e = g_new (EventsProbe, 1);
          *e = (EventsProbe) { size, first, last };
          g_hash_table_replace (events, g_strdup (name), e);
          if (!g_hash_table_contains (probe_ids, name))
            {
              g_ptr_array_add (probes, g_strdup (name));
              g_hash_table_insert (probe_ids, probes->pdata[probes->len - 1],
                                   GUINT_TO_POINTER (probes->len - 1));
            }
        }
      line = next != NULL ? next + 1 : NULL;
    }
  return events;
}

static char *
probe_process (const char *probe)
{
  const char *dot = strrchr (probe, '.');

  return dot != NULL ? g_strndup (probe, dot - probe) : g_strdup (probe);
}

/* The neuron process the file describes: the one named, or the only one with u, v or s_out. */
static char *
choose_probe_process (const char  *path,
                      GPtrArray   *probes,
                      const char  *wanted,
                      GError     **error)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *list = NULL;

  for (guint p = 0; p < probes->len; p++)
    {
      const char *probe = probes->pdata[p];
      const char *dot = strrchr (probe, '.');
      int var = dot != NULL ? probe_ref_var (dot + 1) : -1;
      g_autofree char *process = probe_process (probe);

      if (var < 0 || var == BSL_REF_A_IN)
        continue;
      if (!g_ptr_array_find_with_equal_func (candidates, process, g_str_equal, NULL))
        g_ptr_array_add (candidates, g_steal_pointer (&process));
    }
  g_ptr_array_add (candidates, NULL);
  list = g_strjoinv (", ", (char **) candidates->pdata);
  g_ptr_array_set_size (candidates, candidates->len - 1);

  if (wanted != NULL)
    {
      if (g_ptr_array_find_with_equal_func (candidates, wanted, g_str_equal, NULL))
        return g_strdup (wanted);
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME,
                   "%s: no probe of u, v or s_out of a process '%s' (the file has: %s)",
                   path, wanted, candidates->len > 0 ? list : "none");
      return NULL;
    }
  if (candidates->len == 1)
    return g_strdup (candidates->pdata[0]);
  if (candidates->len == 0)
    g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                 "%s: no probe of u, v or s_out: a reference needs at least one of them", path);
  else
    g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                 "%s: probes of several neuron processes (%s): name the one to use (basalt fit "
                 "--var), or keep the probes of one process only", path, list);
  return NULL;
}

/* The header and the data rows of a basalt run --out file, each row with its probe's number. */
static gboolean
read_probe_rows (BslCsvReader *reader,
                 const char   *path,
                 GPtrArray    *probes,
                 GHashTable   *probe_ids,
                 GArray       *rows,
                 GError      **error)
{
  g_autofree char **header = NULL;
  int col_step, col_probe, col_index, col_value;
  guint n_header;
  char *line;

  line = bsl_csv_reader_next_line (reader);
  header = line != NULL ? bsl_csv_split (line, &n_header) : NULL;
  col_step = header != NULL ? find_column (header, n_header, "step") : -1;
  col_probe = header != NULL ? find_column (header, n_header, "probe") : -1;
  col_index = header != NULL ? find_column (header, n_header, "index") : -1;
  col_value = header != NULL ? find_column (header, n_header, "value") : -1;
  if (col_step < 0 || col_probe < 0 || col_index < 0 || col_value < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "%s: line %u: expected the header 'step,probe,index,value' of basalt run --out",
                   path, MAX (reader->line_no, 1));
      return FALSE;
    }

  while ((line = bsl_csv_reader_next_line (reader)) != NULL)
    {
      g_autofree char **fields = NULL;
      ProbeRow row = { 0 };
      gpointer id;
      guint n_fields;

      fields = bsl_csv_split (line, &n_fields);
      if (n_fields != n_header)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "%s: line %u: ragged row: %u fields, the header has %u",
                       path, reader->line_no, n_fields, n_header);
          return FALSE;
        }
      if (!bsl_csv_reader_integer (reader, fields[col_step], col_step, "step", 1, &row.step, error) ||
          !bsl_csv_reader_integer (reader, fields[col_index], col_index, "index", 0, &row.index, error) ||
          !bsl_csv_reader_value (reader, fields[col_value], col_value, "value", &row.value, error))
        return FALSE;
      if (*fields[col_probe] == '\0')
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: line %u, column %u (probe): empty",
                       path, reader->line_no, col_probe + 1);
          return FALSE;
        }
      if (!g_hash_table_lookup_extended (probe_ids, fields[col_probe], NULL, &id))
        {
          id = GUINT_TO_POINTER (probes->len);
          g_ptr_array_add (probes, g_strdup (fields[col_probe]));
          g_hash_table_insert (probe_ids, probes->pdata[probes->len - 1], id);
        }
      row.probe = GPOINTER_TO_UINT (id);
      row.line_no = reader->line_no;
      g_array_append_val (rows, row);
    }
  return TRUE;
}

/* Each row's value into its cell of ref; every cell of a probe written in full needs a row,
 * and no cell may have two. */
static gboolean
fill_probe_reference (BslReference   *ref,
                      const char     *path,
                      const char     *chosen,
                      GArray         *rows,
                      GPtrArray      *probes,
                      const int      *probe_var,
                      const gboolean *var_is_events,
                      gint64          min_step,
                      GError        **error)
{
  g_autofree guint *seen_line = NULL;

  seen_line = g_new0 (guint, BSL_REF_N_VARS * ref->n_steps * ref->n_neurons);
  for (guint r = 0; r < rows->len; r++)
    {
      const ProbeRow *row = &g_array_index (rows, ProbeRow, r);
      int var = probe_var[row->probe];
      gsize k;

      if (var < 0)
        continue;
      k = (row->step - min_step) * ref->n_neurons + row->index;
      if (seen_line[var * ref->n_steps * ref->n_neurons + k] != 0)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "%s: line %u: step %" G_GINT64_FORMAT ", %s index %" G_GINT64_FORMAT
                       " was already given on line %u", path, row->line_no, row->step,
                       (const char *) probes->pdata[row->probe], row->index,
                       seen_line[var * ref->n_steps * ref->n_neurons + k]);
          return FALSE;
        }
      seen_line[var * ref->n_steps * ref->n_neurons + k] = row->line_no;
      ref->data[var][k] = row->value;
    }
  for (guint v = 0; v < BSL_REF_N_VARS; v++)
    for (gsize k = 0; ref->data[v] != NULL && !var_is_events[v] && k < ref->n_steps * ref->n_neurons; k++)
      if (seen_line[v * ref->n_steps * ref->n_neurons + k] == 0)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                       "%s: no value of %s.%s index %" G_GSIZE_FORMAT " at step %" G_GINT64_FORMAT,
                       path, chosen, v == BSL_REF_SPIKE ? "s_out" : bsl_ref_var_to_string (v),
                       k % ref->n_neurons, (gint64) (k / ref->n_neurons) + min_step);
          return FALSE;
        }
  return TRUE;
}

BslReference *
bsl_reference_load_probe_csv (const char  *path,
                              const char  *process,
                              GError     **error)
{
  g_auto(BslCsvReader) reader = { 0 };
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (ProbeRow));
  g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) probe_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(BslReference) ref = NULL;
  g_autofree char *chosen = NULL;
  g_autofree int *probe_var = NULL;
  g_autoptr(GHashTable) events = NULL;
  gboolean var_is_events[BSL_REF_N_VARS] = { FALSE };
  gint64 min_step = G_MAXINT64, max_step = G_MININT64, n_index[BSL_REF_N_VARS];
  gsize cells;

  if (!csv_reader_open (&reader, path, error))
    return NULL;
  events = scan_events_probes (reader.contents, probes, probe_ids);
  if (!read_probe_rows (&reader, path, probes, probe_ids, rows, error))
    return NULL;
  if (rows->len == 0 && g_hash_table_size (events) == 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: no data rows after the header", path);
      return NULL;
    }

  if ((chosen = choose_probe_process (path, probes, process, error)) == NULL)
    return NULL;

  /* Which rows belong to the reference, and its size. */
  probe_var = g_new (int, probes->len);
  for (guint v = 0; v < BSL_REF_N_VARS; v++)
    n_index[v] = 0;
  for (guint p = 0; p < probes->len; p++)
    {
      g_autofree char *owner = probe_process (probes->pdata[p]);
      const char *dot = strrchr (probes->pdata[p], '.');

      const EventsProbe *e = g_hash_table_lookup (events, probes->pdata[p]);

      probe_var[p] = dot != NULL && g_str_equal (owner, chosen) ? probe_ref_var (dot + 1) : -1;
      if (e != NULL && probe_var[p] >= 0)
        {
          var_is_events[probe_var[p]] = TRUE;
          n_index[probe_var[p]] = MAX (n_index[probe_var[p]], e->size);
          min_step = MIN (min_step, e->first_step);
          max_step = MAX (max_step, e->last_step);
        }
    }
  for (guint r = 0; r < rows->len; r++)
    {
      const ProbeRow *row = &g_array_index (rows, ProbeRow, r);
      int var = probe_var[row->probe];

      if (var < 0)
        continue;
      min_step = MIN (min_step, row->step);
      max_step = MAX (max_step, row->step);
      n_index[var] = MAX (n_index[var], row->index + 1);
    }
  {
    gint64 n_neurons = 0;

    for (guint v = 0; v < BSL_REF_N_VARS; v++)
      {
        if (n_index[v] == 0)
          continue;
        if (n_neurons != 0 && n_index[v] != n_neurons)
          {
            g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                         "%s: %s.%s has %" G_GINT64_FORMAT " elements but other probes of %s have %"
                         G_GINT64_FORMAT, path, chosen, v == BSL_REF_SPIKE ? "s_out" : bsl_ref_var_to_string (v),
                         n_index[v], chosen, n_neurons);
            return NULL;
          }
        n_neurons = n_index[v];
      }
    if (!reference_cells (path, min_step, max_step, n_neurons,
                          BSL_REF_N_VARS * (sizeof (double) + sizeof (guint)), &cells, error))
      return NULL;
    /* A probe written in full has one row per cell, so a grid much larger than the rows has
     * holes (the first is named below); a probe written as events has rows only for its
     * spikes. */
    gboolean any_full = FALSE;

    for (guint v = 0; v < BSL_REF_N_VARS; v++)
      any_full |= n_index[v] > 0 && !var_is_events[v];
    if (any_full && cells > (gsize) rows->len * BSL_REF_N_VARS)
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "%s: steps %" G_GINT64_FORMAT "..%"
                     G_GINT64_FORMAT " of %" G_GINT64_FORMAT " neurons do not fit the %u data rows",
                     path, min_step, max_step, n_neurons, rows->len);
        return NULL;
      }
    ref = bsl_reference_new (max_step - min_step + 1, n_neurons, path);
  }

  for (guint v = 0; v < BSL_REF_N_VARS; v++)
    if (n_index[v] > 0)
      ref->data[v] = g_new0 (double, ref->n_steps * ref->n_neurons);
  if (!fill_probe_reference (ref, path, chosen, rows, probes, probe_var, var_is_events, min_step,
                             error))
    return NULL;
  return g_steal_pointer (&ref);
}

BslReference *
bsl_reference_load (const char  *path,
                    const char  *var_name,
                    GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  g_autofree char *head = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) fields = NULL;
  char *newline;
  gsize length;

  if (g_str_has_suffix (path, ".npy") || g_str_has_suffix (path, ".NPY"))
    return bsl_reference_load_npy (path, var_name, error);

  /* A long reference is told by its header. Reading the whole file twice is cheap next to
   * parsing it. */
  if (!bsl_read_regular_file (path, &head, &length, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   "cannot read the reference: %s", local_error->message);
      return NULL;
    }
  if (g_str_has_prefix (head, "\x93NUMPY"))
    return bsl_reference_load_npy (path, var_name, error);
  newline = strpbrk (head, "\r\n");
  if (newline != NULL)
    *newline = '\0';
  /* A header naming the neuron, or several variables, is a long one (whose loader then says
   * which column is missing). */
  fields = g_strsplit (head, ",", -1);
  {
    guint n_vars = 0;

    for (guint i = 0; fields[i] != NULL; i++)
      {
        BslRefVar var;

        g_strstrip (fields[i]);
        if (g_ascii_strcasecmp (fields[i], "neuron") == 0)
          return bsl_reference_load_long_csv (path, error);
        if (g_ascii_strcasecmp (fields[i], "probe") == 0)
          return bsl_reference_load_probe_csv (path, var_name, error);
        if (bsl_ref_var_from_string (fields[i], &var))
          n_vars++;
      }
    if (n_vars >= 2)
      return bsl_reference_load_long_csv (path, error);
  }
  return bsl_reference_load_wide_csv (path, var_name, error);
}
