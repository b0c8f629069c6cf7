/* SPDX-License-Identifier: GPL-3.0-or-later */
/* From checked expressions to instruction lists over slots (registers, states, parameters,
 * builtins, constants), with a free list of registers and subexpressions computed once per
 * program. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-equations-private.h"

/* Operands while compiling: a kind in the top bits, an index below; relocated to flat slots
 * once the number of registers is known. */
enum { K_REG, K_STATE, K_PARAM, K_BUILTIN, K_CONST };
#define K_SHIFT 13
#define K_MASK ((1u << K_SHIFT) - 1)
#define OPND(k, i) ((guint16) (((k) << K_SHIFT) | (i)))

typedef struct
{
  BslEqModel *m;
  BslEqCode *code;
  BslEqProgram *prog;
  GArray *free_regs;      /* guint16 */
  GArray *pinned;         /* gboolean per register */
  guint16 *sub_cache;     /* operand + 1, 0 = not computed in this program */
  guint16 *held_reg;      /* per subexpression: its register if (constant over dt), else 0 */
  guint n_held_regs;      /* registers 0 .. n-1 keep the held values through the whole step */
  gboolean use_held;      /* whether this program reads held subexpressions from their register */
} Gen;

double
bsl_eq_apply (BslEqOp op,
              double  a,
              double  b,
              double  c)
{
  switch (op)
    {
    case BSL_EQ_OP_COPY: return a;
    case BSL_EQ_OP_ADD: return a + b;
    case BSL_EQ_OP_SUB: return a - b;
    case BSL_EQ_OP_MUL: return a * b;
    case BSL_EQ_OP_DIV: return a / b;
    case BSL_EQ_OP_MOD: return a - floor (a / b) * b;
    case BSL_EQ_OP_POW: return pow (a, b);
    case BSL_EQ_OP_NEG: return -a;
    case BSL_EQ_OP_LT: return a < b ? 1.0 : 0.0;
    case BSL_EQ_OP_LE: return a <= b ? 1.0 : 0.0;
    case BSL_EQ_OP_GT: return a > b ? 1.0 : 0.0;
    case BSL_EQ_OP_GE: return a >= b ? 1.0 : 0.0;
    case BSL_EQ_OP_EQ: return a == b ? 1.0 : 0.0;
    case BSL_EQ_OP_NE: return a != b ? 1.0 : 0.0;
    case BSL_EQ_OP_AND: return (a != 0.0 && b != 0.0) ? 1.0 : 0.0;
    case BSL_EQ_OP_OR: return (a != 0.0 || b != 0.0) ? 1.0 : 0.0;
    case BSL_EQ_OP_NOT: return a == 0.0 ? 1.0 : 0.0;
    case BSL_EQ_OP_EXP: return exp (a);
    case BSL_EQ_OP_LOG: return log (a);
    case BSL_EQ_OP_LOG10: return log10 (a);
    case BSL_EQ_OP_SQRT: return sqrt (a);
    case BSL_EQ_OP_ABS: return fabs (a);
    case BSL_EQ_OP_SIN: return sin (a);
    case BSL_EQ_OP_COS: return cos (a);
    case BSL_EQ_OP_TAN: return tan (a);
    case BSL_EQ_OP_TANH: return tanh (a);
    case BSL_EQ_OP_SINH: return sinh (a);
    case BSL_EQ_OP_COSH: return cosh (a);
    case BSL_EQ_OP_ARCSIN: return asin (a);
    case BSL_EQ_OP_ARCCOS: return acos (a);
    case BSL_EQ_OP_ARCTAN: return atan (a);
    case BSL_EQ_OP_FLOOR: return floor (a);
    case BSL_EQ_OP_CEIL: return ceil (a);
    case BSL_EQ_OP_SIGN: return (double) ((a > 0.0) - (a < 0.0));
    case BSL_EQ_OP_EXPREL: return a == 0.0 ? 1.0 : expm1 (a) / a;
    case BSL_EQ_OP_INT: return trunc (a);
    case BSL_EQ_OP_EXPM1: return expm1 (a);
    case BSL_EQ_OP_LOG1P: return log1p (a);
    case BSL_EQ_OP_TIMESTEP: return trunc ((a + 0.001 * b) / b);
    case BSL_EQ_OP_CLIP: return fmin (fmax (a, b), c);
    case BSL_EQ_OP_SELECT: return b != 0.0 ? a : c;
    case BSL_EQ_OP_RAND:
    case BSL_EQ_OP_RANDN:
      /* the interpreter draws (run), with the key of the stream */
    case BSL_EQ_OP_TABLE_ROW:
    case BSL_EQ_OP_TABLE_AT:
    case BSL_EQ_N_OPS:
    default:
      g_assert_not_reached ();
    }
}

