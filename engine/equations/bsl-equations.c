/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-kernel-matrix-exp.h"
#include "bsl-error.h"
#include "bsl-equations-private.h"

/* Neurons per pass of an instruction: the registers of a block stay in the L1 cache. */
#define BLOCK 128

G_DEFINE_BOXED_TYPE (BslEquations, bsl_equations, bsl_equations_ref, bsl_equations_unref)

static char *
dup_text (const char *s)
{
  return g_strdup (s != NULL ? s : "");
}

BslEquations *
bsl_equations_new (const char  *model,
                   const char  *threshold,
                   const char  *reset,
                   const char  *refractory,
                   const char  *input_var,
                   GError     **error)
{
  return bsl_equations_new_with_tables (model, threshold, reset, refractory, input_var, NULL, 0,
                                        error);
}

BslEquations *
bsl_equations_new_with_tables (const char              *model,
                               const char              *threshold,
                               const char              *reset,
                               const char              *refractory,
                               const char              *input_var,
                               const BslEquationsTable *tables,
                               guint                    n_tables,
                               GError                 **error)
{
  BslEqModel *m;
  BslEquations *eq;
  GArray *copies;
  guint n_consts;

  g_return_val_if_fail (tables != NULL || n_tables == 0, NULL);

  copies = bsl_eq_tables_copy (tables, n_tables, error);
  if (copies == NULL)
    return NULL;
  m = bsl_eq_model_parse (model, threshold, reset, refractory, input_var, copies, error);
  if (m == NULL)
    return NULL;
  eq = g_new0 (BslEquations, 1);
  g_atomic_ref_count_init (&eq->ref);
  eq->model = dup_text (model);
  eq->threshold = dup_text (threshold);
  eq->reset = dup_text (reset);
  eq->refractory = dup_text (refractory);
  eq->input_var = g_strstrip (dup_text (input_var));
  eq->m = m;
  eq->table_values = g_new0 (const double *, MAX (m->tables->len, 1));
  for (guint k = 0; k < m->tables->len; k++)
    eq->table_values[k] = g_array_index (m->tables, BslEqTable, k).values;
  eq->code = bsl_eq_code_compile (m);
  eq->method = BSL_EQUATIONS_EULER;
  g_mutex_init (&eq->native_lock);
  n_consts = eq->code->consts->len;
  eq->const_blocks = g_new (double, (gsize) MAX (n_consts, 1) * BLOCK);
  for (guint c = 0; c < n_consts; c++)
    for (guint i = 0; i < BLOCK; i++)
      eq->const_blocks[c * BLOCK + i] = g_array_index (eq->code->consts, double, c);
  for (guint k = 0; k < m->states->len; k++)
    eq->any_held |= g_array_index (m->states, BslEqSymbol, k).held;
  return eq;
}

gboolean
bsl_equations_error_position (const GError  *error,
                              const char   **text,
                              guint         *line,
                              guint         *column)
{
  static const char *const texts[] = { "threshold", "reset", "refractory" };
  const char *s, *which = "model";
  char *end;
  guint64 l, c;

  if (error == NULL || error->domain != BSL_ERROR || error->message == NULL)
    return FALSE;
  s = error->message;
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (g_str_has_prefix (s, texts[i]) && g_str_has_prefix (s + strlen (texts[i]), ", line "))
      {
        which = texts[i];
        s += strlen (texts[i]) + 2;
        break;
      }
  if (!g_str_has_prefix (s, "line "))
    return FALSE;
  l = g_ascii_strtoull (s + 5, &end, 10);
  if (end == s + 5 || !g_str_has_prefix (end, ", column "))
    return FALSE;
  s = end + 9;
  c = g_ascii_strtoull (s, &end, 10);
  if (end == s || *end != ':' || l == 0 || c == 0 || l > G_MAXUINT || c > G_MAXUINT)
    return FALSE;
  if (text != NULL)
    *text = which;
  if (line != NULL)
    *line = (guint) l;
  if (column != NULL)
    *column = (guint) c;
  return TRUE;
}

BslEquations *
bsl_equations_ref (BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, NULL);
  g_atomic_ref_count_inc (&eq->ref);
  return eq;
}

void
bsl_equations_unref (BslEquations *eq)
{
  if (eq == NULL || !g_atomic_ref_count_dec (&eq->ref))
    return;
  g_free (eq->model);
  g_free (eq->threshold);
  g_free (eq->reset);
  g_free (eq->refractory);
  g_free (eq->input_var);
  bsl_eq_model_free (eq->m);
  g_free (eq->table_values);
  bsl_eq_code_free (eq->code);
  g_free (eq->const_blocks);
  bsl_eq_native_free (eq);
  g_mutex_clear (&eq->native_lock);
  g_free (eq);
}

guint
bsl_equations_get_n_states (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, 0);

  return eq->m->states->len;
}

const char *
bsl_equations_get_state_name (const BslEquations *eq,
                              guint               i)
{
  g_return_val_if_fail (i < eq->m->states->len, NULL);
  return bsl_eq_state (eq, i)->name;
}

const char *
bsl_equations_get_state_unit (const BslEquations *eq,
                              guint               i)
{
  g_return_val_if_fail (i < eq->m->states->len, NULL);
  return bsl_eq_state (eq, i)->unit;
}

gboolean
bsl_equations_get_state_held (const BslEquations *eq,
                              guint               i)
{
  g_return_val_if_fail (i < eq->m->states->len, FALSE);
  return bsl_eq_state (eq, i)->held;
}

guint
bsl_equations_get_n_params (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, 0);

  return eq->m->params->len;
}

const char *
bsl_equations_get_param_name (const BslEquations *eq,
                              guint               i)
{
  g_return_val_if_fail (i < eq->m->params->len, NULL);
  return bsl_eq_param (eq, i)->name;
}

