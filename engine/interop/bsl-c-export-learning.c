/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The standalone C program's LearningDense: the rule's products as constant tables, the work
 * arrays the learning kernel needs, and calls into that kernel (bsl-kernel-learning-dense.h),
 * the very code the engine runs. */
#include "config.h"

#include "bsl-c-export-learning.h"
#include "bsl-kernel-learning-dense.h"
#include "bsl-learning-rule.h"
#include "bsl-runtime-private.h"

static void
append_double (GString *s, double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buf, sizeof buf, "%.17g", x);
  g_string_append (s, buf);
}

static void
emit_products (GString *s, guint k, int target, const BslLearningSeries *series)
{
  g_string_append_printf (s, "static const BslKProduct p%u_%s[%d] = {\n", k,
                          bsl_learning_target_names[target], MAX (series->n_products, 1));
  for (int p = 0; p < series->n_products; p++)
    {
      const BslKProduct *product = &series->products[p];

      g_string_append_printf (s, "  { %d, %d, %d, ", product->dependency, product->s_mantissa,
                              product->s_exp);
      append_double (s, product->scale);
      g_string_append_printf (s, ", %d, {", product->n_factors);
      for (int f = 0; f < product->n_factors; f++)
        {
          g_string_append_printf (s, "%s { %d, %d, ", f ? "," : "", product->factors[f].sym,
                                  product->factors[f].has_const);
          append_double (s, product->factors[f].constant);
          g_string_append_printf (s, ", %d }", product->factors[f].is_sgn);
        }
      g_string_append (s, product->n_factors > 0 ? " } },\n" : " { 0, 0, 0, 0 } } },\n");
    }
  if (series->n_products == 0)
    g_string_append (s, "  { 0, 0, 0, 0, 0, { { 0, 0, 0, 0 } } },\n");
  g_string_append (s, "};\n");
}

void
_bsl_c_export_learning_storage (GString *s, guint k, const BslProcRuntime *pr)
{
  BslLearningProgram program;
  gboolean fixed = pr->tag == BSL_TAG_FIXED_PT;
  gsize n_out = pr->dims[0], n_in = pr->dims[1];
  int t_epoch = (int) pr->learning_rule->t_epoch;

  /* The runtime compiled this rule already: it cannot fail here. */
  if (!bsl_learning_rule_compile (pr->learning_rule, &program, NULL))
    return;
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    if (program.active[target])
      emit_products (s, k, target, &program.series[target]);
  for (int trace = 0; trace < BSL_K_N_TRACES; trace++)
    g_string_append_printf (s, "static %s p%u_history_%s[%" G_GSIZE_FORMAT "];\n",
                            fixed ? "int32_t" : "double", k, bsl_learning_trace_names[trace],
                            (trace < BSL_K_TRACE_Y1 ? n_in : n_out) * (gsize) (t_epoch + 1));
  g_string_append_printf (s, "static uint32_t p%u_rows[%" G_GSIZE_FORMAT "], p%u_cols[%"
                          G_GSIZE_FORMAT "];\nstatic uint8_t p%u_row_marked[%" G_GSIZE_FORMAT
                          "];\nstatic int p%u_tx_now[%" G_GSIZE_FORMAT "], p%u_ty_now[%"
                          G_GSIZE_FORMAT "];\nstatic BslKLearning p%u_learning;\n",
                          k, MAX (n_out, 1), k, MAX (n_in, 1), k, MAX (n_out, 1), k,
                          MAX (n_in, 1), k, MAX (n_out, 1), k);
  bsl_learning_program_clear (&program);
}

/* A Var of the process as the kernel's BslKVec. */
static char *
vec (guint k, const BslProcRuntime *pr, const char *var)
{
  gboolean is_int = pr->tag == BSL_TAG_FIXED_PT;

  for (guint v = 0; v < pr->type->n_vars; v++)
    if (g_str_equal (pr->vars[v].spec->name, var))
      is_int = pr->vars[v].is_int;
  return is_int ? g_strdup_printf ("(BslKVec) { p%u_%s, NULL }", k, var)
                : g_strdup_printf ("(BslKVec) { NULL, p%u_%s }", k, var);
}

