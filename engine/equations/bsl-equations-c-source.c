/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A compiled model's step as C source (bsl_equations_to_c, and the machine code of
 * bsl-equations-native.c): one statement per instruction, in the interpreter's order, so that
 * the arithmetic is the engine's, bit for bit. */
#include "config.h"

#include <string.h>

#include "bsl-equations-private.h"
#include "bsl-error.h"
#include "bsl-matrix-exp-text.h"

/* A variable that keeps its value while the neuron is refractory. */
static gboolean
held_now (const BslEquations *eq,
          guint               k)
{
  return eq->m->refractory != NULL && bsl_eq_state (eq, k)->held;
}

/* One of the arrays the step is given (states, params or inputs), as the loops name it: in
 * machine code whose spikes have loops of their own, a restrict-qualified local, which tells the
 * compiler that the arrays do not overlap (they are distinct variables and ports of the
 * process). */
static char *
array_of (const BslEqSource *g,
          const char        *arrays,
          guint              k)
{
  return g->locals ? g_strdup_printf ("bsl_%s_%u", arrays, k)
                   : g_strdup_printf ("%s[%u]", arrays, k);
}

/* The matrix M of the coefficients in r (for the neurons of `kind`: 1 in their refractory
 * period, with the rows of held variables zero), then E = its e^M, computed only when M is not
 * the last one of its kind. */
static void
c_source_exact_matrix (BslEqSource *g, const char *ind)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  guint ns = eq->m->states->len, m = ns + 1;
  GString *s = g->s;

  g_string_append_printf (s, "%smemset (M, 0, sizeof M);\n", ind);
  for (guint k = 0; k < ns; k++)
    {
      const char *frozen = held_now (eq, k) ? "kind == 1 ? 0.0 : " : "";

      for (guint j = 0; j < ns; j++)
        g_string_append_printf (s, "%sM[%u] = %sr[%u] * dt;\n", ind, k * m + j, frozen,
                                code->system.out[k * ns + j]);
      g_string_append_printf (s, "%sM[%u] = %sr[%u] * dt;\n", ind, k * m + ns, frozen,
                              code->system.out[ns * ns + k]);
    }
  g_string_append_printf (s,
    "%sif (!exact_have[kind] || memcmp (M, exact_last[kind], sizeof M) != 0)\n"
    "%s  {\n%s    bsl_k_matrix_exp (M, %u, exact_exps[kind]);\n"
    "%s    memcpy (exact_last[kind], M, sizeof M);\n"
    "%s    exact_have[kind] = 1;\n%s  }\n", ind, ind, ind, m, ind, ind, ind);
}

/* How many operands an instruction reads: those its C text names. */
static guint
operands_read (BslEqOp op)
{
  const char *format = bsl_eq_language_c.formats[op];

  if (format == NULL || strstr (format, "%3$s") != NULL)
    return 3;
  return strstr (format, "%2$s") != NULL ? 2 : 1;
}

static gboolean
param_set_by_port (const BslEquations *eq, guint j)
{
  for (guint p = 0; p < eq->m->inputs->len; p++)
    if (g_array_index (eq->m->inputs, BslEqInput, p).param == (int) j)
      return TRUE;
  return FALSE;
}

/* Whether the coefficients can differ from neuron to neuron only through parameters: the
 * parameters they read are added to `read`. */
static gboolean
exact_reads_params_only (const BslEquations *eq, GArray *read)
{
  const BslEqCode *code = eq->code;
  const GArray *prog = code->system.code;
  g_autofree gboolean *written = g_new0 (gboolean, MAX (code->first_state, 1));

  for (guint k = 0; k < prog->len; k++)
    {
      const BslEqInstr *in = &g_array_index (prog, BslEqInstr, k);
      const guint operands[3] = { in->a, in->b, in->c };

      for (guint o = 0; o < operands_read (in->op); o++)
        {
          guint slot = operands[o];

          /* a register the program reads before it writes it: a held subexpression's value,
           * computed for each neuron at the start of its step */
          if (slot < code->first_state && !written[slot])
            return FALSE;
          if (slot >= code->first_state && slot < code->first_param)
            return FALSE;
          /* a parameter an input port sets changes within the call, after this check */
          if (slot >= code->first_param && slot < code->first_builtin &&
              param_set_by_port (eq, slot - code->first_param))
            return FALSE;
          if (slot >= code->first_param && slot < code->first_builtin)
            {
              guint j = slot - code->first_param;
              gboolean seen = FALSE;

              for (guint r = 0; r < read->len && !seen; r++)
                seen = g_array_index (read, guint, r) == j;
              if (!seen)
                g_array_append_val (read, j);
            }
          if (slot >= code->first_builtin && slot < code->first_const &&
              slot != code->first_builtin + BSL_EQ_BUILTIN_DT &&
              slot != code->first_builtin + BSL_EQ_BUILTIN_N)
            return FALSE;
        }
      if (in->dst < code->first_state)
        written[in->dst] = TRUE;
    }
  return TRUE;
}