const char *
bsl_equations_get_param_unit (const BslEquations *eq,
                              guint               i)
{
  g_return_val_if_fail (i < eq->m->params->len, NULL);
  return bsl_eq_param (eq, i)->unit;
}

gboolean
bsl_equations_get_param_shared (const BslEquations *eq,
                                guint               i)
{
  g_return_val_if_fail (i < eq->m->params->len, FALSE);
  return bsl_eq_param (eq, i)->shared;
}

gint
bsl_equations_find_state (const BslEquations *eq,
                          const char         *name)
{
  g_return_val_if_fail (eq != NULL, -1);

  for (guint i = 0; i < eq->m->states->len; i++)
    if (g_strcmp0 (bsl_eq_state (eq, i)->name, name) == 0)
      return i;
  return -1;
}

gint
bsl_equations_find_param (const BslEquations *eq,
                          const char         *name)
{
  g_return_val_if_fail (eq != NULL, -1);

  for (guint i = 0; i < eq->m->params->len; i++)
    if (g_strcmp0 (bsl_eq_param (eq, i)->name, name) == 0)
      return i;
  return -1;
}

gint
bsl_equations_get_input_state (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, -1);

  return eq->m->input_state;
}

guint
bsl_equations_get_n_inputs (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, 0);

  return eq->m->inputs->len;
}

static const BslEqInput *
input (const BslEquations *eq,
       guint               k)
{
  return &g_array_index (eq->m->inputs, BslEqInput, k);
}

const char *
bsl_equations_get_input_port (const BslEquations *eq,
                              guint               k)
{
  g_return_val_if_fail (k < eq->m->inputs->len, NULL);
  return input (eq, k)->port;
}

const char *
bsl_equations_get_input_target (const BslEquations *eq,
                                guint               k)
{
  g_return_val_if_fail (k < eq->m->inputs->len, NULL);
  return input (eq, k)->state >= 0 ? bsl_eq_state (eq, input (eq, k)->state)->name
    : bsl_eq_param (eq, input (eq, k)->param)->name;
}

gboolean
bsl_equations_get_input_sets_param (const BslEquations *eq,
                                    guint               k)
{
  g_return_val_if_fail (k < eq->m->inputs->len, FALSE);
  return input (eq, k)->param >= 0;
}

gint
bsl_equations_get_threshold_state (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, -1);

  for (guint k = 0; eq->m->threshold != NULL && k < eq->m->states->len; k++)
    if (bsl_eq_node_depends_on_state (eq->m, eq->m->threshold, (int) k))
      return (gint) k;
  return -1;
}

const char *
bsl_equations_get_model (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, NULL);

  return eq->model;
}

const char *
bsl_equations_get_threshold (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, NULL);

  return eq->threshold;
}

const char *
bsl_equations_get_reset (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, NULL);

  return eq->reset;
}

const char *
bsl_equations_get_refractory (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, NULL);

  return eq->refractory;
}

const char *
bsl_equations_get_input_var (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, NULL);

  return eq->input_var;
}

gboolean
bsl_equations_has_threshold (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, FALSE);

  return eq->m->threshold != NULL;
}

gboolean
bsl_equations_has_refractory (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, FALSE);

  return eq->m->refractory != NULL;
}

static const char *const method_names[] = { "euler", "exponential_euler", "rk4", "exact", "rk2",
                                             "heun", "milstein" };

/* Brian2's other name: linear is exact. (heun and milstein are euler where they compute the
 * same: without xi, and for additive noise; bsl_eq_noise_method.) */
static const struct { const char *name; BslEquationsMethod method; } method_aliases[] = {
  { "linear", BSL_EQUATIONS_EXACT },
};

const char *
bsl_equations_method_to_string (BslEquationsMethod method)
{
  g_return_val_if_fail (method < G_N_ELEMENTS (method_names), NULL);
  return method_names[method];
}

static gboolean
method_allowed (const BslEquations  *eq,
                BslEquationsMethod   method,
                GError             **error)
{
  const char *why = method == BSL_EQUATIONS_EXPONENTIAL_EULER ? eq->m->nonlinear_message
    : method == BSL_EQUATIONS_EXACT ? eq->m->nonsystem_message : NULL;

  if (why != NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED, "%s", why);
      return FALSE;
    }
  return TRUE;
}

static gboolean
find_method (const BslEquations  *eq,
             const char          *method,
             BslEquationsMethod  *out,
             GError             **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (method_names); i++)
    if (g_strcmp0 (method, method_names[i]) == 0)
      {
        BslEquationsMethod chosen = bsl_eq_noise_method (eq, i);

        if (!method_allowed (eq, chosen, error))
          return FALSE;
        *out = chosen;
        return TRUE;
      }
  for (guint i = 0; i < G_N_ELEMENTS (method_aliases); i++)
    if (g_strcmp0 (method, method_aliases[i].name) == 0)
      {
        if (!method_allowed (eq, method_aliases[i].method, error))
          return FALSE;
        *out = method_aliases[i].method;
        return TRUE;
      }
  g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
               "unknown integration method '%s' (euler, exponential_euler, rk2, rk4, exact, "
               "linear, heun or milstein)", method != NULL ? method : "");
  return FALSE;
}

gboolean
bsl_equations_check_method (const BslEquations  *eq,
                            const char          *method,
                            GError             **error)
{
  BslEquationsMethod m;

  g_return_val_if_fail (eq != NULL, FALSE);

  return bsl_eq_noise_check_method (eq, method, error) && find_method (eq, method, &m, error);
}

