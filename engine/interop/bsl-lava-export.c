/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Network -> a Python script for Lava. Names and parameters are Lava's already, so the
 * mapping is one to one; only Basalt's own sources are replaced by what they send. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-equations-templates.h"
#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-graph-probes.h"
#include "bsl-learning-rule.h"
#include "bsl-interop-output.h"
#include "bsl-lava-custom.h"
#include "bsl-lava-export.h"
#include "bsl-proc-synapses.h"
#include "bsl-random-sparse-lower.h"
#include "bsl-runtime.h"

typedef struct
{
  GString            *s;
  const BslRunConfig *config;
  GHashTable         *generated;   /* process name -> BslArray* (n, steps) */
  GPtrArray          *custom;      /* BslProcess*: written as processes of the script's own */
  GPtrArray          *notes;
} Ctx;

#define note(ctx, ...) _bsl_interop_note ((ctx)->notes, __VA_ARGS__)

static void
py_number (GString *s, double x, gboolean as_int)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (as_int)
    g_string_append_printf (s, "%" G_GINT64_FORMAT, (gint64) x);   /* Lava's int cast */
  else if (isinf (x))
    g_string_append (s, x > 0 ? "np.inf" : "-np.inf");
  else
    g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.17g", x));
}

static void
py_nested (GString *s, const BslArray *a, guint dim, gsize *offset, gboolean as_int)
{
  if (dim >= MIN (a->ndim, BSL_MAX_DIMS))
    return;
  g_string_append_c (s, '[');
  for (gsize i = 0; i < a->dims[dim]; i++)
    {
      if (i > 0)
        g_string_append (s, dim + 1 == a->ndim && i % 16 == 0 ? ",\n        " : ", ");
      if (dim + 1 == a->ndim)
        py_number (s, a->data[(*offset)++], as_int);
      else
        py_nested (s, a, dim + 1, offset, as_int);
    }
  g_string_append_c (s, ']');
}

/* A value as Python: scalars plain (Lava passes scalar Vars through uncast), arrays as numpy. */
static void
py_value (GString *s, const BslArray *a, gboolean as_int)
{
  gsize offset = 0;

  if (a->ndim == 0)
    {
      py_number (s, a->data[0], as_int);
      return;
    }
  g_string_append (s, "np.array(");
  py_nested (s, a, 0, &offset, as_int);
  g_string_append_printf (s, ", dtype=%s)", as_int ? "np.int32" : "np.float64");
}

static void
kwarg (Ctx *ctx, const BslProcess *p, BslTag tag, const char *var, const char *as)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BslArray) full = bsl_process_dup_param_full (p, var, &error);
  const BslVarSpec *spec = bsl_proc_type_find_var (p->type, var);
  gboolean as_int = tag == BSL_TAG_FIXED_PT && spec != NULL && (spec->flags & BSL_VAR_INTEGER);

  if (full == NULL)
    return;
  g_string_append_printf (ctx->s, ",\n        %s=", as != NULL ? as : var);
  if (spec->shape == BSL_SHAPE_SCALAR)
    py_number (ctx->s, full->data[0], as_int || (spec->flags & BSL_VAR_COUNT));
  else
    py_value (ctx->s, full, as_int);
}

/* LearningDense's own arguments: initial tags when set, and the very rule object (with the seed
 * a run takes when the rule names none). */
static void
write_learning_members (Ctx *ctx, const BslProcess *p, BslTag tag)
{
  g_autoptr (BslLearningRule) rule = bsl_learning_rule_copy (bsl_process_get_learning_rule (p));
  g_autofree char *python = NULL;
  const char *const tags[] = { "tag_1", "tag_2" };

  for (guint k = 0; k < G_N_ELEMENTS (tags); k++)
    if (bsl_process_get_param (p, tags[k]) != NULL)
      kwarg (ctx, p, tag, tags[k], NULL);
  if (!rule->has_rng_seed)
    {
      rule->has_rng_seed = TRUE;
      rule->rng_seed = (gint64) (ctx->config->seed & 0x7fffffff);
    }
  python = bsl_learning_rule_to_python (rule);
  g_string_append_printf (ctx->s, ",\n        learning_rule=%s", python);
}

