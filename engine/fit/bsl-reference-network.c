/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A reference made by simulating one population of a network: a model (Izhikevich, AdEx,
 * equations, ...) as the trace another model is fitted to. */
#include "config.h"

#include <string.h>

#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-runtime.h"
#include "fit/bsl-fit-problem.h"
#include "fit/bsl-reference.h"

BslReference *
bsl_reference_from_network (const BslGraph  *graph,
                            const char      *process,
                            gint64           steps,
                            GError         **error)
{
  g_return_val_if_fail (graph != NULL, NULL);

  struct { const char *name; BslRefVar var; } recorded[] = {
    { "a_in", BSL_REF_A_IN }, { "u", BSL_REF_U }, { "v", BSL_REF_V }, { "s_out", BSL_REF_SPIKE },
  };
  const BslProcess *p = bsl_graph_find_process (graph, process);
  g_autoptr(BslRunConfig) config = NULL;
  g_autofree char *display = NULL;
  BslProbe *probes[G_N_ELEMENTS (recorded)] = { NULL };
  BslReference *ref;
  BslRuntime *runtime;
  BslTag tag;
  gsize n;

  if (p == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "there is no process named '%s'", process);
      return NULL;
    }
  if (bsl_proc_type_find_port (p->type, "s_out") == NULL || p->type->category != BSL_CATEGORY_NEURONS)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "process '%s' (%s) is not a neuron population", process, p->type->name);
      return NULL;
    }
  if (steps < 1)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE, "a reference needs at least one step, not %"
                   G_GINT64_FORMAT, steps);
      return NULL;
    }
  /* RF's drive and states go by other names. */
  bsl_fit_neuron_roles (p->type, &recorded[0].name, &recorded[1].name, &recorded[2].name);
  /* The population's own model: a floating-only one runs as floating_pt in any network. */
  tag = bsl_process_resolve_tag (p, graph->run_tag);
  config = bsl_run_config_new (tag);
  config->seed = graph->run_seed;
  config->n_threads = 1;
  if (!bsl_proc_type_has_model (p->type, tag))
    bsl_run_config_set_override (config, process, BSL_TAG_FLOATING_PT);
  runtime = bsl_runtime_new (graph, config, error);
  if (runtime == NULL)
    return NULL;
  for (guint k = 0; k < G_N_ELEMENTS (recorded); k++)
    if (recorded[k].name != NULL && (bsl_proc_type_find_var (p->type, recorded[k].name) != NULL ||
                                     bsl_proc_type_find_port (p->type, recorded[k].name) != NULL))
      {
        g_autofree char *target = g_strdup_printf ("%s.%s", process, recorded[k].name);

        probes[k] = bsl_runtime_add_probe (runtime, target, BSL_PROBE_RECORD, 0, error);
        if (probes[k] == NULL)
          {
            bsl_runtime_free (runtime);
            return NULL;
          }
      }
  bsl_runtime_run (runtime, steps);

  n = bsl_probe_get_size (probes[G_N_ELEMENTS (recorded) - 1]);
  display = g_strdup_printf ("%s (simulated)", process);
  ref = bsl_reference_new ((gsize) steps, n, display);
  for (guint k = 0; k < G_N_ELEMENTS (recorded); k++)
    {
      if (probes[k] == NULL || bsl_probe_get_size (probes[k]) != n)
        continue;
      ref->data[recorded[k].var] = g_new (double, (gsize) steps * n);
      for (gsize t = 0; t < (gsize) steps; t++)
        memcpy (ref->data[recorded[k].var] + t * n, bsl_probe_get_row (probes[k], t),
                n * sizeof (double));
    }
  bsl_runtime_free (runtime);
  return ref;
}

gboolean
bsl_reference_keep_comparable (BslReference *ref,
                               const char   *reference_type,
                               const char   *fitted_type)
{
  g_return_val_if_fail (ref != NULL, FALSE);

  if (g_strcmp0 (reference_type, fitted_type) == 0)
    return FALSE;
  g_clear_pointer (&ref->data[BSL_REF_U], g_free);
  g_clear_pointer (&ref->data[BSL_REF_V], g_free);
  return TRUE;
}