gboolean
bsl_equations_set_method (BslEquations  *eq,
                          const char    *method,
                          GError       **error)
{
  BslEquationsMethod m;

  g_return_val_if_fail (eq != NULL, FALSE);

  if (!bsl_eq_noise_check_method (eq, method, error) || !find_method (eq, method, &m, error))
    return FALSE;
  if (m != eq->method)
    bsl_eq_native_free (eq);
  eq->method = m;
  return TRUE;
}

BslEquationsMethod
bsl_equations_get_method (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, BSL_EQUATIONS_EULER);

  return eq->method;
}

guint
bsl_equations_get_n_instructions (const BslEquations *eq)
{
  const BslEqCode *c = eq->code;
  guint n = c->threshold.code->len + c->reset.code->len + c->refractory.code->len;

  g_return_val_if_fail (eq != NULL, 0);

  switch (eq->method)
    {
    case BSL_EQUATIONS_EULER: return n + c->deriv.code->len;
    case BSL_EQUATIONS_EXPONENTIAL_EULER: return n + c->linear.code->len;
    case BSL_EQUATIONS_EXACT: return n + c->system.code->len;
    case BSL_EQUATIONS_RK2: return n + 2 * c->deriv.code->len;
    case BSL_EQUATIONS_HEUN:
    case BSL_EQUATIONS_MILSTEIN: return n + (1 + eq->m->noises->len) * c->deriv.code->len;
    case BSL_EQUATIONS_RK4:
    default: return n + 4 * c->deriv.code->len;
    }
}

/* ---- the vector machine ---- */

#define LOOP1(expr) for (guint i = 0; i < len; i++) { d[i] = (expr); } break
static void
run (const BslEqProgram *prog,
     double *const      *slot,
     guint               len)
{
  const BslEqInstr *code = (const BslEqInstr *) prog->code->data;

  for (guint k = 0; k < prog->code->len; k++)
    {
      const BslEqInstr *in = &code[k];
      double *d = slot[in->dst];
      const double *a = slot[in->a];
      const double *b = slot[in->b];
      const double *c = slot[in->c];

      switch ((BslEqOp) in->op)
        {
        case BSL_EQ_OP_COPY: LOOP1 (a[i]);
        case BSL_EQ_OP_ADD: LOOP1 (a[i] + b[i]);
        case BSL_EQ_OP_SUB: LOOP1 (a[i] - b[i]);
        case BSL_EQ_OP_MUL: LOOP1 (a[i] * b[i]);
        case BSL_EQ_OP_DIV: LOOP1 (a[i] / b[i]);
        case BSL_EQ_OP_NEG: LOOP1 (-a[i]);
        case BSL_EQ_OP_EXP: LOOP1 (exp (a[i]));
        case BSL_EQ_OP_LT: LOOP1 (a[i] < b[i] ? 1.0 : 0.0);
        case BSL_EQ_OP_GT: LOOP1 (a[i] > b[i] ? 1.0 : 0.0);
        case BSL_EQ_OP_SELECT: LOOP1 (b[i] != 0.0 ? a[i] : c[i]);
        case BSL_EQ_OP_RAND:
        case BSL_EQ_OP_RANDN:
          {
            /* b is the stream: its key's bits, then the step */
            guint64 key;

            memcpy (&key, b, sizeof key);
            for (guint i = 0; i < len; i++)
              d[i] = in->op == BSL_EQ_OP_RAND ? bsl_eq_draw_uniform (key, b[1], a[i], c[i])
                : bsl_eq_draw_normal (key, b[1], a[i], c[i]);
          }
          break;
        case BSL_EQ_OP_TABLE_ROW:
          LOOP1 (bsl_eq_table_row (&prog->tables[(gsize) c[i]], a[i], b[i]));
        case BSL_EQ_OP_TABLE_AT:
          LOOP1 (bsl_eq_table_at (&prog->tables[(gsize) c[i]], a[i], b[i]));
        default:
          for (guint i = 0; i < len; i++)
            d[i] = bsl_eq_apply (in->op, a[i], b[i], c[i]);
          break;
        }
    }
}
#undef LOOP1

void
bsl_equations_eval_derivatives (const BslEquations *eq,
                                gsize               n,
                                double              dt,
                                double              t,
                                double *const      *states,
                                double *const      *params,
                                double *const      *derivs)
{
  const BslEqCode *code = eq->code;
  guint ns = eq->m->states->len;
  g_autofree double *mem = g_new (double, (gsize) (code->n_regs + BSL_EQ_N_BUILTINS) * BLOCK);
  g_autofree double **slot = g_new (double *, code->n_slots);
  double *builtin = mem + (gsize) code->n_regs * BLOCK;

  for (guint r = 0; r < code->n_regs; r++)
    slot[r] = mem + (gsize) r * BLOCK;
  for (guint b = 0; b < BSL_EQ_N_BUILTINS; b++)
    slot[code->first_builtin + b] = builtin + (gsize) b * BLOCK;
  for (guint c = 0; c < code->consts->len; c++)
    slot[code->first_const + c] = eq->const_blocks + (gsize) c * BLOCK;
  for (guint i = 0; i < BLOCK; i++)
    {
      builtin[BSL_EQ_BUILTIN_T * BLOCK + i] = t;
      builtin[BSL_EQ_BUILTIN_DT * BLOCK + i] = dt;
      builtin[BSL_EQ_BUILTIN_NOT_REFRACTORY * BLOCK + i] = 1.0;
      builtin[BSL_EQ_BUILTIN_LASTSPIKE * BLOCK + i] = -INFINITY;
      builtin[BSL_EQ_BUILTIN_SPIKE * BLOCK + i] = 0.0;
      builtin[BSL_EQ_BUILTIN_N * BLOCK + i] = (double) n;
      builtin[BSL_EQ_BUILTIN_STREAM * BLOCK + i] = 0.0;
    }
  for (gsize off = 0; off < n; off += BLOCK)
    {
      guint len = (guint) MIN ((gsize) BLOCK, n - off);

      for (guint i = 0; i < len; i++)
        builtin[BSL_EQ_BUILTIN_INDEX * BLOCK + i] = (double) (off + i);

      for (guint k = 0; k < ns; k++)
        slot[code->first_state + k] = states[k] + off;
      for (guint j = 0; j < eq->m->params->len; j++)
        slot[code->first_param + j] = params[j] + off;
      run (&code->held, slot, len);
      run (&code->deriv, slot, len);
      for (guint k = 0; k < ns; k++)
        memcpy (derivs[k] + off, slot[code->deriv.out[k]], len * sizeof (double));
    }
}