/* Before the loop: the cache of e^M (kept from call to call by each thread), and, when every
 * parameter the coefficients read is the same for all n neurons, both kinds of E at once. */
static void
c_source_exact_setup (BslEqSource *g, gboolean native)
{
  const BslEquations *eq = g->eq;
  guint ns = eq->m->states->len, mm = (ns + 1) * (ns + 1);
  g_autoptr (GArray) read = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean params_only = exact_reads_params_only (eq, read);
  GString *s = g->s;

  g_string_append_printf (s,
    "  static BSL_EQ_THREAD_LOCAL double exact_last[2][%u], exact_exps[2][%u];\n"
    "  static BSL_EQ_THREAD_LOCAL int exact_have[2];\n"
    "  const double *exact_uniform[2] = { NULL, NULL };\n\n", mm, mm);
  if (!params_only)
    return;
  g_string_append (s, "  if (n > 0)\n    {\n      int same = 1;\n\n");
  if (read->len > 0)
    {
      g_string_append (s, "      for (size_t i = 1; i < n && same; i++)\n        same = ");
      for (guint k = 0; k < read->len; k++)
        g_string_append_printf (s, "%smemcmp (&params[%u][i], &params[%u][0], sizeof (double)) == 0",
                                k > 0 ? "\n          && " : "", g_array_index (read, guint, k),
                                g_array_index (read, guint, k));
      g_string_append (s, ";\n");
    }
  g_string_append_printf (s, "      if (same)\n        {\n          const size_t i = 0;\n"
                          "          const double nn = (double) %s;\n"
                          "          double r[%u], M[%u];\n\n          (void) i;\n"
                          "          (void) nn;\n",
                          native ? "n_total" : "n", MAX (eq->code->n_regs, 1), mm);
  bsl_eq_source_program (g, &eq->code->system, "          ");
  g_string_append (s, "          for (int kind = 0; kind < 2; kind++)\n            {\n");
  c_source_exact_matrix (g, "              ");
  g_string_append (s, "              exact_uniform[kind] = exact_exps[kind];\n            }\n"
                      "        }\n    }\n");
}

/* (x, 1) <- e^M (x, 1), with E shared by the population or found for this neuron. */
static void
c_source_exact (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  guint ns = eq->m->states->len, m = ns + 1;
  GString *s = g->s;
  const char *ind = "      ";

  g_string_append_printf (s, "%s{\n%s  double xn[%u];\n"
                          "%s  const int kind = nr == 0.0 ? 1 : 0;\n"
                          "%s  const double *E = exact_uniform[kind];\n\n"
                          "%s  if (E == NULL)\n%s    {\n%s      double M[%u];\n\n",
                          ind, ind, ns, ind, ind, ind, ind, ind, m * m);
  bsl_eq_source_program (g, &code->system, "          ");
  c_source_exact_matrix (g, "          ");
  g_string_append_printf (s, "%s      E = exact_exps[kind];\n%s    }\n", ind, ind);
  for (guint k = 0; k < ns; k++)
    {
      g_string_append_printf (s, "%s  xn[%u] = E[%u];\n", ind, k, k * m + ns);
      for (guint j = 0; j < ns; j++)
        g_string_append_printf (s, "%s  xn[%u] = xn[%u] + E[%u] * x[%u];\n", ind, k, k,
                                k * m + j, j);
    }
  for (guint k = 0; k < ns; k++)
    g_string_append_printf (s, "%s  x[%u] = xn[%u];\n", ind, k, k);
  g_string_append_printf (s, "%s}\n", ind);
}

/* Whether a port on a parameter is copied in a loop of its own before the step's loop (which
 * the compiler vectorises more readily): where the arrays are locals and the refractory period,
 * found before the port is read, does not read the parameter. */
