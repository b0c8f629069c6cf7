/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-runtime-private.h"

/* Elements of a Var picked for a probe: at least one, each inside the Var. */
static gboolean
check_elements (BslProcRuntime *pr, const char *var, gsize size, const gsize *elements, gsize n_elements,
                GError **error)
{
  if (elements == NULL)
    return TRUE;
  if (n_elements == 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "probe '%s.%s': no element chosen", pr->name, var);
      return FALSE;
    }
  for (gsize k = 0; k < n_elements; k++)
    if (elements[k] >= size)
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "probe '%s.%s': there is no element %" G_GSIZE_FORMAT
                     " (it has %" G_GSIZE_FORMAT ", counted from 0)", pr->name, var, elements[k], size);
        return FALSE;
      }
  return TRUE;
}

BslProbe *
_bsl_probe_new (BslProcRuntime  *pr,
                const char      *var,
                BslProbeMode     mode,
                gsize            capacity,
                const gsize     *elements,
                gsize            n_elements,
                GError         **error)
{
  BslProbe *probe;
  BslRtVar *source_var = NULL;
  BslRtPort *source_port = NULL;

  for (guint v = 0; v < pr->type->n_vars; v++)
    if (g_strcmp0 (pr->vars[v].spec->name, var) == 0)
      source_var = &pr->vars[v];
  for (guint p = 0; source_var == NULL && p < pr->type->n_ports; p++)
    if (g_strcmp0 (pr->ports[p].spec->name, var) == 0)
      source_port = &pr->ports[p];

  if (source_var == NULL && source_port == NULL)
    {
      GString *names = g_string_new (NULL);
      for (guint v = 0; v < pr->type->n_vars; v++)
        g_string_append_printf (names, "%s%s", names->len ? ", " : "", pr->vars[v].spec->name);
      for (guint p = 0; p < pr->type->n_ports; p++)
        if (pr->ports[p].spec->direction == BSL_PORT_OUT)
          g_string_append_printf (names, ", %s", pr->ports[p].spec->name);
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                   "probe '%s.%s': %s has no Var or OutPort '%s' (it has: %s)",
                   pr->name, var, pr->type->name, var, names->str);
      g_string_free (names, TRUE);
      return NULL;
    }

  if (!check_elements (pr, var, source_var != NULL ? source_var->n : source_port->n, elements,
                       n_elements, error))
    return NULL;

  probe = g_new0 (BslProbe, 1);
  probe->target = g_strdup_printf ("%s.%s", pr->name, var);
  probe->process = g_strdup (pr->name);
  probe->var = g_strdup (var);
  probe->mode = mode;
  probe->source_var = source_var;
  probe->source_port = source_port;
  probe->source_size = source_var != NULL ? source_var->n : source_port->n;
  probe->size = elements != NULL ? n_elements : probe->source_size;
  probe->elements = elements != NULL ? g_memdup2 (elements, n_elements * sizeof (gsize)) : NULL;
  probe->is_int = source_var != NULL ? source_var->is_int : source_port->is_int;
  probe->capacity = capacity;
  probe->first_step = pr->runtime->time + 1;
  if (mode == BSL_PROBE_COUNT_NONZERO)
    probe->counts = g_new0 (guint64, MAX (probe->size, 1));
  else if (capacity == 0)
    probe->rows = g_array_new (FALSE, FALSE, sizeof (double));
  else
    probe->ring = g_new0 (double, capacity * MAX (probe->size, 1));
  return probe;
}

void
_bsl_probe_free (BslProbe *probe)
{
  if (probe == NULL)
    return;
  g_free (probe->target);
  g_free (probe->process);
  g_free (probe->var);
  if (probe->rows != NULL)
    g_array_unref (probe->rows);
  g_free (probe->ring);
  g_free (probe->counts);
  g_free (probe->elements);
  g_free (probe);
}

static inline double
source_value (const BslProbe *probe, gsize k)
{
  if (probe->source_var != NULL)
    return probe->source_var->is_int ? probe->source_var->i[k] : probe->source_var->f[k];
  return probe->source_port->is_int ? probe->source_port->i[k] : probe->source_port->f[k];
}

/* Spike counters run every step: without a branch, so that the loops vectorise. */
BSL_VECTOR_CLONES static guint64
count_nonzero_float (const double *restrict values, guint64 *restrict counts, gsize n)
{
  guint64 total = 0;

  for (gsize k = 0; k < n; k++)
    {
      guint64 hit = values[k] != 0.0;
      counts[k] += hit;
      total += hit;
    }
  return total;
}

BSL_VECTOR_CLONES static guint64
count_nonzero_int (const gint32 *restrict values, guint64 *restrict counts, gsize n)
{
  guint64 total = 0;

  for (gsize k = 0; k < n; k++)
    {
      guint64 hit = values[k] != 0;
      counts[k] += hit;
      total += hit;
    }
  return total;
}

