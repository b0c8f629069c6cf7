/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Network -> one self-contained C file.
 *
 * The network is compiled by the engine first; the generated code then mirrors that runtime
 * object for object: the same schedule, the same Var and port number types, the same in-port
 * aliasing and summation, and calls into the very kernel text the engine is built from
 * (the engine/kernels headers, embedded at build time). So its CSV is the engine's, bit for bit. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-c-export.h"
#include "bsl-c-export-learning.h"
#include "bsl-equations-type.h"
#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-graph-probes.h"
#include "equations/bsl-equations.h"
#include "bsl-interop-output.h"
#include "bsl-kernel-text.h"
#include "bsl-random-sparse-lower.h"
#include "bsl-runtime-private.h"

typedef struct
{
  GString          *s;
  const BslRuntime *rt;
  const char       *prefix;
  char             *upper;
} Out;

static guint
proc_index (const BslRuntime *rt, const BslProcRuntime *pr)
{
  for (guint i = 0; i < rt->n_procs; i++)
    if (rt->procs[i] == pr)
      return i;
  g_return_val_if_reached (0);
}

static const BslRtVar *
find_var (const BslProcRuntime *pr, const char *name)
{
  for (guint v = 0; v < pr->type->n_vars; v++)
    if (g_str_equal (pr->vars[v].spec->name, name))
      return &pr->vars[v];
  return NULL;
}

static gboolean
port_aliased (const BslRtPort *port)
{
  if (port->spec->direction != BSL_PORT_IN)
    return FALSE;
  return port->is_int ? port->i != port->own_i : port->f != port->own_f;
}

static const char *
ctype (gboolean is_int)
{
  return is_int ? "int32_t" : "double";
}

static void
emit_double (GString *s, double x)
{
  if (isinf (x))
    g_string_append (s, x > 0 ? "INFINITY" : "-INFINITY");
  else
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      /* %.17g in the C locale: the value reads back exactly. */
      g_ascii_formatd (buf, sizeof buf, "%.17g", x);
      g_string_append (s, buf);
    }
}

static void
emit_values (GString *s, const double *f, const gint32 *i, gsize n)
{
  g_string_append (s, "{");
  for (gsize k = 0; k < MAX (n, 1); k++)
    {
      if (k > 0)
        g_string_append (s, k % 8 == 0 ? ",\n    " : ", ");
      if (k >= n)
        g_string_append (s, "0");
      else if (i != NULL)
        g_string_append_printf (s, "%" G_GINT32_FORMAT, i[k]);
      else
        emit_double (s, f[k]);
    }
  g_string_append (s, "}");
}

static gboolean
type_is (const BslProcRuntime *pr, const char *name)
{
  return g_str_equal (pr->type->name, name);
}

/* A process with random draws keyed by the run's seed and its name. */
static gboolean
has_random_key (const BslProcRuntime *pr)
{
  BslEquations *eq = bsl_proc_type_get_compiled_equations (pr->type);

  return type_is (pr, "PoissonSource") || (eq != NULL && bsl_equations_is_stochastic (eq));
}

static gboolean
is_connection (const BslProcRuntime *pr)
{
  return type_is (pr, "Dense") || type_is (pr, "Sparse") || type_is (pr, "DelayDense")
         || bsl_proc_type_is_plastic (pr->type);
}

/* Neuron models with values derived from their parameters before the first step. */
static gboolean
has_derived (const BslProcRuntime *pr)
{
  return type_is (pr, "RF") || type_is (pr, "SigmaDelta")
         || (type_is (pr, "ATRLIF") && pr->tag == BSL_TAG_FIXED_PT);
}

static gboolean
has_build (const BslProcRuntime *pr)
{
  return is_connection (pr) || has_derived (pr);
}

static gsize
max_delay (const BslProcRuntime *pr)
{
  const BslRtVar *d = find_var (pr, "delays");
  gsize m = 0;

  for (gsize k = 0; k < d->n; k++)
    m = MAX (m, d->is_int ? (gsize) d->i[k] : (gsize) d->f[k]);
  return m;
}

/* ---------------- declarations ---------------- */

static void
emit_storage (Out *o, guint k, const BslProcRuntime *pr)
{
  GString *s = o->s;

  g_string_append_printf (s, "\n/* %s: %s, %s */\n", pr->name, pr->type->name,
                          bsl_tag_to_string (pr->tag));
  for (guint v = 0; v < pr->type->n_vars; v++)
    {
      const BslRtVar *var = &pr->vars[v];
      const char *name = var->spec->name;
      g_string_append_printf (s, "static const %s p%u_%s_init[%" G_GSIZE_FORMAT "] = ",
                              ctype (var->is_int), k, name, MAX (var->n, 1));
      emit_values (s, var->f, var->i, var->n);
      g_string_append_printf (s, ";\nstatic %s p%u_%s[%" G_GSIZE_FORMAT "];\n",
                              ctype (var->is_int), k, name, MAX (var->n, 1));
    }
  for (guint p = 0; p < pr->type->n_ports; p++)
    {
      const BslRtPort *port = &pr->ports[p];
      g_string_append_printf (s, "static %s p%u_%s_own[%" G_GSIZE_FORMAT "];\n",
                              ctype (port->is_int), k, port->spec->name, MAX (port->n, 1));
    }
  if (is_connection (pr))
    {
      gboolean fixed = pr->tag == BSL_TAG_FIXED_PT;
      gsize n_out = pr->dims[0], n_in = pr->dims[1], nm = MAX (n_in * n_out, 1);
      g_string_append_printf (s, "static uint32_t p%u_active[%" G_GSIZE_FORMAT "];\n"
                              "static size_t p%u_n_active;\n",
                              k, MAX (n_in, 1), k);
      if (type_is (pr, "Sparse"))
        g_string_append_printf (s, "static uint32_t p%u_col_start[%" G_GSIZE_FORMAT "];\n"
                                "static uint32_t p%u_row_index[%" G_GSIZE_FORMAT "];\n"
                                "static %s p%u_values[%" G_GSIZE_FORMAT "];\n",
                                k, n_in + 1, k, nm, fixed ? "int32_t" : "double", k, nm);
      else
        g_string_append_printf (s, "static %s p%u_wt[%" G_GSIZE_FORMAT "];\n",
                                fixed ? "int16_t" : "double", k, nm);
      /* 64-bit sums before the weight_exp shift: fixed_pt only */
      if (fixed && !type_is (pr, "DelayDense"))
        g_string_append_printf (s, "static int64_t p%u_acc[%" G_GSIZE_FORMAT "];\n", k,
                                MAX (n_out, 1));
      if (type_is (pr, "DelayDense"))
        {
          gsize slots = max_delay (pr) + 1;
          g_string_append_printf (s, "#define P%u_N_SLOTS %" G_GSIZE_FORMAT "\n"
                                  "static uint8_t p%u_delays_t[%" G_GSIZE_FORMAT "];\n"
                                  "static %s p%u_ring[%" G_GSIZE_FORMAT "];\n"
                                  "static size_t p%u_head;\n",
                                  k, slots, k, nm, fixed ? "int32_t" : "double", k,
                                  MAX (slots * n_out, 1), k);
          if (fixed)
            g_string_append_printf (s, "static int64_t p%u_acc[%" G_GSIZE_FORMAT "];\n", k,
                                    MAX (slots * n_out, 1));
        }
    }
  if (has_random_key (pr))
    g_string_append_printf (s, "static uint64_t p%u_key;\n", k);
  if (bsl_proc_type_is_plastic (pr->type))
    _bsl_c_export_learning_storage (s, k, pr);
  if (type_is (pr, "RF"))
    g_string_append_printf (s, "static double p%u_rf_sin, p%u_rf_cos, p%u_rf_vth;\n", k, k, k);
  if (type_is (pr, "SigmaDelta"))
    g_string_append_printf (s, "static double p%u_sd_vth;\nstatic %s p%u_sd_bias[%" G_GSIZE_FORMAT
                            "];\n", k, ctype (pr->tag == BSL_TAG_FIXED_PT), k, MAX (pr->size, 1));
  if (type_is (pr, "ATRLIF") && pr->tag == BSL_TAG_FIXED_PT)
    g_string_append_printf (s, "static int32_t p%u_at_bias[%" G_GSIZE_FORMAT "];\n"
                            "static int32_t p%u_at_theta_0, p%u_at_theta_step;\n",
                            k, MAX (pr->size, 1), k, k);
}