static guint16
const_operand (Gen    *g,
               double  value)
{
  GArray *c = g->code->consts;

  for (guint i = 0; i < c->len; i++)
    if (memcmp (&g_array_index (c, double, i), &value, sizeof value) == 0)
      return OPND (K_CONST, i);
  g_array_append_val (c, value);
  return OPND (K_CONST, c->len - 1);
}

static guint16
alloc_reg (Gen *g)
{
  guint16 r;

  if (g->free_regs->len > 0)
    {
      r = g_array_index (g->free_regs, guint16, g->free_regs->len - 1);
      g_array_set_size (g->free_regs, g->free_regs->len - 1);
      return OPND (K_REG, r);
    }
  r = g->code->n_regs++;
  {
    gboolean no = FALSE;

    g_array_append_val (g->pinned, no);
  }
  return OPND (K_REG, r);
}

static void
release (Gen     *g,
         guint16  opnd)
{
  guint16 r = opnd & K_MASK;

  if ((opnd >> K_SHIFT) != K_REG || r < g->n_held_regs || g_array_index (g->pinned, gboolean, r))
    return;
  g_array_append_val (g->free_regs, r);
}

static void
emit (Gen     *g,
      BslEqOp  op,
      guint16  dst,
      guint16  a,
      guint16  b,
      guint16  c)
{
  BslEqInstr in = { op, dst, a, b, c };

  g_array_append_val (g->prog->code, in);
}

static void
forget_subexprs (Gen *g)
{
  for (guint i = 0; i < g->m->subexprs->len; i++)
    if (g->sub_cache[i] != 0)
      {
        guint16 opnd = g->sub_cache[i] - 1;

        if ((opnd >> K_SHIFT) == K_REG)
          {
            g_array_index (g->pinned, gboolean, opnd & K_MASK) = FALSE;
            release (g, opnd);
          }
        g->sub_cache[i] = 0;
      }
}

static guint16 gen (Gen       *g,
                    BslEqNode *n);

/* name(t) or name(t, i): the row of t at the step's dt, then the value in that row. */
static guint16
gen_table_call (Gen       *g,
                BslEqNode *n)
{
  guint16 table = const_operand (g, n->index);
  guint16 t = gen (g, n->a), row, column, dst;

  release (g, t);
  row = alloc_reg (g);
  emit (g, BSL_EQ_OP_TABLE_ROW, row, t, OPND (K_BUILTIN, BSL_EQ_BUILTIN_DT), table);
  /* row stays allocated while the column is computed */
  column = n->b != NULL ? gen (g, n->b) : const_operand (g, 0.0);
  release (g, row);
  release (g, column);
  dst = alloc_reg (g);
  emit (g, BSL_EQ_OP_TABLE_AT, dst, row, column, table);
  return dst;
}

static guint16
gen (Gen       *g,
     BslEqNode *n)
{
  guint16 a, b = 0, c = 0, dst;

  switch (n->kind)
    {
    case BSL_EQ_NODE_NUMBER:
      return const_operand (g, n->value);
    case BSL_EQ_NODE_STATE:
      return OPND (K_STATE, n->index);
    case BSL_EQ_NODE_PARAM:
      return OPND (K_PARAM, n->index);
    case BSL_EQ_NODE_BUILTIN:
      return OPND (K_BUILTIN, n->index);
    case BSL_EQ_NODE_SUBEXPR:
      if (g->use_held && g_array_index (g->m->subexprs, BslEqSymbol, n->index).over_dt)
        return OPND (K_REG, g->held_reg[n->index]);
      if (g->sub_cache[n->index] == 0)
        {
          guint16 v = gen (g, g_array_index (g->m->subexprs, BslEqSymbol, n->index).rhs);

          if ((v >> K_SHIFT) == K_REG)
            g_array_index (g->pinned, gboolean, v & K_MASK) = TRUE;
          g->sub_cache[n->index] = v + 1;
        }
      return g->sub_cache[n->index] - 1;
    case BSL_EQ_NODE_OP:
      break;
    case BSL_EQ_NODE_NAME:
    case BSL_EQ_NODE_NOISE:
    default:
      g_assert_not_reached ();
    }
  if (n->op == BSL_EQ_OP_RAND || n->op == BSL_EQ_OP_RANDN)
    {
      c = const_operand (g, (double) n->index);
      dst = alloc_reg (g);
      emit (g, n->op, dst, OPND (K_BUILTIN, BSL_EQ_BUILTIN_INDEX),
            OPND (K_BUILTIN, BSL_EQ_BUILTIN_STREAM), c);
      return dst;
    }
  if (n->op == BSL_EQ_OP_TABLE_AT)
    return gen_table_call (g, n);
  a = gen (g, n->a);
  if (n->b != NULL)
    b = gen (g, n->b);
  if (n->c != NULL)
    c = gen (g, n->c);
  release (g, a);
  if (n->b != NULL)
    release (g, b);
  if (n->c != NULL)
    release (g, c);
  dst = alloc_reg (g);
  /* x**2 as x*x: no call to pow, and the bits a C compiler gives pow (x, 2.0) */
  if (n->op == BSL_EQ_OP_POW && n->b->kind == BSL_EQ_NODE_NUMBER && n->b->value == 2.0)
    emit (g, BSL_EQ_OP_MUL, dst, a, a, a);
  else
    emit (g, n->op, dst, a, b, c);
  return dst;
}

