/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tables of values over time that a model calls as functions, as Brian2's TimedArray: their
 * checks, the lookup the interpreter runs, and the same lookup as C source. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-equations-parser-private.h"

static void
table_clear (gpointer data)
{
  BslEqTable *table = data;

  g_free (table->name);
  g_free (table->unit);
  g_free (table->values);
}

GArray *
bsl_eq_tables_new_empty (void)
{
  GArray *tables = g_array_new (FALSE, TRUE, sizeof (BslEqTable));

  g_array_set_clear_func (tables, table_clear);
  return tables;
}

static gboolean
name_is_reserved (const char *name)
{
  static const char *const reserved[] = { "t", "dt", "not_refractory", "lastspike", "i", "N",
                                          "xi", "pi", "e", "inf", "True", "False" };

  for (guint k = 0; k < bsl_eq_n_functions; k++)
    if (strcmp (bsl_eq_functions[k].name, name) == 0)
      return TRUE;
  for (guint k = 0; k < G_N_ELEMENTS (reserved); k++)
    if (strcmp (reserved[k], name) == 0)
      return TRUE;
  return FALSE;
}

/* The table's unit, unscaled as a declaration's: values are in SI units. */
static gboolean
parse_table_unit (const char  *text,
                  BslEqDim    *dim,
                  GError     **error)
{
  g_autoptr (GPtrArray) nodes = g_ptr_array_new_with_free_func (bsl_eq_node_free);
  g_autoptr (GError) local_error = NULL;
  BslEqModel m = { .nodes = nodes };
  Parser p = { 0 };
  double scale = 1;
  gboolean is_bool = FALSE, ok;

  p.m = &m;
  p.error = &local_error;
  p.what = "unit";
  ok = bsl_eq_lex (&p, text, FALSE) && bsl_eq_parse_unit_term (&p, &scale, dim, &is_bool);
  if (ok && bsl_eq_peek (&p)->kind != TOK_END)
    bsl_eq_fail_unexpected (&p, bsl_eq_peek (&p), "the end of the unit");
  ok = ok && local_error == NULL;
  g_clear_pointer (&p.toks, g_array_unref);
  if (!ok)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "the unit '%s' is not one (%s)", text,
                   local_error->message);
      return FALSE;
    }
  if (is_bool || fabs (scale - 1) > 1e-12)
    {
      g_autofree char *unscaled = bsl_eq_dim_to_unit (dim);

      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   is_bool ? "the unit must be a physical unit, not %s"
                           : "give the values in the unscaled unit %s, not %s (SI units)",
                   is_bool ? text : unscaled, text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_table (const BslEquationsTable *in,
             const GArray            *done,
             BslEqDim                *dim,
             GError                 **error)
{
  if (!bsl_eq_is_identifier (in->name) || name_is_reserved (in->name))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "a table's name must be an identifier "
                   "other than a function's or a built-in's, not '%s'",
                   in->name != NULL ? in->name : "");
      return FALSE;
    }
  for (guint k = 0; k < done->len; k++)
    if (strcmp (g_array_index (done, BslEqTable, k).name, in->name) == 0)
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "table '%s': there is another table "
                     "of that name", in->name);
        return FALSE;
      }
  if (!isfinite (in->dt) || in->dt <= 0)
    g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "table '%s': its dt must be a positive "
                 "time, not %g s", in->name, in->dt);
  else if (in->n_times == 0 || in->values == NULL)
    g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "table '%s' is empty: it needs at least "
                 "one row of values", in->name);
  else if (in->n_times > G_MAXSIZE / 8 / MAX (in->n_columns, 1))
    g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "table '%s' is too large", in->name);
  else
    {
      g_autoptr (GError) unit_error = NULL;

      if (parse_table_unit (in->unit != NULL && *in->unit != '\0' ? in->unit : "1", dim,
                            &unit_error))
        return TRUE;
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "table '%s': %s", in->name,
                   unit_error->message);
    }
  return FALSE;
}

GArray *
bsl_eq_tables_copy (const BslEquationsTable *tables,
                    guint                    n_tables,
                    GError                 **error)
{
  g_autoptr (GArray) out = bsl_eq_tables_new_empty ();

  for (guint k = 0; k < n_tables; k++)
    {
      const BslEquationsTable *in = &tables[k];
      BslEqTable copy = { 0 };

      if (!check_table (in, out, &copy.dim, error))
        return NULL;
      copy.name = g_strdup (in->name);
      copy.unit = bsl_eq_dim_to_unit (&copy.dim);
      copy.dt = in->dt;
      copy.n_times = in->n_times;
      copy.n_columns = in->n_columns;
      copy.values = g_memdup2 (in->values, in->n_times * MAX (in->n_columns, 1) * sizeof (double));
      g_array_append_val (out, copy);
    }
  return g_steal_pointer (&out);
}