static const char *
port_attr (const BslProcess *p, const char *port)
{
  const BslPortSpec *spec = bsl_proc_type_find_port (p->type, port);

  return spec != NULL && spec->direction == BSL_PORT_OUT ? "out_ports" : "in_ports";
}

static void
emit_lava_lif_equations (Ctx *ctx, const BslProcess *p, gsize n)
{
  static const char *const scalars[] = { "du", "dv", "vth" };

  g_string_append_printf (ctx->s, "LIF(\n        shape=(%" G_GSIZE_FORMAT ",)", n);
  kwarg (ctx, p, BSL_TAG_FLOATING_PT, "u", NULL);
  kwarg (ctx, p, BSL_TAG_FLOATING_PT, "v", NULL);
  kwarg (ctx, p, BSL_TAG_FLOATING_PT, "bias_mant", NULL);
  for (guint k = 0; k < G_N_ELEMENTS (scalars); k++)
    {
      g_autoptr (BslArray) value = bsl_process_dup_param_full (p, scalars[k], NULL);

      g_string_append_printf (ctx->s, ",\n        %s=", scalars[k]);
      py_number (ctx->s, value->data[0], FALSE);
    }
}

static void
emit_process (Ctx *ctx, const BslProcess *p, BslTag tag, gint64 steps)
{
  GString *s = ctx->s;
  const char *t = p->type->name;
  gsize n = p->dims[0];
  BslArray *gen = g_hash_table_lookup (ctx->generated, p->name);

  g_string_append_printf (s, "    procs['%s'] = ", p->name);
  if (gen != NULL)
    {
      g_string_append (s, "Source(\n        data=");
      py_value (s, gen, tag == BSL_TAG_FIXED_PT);
    }
  else if (g_ptr_array_find (ctx->custom, p, NULL))
    {
      g_autofree char *cls = _bsl_lava_custom_class_name (p);

      g_string_append_printf (s, "%s(\n        shape=(%" G_GSIZE_FORMAT ",)", cls, n);
      for (guint i = 0; i < p->type->n_vars; i++)
        kwarg (ctx, p, BSL_TAG_FLOATING_PT, p->type->vars[i].name, NULL);
    }
  else if (bsl_proc_type_is_equations (p->type))   /* the others are custom */
    emit_lava_lif_equations (ctx, p, n);
  else if (g_str_equal (t, "LIF") || g_str_equal (t, "LIFReset") || g_str_equal (t, "LIFRefractory")
           || g_str_equal (t, "TernaryLIF"))
    {
      g_string_append_printf (s, "%s(\n        shape=(%" G_GSIZE_FORMAT ",)", t, n);
      kwarg (ctx, p, tag, "u", NULL);
      kwarg (ctx, p, tag, "v", NULL);
      kwarg (ctx, p, tag, "du", NULL);
      kwarg (ctx, p, tag, "dv", NULL);
      kwarg (ctx, p, tag, "bias_mant", NULL);
      kwarg (ctx, p, tag, "bias_exp", NULL);
      if (g_str_equal (t, "TernaryLIF"))
        {
          kwarg (ctx, p, tag, "vth_hi", NULL);
          kwarg (ctx, p, tag, "vth_lo", NULL);
        }
      else
        kwarg (ctx, p, tag, "vth", NULL);
      if (g_str_equal (t, "LIFReset"))
        {
          kwarg (ctx, p, tag, "reset_interval", NULL);
          kwarg (ctx, p, tag, "reset_offset", NULL);
        }
      if (g_str_equal (t, "LIFRefractory"))
        kwarg (ctx, p, tag, "refractory_period", NULL);
    }
  else if (g_str_equal (t, "ATRLIF"))
    {
      static const char *const vars[] = { "i", "v", "theta", "r", "delta_i", "delta_v",
                                          "delta_theta", "delta_r", "theta_0", "theta_step",
                                          "bias_mant", "bias_exp", NULL };
      g_string_append_printf (s, "ATRLIF(\n        shape=(%" G_GSIZE_FORMAT ",)", n);
      for (guint k = 0; vars[k] != NULL; k++)
        kwarg (ctx, p, tag, vars[k], NULL);
    }
  else if (g_str_equal (t, "RF") || g_str_equal (t, "SigmaDelta"))
    {
      gboolean rf = g_str_equal (t, "RF");
      static const char *const rf_vars[] = { "period", "alpha", "state_exp", "decay_bits", "vth",
                                             NULL };
      static const char *const sd_vars[] = { "vth", "bias", "spike_exp", "state_exp", NULL };
      const char *const *vars = rf ? rf_vars : sd_vars;
      const char *const rf_state[] = { "real", "imag", NULL };
      const char *const sd_state[] = { "sigma", "act", "residue", "error", NULL };
      const char *const *state = rf ? rf_state : sd_state;

      g_string_append_printf (s, "%s(\n        shape=(%" G_GSIZE_FORMAT ",)", t, n);
      for (guint k = 0; vars[k] != NULL; k++)
        kwarg (ctx, p, tag, vars[k], NULL);
      if (!rf)
        {
          g_autoptr (BslArray) mode = bsl_process_dup_param_full (p, "act_mode", NULL);
          g_autoptr (BslArray) cum = bsl_process_dup_param_full (p, "cum_error", NULL);
          g_string_append_printf (s, ",\n        act_mode=ActivationMode.%s,\n        cum_error=%s",
                                  mode->data[0] != 0 ? "RELU" : "UNIT",
                                  cum->data[0] != 0 ? "True" : "False");
        }
      /* Lava's constructors take no initial state for these: say so when it is not zero. */
      for (guint k = 0; state[k] != NULL; k++)
        {
          g_autoptr (BslArray) x = bsl_process_dup_param_full (p, state[k], NULL);
          gboolean zero = TRUE;
          for (gsize e = 0; x != NULL && e < x->n; e++)
            zero = zero && x->data[e] == 0;
          if (!zero)
            note (ctx, "%s (%s): Lava starts '%s' at 0; its initial value was dropped", p->name,
                  t, state[k]);
        }
    }
  else if (g_str_equal (t, "Dense") || g_str_equal (t, "Sparse") || g_str_equal (t, "DelayDense") ||
           g_str_equal (t, "LearningDense"))
    {
      static const char *const modes[] = { NULL, "MIXED", "EXCITATORY", "INHIBITORY" };
      g_autoptr (BslArray) mode = bsl_process_dup_param_full (p, "sign_mode", NULL);
      int m = mode != NULL ? (int) mode->data[0] : 0;

      g_string_append_printf (s, "%s(\n        weights=", t);
      {
        g_autoptr (BslArray) w = bsl_process_dup_param_full (p, "weights", NULL);
        if (g_str_equal (t, "Sparse"))
          g_string_append (s, "csr_matrix(");
        py_value (s, w, tag == BSL_TAG_FIXED_PT);
        if (g_str_equal (t, "Sparse"))
          g_string_append (s, ")");
      }
      if (g_str_equal (t, "DelayDense"))
        {
          g_autoptr (BslArray) delays = bsl_process_dup_param_full (p, "delays", NULL);
          g_string_append (s, ",\n        delays=");
          py_value (s, delays, TRUE);
          g_string_append (s, ".astype(int)");
        }
      kwarg (ctx, p, tag, "weight_exp", NULL);
      kwarg (ctx, p, tag, "num_weight_bits", NULL);
      if (m >= 1 && m <= 3)
        g_string_append_printf (s, ",\n        sign_mode=SignMode.%s", modes[m]);
      kwarg (ctx, p, tag, "num_message_bits", NULL);
      if (g_str_equal (t, "LearningDense"))
        write_learning_members (ctx, p, tag);
    }
  else if (g_str_equal (t, "RingBuffer"))
    {
      g_autoptr (BslArray) data = bsl_process_dup_param_full (p, "data", NULL);
      g_string_append (s, "Source(\n        data=");
      py_value (s, data, tag == BSL_TAG_FIXED_PT);
    }
  else if (g_str_equal (t, "Monitor"))
    g_string_append_printf (s, "Sink(\n        shape=(%" G_GSIZE_FORMAT ",), buffer=steps", n);
  g_string_append (s, ")\n");
}