/* What the engine's prepare() derives for these models, from the same kernel helpers. */
static void
emit_derived_build (Out *o, guint k, const BslProcRuntime *pr)
{
  GString *s = o->s;
  gboolean fixed = pr->tag == BSL_TAG_FIXED_PT;

  g_string_append_printf (s, "\nstatic void\np%u_build (void)\n{\n", k);
  if (type_is (pr, "RF"))
    g_string_append_printf (s,
      "  bsl_k_rf_decays (p%u_period[0], p%u_alpha[0], (int) p%u_decay_bits[0], &p%u_rf_sin, "
      "&p%u_rf_cos);\n"
      "  p%u_rf_vth = bsl_k_rf_threshold (p%u_vth[0], (int) p%u_state_exp[0]);\n",
      k, k, k, k, k, k, k, k);
  else if (type_is (pr, "SigmaDelta"))
    {
      /* Lava's process scales vth and bias by 2^(spike_exp + state_exp) once. */
      g_string_append_printf (s,
        "  const double scale = ldexp (1.0, (int) (p%u_spike_exp[0] + p%u_state_exp[0]));\n"
        "  p%u_sd_vth = p%u_vth[0] * scale;\n"
        "  for (size_t k = 0; k < %" G_GSIZE_FORMAT "; k++)\n"
        "    p%u_sd_bias[k] = %s(p%u_bias[k] * scale);\n",
        k, k, k, k, pr->size, k, fixed ? "(int32_t) " : "", k);
      if (fixed)
        g_string_append_printf (s, "  p%u_sd_vth = (double) (int32_t) p%u_sd_vth;\n", k, k);
    }
  else
    g_string_append_printf (s,
      "  bsl_k_lif_fixed_effective_bias (0, %" G_GSIZE_FORMAT ", p%u_bias_mant, p%u_bias_exp, "
      "p%u_at_bias);\n"
      "  p%u_at_theta_0 = (int32_t) (p%u_theta_0[0] * 64.0);\n"
      "  p%u_at_theta_step = (int32_t) (p%u_theta_step[0] * 64.0);\n",
      pr->size, k, k, k, k, k, k, k);
  g_string_append (s, "}\n");
}

static void
emit_port_pointers (Out *o, guint k, const BslProcRuntime *pr)
{
  for (guint p = 0; p < pr->type->n_ports; p++)
    {
      const BslRtPort *port = &pr->ports[p];
      if (port_aliased (port))
        {
          const BslRtPort *src = port->sources[0];
          g_string_append_printf (o->s, "static %s *const p%u_%s = p%u_%s_own;\n",
                                  ctype (port->is_int), k, port->spec->name,
                                  proc_index (o->rt, src->owner), src->spec->name);
        }
      else
        g_string_append_printf (o->s, "static %s *const p%u_%s = p%u_%s_own;\n",
                                ctype (port->is_int), k, port->spec->name, k, port->spec->name);
    }
}

/* ---------------- connection weights (the engine's prepare) ---------------- */

static void
emit_build (Out *o, guint k, const BslProcRuntime *pr)
{
  GString *s = o->s;
  gboolean fixed = pr->tag == BSL_TAG_FIXED_PT;
  gsize n_out = pr->dims[0], n_in = pr->dims[1];

  g_string_append_printf (s, "\nstatic void\np%u_build (void)\n{\n", k);
  if (fixed)
    g_string_append_printf (s, "  const int mode = bsl_k_dense_sign_mode (p%u_weights, %"
                            G_GSIZE_FORMAT ", (int) p%u_sign_mode[0]);\n", k, n_in * n_out, k);
  if (type_is (pr, "Sparse"))
    {
      const BslRtVar *w = find_var (pr, "weights");
      g_string_append_printf (s,
        "  uint32_t p = 0;\n"
        "  for (size_t j = 0; j < %" G_GSIZE_FORMAT "; j++)\n"
        "    {\n"
        "      p%u_col_start[j] = p;\n"
        "      for (size_t i = 0; i < %" G_GSIZE_FORMAT "; i++)\n"
        "        {\n"
        "          size_t q = i * %" G_GSIZE_FORMAT " + j;\n"
        "          if (p%u_weights[q] == %s)\n"
        "            continue;\n"
        "          p%u_row_index[p] = (uint32_t) i;\n",
        n_in, k, n_out, n_in, k, w->is_int ? "0" : "0.0", k);
      if (fixed)
        g_string_append_printf (s, "          p%u_values[p] = bsl_k_dense_quantize_weight "
                                "(p%u_weights[q], mode, (int) p%u_num_weight_bits[0]);\n",
                                k, k, k);
      else
        g_string_append_printf (s, "          p%u_values[p] = p%u_weights[q];\n", k, k);
      g_string_append_printf (s,
        "          p++;\n"
        "        }\n"
        "    }\n"
        "  p%u_col_start[%" G_GSIZE_FORMAT "] = p;\n", k, n_in);
    }
  else
    {
      g_string_append_printf (s,
        "  for (size_t i = 0; i < %" G_GSIZE_FORMAT "; i++)\n"
        "    for (size_t j = 0; j < %" G_GSIZE_FORMAT "; j++)\n", n_out, n_in);
      if (fixed)
        g_string_append_printf (s, "      p%u_wt[j * %" G_GSIZE_FORMAT " + i] = (int16_t) "
                                "bsl_k_dense_quantize_weight (p%u_weights[i * %" G_GSIZE_FORMAT
                                " + j], mode, (int) p%u_num_weight_bits[0]);\n",
                                k, n_out, k, n_in, k);
      else
        g_string_append_printf (s, "      p%u_wt[j * %" G_GSIZE_FORMAT " + i] = p%u_weights[i * %"
                                G_GSIZE_FORMAT " + j];\n", k, n_out, k, n_in);
      if (type_is (pr, "DelayDense"))
        g_string_append_printf (s,
          "  for (size_t i = 0; i < %" G_GSIZE_FORMAT "; i++)\n"
          "    for (size_t j = 0; j < %" G_GSIZE_FORMAT "; j++)\n"
          "      p%u_delays_t[j * %" G_GSIZE_FORMAT " + i] = (uint8_t) (size_t) p%u_delays[i * %"
          G_GSIZE_FORMAT " + j];\n", n_out, n_in, k, n_out, k, n_in);
    }
  g_string_append (s, "}\n");
}

/* ---------------- one step ---------------- */