void
_bsl_c_export_learning_build (GString *s, guint k, const BslProcRuntime *pr)
{
  const BslLearningRule *rule = pr->learning_rule;
  BslLearningProgram program;
  gboolean fixed = pr->tag == BSL_TAG_FIXED_PT;
  const char *syn_vars[BSL_K_N_TARGETS] = { "weights", "tag_2", "tag_1" };
  const char *spike_vars[BSL_K_L_N_SPIKE_VARS] = { "x0", "tx", "y0", "ty" };

  if (!bsl_learning_rule_compile (rule, &program, NULL))
    return;
  g_string_append_printf (s, "\nstatic void\np%u_build (void)\n{\n"
                          "  BslKLearning *L = &p%u_learning;\n\n"
                          "  memset (L, 0, sizeof *L);\n"
                          "  L->n_out = %" G_GSIZE_FORMAT ";\n  L->n_in = %" G_GSIZE_FORMAT ";\n"
                          "  L->fixed = %d;\n  L->t_epoch = %d;\n  L->decimate_exponent = %d;\n",
                          k, k, pr->dims[0], pr->dims[1], fixed, (int) rule->t_epoch,
                          program.decimate_exponent);
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    {
      g_autofree char *v = vec (k, pr, syn_vars[target]);

      if (program.active[target])
        g_string_append_printf (s, "  L->products[%d] = p%u_%s;\n  L->n_products[%d] = %d;\n",
                                target, k, bsl_learning_target_names[target], target,
                                program.series[target].n_products);
      else
        g_string_append_printf (s, "  L->n_products[%d] = -1;\n", target);
      g_string_append_printf (s, "  L->syn[%d] = %s;\n", target, v);
    }
  for (int trace = 0; trace < BSL_K_N_TRACES; trace++)
    {
      const char *name = bsl_learning_trace_names[trace];
      g_autofree char *v = vec (k, pr, name);

      g_string_append_printf (s, "  L->tau[%d] = ", trace);
      append_double (s, rule->tau[trace]);
      g_string_append_printf (s, ";\n  L->impulse[%d] = ", trace);
      append_double (s, rule->impulse[trace]);
      g_string_append_printf (s, ";\n  L->traces[%d] = %s;\n  L->history_%s[%d] = p%u_history_%s;\n",
                              trace, v, fixed ? "i" : "f", trace, k, name);
    }
  for (int var = 0; var < BSL_K_L_N_SPIKE_VARS; var++)
    {
      g_autofree char *v = vec (k, pr, spike_vars[var]);
      g_string_append_printf (s, "  L->spikes[%d] = %s;\n", var, v);
    }
  g_string_append_printf (s, "  L->sign_mode_var%s = p%u_sign_mode;\n", fixed ? "_i" : "", k);
  if (rule->has_rng_seed)
    g_string_append_printf (s, "  L->seed = %" G_GUINT64_FORMAT "u;\n", (guint64) rule->rng_seed);
  else
    g_string_append (s, "  L->seed = bsl_c_seed & 0x7fffffff;\n");
  g_string_append_printf (s, "  L->wt_%s = p%u_wt;\n  L->rows = p%u_rows;\n  L->cols = p%u_cols;\n"
                          "  L->row_marked = p%u_row_marked;\n  L->tx_now = p%u_tx_now;\n"
                          "  L->ty_now = p%u_ty_now;\n", fixed ? "i" : "f", k, k, k, k, k, k);
  if (fixed)
    g_string_append_printf (s, "  bsl_k_learning_truncate_weights (p%u_weights, %" G_GSIZE_FORMAT
                            ", bsl_k_learning_sign_mode (L), (int) p%u_num_weight_bits[0]);\n",
                            k, pr->dims[0] * pr->dims[1], k);
  g_string_append (s, "  bsl_k_learning_build_weights (L);\n  bsl_k_learning_begin (L);\n}\n");
  bsl_learning_program_clear (&program);
}

void
_bsl_c_export_learning_step (GString *s, guint k, const BslProcRuntime *pr)
{
  gboolean fixed = pr->tag == BSL_TAG_FIXED_PT;
  gboolean bap_int = FALSE;
  gsize n_out = pr->dims[0], n_in = pr->dims[1];
  g_autofree char *bap = g_strdup_printf ("p%u_s_in_bap", k);

  for (guint p = 0; p < pr->type->n_ports; p++)
    if (g_str_equal (pr->ports[p].spec->name, "s_in_bap"))
      bap_int = pr->ports[p].is_int;
  g_string_append_printf (s, "  p%u_n_active = bsl_k_collect_active_%s (%" G_GSIZE_FORMAT
                          ", p%u_s_in, p%u_active);\n", k, pr->ports[0].is_int ? "fixed" : "float",
                          n_in, k, k);
  if (fixed)
    g_string_append_printf (s, "  bsl_k_dense_fixed_accumulate (0, %" G_GSIZE_FORMAT ", %"
                            G_GSIZE_FORMAT ", p%u_wt, p%u_active, p%u_n_active, (int) "
                            "p%u_num_message_bits[0] > 0 ? p%u_s_in : NULL, (int) "
                            "p%u_weight_exp[0], p%u_acc, p%u_a_buff);\n",
                            n_out, n_out, k, k, k, k, k, k, k, k);
  else
    g_string_append_printf (s, "  bsl_k_dense_float_accumulate (0, %" G_GSIZE_FORMAT ", %"
                            G_GSIZE_FORMAT ", p%u_wt, p%u_active, p%u_n_active, "
                            "p%u_num_message_bits[0] > 0 ? p%u_s_in : NULL, p%u_a_buff);\n",
                            n_out, n_out, k, k, k, k, k, k);
  g_string_append_printf (s, "  bsl_k_learning_step (&p%u_learning, t, p%u_active, p%u_n_active, "
                          "%s, %s);\n", k, k, k, bap_int ? bap : "NULL", bap_int ? "NULL" : bap);
}
