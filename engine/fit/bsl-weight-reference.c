/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A plastic connection's weight trajectory read from a "step,probe,index,value" CSV, and the
 * step-by-step distance of a simulated trajectory from it. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-atomic-file.h"
#include "bsl-error.h"
#include "bsl-rule-fit.h"

enum { COL_STEP, COL_PROBE, COL_INDEX, COL_VALUE, N_COLS };
static const char *const column_names[N_COLS] = { "step", "probe", "index", "value" };

static gboolean
fail (GError **error, const char *file, guint line, const char *format, ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (GError **error, const char *file, guint line, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (line > 0)
    g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: line %u: %s", file, line, message);
  else
    g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "%s: %s", file, message);
  return FALSE;
}

static gboolean
read_header (const char *line, const char *file, int *columns, guint *n_cells, GError **error)
{
  g_auto(GStrv) cells = g_strsplit (line, ",", -1);

  for (int c = 0; c < N_COLS; c++)
    columns[c] = -1;
  *n_cells = g_strv_length (cells);
  for (guint k = 0; cells[k] != NULL; k++)
    for (int c = 0; c < N_COLS; c++)
      if (g_str_equal (g_strstrip (cells[k]), column_names[c]))
        columns[c] = (int) k;
  for (int c = 0; c < N_COLS; c++)
    if (columns[c] < 0)
      return fail (error, file, 1, "no column '%s': a weight trajectory has the columns "
                   "step,probe,index,value (what basalt run --out and Lava's traces write)",
                   column_names[c]);
  return TRUE;
}

typedef struct
{
  gint64 step;
  gint64 index;
  double value;
} Row;

static gboolean
parse_integer (const char *text, gint64 min, gint64 *value)
{
  char *end = NULL;

  *value = g_ascii_strtoll (text, &end, 10);
  return end != text && *end == '\0' && *value >= min;
}

/* The probe the rows belong to: the one asked for, or the only PROC.weights of the file. */
static gboolean
choose_probe (GPtrArray *probes, const char *wanted, const char *file, char **chosen, GError **error)
{
  if (wanted != NULL)
    {
      for (guint k = 0; k < probes->len; k++)
        if (g_str_equal (probes->pdata[k], wanted))
          {
            *chosen = g_strdup (wanted);
            return TRUE;
          }
      return fail (error, file, 0, "no rows of the probe '%s'", wanted);
    }
  for (guint k = 0; k < probes->len; k++)
    if (g_str_has_suffix (probes->pdata[k], ".weights"))
      {
        if (*chosen != NULL)
          return fail (error, file, 0, "the probes %s and %s are both weights: name the "
                       "connection (its process)", *chosen, (char *) probes->pdata[k]);
        *chosen = g_strdup (probes->pdata[k]);
      }
  if (*chosen == NULL)
    return fail (error, file, 0, "no weights in the file: it needs rows of a probe "
                 "PROCESS.weights");
  return TRUE;
}

static gboolean
fill_weights (BslWeightReference *ref, GArray *rows, const char *file, GError **error)
{
  g_autofree guint8 *seen = NULL;
  gsize n = 0;

  ref->n_steps = 0;
  ref->n_synapses = 0;
  for (guint k = 0; k < rows->len; k++)
    {
      const Row *row = &g_array_index (rows, Row, k);
      ref->n_steps = MAX (ref->n_steps, (gsize) row->step);
      ref->n_synapses = MAX (ref->n_synapses, (gsize) row->index + 1);
    }
  if (ref->n_steps == 0 || ref->n_synapses == 0 || ref->n_steps > G_MAXSIZE / ref->n_synapses / 8)
    return fail (error, file, 0, "no usable rows of %s", ref->probe);
  ref->weights = g_new0 (double, ref->n_steps * ref->n_synapses);
  seen = g_new0 (guint8, ref->n_steps * ref->n_synapses);
  for (guint k = 0; k < rows->len; k++)
    {
      const Row *row = &g_array_index (rows, Row, k);
      gsize at = (gsize) (row->step - 1) * ref->n_synapses + (gsize) row->index;

      if (seen[at])
        return fail (error, file, 0, "%s: step %" G_GINT64_FORMAT ", index %" G_GINT64_FORMAT
                     " appears twice", ref->probe, row->step, row->index);
      seen[at] = 1;
      ref->weights[at] = row->value;
      n++;
    }
  for (gsize at = 0; n < ref->n_steps * ref->n_synapses; at++)
    if (!seen[at])
      return fail (error, file, 0, "%s: no value at step %" G_GSIZE_FORMAT ", index %"
                   G_GSIZE_FORMAT " (every step needs every synapse)", ref->probe,
                   at / ref->n_synapses + 1, at % ref->n_synapses);
  return TRUE;
}