#define EXACT_MATRIX ((BSL_EQ_MAX_EXACT_STATES + 1) * (BSL_EQ_MAX_EXACT_STATES + 1))

/* The exact method's last M and e^M, for neurons out of and in their refractory period (1). */
typedef struct
{
  double   last[2][EXACT_MATRIX];
  double   exps[2][EXACT_MATRIX];
  gboolean have[2];
} ExactCache;

/* Scratch of one call: the slot table and the blocks behind it. */
typedef struct
{
  const BslEquations *eq;
  ExactCache *exact;
  double **slot;
  double *builtin, *xs, *k[3], *nr, *bls, *spike, *bt;
  double *g0;               /* heun, milstein: the noise factors at the start, state by noise */
  double dt, t0, dstep;
  guint64 key;              /* of the random draws */
  guint len;
  gsize off;
} Block;

/* With a refractory condition, last_spike_step holds half a step more once the condition has
 * ended the refractoriness of its last spike (Brian2's not_refractory, which stays true until
 * the next spike); never having spiked counts as ended. */
static inline gboolean
condition_released (double last_spike_step)
{
  return last_spike_step != floor (last_spike_step) || isinf (last_spike_step);
}

static gboolean
held_now (const BslEquations *eq,
          guint               k)
{
  return eq->m->refractory != NULL && bsl_eq_state (eq, k)->held;
}

/* What arrived at the ports is Brian2's on_pre of the previous step: added before that step's
 * reset (lost where the reset overwrites the variable) and only where the neuron was not
 * refractory after that step's threshold test, for (unless refractory) variables. A port on a
 * parameter sets it for the step. */
static void
apply_inputs (Block                     *b,
              const BslEquationsContext *ctx,
              double *const             *states,
              double *const             *params,
              const double              *ls)
{
  const BslEqModel *m = b->eq->m;
  const double *period = m->refractory != NULL && !bsl_eq_refractory_is_condition (m)
    ? b->slot[b->eq->code->refractory.out[0]] : NULL;

  for (guint p = 0; ctx != NULL && ctx->inputs != NULL && p < m->inputs->len; p++)
    {
      const BslEqInput *in = &g_array_index (m->inputs, BslEqInput, p);
      const double *u = ctx->inputs[p];
      gboolean gate_refractory, gate_reset;
      double *x;

      if (u == NULL)
        continue;
      u += b->off;
      if (in->param >= 0)
        {
          memcpy (params[in->param] + b->off, u, b->len * sizeof (double));
          continue;
        }
      x = states[in->state] + b->off;
      gate_refractory = m->refractory != NULL && bsl_eq_state (b->eq, in->state)->held;
      gate_reset = in->reset_effect == BSL_EQ_RESET_OVERWRITES;
      for (guint i = 0; i < b->len; i++)
        {
          double since = b->dstep - 1.0 - ls[i];

          if (gate_refractory && (period != NULL ? since < floor (period[i] / b->dt + 1e-3)
                                  : !condition_released (ls[i])))
            continue;
          if (gate_reset && since == 0.0)
            continue;
          x[i] = x[i] + u[i];
        }
    }
}

/* Euler-Maruyama: x + dt f + g sqrt(dt) N(0, 1) for each noise, one draw per noise, neuron
 * and step (so an xi in two equations is one draw); nothing where a held variable rests. */
static void
add_noise (Block  *b,
           guint   k,
           double *x)
{
  const BslEqModel *m = b->eq->m;
  const double *index = b->builtin + BSL_EQ_BUILTIN_INDEX * BLOCK;
  double sqrt_dt = sqrt (b->dt);
  gboolean held = held_now (b->eq, k);

  for (guint j = 0; j < m->noises->len; j++)
    {
      int out = b->eq->code->noise_out[k * m->noises->len + j];
      const double *g;

      if (out < 0)
        continue;
      g = b->slot[b->eq->code->deriv.out[out]];
      for (guint i = 0; i < b->len; i++)
        if (!held || b->nr[i] != 0.0)
          x[i] = x[i] + g[i] * (sqrt_dt * bsl_eq_draw_normal (b->key, b->dstep, index[i],
                                                               BSL_EQ_NOISE_DRAW (j)));
    }
}

static void
integrate_euler (Block         *b,
                 double *const *states)
{
  const BslEqCode *code = b->eq->code;

  run (&code->deriv, b->slot, b->len);
  for (guint k = 0; k < b->eq->m->states->len; k++)
    {
      double *x = states[k] + b->off;
      const double *f = b->slot[code->deriv.out[k]];

      if (held_now (b->eq, k))
        for (guint i = 0; i < b->len; i++)
          x[i] = b->nr[i] != 0.0 ? x[i] + b->dt * f[i] : x[i];
      else
        for (guint i = 0; i < b->len; i++)
          x[i] = x[i] + b->dt * f[i];
      add_noise (b, k, x);
    }
}