/* What the engine's own sources send at each step of the run: they become RingBuffers. */
static gboolean
generate_sources (Ctx *ctx, const BslGraph *graph, gint64 steps, GError **error)
{
  BslRuntime *rt = bsl_runtime_new (graph, ctx->config, error);
  g_autoptr (GPtrArray) procs = g_ptr_array_new ();

  if (rt == NULL)
    return FALSE;
  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *p = graph->processes->pdata[i];
      const char *t = p->type->name;
      g_autofree char *target = NULL;
      if (!g_str_equal (t, "Spiker") && !g_str_equal (t, "PoissonSource")
          && !g_str_equal (t, "CurrentSource"))
        continue;
      target = g_strdup_printf ("%s.%s", p->name, p->type->ports[0].name);
      if (bsl_runtime_add_probe (rt, target, BSL_PROBE_RECORD, 0, error) == NULL)
        {
          bsl_runtime_free (rt);
          return FALSE;
        }
      g_ptr_array_add (procs, (gpointer) p);
    }
  if (procs->len > 0)
    bsl_runtime_run (rt, steps);
  for (guint k = 0; k < procs->len; k++)
    {
      const BslProcess *p = procs->pdata[k];
      BslProbe *probe = bsl_runtime_get_probe (rt, k);
      gsize n = bsl_probe_get_size (probe), dims[2] = { n, MAX (steps, 1) };
      BslArray *data = bsl_array_new (2, dims);
      for (gint64 t = 0; t < steps; t++)
        {
          const double *row = bsl_probe_get_row (probe, t);
          for (gsize i = 0; i < n; i++)
            data->data[i * dims[1] + t] = row[i];
        }
      g_hash_table_insert (ctx->generated, p->name, data);
      note (ctx, "%s (%s) has no Lava process: it became a source RingBuffer holding what it "
            "sends in %" G_GINT64_FORMAT " steps", p->name, p->type->name, steps);
    }
  bsl_runtime_free (rt);
  return TRUE;
}