static gboolean
param_port_apart (const BslEqSource *g,
                  const BslEqInput  *in)
{
  const BslEqCode *code = g->eq->code;
  const GArray *prog = code->refractory.code;
  guint slot = code->first_param + (guint) MAX (in->param, 0);

  if (!g->locals || in->param < 0)
    return FALSE;
  for (guint k = 0; g->eq->m->refractory != NULL && prog != NULL && k < prog->len; k++)
    {
      const BslEqInstr *ins = &g_array_index (prog, BslEqInstr, k);
      const guint operands[3] = { ins->a, ins->b, ins->c };

      for (guint o = 0; o < operands_read (ins->op); o++)
        if (operands[o] == slot)
          return FALSE;
    }
  return TRUE;
}

/* The copies of param_port_apart, before the step's loop. */
static void
c_source_param_ports (BslEqSource *g)
{
  const BslEqModel *m = g->eq->m;

  for (guint p = 0; p < m->inputs->len; p++)
    {
      const BslEqInput *in = &g_array_index (m->inputs, BslEqInput, p);

      if (param_port_apart (g, in))
        g_string_append_printf (g->s, "  if (bsl_inputs_%u != NULL)\n"
                                "    for (size_t i = 0; i < n; i++)\n"
                                "      bsl_params_%d[i] = bsl_inputs_%u[i];\n", p, in->param, p);
    }
}

/* Before the loops: each array as a restrict-qualified local. */
static void
c_source_locals (BslEqSource *g)
{
  const BslEqModel *m = g->eq->m;
  GString *s = g->s;

  for (guint k = 0; k < m->states->len; k++)
    g_string_append_printf (s, "  double *restrict bsl_states_%u = states[%u];\n", k, k);
  for (guint j = 0; j < m->params->len; j++)
    g_string_append_printf (s, "  double *restrict bsl_params_%u = params[%u];\n", j, j);
  for (guint p = 0; p < m->inputs->len; p++)
    g_string_append_printf (s, "  const double *restrict bsl_inputs_%u = inputs != NULL ?"
                            " inputs[%u] : NULL;\n", p, p);
  g_string_append (s, "\n");
}