static void
integrate_exponential_euler (Block         *b,
                             double *const *states)
{
  const BslEqCode *code = b->eq->code;
  guint ns = b->eq->m->states->len;

  run (&code->linear, b->slot, b->len);
  for (guint k = 0; k < ns; k++)
    {
      double *x = states[k] + b->off;
      const double *A = b->slot[code->linear.out[k]];
      const double *B = b->slot[code->linear.out[ns + k]];
      gboolean held = held_now (b->eq, k);

      for (guint i = 0; i < b->len; i++)
        if (!held || b->nr[i] != 0.0)
          {
            /* x e^z + B dt (e^z - 1)/z, with e^z - 1 exact for small z */
            double z = A[i] * b->dt;
            double em1 = expm1 (z);
            double phi = z == 0.0 ? 1.0 : em1 / z;

            x[i] = x[i] + (x[i] * em1 + B[i] * b->dt * phi);
          }
    }
}

static void
integrate_rk4 (Block         *b,
               double *const *states)
{
  const BslEqCode *code = b->eq->code;
  guint ns = b->eq->m->states->len;

  for (guint stage = 0; stage < 4; stage++)
    {
      double ts = stage == 0 ? b->t0 : stage < 3 ? b->t0 + 0.5 * b->dt : b->t0 + b->dt;

      for (guint i = 0; i < b->len; i++)
        b->bt[i] = ts;
      for (guint k = 0; k < ns; k++)
        b->slot[code->first_state + k] = stage == 0 ? states[k] + b->off
          : b->xs + (gsize) k * BLOCK;
      run (&code->deriv, b->slot, b->len);
      for (guint k = 0; k < ns; k++)
        {
          double *x = states[k] + b->off;
          const double *f = b->slot[code->deriv.out[k]];
          gboolean held = held_now (b->eq, k);

          if (stage < 3)
            {
              double *kn = b->k[stage] + (gsize) k * BLOCK;

              for (guint i = 0; i < b->len; i++)
                kn[i] = held && b->nr[i] == 0.0 ? 0.0 : b->dt * f[i];
            }
          else
            {
              const double *a1 = b->k[0] + (gsize) k * BLOCK;
              const double *a2 = b->k[1] + (gsize) k * BLOCK;
              const double *a3 = b->k[2] + (gsize) k * BLOCK;

              for (guint i = 0; i < b->len; i++)
                {
                  double a4 = held && b->nr[i] == 0.0 ? 0.0 : b->dt * f[i];

                  x[i] = x[i] + a1[i] / 6.0 + a2[i] / 3.0 + a3[i] / 3.0 + a4 / 6.0;
                }
            }
        }
      /* the next stage's state, once every slope of this stage is known */
      for (guint k = 0; stage < 3 && k < ns; k++)
        {
          const double *x = states[k] + b->off;
          const double *kn = b->k[stage] + (gsize) k * BLOCK;
          double *xk = b->xs + (gsize) k * BLOCK;

          for (guint i = 0; i < b->len; i++)
            xk[i] = stage < 2 ? x[i] + 0.5 * kn[i] : x[i] + kn[i];
        }
    }
  for (guint k = 0; k < ns; k++)
    b->slot[code->first_state + k] = states[k] + b->off;
  for (guint i = 0; i < b->len; i++)
    b->bt[i] = b->t0;
}

/* x' = A x + b solved over the step: with M = [[A dt, b dt], [0, 0]], (x, 1) <- e^M (x, 1).
 * Neighbours usually share their coefficients, so e^M is computed again only when M changes.
 * A held variable of a refractory neuron has a zero row, as Brian2 multiplies its right-hand
 * side by not_refractory; refractory and other neurons are interleaved, so the last M and e^M
 * of each kind are kept apart, from one block to the next. */
static void
integrate_exact (Block         *b,
                 double *const *states)
{
  const BslEqCode *code = b->eq->code;
  guint ns = b->eq->m->states->len, m = ns + 1;
  ExactCache *cache = b->exact;
  double M[EXACT_MATRIX];
  double x[BSL_EQ_MAX_EXACT_STATES];

  run (&code->system, b->slot, b->len);
  memset (M, 0, m * m * sizeof (double));
  for (guint i = 0; i < b->len; i++)
    {
      guint kind = b->nr[i] == 0.0 ? 1 : 0;
      const double *E = cache->exps[kind];

      for (guint k = 0; k < ns; k++)
        {
          gboolean frozen = held_now (b->eq, k) && kind == 1;

          for (guint j = 0; j < ns; j++)
            M[k * m + j] = frozen ? 0.0 : b->slot[code->system.out[k * ns + j]][i] * b->dt;
          M[k * m + ns] = frozen ? 0.0 : b->slot[code->system.out[ns * ns + k]][i] * b->dt;
        }
      if (!cache->have[kind] || memcmp (M, cache->last[kind], m * m * sizeof (double)) != 0)
        {
          bsl_k_matrix_exp (M, m, cache->exps[kind]);
          memcpy (cache->last[kind], M, m * m * sizeof (double));
          cache->have[kind] = TRUE;
        }
      for (guint k = 0; k < ns; k++)
        x[k] = states[k][b->off + i];
      for (guint k = 0; k < ns; k++)
        {
          double sum = E[k * m + ns];

          for (guint j = 0; j < ns; j++)
            sum += E[k * m + j] * x[j];
          states[k][b->off + i] = sum;
        }
    }
}