/* Which processes the network has no Lava process for, which become the script's own; refuses
 * a type neither covers. */
static gboolean
classify_processes (Ctx *ctx, const BslGraph *graph, GError **error)
{
  static const char *const known[] = { "LIF", "LIFReset", "LIFRefractory", "TernaryLIF",
                                       "ATRLIF", "RF", "SigmaDelta", "Dense", "Sparse",
                                       "DelayDense", "LearningDense", "RingBuffer", "Spiker",
                                       "PoissonSource",
                                       "CurrentSource", "Monitor", NULL };

  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *p = graph->processes->pdata[i];
      g_autoptr (GError) why = NULL;

      if (bsl_process_is_lava_lif (p, &why))
        {
          note (ctx, "%s (Equations) is Lava's floating LIF (the lava_lif template): written "
                "as a LIF", p->name);
          continue;
        }
      if (why != NULL)
        note (ctx, "%s; it is written as a process of the script's own", why->message);
      if (_bsl_lava_custom_supported (p))
        {
          g_autofree char *cls = _bsl_lava_custom_class_name (p);

          g_ptr_array_add (ctx->custom, (gpointer) p);
          note (ctx, "%s (%s): Lava's library has no such process; the script defines one "
                "(class %s) that computes what Basalt computes", p->name, p->type->name, cls);
          continue;
        }
      if (!g_strv_contains (known, p->type->name))
        {
          /* the C export runs every type but Synapses */
          g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                       "process '%s' (%s): Lava's process library has no %s process; %s",
                       p->name, p->type->name, p->type->name,
                       bsl_proc_type_is_synapses (p->type)
                       ? "it runs in Basalt only"
                       : "the C export (--format c) runs it");
          return FALSE;
        }
    }
  return TRUE;
}

/* The name of a port in the script: Basalt's sources became source RingBuffers ("s_out"). */
static const char *
lava_port (const Ctx *ctx, const BslProcess *p, const char *port)
{
  const BslPortSpec *spec = bsl_proc_type_find_port (p->type, port);

  if (spec != NULL && spec->direction == BSL_PORT_OUT
      && g_hash_table_contains (ctx->generated, p->name))
    return "s_out";
  return port;
}