static void
emit_gather (Out *o, guint k, const BslRtPort *in)
{
  GString *s = o->s;

  if (port_aliased (in))
    return;
  g_string_append_printf (s, "  memset (p%u_%s_own, 0, sizeof p%u_%s_own);\n", k, in->spec->name,
                          k, in->spec->name);
  for (guint src = 0; src < in->n_sources; src++)
    {
      const BslRtPort *from = in->sources[src];
      guint j = proc_index (o->rt, from->owner);
      g_string_append_printf (s, "  for (size_t k = 0; k < %" G_GSIZE_FORMAT "; k++)\n", in->n);
      if (in->is_int)
        g_string_append_printf (s, "    p%u_%s_own[k] = (int32_t) ((uint32_t) p%u_%s_own[k] + "
                                "(uint32_t) %s (p%u_%s[k]));\n", k, in->spec->name, k,
                                in->spec->name, from->is_int ? "" : "bsl_c_message", j,
                                from->spec->name);
      else
        g_string_append_printf (s, "    p%u_%s_own[k] += %sp%u_%s[k];\n", k, in->spec->name,
                                from->is_int ? "(double) " : "", j, from->spec->name);
    }
}

static void
emit_emit (Out *o, guint k, const BslProcRuntime *pr)
{
  GString *s = o->s;
  gboolean fixed = pr->tag == BSL_TAG_FIXED_PT;
  gsize n_out = pr->dims[0];

  g_autofree char *ring = g_strdup_printf ("p%u_ring", k);

  g_string_append_printf (s, "  /* %s sends what it computed last step */\n", pr->name);
  if (type_is (pr, "DelayDense"))
    g_string_append_printf (s,
      "  memcpy (p%u_a_out, p%u_ring + p%u_head * %" G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT
      " * sizeof (%s));\n"
      "  bsl_k_delay_dense_rotate (%" G_GSIZE_FORMAT ", P%u_N_SLOTS, &p%u_head, %s, %s);\n",
      k, k, k, n_out, n_out, ctype (fixed), n_out, k, k,
      fixed ? "NULL" : ring, fixed ? ring : "NULL");
  else
    g_string_append_printf (s, "  memcpy (p%u_a_out, p%u_a_buff, sizeof p%u_a_buff);\n",
                            k, k, k);
}

/* Float-only neuron models whose step is one kernel call taking, in this order: [t,] every
 * parameter Var (its single value), the in-ports, the state Vars, the out-ports. */
static const struct
{
  const char *type;
  const char *kernel;
  gboolean    with_time;
} plain_kernels[] = {
  { "Izhikevich", "bsl_k_izhikevich_step", FALSE },
  { "AdEx", "bsl_k_adex_step", FALSE },
  { "CondLIF", "bsl_k_cond_lif_step", TRUE },
};

static int
plain_kernel (const BslProcRuntime *pr)
{
  for (guint i = 0; i < G_N_ELEMENTS (plain_kernels); i++)
    if (type_is (pr, plain_kernels[i].type) && pr->tag == BSL_TAG_FLOATING_PT)
      return (int) i;
  return -1;
}

static void
emit_plain_kernel (Out *o, guint k, const BslProcRuntime *pr, int which)
{
  GString *s = o->s;

  g_string_append_printf (s, "  %s (0, %" G_GSIZE_FORMAT, plain_kernels[which].kernel, pr->size);
  if (plain_kernels[which].with_time)
    g_string_append (s, ", t");
  for (guint v = 0; v < pr->type->n_vars; v++)
    if (!(pr->vars[v].spec->flags & BSL_VAR_STATE))
      g_string_append_printf (s, ", p%u_%s[0]", k, pr->vars[v].spec->name);
  for (guint p = 0; p < pr->type->n_ports; p++)
    if (pr->ports[p].spec->direction == BSL_PORT_IN)
      g_string_append_printf (s, ", p%u_%s", k, pr->ports[p].spec->name);
  for (guint v = 0; v < pr->type->n_vars; v++)
    if (pr->vars[v].spec->flags & BSL_VAR_STATE)
      g_string_append_printf (s, ", p%u_%s", k, pr->vars[v].spec->name);
  for (guint p = 0; p < pr->type->n_ports; p++)
    if (pr->ports[p].spec->direction == BSL_PORT_OUT)
      g_string_append_printf (s, ", p%u_%s", k, pr->ports[p].spec->name);
  g_string_append (s, ");\n");
}