/* Brian2's rk2 (midpoint): k = dt f(x, t); x + dt f(x + k/2, t + dt/2). */
static void
integrate_rk2 (Block         *b,
               double *const *states)
{
  const BslEqCode *code = b->eq->code;
  guint ns = b->eq->m->states->len;

  run (&code->deriv, b->slot, b->len);
  for (guint k = 0; k < ns; k++)
    {
      const double *x = states[k] + b->off;
      const double *f = b->slot[code->deriv.out[k]];
      double *xk = b->xs + (gsize) k * BLOCK;
      gboolean held = held_now (b->eq, k);

      for (guint i = 0; i < b->len; i++)
        xk[i] = x[i] + (held && b->nr[i] == 0.0 ? 0.0 : b->dt * f[i]) / 2.0;
    }
  for (guint i = 0; i < b->len; i++)
    b->bt[i] = b->t0 + b->dt / 2.0;
  for (guint k = 0; k < ns; k++)
    b->slot[code->first_state + k] = b->xs + (gsize) k * BLOCK;
  run (&code->deriv, b->slot, b->len);
  for (guint k = 0; k < ns; k++)
    {
      double *x = states[k] + b->off;
      const double *f = b->slot[code->deriv.out[k]];
      gboolean held = held_now (b->eq, k);

      for (guint i = 0; i < b->len; i++)
        if (!held || b->nr[i] != 0.0)
          x[i] = x[i] + b->dt * f[i];
    }
  for (guint k = 0; k < ns; k++)
    b->slot[code->first_state + k] = states[k] + b->off;
  for (guint i = 0; i < b->len; i++)
    b->bt[i] = b->t0;
}

/* Brian2's heun and milstein for any noise, one noise at a time as Brian2 writes them out:
 * from x, f and g at the start, a support point per noise j, g_j there, and
 *   heun:     support x + g_j dW_j at t + dt;       x += dt f + sum 0.5 dW_j (g_j + g_j')
 *   milstein: support x + dt f + sqrt(dt) g_j at t;  x += dt f + sum (g_j dW_j
 *             + (g_j' - g_j) dW_j^2 / (2 sqrt(dt)))
 * acc (k[0]) gathers the new state, w (k[1]) holds dW_j. A resting held variable keeps x. */
static void
stochastic_start (Block         *b,
                  double *const *states)
{
  const BslEqCode *code = b->eq->code;
  guint ns = b->eq->m->states->len, nn = b->eq->m->noises->len;

  run (&code->deriv, b->slot, b->len);
  for (guint k = 0; k < ns; k++)
    {
      const double *x = states[k] + b->off, *f = b->slot[code->deriv.out[k]];
      double *acc = b->k[0] + (gsize) k * BLOCK;
      gboolean held = held_now (b->eq, k);

      for (guint i = 0; i < b->len; i++)
        acc[i] = held && b->nr[i] == 0.0 ? x[i] : x[i] + b->dt * f[i];
      for (guint j = 0; j < nn; j++)
        {
          int out = code->noise_out[k * nn + j];
          double *g0 = b->g0 + (gsize) (k * nn + j) * BLOCK;

          for (guint i = 0; i < b->len; i++)
            g0[i] = out < 0 || (held && b->nr[i] == 0.0) ? 0.0
              : b->slot[code->deriv.out[out]][i];
        }
    }
}

static void
stochastic_noise (Block         *b,
                  double *const *states,
                  guint          j,
                  gboolean       heun)
{
  const BslEqCode *code = b->eq->code;
  guint ns = b->eq->m->states->len, nn = b->eq->m->noises->len;
  const double *index = b->builtin + BSL_EQ_BUILTIN_INDEX * BLOCK;
  double *w = b->k[1], sqrt_dt = sqrt (b->dt);

  for (guint i = 0; i < b->len; i++)
    w[i] = sqrt_dt * bsl_eq_draw_normal (b->key, b->dstep, index[i], BSL_EQ_NOISE_DRAW (j));
  for (guint k = 0; k < ns; k++)
    {
      const double *x = states[k] + b->off, *g0 = b->g0 + (gsize) (k * nn + j) * BLOCK;
      const double *acc = b->k[0] + (gsize) k * BLOCK;
      double *xs = b->xs + (gsize) k * BLOCK;

      for (guint i = 0; i < b->len; i++)
        xs[i] = heun ? x[i] + g0[i] * w[i] : acc[i] + sqrt_dt * g0[i];
      b->slot[code->first_state + k] = xs;
    }
  for (guint i = 0; i < b->len; i++)
    b->bt[i] = heun ? b->t0 + b->dt : b->t0;
  run (&code->deriv, b->slot, b->len);
  for (guint k = 0; k < ns; k++)
    {
      int out = code->noise_out[k * nn + j];
      const double *g0 = b->g0 + (gsize) (k * nn + j) * BLOCK, *gs;
      double *acc = b->k[0] + (gsize) k * BLOCK;
      gboolean held = held_now (b->eq, k);

      b->slot[code->first_state + k] = states[k] + b->off;
      if (out < 0)
        continue;
      gs = b->slot[code->deriv.out[out]];
      for (guint i = 0; i < b->len; i++)
        if (!held || b->nr[i] != 0.0)
          acc[i] = heun ? acc[i] + 0.5 * w[i] * (g0[i] + gs[i])
            : acc[i] + g0[i] * w[i] + (gs[i] - g0[i]) * (w[i] * w[i]) / (2.0 * sqrt_dt);
    }
  for (guint i = 0; i < b->len; i++)
    b->bt[i] = b->t0;
}

static void
integrate_stochastic (Block         *b,
                      double *const *states,
                      gboolean       heun)
{
  guint ns = b->eq->m->states->len;

  stochastic_start (b, states);
  for (guint j = 0; j < b->eq->m->noises->len; j++)
    stochastic_noise (b, states, j, heun);
  for (guint k = 0; k < ns; k++)
    memcpy (states[k] + b->off, b->k[0] + (gsize) k * BLOCK, b->len * sizeof (double));
}