/* A result that stays valid until the end of the program: a register of its own. */
static guint16
gen_output (Gen       *g,
            BslEqNode *n)
{
  guint16 v = n != NULL ? gen (g, n) : const_operand (g, 0.0);

  if ((v >> K_SHIFT) != K_REG || (v & K_MASK) < g->n_held_regs
      || g_array_index (g->pinned, gboolean, v & K_MASK))
    {
      guint16 r = alloc_reg (g);

      emit (g, BSL_EQ_OP_COPY, r, v, v, v);
      v = r;
    }
  g_array_index (g->pinned, gboolean, v & K_MASK) = TRUE;
  return v;
}

static void
begin (Gen          *g,
       BslEqProgram *prog,
       guint         n_out)
{
  g->prog = prog;
  prog->code = g_array_new (FALSE, TRUE, sizeof (BslEqInstr));
  prog->n_out = n_out;
  prog->out = g_new0 (guint, MAX (n_out, 1));
  prog->tables = (const BslEqTable *) g->m->tables->data;
}

static void
end (Gen *g)
{
  forget_subexprs (g);
  for (guint r = 0; r < g->pinned->len; r++)
    if (g_array_index (g->pinned, gboolean, r))
      {
        g_array_index (g->pinned, gboolean, r) = FALSE;
        release (g, OPND (K_REG, r));
      }
  g->prog = NULL;
}

static guint
relocate (BslEqCode *code,
          guint16    opnd)
{
  guint index = opnd & K_MASK;

  switch (opnd >> K_SHIFT)
    {
    case K_REG: return index;
    case K_STATE: return code->first_state + index;
    case K_PARAM: return code->first_param + index;
    case K_BUILTIN: return code->first_builtin + index;
    case K_CONST: return code->first_const + index;
    default: g_assert_not_reached ();
    }
}

static void
relocate_program (BslEqCode    *code,
                  BslEqProgram *prog)
{
  for (guint i = 0; i < prog->code->len; i++)
    {
      BslEqInstr *in = &g_array_index (prog->code, BslEqInstr, i);

      in->dst = relocate (code, in->dst);
      in->a = relocate (code, in->a);
      in->b = relocate (code, in->b);
      in->c = relocate (code, in->c);
    }
  for (guint i = 0; i < prog->n_out; i++)
    prog->out[i] = relocate (code, prog->out[i]);
}

static void
program_clear (BslEqProgram *prog)
{
  g_clear_pointer (&prog->code, g_array_unref);
  g_clear_pointer (&prog->out, g_free);
}

void
bsl_eq_code_free (BslEqCode *code)
{
  if (code == NULL)
    return;
  g_array_unref (code->consts);
  g_free (code->noise_out);
  program_clear (&code->deriv);
  program_clear (&code->linear);
  program_clear (&code->system);
  program_clear (&code->threshold);
  program_clear (&code->reset);
  program_clear (&code->refractory);
  program_clear (&code->subexprs);
  program_clear (&code->held);
  g_free (code);
}

/* Brian2 evaluates a (constant over dt) subexpression once, at the start of the step, and
 * every stage of the method, the threshold and the reset read that value, as if it were a
 * parameter.  Each gets a register of its own (the first ones, never reused), which the held
 * program fills after the input is taken in. */
static void
compile_held (Gen *g)
{
  BslEqModel *m = g->m;
  guint n_held = 0;

  g->held_reg = g_new0 (guint16, m->subexprs->len + 1);
  for (guint k = 0; k < m->subexprs->len; k++)
    if (g_array_index (m->subexprs, BslEqSymbol, k).over_dt)
      {
        g->held_reg[k] = (guint16) (alloc_reg (g) & K_MASK);
        n_held++;
      }
  g->n_held_regs = g->code->n_regs;
  begin (g, &g->code->held, n_held);
  n_held = 0;
  for (guint k = 0; k < m->subexprs->len; k++)
    if (g_array_index (m->subexprs, BslEqSymbol, k).over_dt)
      {
        BslEqNode ref = { 0 };
        guint16 v;

        ref.kind = BSL_EQ_NODE_SUBEXPR;
        ref.index = (int) k;
        v = gen (g, &ref);
        emit (g, BSL_EQ_OP_COPY, OPND (K_REG, g->held_reg[k]), v, v, v);
        g->code->held.out[n_held++] = OPND (K_REG, g->held_reg[k]);
      }
  end (g);
}