const BslEqTable *
bsl_eq_model_find_table (const BslEqModel *m,
                         const char       *name,
                         int              *index)
{
  for (guint k = 0; m->tables != NULL && k < m->tables->len; k++)
    if (strcmp (g_array_index (m->tables, BslEqTable, k).name, name) == 0)
      {
        if (index != NULL)
          *index = (int) k;
        return &g_array_index (m->tables, BslEqTable, k);
      }
  return NULL;
}

gboolean
bsl_eq_table_call (const BslEqModel *m,
                   const char       *name,
                   BslEqFunction    *call,
                   int              *table)
{
  const BslEqTable *t = bsl_eq_model_find_table (m, name, table);

  if (t == NULL)
    return FALSE;
  *call = (BslEqFunction) { t->name, BSL_EQ_OP_TABLE_AT, t->n_columns > 0 ? 2 : 1 };
  return TRUE;
}

gboolean
bsl_eq_tables_check_names (Parser *p)
{
  for (guint k = 0; k < p->m->tables->len; k++)
    {
      const char *name = g_array_index (p->m->tables, BslEqTable, k).name;
      BslEqSymbol *s = bsl_eq_find_symbol (p->m->states, name, NULL);

      s = s != NULL ? s : bsl_eq_find_symbol (p->m->params, name, NULL);
      s = s != NULL ? s : bsl_eq_find_symbol (p->m->subexprs, name, NULL);
      if (s != NULL)
        {
          bsl_eq_fail (p, s->line, s->column, "'%s' is the name of a table of the process; "
                       "declare another name", name);
          return FALSE;
        }
    }
  return TRUE;
}

char *
bsl_eq_table_note (const BslEqModel *m,
                   const BslEqNode  *n)
{
  guint depth = 0;

  /* the call itself, or the first one down the left-hand operands (a - stimulus(t), ...) */
  while (n != NULL && n->kind == BSL_EQ_NODE_OP && depth++ < MAX_NESTING)
    {
      if (n->op == BSL_EQ_OP_TABLE_AT)
        {
          const BslEqTable *t = &g_array_index (m->tables, BslEqTable, n->index);

          return g_strdup_printf (" (table '%s' is in %s)", t->name, t->unit);
        }
      n = n->b != NULL && n->b->kind == BSL_EQ_NODE_OP && n->b->op == BSL_EQ_OP_TABLE_AT
          ? n->b : n->a;
    }
  return g_strdup ("");
}

/* Brian2 upsamples the table's time axis by K, a power of two with K * group dt >= 8 * the
 * table's dt, and rounds t to that finer grid (half to even, as numpy's round) before taking
 * the row, so that t = step * dt lands on its row despite rounding; the row is clipped. The
 * C source (bsl_eq_source_tables) writes these operations in this order. */
double
bsl_eq_table_row (const BslEqTable *table,
                  double            t,
                  double            dt)
{
  double up = trunc (exp2 (ceil (log2 (8.0 / dt * table->dt))));

  up = up < 1.0 ? 1.0 : up;
  return fmin (fmax (trunc (nearbyint (t / (table->dt / up)) / up), 0.0),
               (double) (table->n_times - 1));
}

/* A column outside the table is clipped to it (Brian2 would stop with an index error). */
double
bsl_eq_table_at (const BslEqTable *table,
                 double            row,
                 double            column)
{
  double width = (double) table->n_columns;
  double col = width > 0.0 ? fmin (fmax (trunc (column), 0.0), width - 1.0) : 0.0;

  return table->values[(gsize) row * (gsize) (width > 0.0 ? width : 1.0) + (gsize) col];
}

/* A list of numbers: C's "static const double NAME[] = {...};" or Python's "NAME = [...]". */
static void
append_numbers (BslEqSource  *src,
                const char   *comment,
                const char   *name,
                const double *values,
                gsize         n)
{
  gboolean python = src->language == &bsl_eq_language_python;
  GString *s = src->s;

  if (comment != NULL)
    g_string_append_printf (s, python ? "# %s\n" : "/* %s */\n", comment);
  g_string_append_printf (s, python ? "%s_%s = [" : "static const double %s_%s[] = {",
                          src->prefix, name);
  for (gsize k = 0; k < n; k++)
    {
      g_autofree char *v = src->language->literal (values[k]);

      g_string_append_printf (s, "%s%s", k % 6 == 0 ? "\n  " : " ", v);
      if (k + 1 < n)
        g_string_append_c (s, ',');
    }
  g_string_append (s, python ? "\n]\n" : "\n};\n");
}