static gboolean
read_rows (char **lines, const int *columns, guint n_cells, const char *file,
           GHashTable *probe_rows, GPtrArray *probes, GError **error)
{
  for (guint l = 1; lines[l] != NULL; l++)
    {
      g_auto(GStrv) cells = NULL;
      const char *probe;
      GArray *rows;
      Row row;
      char *end = NULL;

      g_strchomp (lines[l]);
      /* basalt run announces the spikes it writes as events on lines of their own. */
      if (lines[l][0] == '\0' || lines[l][0] == '#')
        continue;
      cells = g_strsplit (lines[l], ",", -1);
      if (g_strv_length (cells) != n_cells)
        return fail (error, file, l + 1, "%u cells where the header has %u", g_strv_length (cells), n_cells);
      if (!parse_integer (cells[columns[COL_STEP]], 1, &row.step))
        return fail (error, file, l + 1, "column %d (step): '%s' is not a step number (from 1)",
                     columns[COL_STEP] + 1, cells[columns[COL_STEP]]);
      if (!parse_integer (cells[columns[COL_INDEX]], 0, &row.index))
        return fail (error, file, l + 1, "column %d (index): '%s' is not an index", columns[COL_INDEX] + 1,
                     cells[columns[COL_INDEX]]);
      row.value = g_ascii_strtod (cells[columns[COL_VALUE]], &end);
      if (end == cells[columns[COL_VALUE]] || *end != '\0' || !isfinite (row.value))
        return fail (error, file, l + 1, "column %d (value): '%s' is not a finite number",
                     columns[COL_VALUE] + 1, cells[columns[COL_VALUE]]);
      if (row.step > 10000000 || row.index > 100000000)
        return fail (error, file, l + 1, "step or index out of range");
      probe = cells[columns[COL_PROBE]];
      rows = g_hash_table_lookup (probe_rows, probe);
      if (rows == NULL)
        {
          rows = g_array_new (FALSE, FALSE, sizeof (Row));
          g_hash_table_insert (probe_rows, g_strdup (probe), rows);
          g_ptr_array_add (probes, g_strdup (probe));
        }
      g_array_append_val (rows, row);
    }
  return TRUE;
}

BslWeightReference *
bsl_weight_reference_load (const char *path, const char *probe, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  g_autofree char *text = NULL, *file = g_path_get_basename (path);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) probe_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            (GDestroyNotify) g_array_unref);
  g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BslWeightReference) ref = g_new0 (BslWeightReference, 1);
  int columns[N_COLS];
  guint n_cells;

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  if (lines[0] == NULL || lines[0][0] == '\0')
    {
      fail (error, path, 0, "empty file");
      return NULL;
    }
  g_strchomp (lines[0]);
  if (!read_header (lines[0], path, columns, &n_cells, error) ||
      !read_rows (lines, columns, n_cells, path, probe_rows, probes, error) ||
      !choose_probe (probes, probe, path, &ref->probe, error) ||
      !fill_weights (ref, g_hash_table_lookup (probe_rows, ref->probe), path, error))
    return NULL;
  ref->display_name = g_steal_pointer (&file);
  return g_steal_pointer (&ref);
}

void
bsl_weight_reference_free (BslWeightReference *ref)
{
  if (ref == NULL)
    return;
  g_free (ref->weights);
  g_free (ref->probe);
  g_free (ref->display_name);
  g_free (ref);
}

BslWeightErrorReport *
bsl_weight_error_report_new (const BslWeightReference *ref, const double *weights)
{
  BslWeightErrorReport *report = g_new0 (BslWeightErrorReport, 1);
  double total = 0;

  g_return_val_if_fail (ref != NULL, NULL);

  report->n_steps = ref->n_steps;
  report->max_abs = g_new0 (double, ref->n_steps);
  report->rmse = g_new0 (double, ref->n_steps);
  for (gsize t = 0; t < ref->n_steps; t++)
    {
      double sum = 0, largest = 0;

      for (gsize k = 0; k < ref->n_synapses; k++)
        {
          double d = weights[t * ref->n_synapses + k] - ref->weights[t * ref->n_synapses + k];
          sum += d * d;
          largest = MAX (largest, fabs (d));
        }
      report->max_abs[t] = largest;
      report->rmse[t] = sqrt (sum / ref->n_synapses);
      report->overall_max_abs = MAX (report->overall_max_abs, largest);
      if (largest > 0 && report->first_differing_step == 0)
        report->first_differing_step = t + 1;
      total += sum;
    }
  report->overall_rmse = sqrt (total / (double) (ref->n_steps * ref->n_synapses));
  return report;
}

void
bsl_weight_error_report_free (BslWeightErrorReport *report)
{
  if (report == NULL)
    return;
  g_free (report->max_abs);
  g_free (report->rmse);
  g_free (report);
}

gboolean
bsl_weight_error_report_write_csv (const BslWeightErrorReport *report, const char *path,
                                   GError **error)
{
  g_autoptr(GString) text = g_string_new ("step,max_abs_error,rmse\n");

  g_return_val_if_fail (report != NULL, FALSE);

  for (gsize t = 0; t < report->n_steps; t++)
    g_string_append_printf (text, "%" G_GSIZE_FORMAT ",%.17g,%.17g\n", t + 1, report->max_abs[t],
                            report->rmse[t]);
  return bsl_write_file_atomic (path, text->str, text->len, error);
}