BslEqCode *
bsl_eq_code_compile (BslEqModel *m)
{
  BslEqCode *code = g_new0 (BslEqCode, 1);
  Gen g = { 0 };
  guint n_states = m->states->len, n_factors = 0;

  g.m = m;
  g.code = code;
  g.free_regs = g_array_new (FALSE, FALSE, sizeof (guint16));
  g.pinned = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g.sub_cache = g_new0 (guint16, m->subexprs->len + 1);
  code->consts = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint kj = 0; kj < n_states * m->noises->len; kj++)
    n_factors += m->noise_coef[kj] != NULL;

  compile_held (&g);
  g.use_held = TRUE;
  begin (&g, &code->deriv, n_states + n_factors);
  for (guint k = 0; k < n_states; k++)
    code->deriv.out[k] = gen_output (&g, g_array_index (m->states, BslEqSymbol, k).rhs);
  /* the factors of the noises after the derivatives, where there are any */
  code->noise_out = g_new (int, (gsize) n_states * m->noises->len + 1);
  for (guint f = 0, kj = 0; kj < n_states * m->noises->len; kj++)
    {
      code->noise_out[kj] = m->noise_coef[kj] != NULL ? (int) (n_states + f) : -1;
      if (m->noise_coef[kj] != NULL)
        code->deriv.out[n_states + f++] = gen_output (&g, m->noise_coef[kj]);
    }
  end (&g);

  begin (&g, &code->linear, m->nonlinear_message == NULL ? 2 * n_states : 0);
  if (m->nonlinear_message == NULL)
    for (guint k = 0; k < n_states; k++)
      {
        code->linear.out[k] = gen_output (&g, m->lin_a[k]);
        code->linear.out[n_states + k] = gen_output (&g, m->lin_b[k]);
      }
  end (&g);

  begin (&g, &code->system, m->nonsystem_message == NULL ? n_states * (n_states + 1) : 0);
  for (guint k = 0; m->nonsystem_message == NULL && k < n_states * n_states; k++)
    code->system.out[k] = gen_output (&g, m->sys_a[k]);
  for (guint k = 0; m->nonsystem_message == NULL && k < n_states; k++)
    code->system.out[n_states * n_states + k] = gen_output (&g, m->sys_b[k]);
  end (&g);

  begin (&g, &code->threshold, m->threshold != NULL ? 1 : 0);
  if (m->threshold != NULL)
    code->threshold.out[0] = gen_output (&g, m->threshold);
  end (&g);

  begin (&g, &code->reset, 0);
  for (guint i = 0; i < m->reset->len; i++)
    {
      BslEqStatement *st = &g_array_index (m->reset, BslEqStatement, i);
      guint16 v = gen (&g, st->value);

      emit (&g, BSL_EQ_OP_SELECT, OPND (K_STATE, st->state), v,
            OPND (K_BUILTIN, BSL_EQ_BUILTIN_SPIKE), OPND (K_STATE, st->state));
      release (&g, v);
      /* later statements see the new value */
      forget_subexprs (&g);
    }
  end (&g);

  /* a period is computed before the input and the held values, a condition after them */
  g.use_held = bsl_eq_refractory_is_condition (m);
  begin (&g, &code->refractory, m->refractory != NULL ? 1 : 0);
  if (m->refractory != NULL)
    code->refractory.out[0] = gen_output (&g, m->refractory);
  end (&g);

  /* probes see the subexpressions of the states they are given */
  g.use_held = FALSE;
  begin (&g, &code->subexprs, m->subexprs->len);
  for (guint k = 0; k < m->subexprs->len; k++)
    {
      BslEqNode ref = { 0 };

      ref.kind = BSL_EQ_NODE_SUBEXPR;
      ref.index = (int) k;
      code->subexprs.out[k] = gen_output (&g, &ref);
    }
  end (&g);

  code->n_regs = MAX (code->n_regs, 1);
  code->first_state = code->n_regs;
  code->first_param = code->first_state + n_states;
  code->first_builtin = code->first_param + m->params->len;
  code->first_const = code->first_builtin + BSL_EQ_N_BUILTINS;
  code->n_slots = code->first_const + code->consts->len;
  relocate_program (code, &code->deriv);
  relocate_program (code, &code->linear);
  relocate_program (code, &code->system);
  relocate_program (code, &code->threshold);
  relocate_program (code, &code->reset);
  relocate_program (code, &code->refractory);
  relocate_program (code, &code->subexprs);
  relocate_program (code, &code->held);

  g_array_unref (g.free_regs);
  g_array_unref (g.pinned);
  g_free (g.sub_cache);
  g_free (g.held_reg);
  return code;
}