static void
emit_header (Ctx *ctx, const BslGraph *graph, BslTag tag)
{
  /* Only the modules the network needs: older Lava releases lack some. */
  static const char *const optional[][2] = {
    { "ATRLIF", "from lava.proc.atrlif.process import ATRLIF\n" },
    { "RF", "from lava.proc.rf.process import RF\n" },
    { "SigmaDelta", "from lava.proc.sdn.process import ActivationMode, SigmaDelta\n"
                    "from lava.proc.sdn.models import PySigmaDeltaModelFixedCorrected\n" },
    { "Sparse", "from lava.proc.sparse.process import Sparse\nfrom scipy.sparse import csr_matrix\n" },
    { "LearningDense", "from lava.proc.dense.process import LearningDense\n"
      "from lava.magma.core.learning.learning_rule import Loihi2FLearningRule\n"
      "from lava.proc.learning_rules.stdp_learning_rule import STDPLoihi\n" },
  };
  GString *s = ctx->s;

  g_string_append_printf (s,
    "#!/usr/bin/env python3\n"
    "\"\"\"A spiking network exported by Basalt %s for Lava (tag %s).\n\n"
    "Run:  python3 THIS.py [--steps N] [--out PREFIX]\n"
    "Builds the network from Lava's process library, runs it with\n"
    "Loihi2SimCfg(select_tag='%s') and writes what it records (as `basalt run`\n"
    "does: every Monitor and every probe of the network, else the spikes of every\n"
    "population) to PREFIX_<probe>.npy (steps x elements) and PREFIX.csv\n"
    "(step,probe,index,value, as `basalt run --out` writes it).\n"
    "\"\"\"\n\n"
    "import argparse\n\nimport numpy as np\n",
    PACKAGE_VERSION, bsl_tag_to_string (tag), bsl_tag_to_string (tag));
  g_string_append (s,
    "from lava.magma.core.run_conditions import RunSteps\n"
    "from lava.magma.core.run_configs import Loihi2SimCfg\n"
    "from lava.proc.dense.process import DelayDense, Dense\n"
    "from lava.proc.io.sink import RingBuffer as Sink\n"
    "from lava.proc.io.source import RingBuffer as Source\n"
    "from lava.proc.lif.process import LIF, LIFRefractory, LIFReset, TernaryLIF\n"
    "from lava.proc.monitor.process import Monitor\n"
    "from lava.utils.weightutils import SignMode\n");
  for (guint k = 0; k < G_N_ELEMENTS (optional); k++)
    for (guint i = 0; i < graph->processes->len; i++)
      if (g_str_equal (((BslProcess *) graph->processes->pdata[i])->type->name, optional[k][0]))
        {
          g_string_append (s, optional[k][1]);
          break;
        }
}

/* RECORDED: (target, how, process, attribute) for every target, in `basalt run`'s order:
 * a Monitor's data is read from its sink RingBuffer, an OutPort through a sink RingBuffer of its
 * own, a Var with Lava's Monitor. INTEGER: the targets the CSV prints as integers. */