/* The comment naming states and parameters, the function's head and the loads of x. */
static void
c_source_prologue (BslEqSource *g, const char *prefix, gboolean native)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  const BslEqModel *m = eq->m;
  guint ns = m->states->len;
  gboolean refr = m->refractory != NULL;
  gboolean stochastic = bsl_eq_is_stochastic (eq);
  GString *s = g->s;
  const char *ind = "      ";
  g_autofree char *tables_local = native ? g_strdup ("")
    : m->tables->len == 0 ? g_strdup ("  const double *const *tables = NULL;\n")
    : g_strdup_printf ("  const double *const *tables = %s_tables;\n", prefix);

  g_string_append_printf (s, "/* Neurons defined by equations (method %s); states:",
                          bsl_equations_method_to_string (eq->method));
  for (guint k = 0; k < ns; k++)
    g_string_append_printf (s, " %u %s [%s]", k, bsl_eq_state (eq, k)->name, bsl_eq_state (eq, k)->unit);
  g_string_append (s, "; parameters:");
  for (guint j = 0; j < m->params->len; j++)
    g_string_append_printf (s, " %u %s [%s]", j, bsl_eq_param (eq, j)->name, bsl_eq_param (eq, j)->unit);
  g_string_append (s, ". */\n#include <math.h>\n#include <stddef.h>\n#include <stdint.h>\n"
                  "#include <string.h>\n\n");
  /* the random draws' generator; the key comes last among the arguments */
  if (stochastic)
    bsl_eq_draw_c_source (s, prefix);
  bsl_eq_source_tables (g, native);
  if (eq->method == BSL_EQUATIONS_EXACT)
    g_string_append_printf (s, "%s\n#ifndef BSL_EQ_THREAD_LOCAL\n#if defined(__GNUC__)\n"
                            "#define BSL_EQ_THREAD_LOCAL __thread\n#else\n"
                            "#define BSL_EQ_THREAD_LOCAL\n#endif\n#endif\n\n",
                            bsl_matrix_exp_text);
  g_string_append_printf (s,
    "%s\n%s_step (size_t n, double dt, int64_t step, double *const *states,\n"
    "    double *const *params, const double *const *inputs, double *last_spike_step,\n"
    "    double *spikes_out%s%s)\n{\n"
    "  const double t0 = (double) step * dt;\n"
    "  const double dstep = (double) step;\n\n"
    "%s"
    "  (void) params;\n"
    "  (void) inputs;\n"
    "  (void) tables;\n%s",
    native ? "void" : "static void", prefix,
    native ? ", size_t first, size_t n_total, const double *const *tables" : "",
    native || stochastic ? ", uint64_t key" : "", tables_local,
    native || stochastic ? "  (void) key;\n" : "");
  if (g->locals)
    c_source_locals (g);
  if (eq->method == BSL_EQUATIONS_EXACT)
    c_source_exact_setup (g, native);
  c_source_param_ports (g);
  g_string_append_printf (s,
    "  for (size_t i = 0; i < n; i++)\n    {\n"
    "      double r[%u], x[%u], xs[%u], k1[%u], k2[%u], k3[%u];\n"
    "      double t = t0, nr = 1.0, sp = 0.0, ls = floor (last_spike_step[i]) * dt;\n"
    "      double idx = (double) %s, nn = (double) %s;\n\n"
    "      (void) r; (void) xs; (void) k1; (void) k2; (void) k3;\n"
    "      (void) t; (void) nr; (void) sp; (void) ls; (void) idx; (void) nn;\n",
    code->n_regs, ns, ns, ns, ns, ns, native ? "(first + i)" : "i", native ? "n_total" : "n");
  for (guint k = 0; k < ns; k++)
    {
      g_autofree char *states_k = array_of (g, "states", k);

      g_string_append_printf (s, "%sx[%u] = %s[i];\n", ind, k, states_k);
    }
  if (bsl_eq_refractory_is_condition (m))
    g_string_append_printf (s, "%snr = last_spike_step[i] != floor (last_spike_step[i])"
                            " || isinf (last_spike_step[i]) ? 1.0 : 0.0;\n", ind);
  else if (refr)
    {
      bsl_eq_source_program (g, &code->refractory, ind);
      g_string_append_printf (s, "%snr = dstep - last_spike_step[i] >= floor (r[%u] / dt + 1e-3)"
                              " ? 1.0 : 0.0;\n", ind, code->refractory.out[0]);
    }
}

/* Each port's input: into its parameter, or added to its state unless refractory or just
 * reset, port after port as the engine takes them. */
static void
c_source_input (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  const BslEqModel *m = eq->m;
  gboolean refr = m->refractory != NULL;
  GString *s = g->s;
  const char *ind = "      ";

  for (guint p = 0; p < m->inputs->len; p++)
    {
      const BslEqInput *in = &g_array_index (m->inputs, BslEqInput, p);
      g_autoptr (GString) cond = NULL;
      g_autofree char *port = array_of (g, "inputs", p);
      g_autofree char *given = g->locals ? g_strdup_printf ("%s != NULL", port)
        : g_strdup_printf ("inputs != NULL && %s != NULL", port);

      if (param_port_apart (g, in))
        continue;
      if (in->param >= 0)
        {
          g_autofree char *param = array_of (g, "params", in->param);

          g_string_append_printf (s, "%sif (%s)\n%s  %s[i] = %s[i];\n", ind, given, ind, param,
                                  port);
          continue;
        }
      cond = g_string_new (given);
      g_string_append_printf (s, "%s{\n%s  double since = dstep - 1.0 - last_spike_step[i];\n\n"
                              "%s  (void) since;\n", ind, ind, ind);
      if (bsl_eq_refractory_is_condition (m) && bsl_eq_state (eq, in->state)->held)
        g_string_append (cond, " && nr != 0.0");
      else if (refr && bsl_eq_state (eq, in->state)->held)
        g_string_append_printf (cond, " && !(since < floor (r[%u] / dt + 1e-3))",
                                code->refractory.out[0]);
      if (in->reset_effect == BSL_EQ_RESET_OVERWRITES)
        g_string_append (cond, " && since != 0.0");
      g_string_append_printf (s, "%s  if (%s)\n%s    x[%d] = x[%d] + %s[i];\n%s}\n", ind,
                              cond->str, ind, in->state, in->state, port, ind);
    }
}

