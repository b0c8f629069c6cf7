/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The probes a network carries with it, and what a run records by default. */
#include "config.h"

#include <string.h>

#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-graph-probes.h"

static gboolean
probe_index (const BslGraph *graph,
             const char     *target,
             guint          *index)
{
  for (guint i = 0; i < graph->probes->len; i++)
    if (g_str_equal (g_ptr_array_index (graph->probes, i), target))
      {
        if (index != NULL)
          *index = i;
        return TRUE;
      }
  return FALSE;
}

guint
bsl_graph_get_n_probes (const BslGraph *graph)
{
  g_return_val_if_fail (graph != NULL, 0);

  return graph->probes->len;
}

const char *
bsl_graph_get_probe (const BslGraph *graph,
                     guint           index)
{
  g_return_val_if_fail (graph != NULL, NULL);
  g_return_val_if_fail (index < graph->probes->len, NULL);

  return g_ptr_array_index (graph->probes, index);
}

int
bsl_graph_probe_index (const BslGraph *graph,
                       const char     *target)
{
  guint index;

  g_return_val_if_fail (graph != NULL, -1);
  g_return_val_if_fail (target != NULL, -1);

  return probe_index (graph, target, &index) ? (int) index : -1;
}

gboolean
bsl_graph_add_probe (BslGraph    *graph,
                     const char  *target,
                     GError     **error)
{
  return bsl_graph_insert_probe (graph, -1, target, error);
}

gboolean
bsl_graph_insert_probe (BslGraph    *graph,
                        int          position,
                        const char  *target,
                        GError     **error)
{
  const char *dot = target != NULL ? strrchr (target, '.') : NULL;
  g_autofree char *name = NULL;
  const BslProcess *process;
  const char *member;

  g_return_val_if_fail (graph != NULL, FALSE);

  if (dot == NULL || dot == target || dot[1] == '\0')
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                   "probe '%s' must be written PROCESS.VAR, e.g. 'lif1.v' or 'lif1.s_out'",
                   target != NULL ? target : "");
      return FALSE;
    }
  name = g_strndup (target, dot - target);
  member = dot + 1;
  process = bsl_graph_find_process (graph, name);
  if (process == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                   "probe '%s': there is no process named '%s'", target, name);
      return FALSE;
    }
  if (bsl_proc_type_find_var (process->type, member) == NULL
      && bsl_proc_type_find_port (process->type, member) == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                   "probe '%s': %s (%s) has no Var or port named '%s'", target, name,
                   process->type->name, member);
      return FALSE;
    }
  if (probe_index (graph, target, NULL))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM, "probe '%s' is already recorded",
                   target);
      return FALSE;
    }
  g_ptr_array_insert (graph->probes, MIN (position, (int) graph->probes->len), g_strdup (target));
  return TRUE;
}

gboolean
bsl_graph_remove_probe (BslGraph   *graph,
                        const char *target)
{
  guint index;

  if (!probe_index (graph, target, &index))
    return FALSE;
  g_ptr_array_remove_index (graph->probes, index);
  return TRUE;
}

gboolean
bsl_graph_has_probe (const BslGraph *graph,
                     const char     *target)
{
  return probe_index (graph, target, NULL);
}

GStrv
bsl_graph_dup_recorded (const BslGraph *graph)
{
  g_autoptr (GStrvBuilder) list = g_strv_builder_new ();
  gboolean any = FALSE;

  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *p = g_ptr_array_index (graph->processes, i);
      if (g_str_equal (p->type->name, "Monitor"))
        {
          g_autofree char *target = g_strdup_printf ("%s.data", p->name);
          g_strv_builder_add (list, target);
          any = TRUE;
        }
    }
  for (guint i = 0; i < graph->probes->len; i++, any = TRUE)
    g_strv_builder_add (list, g_ptr_array_index (graph->probes, i));
  if (!any)
    for (guint i = 0; i < graph->processes->len; i++)
      {
        const BslProcess *p = g_ptr_array_index (graph->processes, i);
        if (p->type->category == BSL_CATEGORY_NEURONS)
          {
            g_autofree char *target = g_strdup_printf ("%s.s_out", p->name);
            g_strv_builder_add (list, target);
          }
      }
  return g_strv_builder_end (list);
}

/* A probe "proc.member" of the named process. */
gboolean
bsl_probe_target_is_of (const char *target,
                        const char *process)
{
  const char *dot = strrchr (target, '.');
  gsize len = strlen (process);

  return dot != NULL && (gsize) (dot - target) == len && strncmp (target, process, len) == 0;
}

void
_bsl_graph_drop_probes_of (BslGraph   *graph,
                           const char *process)
{
  for (guint i = graph->probes->len; i > 0; i--)
    if (bsl_probe_target_is_of (g_ptr_array_index (graph->probes, i - 1), process))
      g_ptr_array_remove_index (graph->probes, i - 1);
}

void
_bsl_graph_rename_probes_of (BslGraph   *graph,
                             const char *old_name,
                             const char *new_name)
{
  for (guint i = 0; i < graph->probes->len; i++)
    {
      char **slot = (char **) &g_ptr_array_index (graph->probes, i);
      if (bsl_probe_target_is_of (*slot, old_name))
        {
          char *renamed = g_strconcat (new_name, strrchr (*slot, '.'), NULL);
          g_free (*slot);
          *slot = renamed;
        }
    }
}
