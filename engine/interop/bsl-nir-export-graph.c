/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the NIR writer adds to a network before it converts it: the Output nodes readers need
 * and a home for the bias of an IF population. */
#include "config.h"

#include <string.h>

#include "bsl-equations-templates.h"
#include "bsl-graph-private.h"
#include "bsl-graph-probes.h"
#include "bsl-interop-output.h"
#include "bsl-nir-export-graph.h"
#include "bsl-nir.h"

static gboolean
is_lif_family (const BslProcess *p)
{
  const char *t = p->type->name;

  return g_str_equal (t, "LIF") || g_str_equal (t, "LIFReset") || g_str_equal (t, "LIFRefractory")
         || bsl_process_is_lava_lif (p, NULL);
}

/* NIR can hold spikes of a LIF-like population (the types the writer converts). */
static gboolean
spiking_population (const BslProcess *p)
{
  g_autoptr (BslArray) vth = NULL;

  if (!is_lif_family (p) && !bsl_proc_type_is_equations (p->type))
    return FALSE;
  vth = bsl_process_dup_param_full (p, "vth", NULL);
  return vth == NULL || vth->data[0] < BSL_NIR_NONSPIKING_VTH;
}

static char *
free_name (const BslGraph *graph, const char *base, const char *suffix)
{
  char *name = g_strconcat (base, suffix, NULL);

  for (guint k = 2; bsl_graph_find_process (graph, name) != NULL; k++)
    {
      g_free (name);
      name = g_strdup_printf ("%s%s%u", base, suffix, k);
    }
  return name;
}

static void
add_output (BslGraph *work, const BslProcess *p)
{
  g_autofree char *name = free_name (work, p->name, "_output");
  g_autofree char *from = g_strdup_printf ("%s.s_out", p->name);
  g_autofree char *to = g_strdup_printf ("%s.a_in", name);
  gsize n = bsl_process_port_size (p, "s_out");

  bsl_graph_add_process (work, "Monitor", name, 1, &n, NULL);
  bsl_graph_connect (work, from, to, NULL);
}

/* Output nodes for the spikes a run records; when the network records nothing NIR can show
 * (only Vars), for every spiking population, since a reader needs an exit. */
static void
add_outputs (BslGraph *work, const BslGraph *graph, GPtrArray *notes)
{
  g_auto (GStrv) recorded = bsl_graph_dup_recorded (graph);
  gboolean any = FALSE;

  for (guint i = 0; recorded[i] != NULL; i++)
    {
      const char *dot = strrchr (recorded[i], '.');
      g_autofree char *name = g_strndup (recorded[i], dot - recorded[i]);
      const BslProcess *p = bsl_graph_find_process (graph, name);

      if (g_str_equal (p->type->name, "Monitor"))
        any = TRUE;
      else if (g_str_equal (dot + 1, "s_out") && spiking_population (p))
        {
          add_output (work, p);
          any = TRUE;
        }
      else
        _bsl_interop_note (notes, "probe %s: a NIR Output carries spikes; it was not exported",
                           recorded[i]);
    }
  if (any)
    return;
  for (guint i = 0; i < graph->processes->len; i++)
    if (spiking_population (graph->processes->pdata[i]))
      add_output (work, graph->processes->pdata[i]);
}

static gboolean
has_input (const BslGraph *graph, const char *name)
{
  for (guint c = 0; c < graph->connections->len; c++)
    if (g_str_equal (((BslConnection *) graph->connections->pdata[c])->to_process, name))
      return TRUE;
  return FALSE;
}

/* An IF population (no leak: du = 1, dv = 0) with a bias and no input: NIR's IF node has no
 * bias, an Affine in front of it has. */
static void
add_bias_carriers (BslGraph *work, const BslGraph *graph, BslTag tag, GPtrArray *notes)
{
  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *p = graph->processes->pdata[i];
      BslTag t = bsl_process_resolve_tag (p, tag);
      g_autoptr (BslArray) du = NULL, dv = NULL, bias = NULL;
      g_autofree char *dense = NULL, *source = NULL;
      gboolean any = FALSE;
      gsize n, dims[2], one = 1;

      if (!is_lif_family (p) || bsl_proc_type_is_equations (p->type) || has_input (graph, p->name))
        continue;
      du = bsl_process_dup_param_full (p, "du", NULL);
      dv = bsl_process_dup_param_full (p, "dv", NULL);
      bias = bsl_process_dup_param_full (p, "bias_mant", NULL);
      if ((t == BSL_TAG_FIXED_PT ? du->data[0] < 4095 : du->data[0] < 1) || dv->data[0] > 0)
        continue;
      for (gsize k = 0; k < bias->n; k++)
        any = any || bias->data[k] != 0;
      if (!any)
        continue;
      n = bsl_process_port_size (p, "a_in");
      dims[0] = n;
      dims[1] = 1;
      dense = free_name (work, p->name, "_bias");
      source = free_name (work, p->name, "_bias_in");
      bsl_graph_add_process (work, "RingBuffer", source, 1, &one, NULL);
      bsl_graph_add_process (work, "Dense", dense, 2, dims, NULL);
      {
        g_autofree char *a = g_strdup_printf ("%s.s_out", source);
        g_autofree char *b = g_strdup_printf ("%s.s_in", dense);
        g_autofree char *c = g_strdup_printf ("%s.a_out", dense);
        g_autofree char *d = g_strdup_printf ("%s.a_in", p->name);
        bsl_graph_connect (work, a, b, NULL);
        bsl_graph_connect (work, c, d, NULL);
      }
      _bsl_interop_note (notes, "%s: an IF node has no bias; it is the bias of Affine '%s' "
                         "(zero weights) fed by Input '%s', whose values do not matter",
                         p->name, dense, source);
    }
}

BslGraph *
_bsl_nir_export_graph (const BslGraph *graph,
                       BslTag          tag,
                       GPtrArray      *notes)
{
  BslGraph *work = bsl_graph_copy (graph);

  add_outputs (work, graph, notes);
  add_bias_carriers (work, graph, tag, notes);
  return work;
}