/* Brian2's midpoint method, as integrate_rk2. */
static void
c_source_rk2 (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  guint ns = eq->m->states->len;
  GString *s = g->s;
  const char *ind = "      ";

  g_string_append_printf (s, "%st = t0;\n", ind);
  bsl_eq_source_program (g, &code->deriv, ind);
  for (guint k = 0; k < ns; k++)
    g_string_append_printf (s, "%sxs[%u] = x[%u] + (%sdt * r[%u]) / 2.0;\n", ind, k, k,
                            held_now (eq, k) ? "nr == 0.0 ? 0.0 : " : "",
                            code->deriv.out[k]);
  g_string_append_printf (s, "%st = t0 + dt / 2.0;\n", ind);
  g->state_array = "xs";
  bsl_eq_source_program (g, &code->deriv, ind);
  g->state_array = "x";
  for (guint k = 0; k < ns; k++)
    g_string_append_printf (s, "%s%sx[%u] = x[%u] + dt * r[%u];\n", ind,
                            held_now (eq, k) ? "if (nr != 0.0) " : "", k, k, code->deriv.out[k]);
  g_string_append_printf (s, "%st = t0;\n", ind);
}

static void
c_source_euler (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  const BslEqModel *m = eq->m;
  guint ns = m->states->len;
  gboolean refr = m->refractory != NULL;
  GString *s = g->s;
  const char *ind = "      ";

  bsl_eq_source_program (g, &code->deriv, ind);
  for (guint k = 0; k < ns; k++)
    {
      const char *guard = refr && bsl_eq_state (eq, k)->held ? "if (nr != 0.0) " : "";

      g_string_append_printf (s, "%s%sx[%u] = x[%u] + dt * r[%u];\n", ind, guard,
                              k, k, code->deriv.out[k]);
      bsl_eq_source_noise (g, k, ind, guard);
    }
}

static void
c_source_exponential_euler (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  const BslEqModel *m = eq->m;
  guint ns = m->states->len;
  gboolean refr = m->refractory != NULL;
  GString *s = g->s;
  const char *ind = "      ";

  bsl_eq_source_program (g, &code->linear, ind);
  for (guint k = 0; k < ns; k++)
    {
      gboolean held = refr && bsl_eq_state (eq, k)->held;
      const char *b = held ? "        " : "      ";

      if (held)
        g_string_append_printf (s, "%sif (nr != 0.0)\n", ind);
      g_string_append_printf (s,
        "%s{\n%s  double z = r[%u] * dt;\n"
        "%s  double em1 = expm1 (z);\n"
        "%s  double phi = z == 0.0 ? 1.0 : em1 / z;\n\n"
        "%s  x[%u] = x[%u] + (x[%u] * em1 + r[%u] * dt * phi);\n%s}\n",
        b, b, code->linear.out[k], b, b, b, k, k, k, code->linear.out[ns + k], b);
    }
}

/* Four stages, each from the states of the one before (xs); t moves with them. */
static void
c_source_rk4 (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  const BslEqModel *m = eq->m;
  guint ns = m->states->len;
  gboolean refr = m->refractory != NULL;
  GString *s = g->s;
  const char *ind = "      ";

  for (guint stage = 0; stage < 4; stage++)
    {
      static const char *const kname[3] = { "k1", "k2", "k3" };

      g->state_array = stage == 0 ? "x" : "xs";
      g_string_append_printf (s, "%st = %s;\n", ind,
                              stage == 0 ? "t0" : stage < 3 ? "t0 + 0.5 * dt" : "t0 + dt");
      bsl_eq_source_program (g, &code->deriv, ind);
      for (guint k = 0; k < ns; k++)
        {
          gboolean held = refr && bsl_eq_state (eq, k)->held;
          g_autofree char *slope = g_strdup_printf (held ? "nr == 0.0 ? 0.0 : dt * r[%u]"
                                                    : "dt * r[%u]", code->deriv.out[k]);

          if (stage < 3)
            g_string_append_printf (s, "%s%s[%u] = %s;\n", ind, kname[stage], k, slope);
          else
            g_string_append_printf (s, "%s{\n%s  double a4 = %s;\n\n"
                                    "%s  x[%u] = x[%u] + k1[%u] / 6.0 + k2[%u] / 3.0"
                                    " + k3[%u] / 3.0 + a4 / 6.0;\n%s}\n",
                                    ind, ind, slope, ind, k, k, k, k, k, ind);
        }
      if (stage < 3)
        for (guint k = 0; k < ns; k++)
          g_string_append_printf (s, stage < 2 ? "%sxs[%u] = x[%u] + 0.5 * %s[%u];\n"
                                  : "%sxs[%u] = x[%u] + %s[%u];\n",
                                  ind, k, k, kname[stage], k);
    }
  g->state_array = "x";
  g_string_append_printf (s, "%st = t0;\n", ind);
}