/* A neuron population's step; FALSE when pr is no neuron type this knows. */
static gboolean
emit_neuron_step (Out *o, guint k, const BslProcRuntime *pr)
{
  GString *s = o->s;
  gboolean fixed = pr->tag == BSL_TAG_FIXED_PT;
  gsize n = pr->size;

  if (bsl_proc_type_is_equations (pr->type))
    {
      const BslEquations *eq = bsl_proc_type_get_compiled_equations (pr->type);
      g_autoptr (GString) inputs = g_string_new (NULL);

      /* One array per input port, in the model's order. */
      for (guint p = 0; p < bsl_equations_get_n_inputs (eq); p++)
        g_string_append_printf (inputs, "%sp%u_%s", p > 0 ? ", " : "", k,
                                bsl_equations_get_input_port (eq, p));
      /* Step t integrates from (t - 1) dt, as the engine passes it; lastspike is in seconds. */
      g_string_append_printf (s, "  p%u_eq_step (%" G_GSIZE_FORMAT ", p%u_dt[0], t - 1, p%u_states, "
                              "p%u_params, %s%s%s, p%u_last_spike_step, p%u_s_out",
                              k, n, k, k, k, inputs->len > 0 ? "(const double *const[]) { " : "",
                              inputs->len > 0 ? inputs->str : "NULL",
                              inputs->len > 0 ? " }" : "", k, k);
      /* the random draws' key, as the engine's Equations process makes it */
      if (has_random_key (pr))
        g_string_append_printf (s, ", p%u_key ^ bsl_k_mix64 ((uint64_t) p%u_seed[0])", k, k);
      g_string_append (s, ");\n");
      g_string_append_printf (s, "  for (size_t i = 0; i < %" G_GSIZE_FORMAT "; i++)\n"
                              "    p%u_lastspike[i] = floor (p%u_last_spike_step[i]) * p%u_dt[0];\n",
                              n, k, k, k);
    }
  else if (type_is (pr, "RF"))
    {
      if (fixed)
        g_string_append_printf (s, "  bsl_k_rf_fixed_step (0, %" G_GSIZE_FORMAT ", (int32_t) "
                                "p%u_rf_sin, (int32_t) p%u_rf_cos, (int64_t) p%u_rf_vth, (int) "
                                "p%u_state_exp[0], (int) p%u_decay_bits[0], p%u_a_real_in, "
                                "p%u_a_imag_in, p%u_real, p%u_imag, p%u_s_out);\n",
                                n, k, k, k, k, k, k, k, k, k, k);
      else
        g_string_append_printf (s, "  bsl_k_rf_float_step (0, %" G_GSIZE_FORMAT ", p%u_rf_sin, "
                                "p%u_rf_cos, p%u_rf_vth, p%u_a_real_in, p%u_a_imag_in, p%u_real, "
                                "p%u_imag, p%u_s_out);\n", n, k, k, k, k, k, k, k, k);
    }
  else if (type_is (pr, "SigmaDelta"))
    {
      if (fixed)
        g_string_append_printf (s, "  if (p%u_fixed_model[0] == 0)\n"
                                "    bsl_k_sigma_delta_fixed_lava_step (0, %" G_GSIZE_FORMAT
                                ", (int32_t) p%u_sd_vth, (int) p%u_act_mode[0], (int) "
                                "p%u_cum_error[0], (int) p%u_state_exp[0], p%u_sd_bias, p%u_a_in, "
                                "p%u_sigma, p%u_act, p%u_residue, p%u_error, p%u_s_out);\n  else\n  ",
                                k, n, k, k, k, k, k, k, k, k, k, k, k);
      if (fixed)
        g_string_append_printf (s, "  bsl_k_sigma_delta_fixed_step (0, %" G_GSIZE_FORMAT
                                ", (int32_t) p%u_sd_vth, (int) p%u_act_mode[0], (int) "
                                "p%u_state_exp[0], p%u_sd_bias, p%u_a_in, p%u_sigma, p%u_act, "
                                "p%u_s_out);\n", n, k, k, k, k, k, k, k, k);
      else
        g_string_append_printf (s, "  bsl_k_sigma_delta_float_step (0, %" G_GSIZE_FORMAT
                                ", p%u_sd_vth, (int) p%u_act_mode[0], (int) p%u_cum_error[0], "
                                "p%u_sd_bias, p%u_a_in, p%u_sigma, p%u_act, p%u_residue, "
                                "p%u_error, p%u_s_out);\n", n, k, k, k, k, k, k, k, k, k, k);
    }
  else if (type_is (pr, "ATRLIF"))
    {
      if (fixed)
        g_string_append_printf (s,
          "  if (t == 1)\n"
          "    for (size_t i = 0; i < %" G_GSIZE_FORMAT "; i++)\n"
          "      p%u_theta[i] = p%u_at_theta_0;\n"
          "  bsl_k_atrlif_fixed_step (0, %" G_GSIZE_FORMAT ", p%u_delta_i[0], p%u_delta_v[0], "
          "p%u_delta_theta[0], p%u_delta_r[0], p%u_at_theta_0, p%u_at_theta_step, p%u_at_bias, "
          "p%u_a_in, p%u_i, p%u_v, p%u_theta, p%u_r, p%u_s_out);\n",
          n, k, k, n, k, k, k, k, k, k, k, k, k, k, k, k, k);
      else
        g_string_append_printf (s,
          "  bsl_k_atrlif_float_step (0, %" G_GSIZE_FORMAT ", p%u_delta_i[0], p%u_delta_v[0], "
          "p%u_delta_theta[0], p%u_delta_r[0], p%u_theta_0[0], p%u_theta_step[0], p%u_bias_mant, "
          "p%u_a_in, p%u_i, p%u_v, p%u_theta, p%u_r, p%u_s_out);\n",
          n, k, k, k, k, k, k, k, k, k, k, k, k, k);
    }
  else if (type_is (pr, "LIF") || type_is (pr, "LIFReset"))
    {
      if (type_is (pr, "LIFReset"))
        g_string_append_printf (s,
          "  if (bsl_k_lif_reset_due (t, (int64_t) p%u_reset_interval[0], (int64_t) "
          "p%u_reset_offset[0]))\n"
          "    for (size_t i = 0; i < %" G_GSIZE_FORMAT "; i++)\n"
          "      p%u_u[i] = p%u_v[i] = 0;\n", k, k, n, k, k);
      if (fixed)
        g_string_append_printf (s, "  bsl_k_lif_fixed_step (0, %" G_GSIZE_FORMAT ", p%u_du[0], "
                                "p%u_dv[0], p%u_vth[0], p%u_bias_mant, p%u_bias_exp, p%u_a_in, "
                                "p%u_u, p%u_v, p%u_s_out);\n", n, k, k, k, k, k, k, k, k, k);
      else
        g_string_append_printf (s, "  bsl_k_lif_float_step (0, %" G_GSIZE_FORMAT ", p%u_du[0], "
                                "p%u_dv[0], p%u_vth[0], p%u_bias_mant, p%u_a_in, p%u_u, p%u_v, "
                                "p%u_s_out);\n", n, k, k, k, k, k, k, k, k);
    }
  else if (type_is (pr, "LIFRefractory"))
    g_string_append_printf (s, "  bsl_k_lif_refractory_float_step (0, %" G_GSIZE_FORMAT ", t, "
                            "p%u_du[0], p%u_dv[0], p%u_vth[0], p%u_refractory_period[0], "
                            "p%u_bias_mant, p%u_a_in, p%u_u, p%u_v, p%u_refractory_period_end, "
                            "p%u_s_out);\n", n, k, k, k, k, k, k, k, k, k, k);
  else if (type_is (pr, "TernaryLIF"))
    {
      if (fixed)
        g_string_append_printf (s, "  bsl_k_ternary_lif_fixed_step (0, %" G_GSIZE_FORMAT
                                ", p%u_du[0], p%u_dv[0], p%u_vth_hi[0], p%u_vth_lo[0], "
                                "p%u_bias_mant, p%u_bias_exp, p%u_a_in, p%u_u, p%u_v, "
                                "p%u_s_out);\n", n, k, k, k, k, k, k, k, k, k, k);
      else
        g_string_append_printf (s, "  bsl_k_ternary_lif_float_step (0, %" G_GSIZE_FORMAT
                                ", p%u_du[0], p%u_dv[0], p%u_vth_hi[0], p%u_vth_lo[0], "
                                "p%u_bias_mant, p%u_a_in, p%u_u, p%u_v, p%u_s_out);\n",
                                n, k, k, k, k, k, k, k, k, k);
    }
  else
    return FALSE;
  return TRUE;
}

/* A Dense, Sparse or DelayDense: collect the active inputs, then accumulate. */
static void
emit_connection_step (Out *o, guint k, const BslProcRuntime *pr)
{
  GString *s = o->s;
  gboolean fixed = pr->tag == BSL_TAG_FIXED_PT;
  gsize n_out = pr->dims[0], n_in = pr->dims[1];
  g_autofree char *payload = g_strdup_printf ("(int) p%u_num_message_bits[0] > 0 ? p%u_s_in "
                                              ": NULL", k, k);

  g_string_append_printf (s, "  p%u_n_active = bsl_k_collect_active_%s (%" G_GSIZE_FORMAT
                          ", p%u_s_in, p%u_active);\n", k,
                          pr->ports[0].is_int ? "fixed" : "float", n_in, k, k);
  if (type_is (pr, "Dense"))
    {
      if (fixed)
        g_string_append_printf (s, "  bsl_k_dense_fixed_accumulate (0, %" G_GSIZE_FORMAT ", %"
                                G_GSIZE_FORMAT ", p%u_wt, p%u_active, p%u_n_active, %s, "
                                "(int) p%u_weight_exp[0], p%u_acc, p%u_a_buff);\n",
                                n_out, n_out, k, k, k, payload, k, k, k);
      else
        g_string_append_printf (s, "  bsl_k_dense_float_accumulate (0, %" G_GSIZE_FORMAT ", %"
                                G_GSIZE_FORMAT ", p%u_wt, p%u_active, p%u_n_active, %s, "
                                "p%u_a_buff);\n", n_out, n_out, k, k, k, payload, k);
    }
  else if (type_is (pr, "Sparse"))
    {
      if (fixed)
        g_string_append_printf (s, "  bsl_k_sparse_fixed_accumulate (%" G_GSIZE_FORMAT
                                ", p%u_col_start, p%u_row_index, p%u_values, p%u_active, "
                                "p%u_n_active, %s, (int) p%u_weight_exp[0], p%u_acc, "
                                "p%u_a_buff);\n", n_out, k, k, k, k, k, payload, k, k, k);
      else
        g_string_append_printf (s, "  bsl_k_sparse_float_accumulate (%" G_GSIZE_FORMAT
                                ", p%u_col_start, p%u_row_index, p%u_values, p%u_active, "
                                "p%u_n_active, %s, p%u_a_buff);\n", n_out, k, k, k, k, k,
                                payload, k);
    }
  else
    {
      if (fixed)
        g_string_append_printf (s, "  bsl_k_delay_dense_fixed_accumulate (%" G_GSIZE_FORMAT
                                ", P%u_N_SLOTS, p%u_head, p%u_wt, p%u_delays_t, p%u_active, "
                                "p%u_n_active, %s, (int) p%u_weight_exp[0], p%u_acc, "
                                "p%u_ring);\n", n_out, k, k, k, k, k, k, payload, k, k, k);
      else
        g_string_append_printf (s, "  bsl_k_delay_dense_float_accumulate (%" G_GSIZE_FORMAT
                                ", P%u_N_SLOTS, p%u_head, p%u_wt, p%u_delays_t, p%u_active, "
                                "p%u_n_active, %s, p%u_ring);\n", n_out, k, k, k, k, k, k,
                                payload, k);
      g_string_append_printf (s, "  memcpy (p%u_a_buff, p%u_ring + p%u_head * %" G_GSIZE_FORMAT
                              ", sizeof p%u_a_buff);\n", k, k, k, n_out, k);
    }
}