void
_bsl_probe_record (BslProbe *probe,
                   gint64    t)
{
  double *row;

  if (probe->mode == BSL_PROBE_COUNT_NONZERO)
    {
      const gint32 *vi = probe->source_var != NULL ? probe->source_var->i : probe->source_port->i;
      const double *vf = probe->source_var != NULL ? probe->source_var->f : probe->source_port->f;

      probe->total += vi != NULL ? count_nonzero_int (vi, probe->counts, probe->size)
                                 : count_nonzero_float (vf, probe->counts, probe->size);
      return;
    }

  if (probe->n_held == 0)
    probe->first_step = t;
  if (probe->rows != NULL)
    {
      gsize offset = probe->rows->len;
      g_array_set_size (probe->rows, offset + probe->size);
      row = &g_array_index (probe->rows, double, offset);
      probe->n_held++;
    }
  else if (probe->n_held < probe->capacity)
    {
      row = probe->ring + ((probe->ring_start + probe->n_held) % probe->capacity) * probe->size;
      probe->n_held++;
    }
  else
    {
      row = probe->ring + probe->ring_start * probe->size;
      probe->ring_start = (probe->ring_start + 1) % probe->capacity;
      probe->first_step++;
    }
  if (probe->elements != NULL)
    for (gsize k = 0; k < probe->size; k++)
      row[k] = source_value (probe, probe->elements[k]);
  else
    for (gsize k = 0; k < probe->size; k++)
      row[k] = source_value (probe, k);
}

const char *
bsl_probe_get_target (const BslProbe *probe)
{
  g_return_val_if_fail (probe != NULL, NULL);

  return probe->target;
}

const char *
bsl_probe_get_process (const BslProbe *probe)
{
  g_return_val_if_fail (probe != NULL, NULL);

  return probe->process;
}

const char *
bsl_probe_get_var (const BslProbe *probe)
{
  g_return_val_if_fail (probe != NULL, NULL);

  return probe->var;
}

BslProbeMode
bsl_probe_get_mode (const BslProbe *probe)
{
  g_return_val_if_fail (probe != NULL, BSL_PROBE_RECORD);

  return probe->mode;
}

gsize
bsl_probe_get_size (const BslProbe *probe)
{
  g_return_val_if_fail (probe != NULL, 0);

  return probe->size;
}

gsize
bsl_probe_get_element (const BslProbe *probe,
                       gsize           k)
{
  g_return_val_if_fail (probe != NULL, 0);

  return probe->elements != NULL ? probe->elements[k] : k;
}

gsize
bsl_probe_get_source_size (const BslProbe *probe)
{
  g_return_val_if_fail (probe != NULL, 0);

  return probe->source_size;
}

gboolean
bsl_probe_is_integer (const BslProbe *probe)
{
  g_return_val_if_fail (probe != NULL, FALSE);

  return probe->is_int;
}

gsize
bsl_probe_get_n_steps (const BslProbe *probe)
{
  g_return_val_if_fail (probe != NULL, 0);

  return probe->n_held;
}

gint64
bsl_probe_get_first_step (const BslProbe *probe)
{
  g_return_val_if_fail (probe != NULL, 0);

  return probe->first_step;
}

const double *
bsl_probe_get_row (const BslProbe *probe,
                   gsize           held_index)
{
  if (held_index >= probe->n_held)
    return NULL;
  if (probe->rows != NULL)
    return &g_array_index (probe->rows, double, held_index * probe->size);
  if (probe->ring != NULL)
    return probe->ring + ((probe->ring_start + held_index) % probe->capacity) * probe->size;
  return NULL;
}

const guint64 *
bsl_probe_get_counts (const BslProbe *probe)
{
  g_return_val_if_fail (probe != NULL, NULL);

  return probe->counts;
}

guint64
bsl_probe_get_total_count (const BslProbe *probe)
{
  g_return_val_if_fail (probe != NULL, 0);

  return probe->total;
}

void
bsl_probe_clear (BslProbe *probe)
{
  probe->n_held = 0;
  probe->ring_start = 0;
  probe->first_step = 1;
  probe->total = 0;
  if (probe->rows != NULL)
    g_array_set_size (probe->rows, 0);
  if (probe->counts != NULL)
    memset (probe->counts, 0, probe->size * sizeof (guint64));
}

/* Writes the decimal digits of x so that they end just before end; returns where they start. */
static char *
format_integer (char *end, gint64 x)
{
  guint64 magnitude = x < 0 ? 0 - (guint64) x : (guint64) x;

  do
    {
      *--end = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude != 0);
  if (x < 0)
    *--end = '-';
  return end;
}

/* only_nonzero: the rows of non-zero values only, the events form of spikes. Returns the number
 * of non-zero values. Lines are put together by hand: printf per value made writing a CSV take
 * longer than the run it records. */
guint64
bsl_probe_write_csv_rows (const BslProbe *probe,
                          FILE           *stream,
                          gint64          step,
                          gsize           held_index,
                          gboolean        only_nonzero)
{
  const double *row = bsl_probe_get_row (probe, held_index);
  g_autofree char *prefix = g_strdup_printf ("%" G_GINT64_FORMAT ",%s,", step, probe->target);
  gsize prefix_len = strlen (prefix);
  g_autofree char *line = g_malloc (prefix_len + 64);
  guint64 nonzero = 0;

  if (row == NULL)
    return 0;
  memcpy (line, prefix, prefix_len);
  for (gsize k = 0; k < probe->size; k++)
    {
      char digits[32], *index_text = format_integer (digits + sizeof digits, (gint64) bsl_probe_get_element (probe, k));
      gsize len = prefix_len, n;

      nonzero += row[k] != 0.0;
      if (only_nonzero && row[k] == 0.0)
        continue;
      n = digits + sizeof digits - index_text;
      memcpy (line + len, index_text, n);
      len += n;
      line[len++] = ',';
      if (probe->is_int)
        {
          char *value_text = format_integer (digits + sizeof digits, (gint64) row[k]);
          n = digits + sizeof digits - value_text;
          memcpy (line + len, value_text, n);
          len += n;
        }
      else
        len += (gsize) g_snprintf (line + len, 40, "%.17g", row[k]);
      line[len++] = '\n';
      fwrite (line, 1, len, stream);
    }
  return nonzero;
}