/* The threshold, the reset and the stores of the new states. */
static void
c_source_spikes (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  const BslEqModel *m = eq->m;
  guint ns = m->states->len;
  GString *s = g->s;
  const char *ind = "      ";

  if (m->threshold != NULL)
    {
      bsl_eq_source_program (g, &code->threshold, ind);
      g_string_append_printf (s, "%sspikes_out[i] = r[%u] != 0.0 && nr != 0.0 ? 1.0 : 0.0;\n"
                              "%sif (spikes_out[i] != 0.0)\n%s  {\n"
                              "%s    last_spike_step[i] = dstep;\n%s    ls = t0;\n"
                              "%s    sp = 1.0;\n", ind, code->threshold.out[0], ind, ind,
                              ind, ind, ind);
      bsl_eq_source_program (g, &code->reset, "          ");
      g_string_append_printf (s, "%s  }\n", ind);
    }
  else
    g_string_append_printf (s, "%sspikes_out[i] = 0.0;\n", ind);
  for (guint k = 0; k < ns; k++)
    g_string_append_printf (s, "%sstates[%u][i] = x[%u];\n", ind, k, k);
  g_string_append (s, "    }\n}\n");
}

/* Whether a program reads no register it does not write first, and draws no random number and
 * reads no table (a table's row is cached from neuron to neuron): then it gives the same bits in
 * a loop of its own, after the integration of all neurons. */
static gboolean
program_is_self_contained (const BslEqCode    *code,
                           const BslEqProgram *prog,
                           gboolean            may_write_slots)
{
  g_autofree gboolean *written = g_new0 (gboolean, MAX (code->first_state, 1));

  for (guint k = 0; k < prog->code->len; k++)
    {
      const BslEqInstr *in = &g_array_index (prog->code, BslEqInstr, k);
      const guint operands[3] = { in->a, in->b, in->c };

      if (in->op == BSL_EQ_OP_RAND || in->op == BSL_EQ_OP_RANDN ||
          in->op == BSL_EQ_OP_TABLE_ROW || in->op == BSL_EQ_OP_TABLE_AT)
        return FALSE;
      for (guint o = 0; o < operands_read (in->op); o++)
        if (operands[o] < code->first_state && !written[operands[o]])
          return FALSE;
      if (in->dst < code->first_state)
        written[in->dst] = TRUE;
      else if (!may_write_slots)
        return FALSE;
    }
  return TRUE;
}

/* Whether the threshold and the reset can run in loops of their own after the integration of
 * every neuron, which leaves the integration's loop free of branches and lets the compiler
 * vectorise it. t is back at t0 after every method but the stochastic ones; nr and ls are found
 * again from what the first loop keeps, except under a refractory condition, which moves
 * last_spike_step within the step. */
static gboolean
spikes_in_loops_of_their_own (const BslEquations *eq)
{
  const BslEqCode *code = eq->code;

  return eq->m->threshold != NULL && !bsl_eq_refractory_is_condition (eq->m) &&
         eq->method != BSL_EQUATIONS_HEUN && eq->method != BSL_EQUATIONS_MILSTEIN &&
         program_is_self_contained (code, &code->threshold, FALSE) &&
         program_is_self_contained (code, &code->reset, TRUE);
}

/* The locals a later loop declares as the first one does, with the states loaded. */
static void
c_source_later_loop_head (BslEqSource *g,
                          const char  *ind,
                          const char  *nr,
                          const char  *sp,
                          const char  *ls)
{
  const BslEquations *eq = g->eq;
  guint ns = eq->m->states->len;

  g_string_append_printf (g->s,
    "%sdouble r[%u], x[%u];\n"
    "%sdouble t = t0, nr = %s, sp = %s, ls = %s;\n"
    "%sdouble idx = (double) (first + i), nn = (double) n_total;\n\n"
    "%s(void) r; (void) t; (void) nr; (void) sp; (void) ls; (void) idx; (void) nn;\n",
    ind, MAX (eq->code->n_regs, 1), ns, ind, nr, sp, ls, ind, ind);
  for (guint k = 0; k < ns; k++)
    {
      g_autofree char *states_k = array_of (g, "states", k);

      g_string_append_printf (g->s, "%sx[%u] = %s[i];\n", ind, k, states_k);
    }
}