/* Sources and the Monitor. */
static void
emit_io_step (Out *o, guint k, const BslProcRuntime *pr)
{
  GString *s = o->s;
  gsize n = pr->size;

  if (type_is (pr, "RingBuffer"))
    {
      const BslRtVar *data = find_var (pr, "data");
      gsize cols = data->ndim >= 2 ? data->dims[data->ndim - 1] : 1;
      g_string_append_printf (s,
        "  {\n"
        "    const size_t column = bsl_k_ring_buffer_column (t, %" G_GSIZE_FORMAT ");\n"
        "    for (size_t i = 0; i < %" G_GSIZE_FORMAT "; i++)\n"
        "      p%u_s_out[i] = p%u_data[i * %" G_GSIZE_FORMAT " + column];\n"
        "  }\n", cols, n, k, k, cols);
    }
  else if (type_is (pr, "Spiker"))
    g_string_append_printf (s, "  bsl_k_spiker_step (0, %" G_GSIZE_FORMAT ", p%u_period, "
                            "p%u_payload, p%u_counter, p%u_s_out);\n", n, k, k, k, k);
  else if (type_is (pr, "PoissonSource"))
    g_string_append_printf (s, "  bsl_k_poisson_step (0, %" G_GSIZE_FORMAT ", p%u_key ^ "
                            "bsl_k_mix64 ((uint64_t) p%u_seed[0]), t, p%u_rate, p%u_s_out);\n",
                            n, k, k, k, k);
  else if (type_is (pr, "CurrentSource"))
    g_string_append_printf (s, "  bsl_k_current_step (0, %" G_GSIZE_FORMAT ", t, (int64_t) "
                            "p%u_start[0], (int64_t) p%u_stop[0], p%u_amplitude, p%u_baseline, "
                            "p%u_a_out);\n", n, k, k, k, k, k);
  else if (type_is (pr, "Monitor"))
    g_string_append_printf (s, "  for (size_t i = 0; i < %" G_GSIZE_FORMAT "; i++)\n"
                            "    p%u_data[i] = (double) p%u_a_in[i];\n", n, k, k);
}

static void
emit_step (Out *o, guint k, const BslProcRuntime *pr)
{
  GString *s = o->s;

  g_string_append_printf (s, "  /* %s (%s) */\n", pr->name, pr->type->name);
  for (guint p = 0; p < pr->type->n_ports; p++)
    if (pr->ports[p].spec->direction == BSL_PORT_IN)
      emit_gather (o, k, &pr->ports[p]);

  if (plain_kernel (pr) >= 0)
    emit_plain_kernel (o, k, pr, plain_kernel (pr));
  else if (emit_neuron_step (o, k, pr))
    return;
  else if (bsl_proc_type_is_plastic (pr->type))
    _bsl_c_export_learning_step (s, k, pr);
  else if (is_connection (pr))
    emit_connection_step (o, k, pr);
  else
    emit_io_step (o, k, pr);
}

/* An Equations process: the step function the equation compiler writes (same arithmetic as
 * the engine's), and the tables of its state and parameter arrays. */
static gboolean
emit_equations (Out *o, guint k, const BslProcRuntime *pr, GError **error)
{
  BslEquations *eq = bsl_proc_type_get_compiled_equations (pr->type);
  guint n_states = bsl_equations_get_n_states (eq), n_params = bsl_equations_get_n_params (eq);
  g_autofree char *prefix = g_strdup_printf ("p%u_eq", k);
  g_autofree char *code = bsl_equations_to_c (eq, prefix, error);
  GString *s = o->s;

  if (code == NULL)
    {
      g_prefix_error (error, "process '%s' (Equations): ", pr->name);
      return FALSE;
    }
  g_string_append_printf (s, "\n/* %s: its equations, compiled */\n%s\n", pr->name, code);
  g_string_append_printf (s, "static double *const p%u_states[] = {", k);
  for (guint i = 0; i < n_states; i++)
    g_string_append_printf (s, "%s p%u_%s", i ? "," : "", k, pr->vars[i].spec->name);
  g_string_append_printf (s, "%s };\nstatic double *const p%u_params[] = {", n_states ? "" : " NULL", k);
  for (guint i = 0; i < n_params; i++)
    g_string_append_printf (s, "%s p%u_%s", i ? "," : "", k, pr->vars[n_states + i].spec->name);
  g_string_append_printf (s, "%s };\n", n_params ? "" : " NULL");
  return TRUE;
}

static gboolean
supported (const BslProcRuntime *pr, GError **error)
{
  static const char *const types[] = { "LIF", "LIFReset", "LIFRefractory", "TernaryLIF", "Dense",
                                       "Sparse", "DelayDense", "LearningDense", "RingBuffer", "Spiker",
                                       "PoissonSource", "CurrentSource", "Monitor", NULL };

  if (g_strv_contains (types, pr->type->name) || plain_kernel (pr) >= 0
      || type_is (pr, "RF") || type_is (pr, "SigmaDelta") || type_is (pr, "ATRLIF")
      || bsl_proc_type_is_equations (pr->type))
    return TRUE;
  g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
               "process '%s' (%s) cannot be exported to C yet", pr->name, pr->type->name);
  return FALSE;
}

/* ---------------- the whole file ---------------- */

static void
emit_kernels (GString *s)
{
  g_auto (GStrv) lines = g_strsplit (bsl_kernel_text, "\n", -1);

  g_string_append (s, "/* ======== Basalt engine kernels (engine/kernels), verbatim ======== */\n"
                      "/* The engine's whole set: a network uses some of them. */\n"
                      "#if defined __GNUC__\n#pragma GCC diagnostic push\n"
                      "#pragma GCC diagnostic ignored \"-Wunused-function\"\n#endif\n");
  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* The kernel headers include each other; here they are all inline already. */
      if (g_str_has_prefix (lines[i], "#include \""))
        continue;
      g_string_append (s, lines[i]);
      if (lines[i + 1] != NULL)
        g_string_append_c (s, '\n');
    }
  g_string_append (s,
    "\n/* Lava casts float messages into int32 ports by truncation toward zero. */\n"
    "static inline int32_t\nbsl_c_message (double x)\n{\n"
    "  if (x >= 2147483647.0)\n    return INT32_MAX;\n"
    "  if (x <= -2147483648.0)\n    return INT32_MIN;\n"
    "  return (int32_t) x;\n}\n"
    "#if defined __GNUC__\n#pragma GCC diagnostic pop\n#endif\n"
    "/* ======== end of the engine kernels ======== */\n");
}