static gboolean
emit_recorded (Ctx *ctx, const BslGraph *graph, const char *const *targets, GError **error)
{
  BslRuntime *rt = bsl_runtime_new (graph, ctx->config, error);
  g_autoptr (GString) integer = g_string_new (NULL);
  GString *s = ctx->s;

  if (rt == NULL)
    return FALSE;
  g_string_append (s, "# (target, how it is recorded, process, attribute), in basalt run's order\n"
                   "RECORDED = [\n");
  for (guint i = 0; targets[i] != NULL; i++)
    {
      const BslProbe *probe = bsl_runtime_add_probe (rt, targets[i], BSL_PROBE_RECORD, 1, error);
      const char *dot = strrchr (targets[i], '.');
      g_autofree char *name = NULL;
      const BslProcess *p;
      const BslPortSpec *port;
      const char *how;

      if (probe == NULL)
        {
          bsl_runtime_free (rt);
          return FALSE;
        }
      name = g_strndup (targets[i], dot - targets[i]);
      p = bsl_graph_find_process (graph, name);
      port = bsl_proc_type_find_port (p->type, dot + 1);
      if (g_str_equal (p->type->name, "Monitor") && g_str_equal (dot + 1, "data"))
        how = "sink";
      else if (port != NULL && port->direction == BSL_PORT_OUT)
        how = "port";
      else if (port == NULL && !g_hash_table_contains (ctx->generated, p->name))
        how = "var";
      else
        {
          note (ctx, "%s is not recorded: Lava records a Var or an OutPort, not %s", targets[i],
                port != NULL ? "an InPort (record its sender's OutPort)"
                             : "a Var of a process it has no equivalent of");
          continue;
        }
      g_string_append_printf (s, "    ('%s', '%s', '%s', '%s'),\n", targets[i], how, p->name,
                              port != NULL ? lava_port (ctx, p, dot + 1) : dot + 1);
      if (bsl_probe_is_integer (probe))
        g_string_append_printf (integer, "%s'%s'", integer->len > 0 ? ", " : "", targets[i]);
    }
  bsl_runtime_free (rt);
  g_string_append_printf (s, "]\n# Targets printed as integers in the CSV\nINTEGER = {%s}\n",
                          integer->str);
  return TRUE;
}

static guint
component_root (guint *parent, guint i)
{
  while (parent[i] != i)
    i = parent[i] = parent[parent[i]];
  return i;
}

/* COMPONENTS: the network's connected parts. Lava runs the part connected to the process its
 * run() is called on, so the script runs each part in turn. */
static void
emit_components (Ctx *ctx, const BslGraph *graph)
{
  guint n = graph->processes->len;
  g_autofree guint *parent = g_new (guint, MAX (n, 1));
  GString *s = ctx->s;

  for (guint i = 0; i < n; i++)
    parent[i] = i;
  for (guint c = 0; c < graph->connections->len; c++)
    {
      const BslConnection *conn = graph->connections->pdata[c];
      guint a = component_root (parent, bsl_graph_process_index (graph, conn->from_process));
      guint b = component_root (parent, bsl_graph_process_index (graph, conn->to_process));
      parent[MAX (a, b)] = MIN (a, b);
    }
  g_string_append (s, "# The connected parts of the network, each run on its own\nCOMPONENTS = [\n");
  for (guint root = 0; root < n; root++)
    {
      if (component_root (parent, root) != root)
        continue;
      g_string_append (s, "    [");
      for (guint i = root, k = 0; i < n; i++)
        if (component_root (parent, i) == root)
          g_string_append_printf (s, "%s'%s'", k++ ? ", " : "",
                                  ((BslProcess *) graph->processes->pdata[i])->name);
      g_string_append (s, "],\n");
    }
  g_string_append (s, "]\n");
}

static void
emit_build (Ctx *ctx, const BslGraph *graph, BslTag tag, gint64 steps)
{
  GString *s = ctx->s;

  g_string_append (s, "\n\ndef build(steps):\n    procs = {}\n");
  for (guint i = 0; i < graph->processes->len; i++)
    {
      const BslProcess *p = graph->processes->pdata[i];
      BslTag ptag = bsl_run_config_tag_for (ctx->config, p);
      if (ptag != tag)
        note (ctx, "%s runs %s in Basalt; Loihi2SimCfg(select_tag='%s') applies one tag to "
              "every process", p->name, bsl_tag_to_string (ptag), bsl_tag_to_string (tag));
      if (g_str_equal (p->type->name, "PoissonSource"))
        note (ctx, "%s: the RingBuffer repeats its %" G_GINT64_FORMAT " columns when run for "
              "more steps", p->name, steps);
      emit_process (ctx, p, tag, steps);
    }
  for (guint c = 0; c < graph->connections->len; c++)
    {
      const BslConnection *conn = graph->connections->pdata[c];
      const BslProcess *a = bsl_graph_find_process (graph, conn->from_process);
      const BslProcess *b = bsl_graph_find_process (graph, conn->to_process);
      g_string_append_printf (s, "    procs['%s'].%s.%s.connect(procs['%s'].%s.%s)\n",
                              conn->from_process, port_attr (a, conn->from_port),
                              lava_port (ctx, a, conn->from_port), conn->to_process,
                              port_attr (b, conn->to_port), conn->to_port);
    }
  g_string_append (s, "    return procs\n");
}

