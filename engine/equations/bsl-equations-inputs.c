/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Input ports of a model: which variable each port feeds, and what the reset of a spike step
 * does to an increment, so that inputs land as Brian2's on_pre effects do. */
#include "config.h"

#include <string.h>

#include "bsl-error.h"
#include "bsl-equations-private.h"

static int
symbol_index (GArray     *symbols,
              const char *name)
{
  for (guint i = 0; i < symbols->len; i++)
    if (strcmp (g_array_index (symbols, BslEqSymbol, i).name, name) == 0)
      return (int) i;
  return -1;
}

static char *
list_names (GArray *symbols)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < symbols->len; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                            g_array_index (symbols, BslEqSymbol, i).name);
  return g_string_free (names, FALSE);
}

/* Brian2 adds on_pre effects after the threshold test and before the reset; Basalt receives
 * them one step later, after the reset. The reset's statements tell whether that order
 * matters for an increment of x. */
static BslEqResetEffect
reset_effect (BslEqModel *m,
              int         x)
{
  for (guint k = 0; k < m->reset->len; k++)
    {
      const BslEqStatement *st = &g_array_index (m->reset, BslEqStatement, k);
      const BslEqNode *v = st->value;
      gboolean reads = bsl_eq_node_depends_on_state (m, st->value, x);

      if (st->state != x)
        {
          if (reads)
            return BSL_EQ_RESET_OTHER;
          continue;
        }
      if (!reads)
        return BSL_EQ_RESET_OVERWRITES;
      if (v->kind == BSL_EQ_NODE_OP && (v->op == BSL_EQ_OP_ADD || v->op == BSL_EQ_OP_SUB)
          && v->a->kind == BSL_EQ_NODE_STATE && v->a->index == x
          && !bsl_eq_node_depends_on_state (m, v->b, x))
        continue;
      return BSL_EQ_RESET_OTHER;
    }
  return BSL_EQ_RESET_KEEPS;
}

static gboolean
add_input (BslEqModel  *m,
           const char  *port,
           const char  *var,
           GError     **error)
{
  BslEqInput in = { 0 };

  if (!bsl_eq_is_identifier (port))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "input variable: '%s' is not a port name (letters, digits and '_')", port);
      return FALSE;
    }
  for (guint k = 0; k < m->inputs->len; k++)
    if (strcmp (g_array_index (m->inputs, BslEqInput, k).port, port) == 0)
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                     "input variable: the port '%s' is named twice", port);
        return FALSE;
      }
  in.state = symbol_index (m->states, var);
  in.param = in.state < 0 ? symbol_index (m->params, var) : -1;
  if (in.state < 0 && in.param < 0)
    {
      g_autofree char *states = list_names (m->states);
      g_autofree char *params = list_names (m->params);

      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "input variable: '%s' is not a state variable or a parameter of the model "
                   "(state variables: %s; parameters: %s)", var, states,
                   *params != '\0' ? params : "none");
      return FALSE;
    }
  in.port = g_strdup (port);
  if (in.state >= 0)
    in.reset_effect = reset_effect (m, in.state);
  g_array_append_val (m->inputs, in);
  return TRUE;
}

static void
input_clear (gpointer data)
{
  g_free (((BslEqInput *) data)->port);
}

/* spec: "v" (one port, a_in) or "a_ge: ge, a_gi: gi" (a port per variable). */
gboolean
bsl_eq_model_set_inputs (BslEqModel  *m,
                         const char  *spec,
                         GError     **error)
{
  g_auto (GStrv) items = NULL;
  gboolean one = spec != NULL && strchr (spec, ':') == NULL;

  m->inputs = g_array_new (FALSE, TRUE, sizeof (BslEqInput));
  g_array_set_clear_func (m->inputs, input_clear);
  m->input_state = -1;
  if (spec == NULL)
    return TRUE;
  items = g_strsplit_set (spec, ",;\n", -1);
  for (guint k = 0; items[k] != NULL; k++)
    {
      g_autofree char *item = g_strstrip (g_strdup (items[k]));
      g_auto (GStrv) pair = NULL;

      if (*item == '\0')
        continue;
      if (one)
        {
          if (!add_input (m, "a_in", item, error))
            return FALSE;
          continue;
        }
      pair = g_strsplit (item, ":", 2);
      if (pair[1] == NULL)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "input variable: write each port as 'port: variable', not '%s'", item);
          return FALSE;
        }
      if (!add_input (m, g_strstrip (pair[0]), g_strstrip (pair[1]), error))
        return FALSE;
    }
  if (one && m->inputs->len > 1)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                   "input variable: name a port for each of several variables "
                   "('a_ge: ge, a_gi: gi')");
      return FALSE;
    }
  if (m->inputs->len > 0)
    m->input_state = g_array_index (m->inputs, BslEqInput, 0).state;
  return TRUE;
}