static gboolean
var_rebuilds (const BslProcRuntime *pr, const char *var)
{
  if (has_derived (pr))
    return TRUE;
  return is_connection (pr) && (g_str_equal (var, "weights") || g_str_equal (var, "sign_mode")
                                || g_str_equal (var, "num_weight_bits"));
}

static void
emit_table (Out *o)
{
  GString *s = o->s;
  const char *P = o->prefix;

  g_string_append (s,
    "\ntypedef struct\n"
    "{\n"
    "  const char *target;\n"
    "  double *f;\n"
    "  int32_t *i;\n"
    "  double *const *pf;\n"
    "  int32_t *const *pi;\n"
    "  size_t n;\n"
    "  int writable;\n"
    "  void (*changed) (void);\n"
    "} BslCEntry;\n\n");
  g_string_append (s, "static const BslCEntry bsl_c_entries[] = {\n");
  for (guint k = 0; k < o->rt->n_procs; k++)
    {
      const BslProcRuntime *pr = o->rt->procs[k];
      for (guint v = 0; v < pr->type->n_vars; v++)
        {
          const BslRtVar *var = &pr->vars[v];
          const char *name = var->spec->name;
          gboolean writable = !(is_connection (pr) && (g_str_equal (name, "delays")
                                                       || g_str_equal (name, "a_buff")));
          g_autofree char *ref = g_strdup_printf ("p%u_%s", k, name);
          g_autofree char *rebuild = g_strdup_printf ("p%u_build", k);
          g_string_append_printf (s, "  { \"%s.%s\", %s, %s, NULL, NULL, %" G_GSIZE_FORMAT
                                  ", %d, %s },\n", pr->name, name,
                                  var->is_int ? "NULL" : ref, var->is_int ? ref : "NULL",
                                  var->n, writable,
                                  var_rebuilds (pr, name) ? rebuild : "NULL");
        }
      for (guint p = 0; p < pr->type->n_ports; p++)
        {
          const BslRtPort *port = &pr->ports[p];
          g_autofree char *ref = g_strdup_printf ("&p%u_%s", k, port->spec->name);
          g_string_append_printf (s, "  { \"%s.%s\", NULL, NULL, %s, %s, %" G_GSIZE_FORMAT
                                  ", 0, NULL },\n", pr->name, port->spec->name,
                                  port->is_int ? "NULL" : ref, port->is_int ? ref : "NULL",
                                  port->n);
        }
    }
  /* The end mark also keeps the list non-empty (ISO C has no empty initialiser). */
  g_string_append (s, "  { NULL, NULL, NULL, NULL, NULL, 0, 0, NULL }\n};\n");
  g_string_append_printf (s,
    "\nstatic const BslCEntry *\n"
    "bsl_c_find (const char *target)\n"
    "{\n"
    "  for (size_t e = 0; bsl_c_entries[e].target != NULL; e++)\n"
    "    if (strcmp (bsl_c_entries[e].target, target) == 0)\n"
    "      return &bsl_c_entries[e];\n"
    "  return NULL;\n"
    "}\n\n"
    "size_t\n%s_size (const char *target)\n{\n"
    "  const BslCEntry *e = bsl_c_find (target);\n"
    "  return e != NULL ? e->n : 0;\n}\n\n"
    "int\n%s_is_integer (const char *target)\n{\n"
    "  const BslCEntry *e = bsl_c_find (target);\n"
    "  return e != NULL && (e->i != NULL || e->pi != NULL);\n}\n\n"
    "const void *\n%s_data (const char *target)\n{\n"
    "  const BslCEntry *e = bsl_c_find (target);\n"
    "  if (e == NULL)\n    return NULL;\n"
    "  if (e->f != NULL)\n    return e->f;\n"
    "  if (e->i != NULL)\n    return e->i;\n"
    "  return e->pf != NULL ? (const void *) *e->pf : (const void *) *e->pi;\n}\n\n"
    "size_t\n%s_read (const char *target, double *out, size_t capacity)\n{\n"
    "  const BslCEntry *e = bsl_c_find (target);\n"
    "  if (e == NULL)\n    return 0;\n"
    "  for (size_t k = 0; k < e->n && k < capacity; k++)\n"
    "    {\n"
    "      if (e->f != NULL)\n        out[k] = e->f[k];\n"
    "      else if (e->i != NULL)\n        out[k] = e->i[k];\n"
    "      else if (e->pf != NULL)\n        out[k] = (*e->pf)[k];\n"
    "      else\n        out[k] = (*e->pi)[k];\n"
    "    }\n"
    "  return e->n;\n}\n\n"
    "int\n%s_write (const char *target, const double *values, size_t n)\n{\n"
    "  const BslCEntry *e = bsl_c_find (target);\n"
    "  if (e == NULL || !e->writable || (n != e->n && n != 1))\n    return -1;\n"
    "  for (size_t k = 0; k < e->n; k++)\n"
    "    {\n"
    "      double x = values[n == 1 ? 0 : k];\n"
    "      if (e->i != NULL)\n        e->i[k] = (int32_t) x;\n"
    "      else\n        e->f[k] = x;\n"
    "    }\n"
    "  if (e->changed != NULL)\n    e->changed ();\n"
    "  return 0;\n}\n", P, P, P, P, P);
}

/* The file comment, the includes, the library's declarations and the engine's kernels. */
static void
emit_header (Out *o, BslTag tag)
{
  GString *s = o->s;

  g_string_append_printf (s,
    "/* A spiking network exported by Basalt %s: %u processes, tag %s.\n"
    " *\n"
    " * Program:  cc -O2 THIS.c -lm && ./a.out --steps N [--seed S] [--probe PROC.VAR]...\n"
    " *           prints step,probe,index,value CSV, as `basalt run --out` does.\n"
    " * Library:  cc -O2 -c -D%s_NO_MAIN THIS.c, then call\n"
    " *   int         %s_init (void);          load the initial values (call first)\n"
    " *   void        %s_set_seed (uint64_t);  seed of random sources, before %s_init\n"
    " *   void        %s_step (void);          one step of Lava's Loihi protocol\n"
    " *   void        %s_reset (void);         state back to the initial values, time 0\n"
    " *   int64_t     %s_time (void);          steps done\n"
    " *   size_t      %s_size (const char *target);        elements of \"proc.var\" or \"proc.port\"\n"
    " *   int         %s_is_integer (const char *target);  1: int32_t storage (fixed_pt)\n"
    " *   size_t      %s_read (const char *target, double *out, size_t capacity);\n"
    " *   int         %s_write (const char *target, const double *values, size_t n);  Vars only\n"
    " *   const void *%s_data (const char *target);        int32_t* or double*, read only\n"
    " * Spikes are the s_out port of a population, e.g. %s_read (\"lif1.s_out\", buf, n).\n"
    " * The step kernels below are the Basalt engine's own text. */\n\n"
    "#include <math.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <stdio.h>\n"
    "#include <stdlib.h>\n#include <string.h>\n\n",
    PACKAGE_VERSION, o->rt->n_procs, bsl_tag_to_string (tag), o->upper, o->prefix, o->prefix,
    o->prefix, o->prefix, o->prefix, o->prefix, o->prefix, o->prefix, o->prefix, o->prefix, o->prefix,
    o->prefix);
  g_string_append_printf (s,
    "int %s_init (void);\nvoid %s_set_seed (uint64_t seed);\nvoid %s_step (void);\n"
    "void %s_reset (void);\nint64_t %s_time (void);\nsize_t %s_size (const char *target);\n"
    "int %s_is_integer (const char *target);\n"
    "size_t %s_read (const char *target, double *out, size_t capacity);\n"
    "int %s_write (const char *target, const double *values, size_t n);\n"
    "const void *%s_data (const char *target);\n\n",
    o->prefix, o->prefix, o->prefix, o->prefix, o->prefix, o->prefix, o->prefix, o->prefix, o->prefix,
    o->prefix);
  emit_kernels (s);
}