/* MODEL_MAP: the models Loihi2SimCfg must use instead of the ones it would pick: the script's
 * own processes', and SigmaDelta's corrected fixed_pt model when the network chose it. TRUE when
 * there is any. */
static gboolean
emit_model_map (Ctx *ctx, const BslGraph *graph, BslTag tag)
{
  guint lava = 0, corrected = 0;

  for (guint i = 0; tag == BSL_TAG_FIXED_PT && i < graph->processes->len; i++)
    {
      const BslProcess *p = graph->processes->pdata[i];
      g_autoptr (BslArray) choice = NULL;
      if (!g_str_equal (p->type->name, "SigmaDelta"))
        continue;
      choice = bsl_process_dup_param_full (p, "fixed_model", NULL);
      if (choice->data[0] != 0)
        corrected++;
      else
        lava++;
    }
  if (ctx->custom->len == 0 && corrected == 0)
    return FALSE;
  g_string_append_printf (ctx->s, "# Models chosen for Loihi2SimCfg\nMODEL_MAP = %s\n",
                          ctx->custom->len > 0 ? "dict(CUSTOM_MODELS)" : "{}");
  if (corrected > 0)
    {
      g_string_append (ctx->s, "MODEL_MAP[SigmaDelta] = PySigmaDeltaModelFixedCorrected\n");
      if (lava > 0)
        note (ctx, "%u SigmaDelta processes use Lava's default fixed_pt model and %u the "
              "corrected one; Lava chooses one model per process type: all run the corrected "
              "one", lava, corrected);
    }
  return TRUE;
}

static void
emit_main (Ctx *ctx, gboolean model_map)
{
  g_string_append_printf (ctx->s,
    "\n\ndef attach_recorders(procs, steps):\n"
    "    recorders = []\n"
    "    for target, how, name, attribute in RECORDED:\n"
    "        if how == 'var':\n"
    "            recorder = Monitor()\n"
    "            recorder.probe(getattr(procs[name], attribute), steps)\n"
    "        elif how == 'port':\n"
    "            port = getattr(procs[name], attribute)\n"
    "            recorder = Sink(shape=port.shape, buffer=steps)\n"
    "            port.connect(recorder.a_in)\n"
    "        else:\n"
    "            recorder = procs[name]\n"
    "        recorders.append(recorder)\n"
    "    return recorders\n\n\n"
    "def recorded_values(recorder, how, process, attribute, steps):\n"
    "    \"\"\"What was recorded, one row per step.\"\"\"\n"
    "    if how == 'var':\n"
    "        data = recorder.get_data()[process.name][attribute]\n"
    "        return np.asarray(data).reshape(steps, -1)\n"
    "    return np.asarray(recorder.data.get()).reshape(-1, steps).T\n\n\n"
    "def run(procs, recorders, steps):\n"
    "    results = {}\n"
    "    for component in COMPONENTS:\n"
    "        anchor = procs[component[0]]\n"
    "        try:\n"
    "            anchor.run(condition=RunSteps(num_steps=steps),\n"
    "                       run_cfg=Loihi2SimCfg(select_tag=TAG%s))\n"
    "            for (target, how, name, attribute), recorder in zip(RECORDED, recorders):\n"
    "                if name in component:\n"
    "                    results[target] = recorded_values(recorder, how, procs[name],\n"
    "                                                      attribute, steps)\n"
    "        finally:\n"
    "            anchor.stop()\n"
    "    return [(target, results[target]) for target, _, _, _ in RECORDED]\n\n\n"
    "def write(prefix, results, steps):\n"
    "    for target, data in results:\n"
    "        np.save('%%s_%%s.npy' %% (prefix, target), data)\n"
    "    with open(prefix + '.csv', 'w') as csv:\n"
    "        csv.write('step,probe,index,value\\n')\n"
    "        for t in range(steps):\n"
    "            for target, data in results:\n"
    "                for k, x in enumerate(data[t]):\n"
    "                    value = '%%d' %% int(x) if target in INTEGER else '%%.17g' %% float(x)\n"
    "                    csv.write('%%d,%%s,%%d,%%s\\n' %% (t + 1, target, k, value))\n\n\n"
    "def main():\n"
    "    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])\n"
    "    parser.add_argument('--steps', type=int, default=STEPS)\n"
    "    parser.add_argument('--out', default='lava_out')\n"
    "    args = parser.parse_args()\n"
    "    if args.steps < 0:\n"
    "        parser.error('--steps must be 0 or more')\n"
    "    procs = build(args.steps)\n"
    "    results = []\n"
    "    if args.steps > 0:\n"
    "        results = run(procs, attach_recorders(procs, args.steps), args.steps)\n"
    "    write(args.out, results, args.steps)\n\n\n"
    "if __name__ == '__main__':\n"
    "    main()\n",
    model_map ? ",\n                                            exception_proc_model_map=MODEL_MAP" : "");
}