/* The C lookups; Python's are in its prelude (bsl-equations-python.c). */
static void
append_c_lookups (GString    *s,
                  const char *pre)
{
  g_string_append_printf (s,
    "\n/* The row of time t (Brian2's TimedArray), and the value at a row and a column. */\n"
    "static inline double\n%1$s_table_row (double k, double t, double dt)\n{\n"
    "  const size_t j = (size_t) k;\n"
    "  double up = trunc (exp2 (ceil (log2 (8.0 / dt * %1$s_table_dt[j]))));\n\n"
    "  up = up < 1.0 ? 1.0 : up;\n"
    "  return fmin (fmax (trunc (nearbyint (t / (%1$s_table_dt[j] / up)) / up), 0.0),\n"
    "               %1$s_table_last[j]);\n}\n\n"
    "static inline double\n%1$s_table_at (const double *const *tables, double k, double row, "
    "double column)\n{\n"
    "  const size_t j = (size_t) k;\n"
    "  const double width = %1$s_table_columns[j];\n"
    "  const double col = width > 0.0 ? fmin (fmax (trunc (column), 0.0), width - 1.0) : 0.0;\n\n"
    "  return tables[j][(size_t) row * (size_t) (width > 0.0 ? width : 1.0) + (size_t) col];\n"
    "}\n\n", pre);
}

void
bsl_eq_source_tables (BslEqSource *src,
                      gboolean     native)
{
  const GArray *tables = src->eq->m->tables;
  gboolean python = src->language == &bsl_eq_language_python;
  guint n = tables->len;
  g_autofree double *dts = g_new (double, MAX (n, 1));
  g_autofree double *lasts = g_new (double, MAX (n, 1));
  g_autofree double *widths = g_new (double, MAX (n, 1));

  if (n == 0)
    return;
  for (guint k = 0; k < n; k++)
    {
      const BslEqTable *table = &g_array_index (tables, BslEqTable, k);

      dts[k] = table->dt;
      lasts[k] = (double) (table->n_times - 1);
      widths[k] = (double) table->n_columns;
      if (!native)
        {
          g_autofree char *comment = g_strdup_printf ("table '%s' [%s]: %" G_GSIZE_FORMAT
                                                      " rows of %" G_GSIZE_FORMAT, table->name,
                                                      table->unit, table->n_times,
                                                      MAX (table->n_columns, 1));
          g_autofree char *name = g_strdup_printf ("table_%u", k);

          append_numbers (src, comment, name, table->values,
                          table->n_times * MAX (table->n_columns, 1));
        }
    }
  if (!native)
    {
      g_string_append_printf (src->s, python ? "%s_tables = [" : "static const double *const "
                              "%s_tables[] = {", src->prefix);
      for (guint k = 0; k < n; k++)
        g_string_append_printf (src->s, " %s_table_%u,", src->prefix, k);
      g_string_append (src->s, python ? " ]\n" : " };\n");
    }
  append_numbers (src, NULL, "table_dt", dts, n);
  append_numbers (src, NULL, "table_last", lasts, n);
  append_numbers (src, NULL, "table_columns", widths, n);
  if (python)
    g_string_append (src->s, "\n\n");
  else
    append_c_lookups (src->s, src->prefix);
}

/* ---- the public side ---- */

guint
bsl_equations_get_n_tables (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, 0);

  return eq->m->tables->len;
}

void
bsl_equations_get_table (const BslEquations *eq,
                         guint               k,
                         BslEquationsTable  *table)
{
  const BslEqTable *t;

  g_return_if_fail (eq != NULL && k < eq->m->tables->len && table != NULL);

  t = &g_array_index (eq->m->tables, BslEqTable, k);
  *table = (BslEquationsTable) { t->name, t->unit, t->dt, t->n_times, t->n_columns, t->values };
}

gboolean
bsl_equations_check_population (const BslEquations *eq,
                                gsize               n,
                                GError            **error)
{
  g_return_val_if_fail (eq != NULL, FALSE);

  for (guint k = 0; k < eq->m->tables->len; k++)
    {
      const BslEqTable *t = &g_array_index (eq->m->tables, BslEqTable, k);

      if (t->n_columns > 0 && t->n_columns != n)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "table '%s' has %" G_GSIZE_FORMAT
                       " columns (one per neuron, for %s(t, i)), but the population has %"
                       G_GSIZE_FORMAT " neurons", t->name, t->n_columns, t->name, n);
          return FALSE;
        }
    }
  return TRUE;
}