/* The processes' storage, equations, port wiring and builders. */
static gboolean
emit_network (Out *o, guint64 seed, GError **error)
{
  GString *s = o->s;

  g_string_append (s, "\n/* ======== the network ======== */\n");
  for (guint k = 0; k < o->rt->n_procs; k++)
    if (has_random_key (o->rt->procs[k]))
      {
        g_string_append (s,
          "\n/* The run seed mixed with a process name, as the engine keys its random streams. */\n"
          "static uint64_t\nbsl_c_name_key (uint64_t seed, const char *name)\n{\n"
          "  uint64_t h = bsl_k_mix64 (seed);\n"
          "  for (const char *p = name; *p; p++)\n"
          "    h = bsl_k_mix64 (h ^ (unsigned char) *p);\n"
          "  return h;\n}\n");
        break;
      }
  g_string_append_printf (s, "\nstatic int64_t bsl_c_time;\nstatic uint64_t bsl_c_seed = %"
                          G_GUINT64_FORMAT "u;\n", seed);
  for (guint k = 0; k < o->rt->n_procs; k++)
    emit_storage (o, k, o->rt->procs[k]);
  for (guint k = 0; k < o->rt->n_procs; k++)
    if (bsl_proc_type_is_equations (o->rt->procs[k]->type) &&
        !emit_equations (o, k, o->rt->procs[k], error))
      return FALSE;
  g_string_append (s, "\n/* In-ports with one sender of the same number type read its buffer. */\n");
  for (guint k = 0; k < o->rt->n_procs; k++)
    emit_port_pointers (o, k, o->rt->procs[k]);
  for (guint k = 0; k < o->rt->n_procs; k++)
    if (bsl_proc_type_is_plastic (o->rt->procs[k]->type))
      _bsl_c_export_learning_build (s, k, o->rt->procs[k]);
    else if (is_connection (o->rt->procs[k]))
      emit_build (o, k, o->rt->procs[k]);
    else if (has_derived (o->rt->procs[k]))
      emit_derived_build (o, k, o->rt->procs[k]);
  return TRUE;
}

/* One step: delayed sends first, then every process in the runtime's order. */
static void
emit_step_function (Out *o)
{
  GString *s = o->s;

  g_string_append_printf (s, "\nvoid\n%s_step (void)\n{\n  const int64_t t = bsl_c_time + 1;\n\n",
                          o->prefix);
  for (guint d = 0; d < o->rt->n_delayed; d++)
    emit_emit (o, proc_index (o->rt, o->rt->delayed[d]), o->rt->delayed[d]);
  for (guint i = 0; i < o->rt->n_procs; i++)
    emit_step (o, proc_index (o->rt, o->rt->order[i]), o->rt->order[i]);
  g_string_append (s, "  (void) t;\n  bsl_c_time = t;\n}\n");
}

/* bsl_c_load and the init, reset, seed and time functions built on it. */
static void
emit_load (Out *o)
{
  GString *s = o->s;

  g_string_append_printf (s, "\nstatic void\nbsl_c_load (int all)\n{\n  (void) all;\n");
  for (guint k = 0; k < o->rt->n_procs; k++)
    {
      const BslProcRuntime *pr = o->rt->procs[k];
      for (guint v = 0; v < pr->type->n_vars; v++)
        {
          const BslRtVar *var = &pr->vars[v];
          gboolean learned = bsl_proc_type_is_plastic (pr->type)
                             && g_str_equal (var->spec->name, "weights");
          g_string_append_printf (s, "  %smemcpy (p%u_%s, p%u_%s_init, sizeof p%u_%s);\n",
                                  var->initial != NULL || learned ? "" : "if (all)\n    ", k,
                                  var->spec->name, k, var->spec->name, k, var->spec->name);
        }
      for (guint p = 0; p < pr->type->n_ports; p++)
        g_string_append_printf (s, "  memset (p%u_%s_own, 0, sizeof p%u_%s_own);\n", k,
                                pr->ports[p].spec->name, k, pr->ports[p].spec->name);
      if (type_is (pr, "DelayDense"))
        g_string_append_printf (s, "  memset (p%u_ring, 0, sizeof p%u_ring);\n  p%u_head = 0;\n",
                                k, k, k);
      if (has_random_key (pr))
        g_string_append_printf (s, "  p%u_key = bsl_c_name_key (bsl_c_seed, \"%s\");\n", k,
                                pr->name);
    }
  for (guint k = 0; k < o->rt->n_procs; k++)
    if (bsl_proc_type_is_plastic (o->rt->procs[k]->type))
      g_string_append_printf (s, "  p%u_build ();\n", k);
    else if (has_build (o->rt->procs[k]))
      g_string_append_printf (s, "  if (all)\n    p%u_build ();\n", k);
  g_string_append (s, "  bsl_c_time = 0;\n}\n");
  g_string_append_printf (s,
    "\nint\n%s_init (void)\n{\n  bsl_c_load (1);\n  return 0;\n}\n"
    "\nvoid\n%s_reset (void)\n{\n  bsl_c_load (0);\n}\n"
    "\nvoid\n%s_set_seed (uint64_t seed)\n{\n  bsl_c_seed = seed;\n}\n"
    "\nint64_t\n%s_time (void)\n{\n  return bsl_c_time;\n}\n",
    o->prefix, o->prefix, o->prefix, o->prefix);
}