static void
threshold_and_reset (Block  *b,
                     double *ls,
                     double *spikes_out)
{
  const BslEqCode *code = b->eq->code;
  const double *cond;
  gboolean any = FALSE;

  if (b->eq->m->threshold == NULL)
    {
      memset (spikes_out, 0, b->len * sizeof (double));
      return;
    }
  run (&code->threshold, b->slot, b->len);
  cond = b->slot[code->threshold.out[0]];
  for (guint i = 0; i < b->len; i++)
    {
      gboolean s = cond[i] != 0.0 && b->nr[i] != 0.0;

      b->spike[i] = s ? 1.0 : 0.0;
      spikes_out[i] = b->spike[i];
      if (s)
        {
          ls[i] = b->dstep;
          b->bls[i] = b->t0;
          any = TRUE;
        }
    }
  if (any)
    run (&code->reset, b->slot, b->len);
}

static void
refractoriness (Block        *b,
                const double *ls)
{
  const BslEqCode *code = b->eq->code;
  const double *period;

  for (guint i = 0; i < b->len; i++)
    b->bls[i] = floor (ls[i]) * b->dt;
  if (b->eq->m->refractory == NULL)
    {
      for (guint i = 0; i < b->len; i++)
        b->nr[i] = 1.0;
      return;
    }
  if (bsl_eq_refractory_is_condition (b->eq->m))
    {
      for (guint i = 0; i < b->len; i++)
        b->nr[i] = condition_released (ls[i]) ? 1.0 : 0.0;
      return;
    }
  run (&code->refractory, b->slot, b->len);
  period = b->slot[code->refractory.out[0]];
  for (guint i = 0; i < b->len; i++)
    b->nr[i] = b->dstep - ls[i] >= floor (period[i] / b->dt + 1e-3) ? 1.0 : 0.0;
}

/* After the input, as Brian2 at the start of its step: the (constant over dt) subexpressions
 * are evaluated, then a refractory condition that no longer holds ends refractoriness
 * (not_refractory = not_refractory or not condition). */
static void
start_of_step (Block  *b,
               double *ls)
{
  const BslEqCode *code = b->eq->code;
  const double *cond;

  run (&code->held, b->slot, b->len);
  if (!bsl_eq_refractory_is_condition (b->eq->m))
    return;
  run (&code->refractory, b->slot, b->len);
  cond = b->slot[code->refractory.out[0]];
  for (guint i = 0; i < b->len; i++)
    if (b->nr[i] == 0.0 && cond[i] == 0.0)
      {
        b->nr[i] = 1.0;
        ls[i] = ls[i] + 0.5;
      }
}

/* The slot table of one call; mem holds registers, builtins and the RK4 scratch. */
static void
block_init (Block              *b,
            const BslEquations *eq,
            double             *mem,
            double            **slot,
            double              dt,
            gint64              step,
            gsize               n_total)
{
  const BslEqCode *code = eq->code;
  guint ns = eq->m->states->len;

  memset (b, 0, sizeof *b);
  b->eq = eq;
  b->slot = slot;
  b->dt = dt;
  b->t0 = (double) step * dt;
  b->dstep = (double) step;
  b->builtin = mem + (gsize) code->n_regs * BLOCK;
  b->bt = b->builtin + BSL_EQ_BUILTIN_T * BLOCK;
  b->nr = b->builtin + BSL_EQ_BUILTIN_NOT_REFRACTORY * BLOCK;
  b->bls = b->builtin + BSL_EQ_BUILTIN_LASTSPIKE * BLOCK;
  b->spike = b->builtin + BSL_EQ_BUILTIN_SPIKE * BLOCK;
  b->xs = b->builtin + BSL_EQ_N_BUILTINS * BLOCK;
  for (guint s = 0; s < 3; s++)
    b->k[s] = b->xs + (gsize) (s + 1) * ns * BLOCK;
  b->g0 = b->xs + (gsize) 4 * ns * BLOCK;
  for (guint r = 0; r < code->n_regs; r++)
    slot[r] = mem + (gsize) r * BLOCK;
  for (guint k = 0; k < BSL_EQ_N_BUILTINS; k++)
    slot[code->first_builtin + k] = b->builtin + (gsize) k * BLOCK;
  for (guint c = 0; c < code->consts->len; c++)
    slot[code->first_const + c] = eq->const_blocks + (gsize) c * BLOCK;
  for (guint i = 0; i < BLOCK; i++)
    {
      b->bt[i] = b->t0;
      b->builtin[BSL_EQ_BUILTIN_DT * BLOCK + i] = dt;
      b->spike[i] = 0.0;
      b->builtin[BSL_EQ_BUILTIN_N * BLOCK + i] = (double) n_total;
    }
}

/* The stream the random draws of the call read: the key's bits, then the step. */
static void
block_stream (Block                     *b,
              const BslEquationsContext *ctx)
{
  double *stream = b->builtin + BSL_EQ_BUILTIN_STREAM * BLOCK;

  b->key = ctx != NULL ? ctx->key : 0;
  memcpy (stream, &b->key, sizeof b->key);
  stream[1] = b->dstep;
}

/* Points the slots at the block starting at b->off. */
static void
block_at (Block         *b,
          gsize          n,
          gsize          first,
          double *const *states,
          double *const *params)
{
  const BslEqCode *code = b->eq->code;
  double *index = b->builtin + BSL_EQ_BUILTIN_INDEX * BLOCK;

  b->len = (guint) MIN ((gsize) BLOCK, n - b->off);
  for (guint k = 0; k < b->eq->m->states->len; k++)
    b->slot[code->first_state + k] = states[k] + b->off;
  for (guint j = 0; j < b->eq->m->params->len; j++)
    b->slot[code->first_param + j] = params[j] + b->off;
  for (guint i = 0; i < b->len; i++)
    index[i] = (double) (first + b->off + i);
}