/* The stores of the new states, at the end of a loop. */
static void
c_source_store_states (BslEqSource *g,
                       const char  *ind)
{
  for (guint k = 0; k < g->eq->m->states->len; k++)
    {
      g_autofree char *states_k = array_of (g, "states", k);

      g_string_append_printf (g->s, "%s%s[i] = x[%u];\n", ind, states_k, k);
    }
}

/* The stores of the new states (with nr kept in spikes_out when it can be 0), then a loop finding the spikes and
 * one resetting the neurons that spiked, in the order the single loop has them for each neuron. */
static void
c_source_spikes_apart (BslEqSource *g)
{
  const BslEquations *eq = g->eq;
  const BslEqCode *code = eq->code;
  gboolean refr = eq->m->refractory != NULL;
  GString *s = g->s;

  c_source_store_states (g, "      ");
  if (refr)
    g_string_append (s, "      spikes_out[i] = nr;\n");
  g_string_append (s, "    }\n  for (size_t i = 0; i < n; i++)\n    {\n");
  c_source_later_loop_head (g, "      ", refr ? "spikes_out[i]" : "1.0", "0.0",
                            "floor (last_spike_step[i]) * dt");
  bsl_eq_source_program (g, &code->threshold, "      ");
  g_string_append_printf (s, "      spikes_out[i] = r[%u] != 0.0 && nr != 0.0 ? 1.0 : 0.0;\n    }\n"
                          "  for (size_t i = 0; i < n; i++)\n    if (spikes_out[i] != 0.0)\n"
                          "      {\n", code->threshold.out[0]);
  c_source_later_loop_head (g, "        ", "1.0", "1.0", "t0");
  g_string_append (s, "        last_spike_step[i] = dstep;\n");
  bsl_eq_source_program (g, &code->reset, "        ");
  c_source_store_states (g, "        ");
  g_string_append (s, "      }\n}\n");
}

/* native: the function the engine loads (bsl-equations-native.c), exported, with the index of
 * the first neuron and the population's size as two more arguments (i and N of a part). */
char *
bsl_eq_c_source (const BslEquations  *eq,
                 const char          *prefix,
                 gboolean             native,
                 GError             **error)
{
  BslEqSource g = { eq, &bsl_eq_language_c, NULL, "x", prefix };

  if (!bsl_eq_is_identifier (prefix))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "'%s' is not a C identifier",
                   prefix != NULL ? prefix : "");
      return NULL;
    }
  g.s = g_string_new (NULL);
  g.locals = native && spikes_in_loops_of_their_own (eq);
  c_source_prologue (&g, prefix, native);
  c_source_input (&g);
  bsl_eq_source_start_of_step (&g, "      ",
                               "%1$sif (nr == 0.0 && r[%2$u] == 0.0)\n%1$s  {\n%1$s    nr = 1.0;\n"
                               "%1$s    last_spike_step[i] = last_spike_step[i] + 0.5;\n%1$s  }\n");
  switch (eq->method)
    {
    case BSL_EQUATIONS_EULER:
      c_source_euler (&g);
      break;
    case BSL_EQUATIONS_EXPONENTIAL_EULER:
      c_source_exponential_euler (&g);
      break;
    case BSL_EQUATIONS_EXACT:
      c_source_exact (&g);
      break;
    case BSL_EQUATIONS_RK2:
      c_source_rk2 (&g);
      break;
    case BSL_EQUATIONS_HEUN:
    case BSL_EQUATIONS_MILSTEIN:
      bsl_eq_source_stochastic (&g, eq->method == BSL_EQUATIONS_HEUN, "      ");
      break;
    case BSL_EQUATIONS_RK4:
    default:
      c_source_rk4 (&g);
      break;
    }
  if (g.locals)
    c_source_spikes_apart (&g);
  else
    c_source_spikes (&g);
  return g_string_free (g.s, FALSE);
}

char *
bsl_equations_to_c (const BslEquations  *eq,
                    const char          *prefix,
                    GError             **error)
{
  g_return_val_if_fail (eq != NULL, NULL);

  return bsl_eq_c_source (eq, prefix, FALSE, error);
}