/* The program's main (left out with PREFIX_NO_MAIN): --steps, --seed, --probe, CSV out. */
static void
emit_main (Out *o, GPtrArray *probes, gint64 steps)
{
  GString *s = o->s;

  g_string_append_printf (s, "\n#ifndef %s_NO_MAIN\n\nstatic const char *const bsl_c_default_probes[] = {\n",
                          o->upper);
  for (guint i = 0; i < probes->len; i++)
    g_string_append_printf (s, "  \"%s\",\n", (char *) probes->pdata[i]);
  g_string_append (s, "  NULL\n};\n");
  g_string_append_printf (s,
    "\nstatic int\nbsl_c_usage (const char *program, const char *problem)\n{\n"
    "  if (problem != NULL)\n    fprintf (stderr, \"%%s: %%s\\n\", program, problem);\n"
    "  fprintf (problem != NULL ? stderr : stdout, \"usage: %%s [--steps N] [--seed S] [--probe PROC.VAR]...\\n\", program);\n"
    "  return problem != NULL ? 2 : 0;\n}\n\n"
    "static int\nbsl_c_number (const char *text, long long *value)\n{\n"
    "  char *end = NULL;\n  if (text == NULL || *text == '\\0')\n    return 0;\n"
    "  *value = strtoll (text, &end, 10);\n  return *end == '\\0' && *value >= 0;\n}\n\n"
    "int\nmain (int argc, char **argv)\n{\n"
    "  long long steps = %" G_GINT64_FORMAT ", number;\n"
    "  const char **probes = calloc ((size_t) argc + 1, sizeof (char *));\n"
    "  const char *const *list = bsl_c_default_probes;\n"
    "  int n_probes = 0;\n\n"
    "  if (probes == NULL)\n    return 1;\n"
    "  for (int a = 1; a < argc; a++)\n"
    "    {\n"
    "      const char *arg = argv[a], *value = NULL;\n"
    "      if (strncmp (arg, \"--steps=\", 8) == 0 || strncmp (arg, \"--seed=\", 7) == 0\n"
    "          || strncmp (arg, \"--probe=\", 8) == 0)\n"
    "        value = strchr (arg, '=') + 1;\n"
    "      else if ((strcmp (arg, \"--steps\") == 0 || strcmp (arg, \"--seed\") == 0\n"
    "                || strcmp (arg, \"--probe\") == 0) && a + 1 < argc)\n"
    "        value = argv[++a];\n"
    "      else if (strcmp (arg, \"--help\") == 0 || strcmp (arg, \"-h\") == 0)\n"
    "        return bsl_c_usage (argv[0], NULL);\n"
    "      else\n"
    "        return bsl_c_usage (argv[0], \"unknown or incomplete argument\");\n"
    "      if (strncmp (arg, \"--steps\", 7) == 0)\n"
    "        {\n"
    "          if (!bsl_c_number (value, &steps))\n"
    "            return bsl_c_usage (argv[0], \"--steps needs a whole number >= 0\");\n"
    "        }\n"
    "      else if (strncmp (arg, \"--seed\", 6) == 0)\n"
    "        {\n"
    "          if (!bsl_c_number (value, &number))\n"
    "            return bsl_c_usage (argv[0], \"--seed needs a whole number >= 0\");\n"
    "          %s_set_seed ((uint64_t) number);\n"
    "        }\n"
    "      else\n"
    "        {\n"
    "          if (%s_size (value) == 0)\n"
    "            {\n"
    "              fprintf (stderr, \"%%s: no Var or port '%%s' (write PROC.VAR)\\n\", argv[0], value);\n"
    "              return 2;\n"
    "            }\n"
    "          probes[n_probes++] = value;\n"
    "        }\n"
    "    }\n"
    "  if (n_probes > 0)\n    list = probes;\n\n"
    "  %s_init ();\n"
    "  fputs (\"step,probe,index,value\\n\", stdout);\n"
    "  for (long long t = 1; t <= steps; t++)\n"
    "    {\n"
    "      %s_step ();\n"
    "      for (int p = 0; list[p] != NULL; p++)\n"
    "        {\n"
    "          const void *data = %s_data (list[p]);\n"
    "          size_t n = %s_size (list[p]);\n"
    "          int is_int = %s_is_integer (list[p]);\n"
    "          for (size_t k = 0; k < n; k++)\n"
    "            {\n"
    "              if (is_int)\n"
    "                printf (\"%%lld,%%s,%%zu,%%lld\\n\", t, list[p], k, (long long) ((const int32_t *) data)[k]);\n"
    "              else\n"
    "                printf (\"%%lld,%%s,%%zu,%%.17g\\n\", t, list[p], k, ((const double *) data)[k]);\n"
    "            }\n"
    "        }\n"
    "    }\n"
    "  free (probes);\n"
    "  if (fflush (stdout) != 0 || ferror (stdout))\n"
    "    {\n      perror (argv[0]);\n      return 1;\n    }\n"
    "  return 0;\n}\n\n#endif\n",
    steps, o->prefix, o->prefix, o->prefix, o->prefix, o->prefix, o->prefix, o->prefix);
}

/* The probes asked for, else what `basalt run` records without --probe. */
static gboolean
add_probes (BslRuntime              *rt,
            const BslGraph          *graph,
            const BslCExportOptions *opt,
            GPtrArray               *probes,
            GError                 **error)
{
  g_auto (GStrv) recorded = opt->probes != NULL ? NULL : bsl_graph_dup_recorded (graph);
  const char *const *targets = opt->probes != NULL ? (const char *const *) opt->probes
                                                   : (const char *const *) recorded;

  for (guint i = 0; targets[i] != NULL; i++)
    {
      if (bsl_runtime_add_probe (rt, targets[i], BSL_PROBE_RECORD, 1, error) == NULL)
        return FALSE;
      g_ptr_array_add (probes, g_strdup (targets[i]));
    }
  return TRUE;
}

static void
out_clear (Out *o)
{
  g_free (o->upper);
  if (o->s != NULL)
    g_string_free (o->s, TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Out, out_clear)

char *
bsl_c_export_to_string (const BslGraph           *graph,
                        const BslCExportOptions  *options,
                        GError                  **error)
{
  BslCExportOptions defaults = { .tag = BSL_TAG_NONE };
  const BslCExportOptions *opt = options != NULL ? options : &defaults;
  g_autoptr (BslRunConfig) config = NULL;
  g_autoptr (GPtrArray) probes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (BslRuntime) rt = NULL;
  g_autoptr (BslGraph) lowered = NULL;
  g_auto (Out) o = { 0 };
  guint64 seed;

  g_return_val_if_fail (graph != NULL, NULL);

  lowered = bsl_graph_lower_random_sparse (graph, "the C export", NULL, error);
  if (lowered == NULL)
    return NULL;
  graph = lowered;

  o.prefix = opt->prefix != NULL ? opt->prefix : "net";
  if (!g_regex_match_simple ("^[A-Za-z_][A-Za-z0-9_]*$", o.prefix, 0, 0))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME,
                   "C prefix '%s' is not a C identifier", o.prefix);
      return NULL;
    }
  config = bsl_run_config_new (opt->tag != BSL_TAG_NONE ? opt->tag : graph->run_tag);
  seed = opt->has_seed ? opt->seed : graph->run_seed;
  config->seed = seed;
  config->n_threads = 1;
  rt = bsl_runtime_new (graph, config, error);
  if (rt == NULL)
    return NULL;
  for (guint k = 0; k < rt->n_procs; k++)
    if (!supported (rt->procs[k], error))
      return NULL;
  if (!add_probes (rt, graph, opt, probes, error))
    return NULL;

  o.rt = rt;
  o.upper = g_ascii_strup (o.prefix, -1);
  o.s = g_string_new (NULL);
  emit_header (&o, config->tag);
  if (!emit_network (&o, seed, error))
    return NULL;
  emit_step_function (&o);
  emit_load (&o);
  emit_table (&o);
  emit_main (&o, probes, opt->steps >= 0 ? opt->steps : graph->run_steps);
  return g_string_free (g_steal_pointer (&o.s), FALSE);
}

gboolean
bsl_c_export_file (const BslGraph           *graph,
                   const char               *path,
                   const BslCExportOptions  *options,
                   GError                  **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (graph != NULL && path != NULL, FALSE);

  text = bsl_c_export_to_string (graph, options, error);
  return text != NULL && _bsl_interop_write_text (path, text, error);
}