void
bsl_equations_take_inputs (const BslEquations        *eq,
                           gsize                      n,
                           double                     dt,
                           gint64                     step,
                           double *const             *states,
                           double *const             *params,
                           const BslEquationsContext *ctx,
                           const double              *last_spike_step)
{
  const BslEqCode *code = eq->code;
  gsize n_buf = code->n_regs + BSL_EQ_N_BUILTINS + 4 * eq->m->states->len;
  g_autofree double *mem = g_new (double, n_buf * BLOCK);
  g_autofree double **slot = g_new (double *, code->n_slots);
  gsize first = ctx != NULL ? ctx->first : 0;
  Block b;

  block_init (&b, eq, mem, slot, dt, step, ctx != NULL && ctx->n_total > 0 ? ctx->n_total : n);
  block_stream (&b, ctx);
  for (b.off = 0; b.off < n; b.off += BLOCK)
    {
      block_at (&b, n, first, states, params);
      refractoriness (&b, last_spike_step + b.off);
      apply_inputs (&b, ctx, states, params, last_spike_step + b.off);
    }
}

void
bsl_equations_eval_subexpressions (const BslEquations        *eq,
                                   gsize                      n,
                                   double                     dt,
                                   gint64                     step,
                                   double *const             *states,
                                   double *const             *params,
                                   const BslEquationsContext *ctx,
                                   const double              *last_spike_step,
                                   double *const             *values)
{
  const BslEqCode *code = eq->code;
  gsize n_buf = code->n_regs + BSL_EQ_N_BUILTINS + 4 * eq->m->states->len;
  g_autofree double *mem = g_new (double, n_buf * BLOCK);
  g_autofree double **slot = g_new (double *, code->n_slots);
  gsize first = ctx != NULL ? ctx->first : 0;
  Block b;

  block_init (&b, eq, mem, slot, dt, step, ctx != NULL && ctx->n_total > 0 ? ctx->n_total : n);
  block_stream (&b, ctx);
  for (b.off = 0; b.off < n; b.off += BLOCK)
    {
      block_at (&b, n, first, states, params);
      refractoriness (&b, last_spike_step + b.off);
      run (&code->subexprs, slot, b.len);
      for (guint k = 0; k < eq->m->subexprs->len; k++)
        memcpy (values[k] + b.off, slot[code->subexprs.out[k]], b.len * sizeof (double));
    }
}

guint
bsl_equations_get_n_subexpressions (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, 0);

  return eq->m->subexprs->len;
}

const char *
bsl_equations_get_subexpression_name (const BslEquations *eq,
                                      guint               k)
{
  g_return_val_if_fail (k < eq->m->subexprs->len, NULL);
  return g_array_index (eq->m->subexprs, BslEqSymbol, k).name;
}

const char *
bsl_equations_get_subexpression_unit (const BslEquations *eq,
                                      guint               k)
{
  g_return_val_if_fail (k < eq->m->subexprs->len, NULL);
  return g_array_index (eq->m->subexprs, BslEqSymbol, k).unit;
}

void
bsl_equations_step_full (const BslEquations        *eq,
                         gsize                      n,
                         double                     dt,
                         gint64                     step,
                         double *const             *states,
                         double *const             *params,
                         const BslEquationsContext *ctx,
                         double                    *last_spike_step,
                         double                    *spikes_out)
{
  const BslEqCode *code = eq->code;
  /* registers, builtins, for RK4 the stage state and three slopes per state, and for heun
   * and milstein the noise factors */
  gsize n_buf = code->n_regs + BSL_EQ_N_BUILTINS
    + (gsize) eq->m->states->len * (4 + eq->m->noises->len);
  g_autofree double *mem = g_new (double, n_buf * BLOCK);
  g_autofree double **slot = g_new (double *, code->n_slots);
  gsize first = ctx != NULL ? ctx->first : 0;
  ExactCache exact = { 0 };
  Block b;

  if (eq->native != NULL)
    {
      eq->native (n, dt, step, states, params, ctx != NULL ? ctx->inputs : NULL,
                  last_spike_step, spikes_out, first,
                  ctx != NULL && ctx->n_total > 0 ? ctx->n_total : n, eq->table_values,
                  ctx != NULL ? ctx->key : 0);
      return;
    }
  block_init (&b, eq, mem, slot, dt, step, ctx != NULL && ctx->n_total > 0 ? ctx->n_total : n);
  b.exact = &exact;
  block_stream (&b, ctx);
  for (b.off = 0; b.off < n; b.off += BLOCK)
    {
      double *ls = last_spike_step + b.off;

      block_at (&b, n, first, states, params);
      refractoriness (&b, ls);
      apply_inputs (&b, ctx, states, params, ls);
      start_of_step (&b, ls);
      switch (eq->method)
        {
        case BSL_EQUATIONS_EULER:
          integrate_euler (&b, states);
          break;
        case BSL_EQUATIONS_EXPONENTIAL_EULER:
          integrate_exponential_euler (&b, states);
          break;
        case BSL_EQUATIONS_EXACT:
          integrate_exact (&b, states);
          break;
        case BSL_EQUATIONS_RK2:
          integrate_rk2 (&b, states);
          break;
        case BSL_EQUATIONS_HEUN:
        case BSL_EQUATIONS_MILSTEIN:
          integrate_stochastic (&b, states, eq->method == BSL_EQUATIONS_HEUN);
          break;
        case BSL_EQUATIONS_RK4:
        default:
          integrate_rk4 (&b, states);
          break;
        }
      threshold_and_reset (&b, ls, spikes_out + b.off);
    }
}

void
bsl_equations_step (const BslEquations *eq,
                    gsize               n,
                    double              dt,
                    gint64              step,
                    double *const      *states,
                    double *const      *params,
                    const double       *input,
                    double             *last_spike_step,
                    double             *spikes_out)
{
  const double *inputs[1] = { input };
  BslEquationsContext ctx = { 0, n, input != NULL ? inputs : NULL };

  bsl_equations_step_full (eq, n, dt, step, states, params, &ctx, last_spike_step, spikes_out);
}