char *
bsl_lava_export_to_string (const BslGraph              *graph,
                           const BslLavaExportOptions  *options,
                           GPtrArray                   *notes,
                           GError                     **error)
{
  BslLavaExportOptions defaults = { .tag = BSL_TAG_NONE, .steps = -1 };
  const BslLavaExportOptions *opt = options != NULL ? options : &defaults;
  g_autoptr (BslRunConfig) config = NULL;
  g_autoptr (GHashTable) generated = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                            (GDestroyNotify) bsl_array_free);
  g_autoptr (GPtrArray) custom = g_ptr_array_new ();
  g_auto (GStrv) recorded = NULL;
  g_autoptr (GString) s = NULL;
  Ctx ctx = { 0 };
  BslTag tag;
  gint64 steps;
  gboolean model_map;
  g_autoptr (BslGraph) lowered = NULL;

  g_return_val_if_fail (graph != NULL, NULL);

  lowered = bsl_graph_lower_random_sparse (graph, "the Lava export", notes, error);
  if (lowered == NULL)
    return NULL;
  graph = lowered;

  tag = opt->tag != BSL_TAG_NONE ? opt->tag : graph->run_tag;
  steps = opt->steps >= 0 ? opt->steps : graph->run_steps;
  config = bsl_run_config_new (tag);
  config->seed = graph->run_seed;
  config->n_threads = 1;
  ctx.notes = notes;
  ctx.config = config;
  ctx.generated = generated;
  ctx.custom = custom;
  if (!classify_processes (&ctx, graph, error) || !generate_sources (&ctx, graph, steps, error))
    return NULL;

  s = ctx.s = g_string_new (NULL);
  emit_header (&ctx, graph, tag);
  if (custom->len > 0)
    {
      g_string_append_c (s, '\n');
      if (!_bsl_lava_custom_classes (s, custom, ctx.config->seed, error))
        return NULL;
    }
  g_string_append_printf (s, "\nTAG = '%s'\nSTEPS = %" G_GINT64_FORMAT "\n",
                          bsl_tag_to_string (tag), steps);
  if (opt->probes == NULL)
    recorded = bsl_graph_dup_recorded (graph);
  if (!emit_recorded (&ctx, graph, opt->probes != NULL ? opt->probes : (const char *const *) recorded,
                      error))
    return NULL;
  emit_components (&ctx, graph);
  model_map = emit_model_map (&ctx, graph, tag);
  emit_build (&ctx, graph, tag, steps);
  emit_main (&ctx, model_map);
  if (graph->processes->len == 0)
    note (&ctx, "the network is empty: the script builds nothing");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

gboolean
bsl_lava_export_file (const BslGraph              *graph,
                      const char                  *path,
                      const BslLavaExportOptions  *options,
                      GPtrArray                   *notes,
                      GError                     **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (graph != NULL && path != NULL, FALSE);

  text = bsl_lava_export_to_string (graph, options, notes, error);
  return text != NULL && _bsl_interop_write_text (path, text, error);
}
