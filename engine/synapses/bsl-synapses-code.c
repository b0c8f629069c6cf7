/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small parser and stack machine for synapse statements: numbers, names, + - * /, unary
 * minus, parentheses and the functions exp, log, sqrt, abs and clip. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-synapses-code.h"

typedef enum
{
  OP_CONST, OP_VAR, OP_PARAM, OP_T,
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_NEG,
  OP_EXP, OP_LOG, OP_SQRT, OP_ABS, OP_CLIP,
} OpCode;

typedef struct
{
  OpCode op;
  guint  index;
  double value;
} Op;

typedef enum { TARGET_VAR, TARGET_POST } TargetKind;

typedef struct
{
  TargetKind kind;
  guint      index;
  char       op;        /* '=', '+', '-', '*', '/' */
  GArray    *program;   /* Op */
} Statement;

typedef struct
{
  guint   var;
  GArray *tau;          /* Op: the time constant, from parameters and numbers */
} Trace;

struct _BslSynapsesCode
{
  GPtrArray *var_names, *var_units, *param_names;
  GArray    *traced;          /* gboolean per var */
  GArray    *traces;          /* Trace */
  GArray    *on_pre, *on_post;  /* Statement */
  char      *post_target;
  gsize      stack_size;
};

/* ---------------- parsing ---------------- */

typedef struct
{
  BslSynapsesCode *code;
  const char      *text_name;
  const char      *line;       /* the whole line, for messages */
  const char      *p;
  guint            line_no;
  GArray          *out;
  gsize            depth, max_depth;
  guint            nesting;    /* of parentheses, calls and signs: bounded, as the C stack is */
  gboolean         in_model;   /* the time constant of a trace: no synapse variable */
  GError         **error;
  gboolean         failed;
} Parser;

static gboolean
fail (Parser *ps, const char *at, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (Parser *ps, const char *at, const char *format, ...)
{
  g_autofree char *message = NULL;
  g_autofree char *line = g_strchomp (g_strdup (ps->line));
  va_list args;

  if (ps->failed)
    return FALSE;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (ps->error, BSL_ERROR, BSL_ERROR_PARSE, "%s, line %u, column %d: %s in '%s'",
               ps->text_name, ps->line_no, (int) (at - ps->line) + 1, message, line);
  ps->failed = TRUE;
  return FALSE;
}

static void
skip_space (Parser *ps)
{
  while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r')
    ps->p++;
}

static gboolean
is_name_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static char *
read_name (Parser *ps)
{
  const char *start = ps->p;

  while (g_ascii_isalnum (*ps->p) || *ps->p == '_')
    ps->p++;
  return g_strndup (start, ps->p - start);
}

static void
emit (Parser *ps, OpCode op, guint index, double value, int stack_change)
{
  Op o = { op, index, value };

  g_array_append_val (ps->out, o);
  ps->depth += stack_change;
  ps->max_depth = MAX (ps->max_depth, ps->depth);
}

static int
find_name (GPtrArray *names, const char *name)
{
  for (guint k = 0; k < names->len; k++)
    if (g_str_equal (g_ptr_array_index (names, k), name))
      return (int) k;
  return -1;
}

#define MAX_NESTING 256

static gboolean parse_expression (Parser *ps);
static gboolean parse_sum (Parser *ps);

/* Vars every Synapses process has besides its own */
static gboolean
is_reserved (const char *name)
{
  return g_str_equal (name, "lastupdate") || g_str_equal (name, "dt") ||
         g_str_equal (name, "connected") || g_str_equal (name, "a_buff");
}

static const struct { const char *name; OpCode op; guint n_args; } functions[] = {
  { "exp", OP_EXP, 1 }, { "log", OP_LOG, 1 }, { "sqrt", OP_SQRT, 1 }, { "abs", OP_ABS, 1 },
  { "clip", OP_CLIP, 3 },
};

static gboolean
parse_call (Parser *ps, const char *name, const char *at)
{
  guint n_args = 0;

  for (guint f = 0; f < G_N_ELEMENTS (functions); f++)
    if (g_str_equal (functions[f].name, name))
      {
        ps->p++;  /* ( */
        skip_space (ps);
        while (*ps->p != ')')
          {
            if (n_args > 0 && *ps->p++ != ',')
              return fail (ps, ps->p - 1, "expected ',' or ')' in the call of %s()", name);
            if (!parse_expression (ps))
              return FALSE;
            n_args++;
            skip_space (ps);
          }
        ps->p++;
        if (n_args != functions[f].n_args)
          return fail (ps, at, "%s() takes %u argument%s, not %u", name, functions[f].n_args,
                       functions[f].n_args == 1 ? "" : "s", n_args);
        emit (ps, functions[f].op, 0, 0, 1 - (int) n_args);
        return TRUE;
      }
  return fail (ps, at, "unknown function '%s' (known: exp, log, sqrt, abs, clip)", name);
}

static gboolean
parse_name (Parser *ps)
{
  const char *at = ps->p;
  g_autofree char *name = read_name (ps);
  BslSynapsesCode *code = ps->code;
  int k;

  skip_space (ps);
  if (*ps->p == '(')
    return parse_call (ps, name, at);
  if (g_str_equal (name, "t"))
    emit (ps, OP_T, 0, 0, 1);
  else if ((k = find_name (code->var_names, name)) >= 0)
    {
      if (ps->in_model)
        return fail (ps, at, "the time constant of a trace cannot depend on the synapse "
                     "variable '%s'", name);
      emit (ps, OP_VAR, k, 0, 1);
    }
  else if (code->post_target != NULL && g_str_equal (name, code->post_target))
    return fail (ps, at, "the post-synaptic variable '%s' can only be added to "
                 "('%s += ...'), not read", name, name);
  else if (is_reserved (name))
    return fail (ps, at, "'%s' is a reserved name and cannot be read by statements", name);
  else
    {
      k = find_name (code->param_names, name);
      if (k < 0)
        {
          k = code->param_names->len;
          g_ptr_array_add (code->param_names, g_strdup (name));
        }
      emit (ps, OP_PARAM, k, 0, 1);
    }
  return TRUE;
}

static gboolean
parse_primary (Parser *ps)
{
  skip_space (ps);
  if (g_ascii_isdigit (*ps->p) || (*ps->p == '.' && g_ascii_isdigit (ps->p[1])))
    {
      char *end;
      double value = g_ascii_strtod (ps->p, &end);

      ps->p = end;
      emit (ps, OP_CONST, 0, value, 1);
      return TRUE;
    }
  if (is_name_start (*ps->p))
    return parse_name (ps);
  if (*ps->p == '(')
    {
      ps->p++;
      if (!parse_expression (ps))
        return FALSE;
      skip_space (ps);
      if (*ps->p != ')')
        return fail (ps, ps->p, "expected ')'");
      ps->p++;
      return TRUE;
    }
  return fail (ps, ps->p, "expected a number, a name or '('");
}

static gboolean
parse_unary (Parser *ps)
{
  skip_space (ps);
  if (*ps->p == '-')
    {
      gboolean ok;

      ps->p++;
      if (++ps->nesting > MAX_NESTING)
        return fail (ps, ps->p, "the expression nests more than %d deep", MAX_NESTING);
      ok = parse_unary (ps);
      ps->nesting--;
      if (!ok)
        return FALSE;
      emit (ps, OP_NEG, 0, 0, 0);
      return TRUE;
    }
  if (*ps->p == '+')
    ps->p++;
  return parse_primary (ps);
}

static gboolean
parse_term (Parser *ps)
{
  if (!parse_unary (ps))
    return FALSE;
  for (;;)
    {
      char op;

      skip_space (ps);
      op = *ps->p;
      if ((op != '*' && op != '/') || ps->p[1] == '*')
        return TRUE;
      ps->p++;
      if (!parse_unary (ps))
        return FALSE;
      emit (ps, op == '*' ? OP_MUL : OP_DIV, 0, 0, -1);
    }
}

static gboolean
parse_expression (Parser *ps)
{
  gboolean ok;

  if (++ps->nesting > MAX_NESTING)
    return fail (ps, ps->p, "the expression nests more than %d deep", MAX_NESTING);
  ok = parse_sum (ps);
  ps->nesting--;
  return ok;
}

static gboolean
parse_sum (Parser *ps)
{
  if (!parse_term (ps))
    return FALSE;
  for (;;)
    {
      char op;

      skip_space (ps);
      op = *ps->p;
      if (op != '+' && op != '-')
        return TRUE;
      ps->p++;
      if (!parse_term (ps))
        return FALSE;
      emit (ps, op == '+' ? OP_ADD : OP_SUB, 0, 0, -1);
    }
}

/* An expression that must take the rest of the line (a comment may follow). */
static GArray *
parse_to_end (Parser *ps)
{
  ps->out = g_array_new (FALSE, FALSE, sizeof (Op));
  ps->depth = 0;
  if (parse_expression (ps))
    {
      skip_space (ps);
      if (*ps->p != '\0' && *ps->p != '#' && *ps->p != '\n')
        fail (ps, ps->p, "unexpected '%c'", *ps->p);
    }
  ps->code->stack_size = MAX (ps->code->stack_size, ps->max_depth);
  if (ps->failed)
    g_clear_pointer (&ps->out, g_array_unref);
  return g_steal_pointer (&ps->out);
}

/* ---------------- the model: "x : unit" and "dx/dt = -x/tau : unit (event-driven)" --------- */

/* *unit is set only when the line is whole. */
static gboolean
parse_unit (Parser *ps, char **unit, gboolean *event_driven)
{
  const char *start;
  g_autofree char *text = NULL;

  skip_space (ps);
  start = ps->p;
  while (*ps->p != '\0' && *ps->p != '(' && *ps->p != '#' && *ps->p != '\n')
    ps->p++;
  text = g_strstrip (g_strndup (start, ps->p - start));
  if (*text == '\0')
    return fail (ps, ps->p, "expected a unit after ':' (1 for none)");
  *event_driven = FALSE;
  if (*ps->p == '(')
    {
      const char *flags = ps->p;

      while (*ps->p != '\0' && *ps->p != ')')
        ps->p++;
      if (strncmp (flags, "(event-driven)", ps->p - flags + 1) != 0 || *ps->p != ')')
        return fail (ps, flags, "the only flag of a synapse variable is (event-driven)");
      *event_driven = TRUE;
      ps->p++;
    }
  skip_space (ps);
  if (*ps->p != '\0' && *ps->p != '#' && *ps->p != '\n')
    return fail (ps, ps->p, "unexpected '%c'", *ps->p);
  *unit = g_steal_pointer (&text);
  return TRUE;
}

static gboolean
add_var (Parser *ps, const char *at, const char *name, char *unit, gboolean traced)
{
  if (find_name (ps->code->var_names, name) >= 0)
    {
      g_free (unit);
      return fail (ps, at, "'%s' is declared twice", name);
    }
  if (g_str_equal (name, "t") || is_reserved (name))
    {
      g_free (unit);
      return fail (ps, at, "'%s' is a reserved name", name);
    }
  g_ptr_array_add (ps->code->var_names, g_strdup (name));
  g_ptr_array_add (ps->code->var_units, unit);
  g_array_append_val (ps->code->traced, traced);
  return TRUE;
}

/* "-x/tau" with tau a number, a parameter or a parenthesised expression of them: the linear
 * decay Brian2 integrates exactly for an (event-driven) variable. */
static gboolean
parse_trace (Parser *ps, const char *name, guint var)
{
  const char *at;
  g_autofree char *decaying = NULL;
  Trace trace = { var, NULL };

  skip_space (ps);
  at = ps->p;
  if (*ps->p++ != '-' || (skip_space (ps), !is_name_start (*ps->p)))
    return fail (ps, at, "an (event-driven) equation must be an exponential decay, "
                 "d%s/dt = -%s/tau", name, name);
  decaying = read_name (ps);
  skip_space (ps);
  if (!g_str_equal (decaying, name) || *ps->p != '/')
    return fail (ps, at, "an (event-driven) equation must be an exponential decay, "
                 "d%s/dt = -%s/tau", name, name);
  ps->p++;
  ps->out = g_array_new (FALSE, FALSE, sizeof (Op));
  ps->depth = 0;
  ps->in_model = TRUE;
  if (!parse_unary (ps))
    {
      g_clear_pointer (&ps->out, g_array_unref);
      return FALSE;
    }
  ps->in_model = FALSE;
  ps->code->stack_size = MAX (ps->code->stack_size, ps->max_depth);
  trace.tau = g_steal_pointer (&ps->out);
  g_array_append_val (ps->code->traces, trace);
  skip_space (ps);
  if (*ps->p != ':')
    return fail (ps, ps->p, "expected ':' and the unit after the decay");
  return TRUE;
}

static gboolean
parse_model_line (Parser *ps)
{
  const char *at;
  g_autofree char *name = NULL;
  char *unit = NULL;
  gboolean event_driven, differential;

  skip_space (ps);
  if (*ps->p == '\0' || *ps->p == '#')
    return TRUE;
  at = ps->p;
  if (!is_name_start (*ps->p))
    return fail (ps, at, "expected 'name : unit' or 'dname/dt = ... : unit (event-driven)'");
  name = read_name (ps);
  differential = name[0] == 'd' && name[1] != '\0' && strncmp (ps->p, "/dt", 3) == 0;
  if (differential)
    {
      guint var = ps->code->var_names->len;
      char *bare = g_strdup (name + 1);

      ps->p += 3;
      skip_space (ps);
      if (*ps->p++ != '=')
        {
          g_free (bare);
          return fail (ps, ps->p - 1, "expected '=' after d%s/dt", name + 1);
        }
      if (!add_var (ps, at, bare, g_strdup ("1"), TRUE))
        {
          g_free (bare);
          return FALSE;
        }
      g_free (bare);
      if (!parse_trace (ps, name + 1, var))
        return FALSE;
      ps->p++;
      if (!parse_unit (ps, &unit, &event_driven))
        return FALSE;
      g_free (g_ptr_array_index (ps->code->var_units, var));
      g_ptr_array_index (ps->code->var_units, var) = unit;
      if (!event_driven)
        return fail (ps, at, "'%s' changes only at events: mark it (event-driven)", name + 1);
      return TRUE;
    }
  skip_space (ps);
  if (*ps->p++ != ':')
    return fail (ps, ps->p - 1, "expected ':' and a unit after '%s'", name);
  if (!parse_unit (ps, &unit, &event_driven))
    return FALSE;
  if (event_driven)
    {
      g_free (unit);
      return fail (ps, at, "only a differential equation can be (event-driven)");
    }
  return add_var (ps, at, name, unit, FALSE);
}

/* ---------------- statements: "x = e", "x += e", ... ---------------- */

static void
statement_clear (gpointer data)
{
  Statement *st = data;

  g_clear_pointer (&st->program, g_array_unref);
}

static gboolean
parse_target (Parser *ps, gboolean pre, Statement *st)
{
  const char *at = ps->p;
  g_autofree char *name = NULL;
  BslSynapsesCode *code = ps->code;
  int k;

  if (!is_name_start (*ps->p))
    return fail (ps, at, "expected a variable to assign");
  name = read_name (ps);
  skip_space (ps);
  st->op = '=';
  if (strchr ("+-*/", *ps->p) != NULL && ps->p[1] == '=')
    st->op = *ps->p++;
  if (*ps->p++ != '=')
    return fail (ps, ps->p - 1, "expected '=', '+=', '-=', '*=' or '/=' after '%s'", name);
  if (is_reserved (name) || g_str_equal (name, "t"))
    return fail (ps, at, "'%s' is a reserved name and cannot be assigned", name);
  if ((k = find_name (code->var_names, name)) >= 0)
    {
      st->kind = TARGET_VAR;
      st->index = k;
      return TRUE;
    }
  if (!pre)
    return fail (ps, at, "'%s' is not a synapse variable (declare it in the model: '%s : 1'); "
                 "on_post changes only synapse variables", name, name);
  if (st->op != '+' && st->op != '-')
    return fail (ps, at, "'%s' is not a synapse variable (declare it in the model: '%s : 1'); "
                 "a post-synaptic variable can only be added to ('%s += ...')", name, name, name);
  if (code->post_target != NULL && !g_str_equal (code->post_target, name))
    return fail (ps, at, "on_pre already adds to '%s': a Synapses process has one output, "
                 "so it cannot add to '%s' too", code->post_target, name);
  if (find_name (code->param_names, name) >= 0)
    return fail (ps, at, "'%s' is read as a parameter elsewhere", name);
  code->post_target = g_strdup (name);
  st->kind = TARGET_POST;
  st->index = 0;
  return TRUE;
}

static gboolean
parse_lines (BslSynapsesCode *code, const char *text_name, const char *text,
             gboolean (*parse_line) (Parser *, gpointer), gpointer data, GError **error)
{
  g_auto (GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint l = 0; lines[l] != NULL; l++)
    {
      Parser ps = { code, text_name, lines[l], lines[l], l + 1, NULL, 0, 0, 0, FALSE, error, FALSE };

      if (!parse_line (&ps, data))
        return FALSE;
    }
  return TRUE;
}

static gboolean
model_line (Parser *ps, gpointer data)
{
  return parse_model_line (ps);
}

typedef struct { GArray *statements; gboolean pre; } StatementList;

static gboolean
statement_line (Parser *ps, gpointer data)
{
  StatementList *list = data;
  Statement st = { 0 };

  skip_space (ps);
  if (*ps->p == '\0' || *ps->p == '#')
    return TRUE;
  if (!parse_target (ps, list->pre, &st))
    return FALSE;
  st.program = parse_to_end (ps);
  if (st.program == NULL)
    return FALSE;
  g_array_append_val (list->statements, st);
  return TRUE;
}

BslSynapsesCode *
bsl_synapses_code_new (const char  *model,
                       const char  *on_pre,
                       const char  *on_post,
                       GError     **error)
{
  g_autoptr (BslSynapsesCode) code = g_new0 (BslSynapsesCode, 1);
  StatementList pre, post;

  code->var_names = g_ptr_array_new_with_free_func (g_free);
  code->var_units = g_ptr_array_new_with_free_func (g_free);
  code->param_names = g_ptr_array_new_with_free_func (g_free);
  code->traced = g_array_new (FALSE, FALSE, sizeof (gboolean));
  code->traces = g_array_new (FALSE, FALSE, sizeof (Trace));
  code->on_pre = g_array_new (FALSE, FALSE, sizeof (Statement));
  code->on_post = g_array_new (FALSE, FALSE, sizeof (Statement));
  g_array_set_clear_func (code->on_pre, statement_clear);
  g_array_set_clear_func (code->on_post, statement_clear);
  code->stack_size = 1;
  pre = (StatementList) { code->on_pre, TRUE };
  post = (StatementList) { code->on_post, FALSE };
  if (!parse_lines (code, "model", model, model_line, NULL, error) ||
      !parse_lines (code, "on_pre", on_pre, statement_line, &pre, error) ||
      !parse_lines (code, "on_post", on_post, statement_line, &post, error))
    return NULL;
  return g_steal_pointer (&code);
}

void
bsl_synapses_code_free (BslSynapsesCode *code)
{
  if (code == NULL)
    return;
  for (guint k = 0; k < code->traces->len; k++)
    g_array_unref (g_array_index (code->traces, Trace, k).tau);
  g_array_unref (code->traces);
  g_array_unref (code->traced);
  g_array_unref (code->on_pre);
  g_array_unref (code->on_post);
  g_ptr_array_unref (code->var_names);
  g_ptr_array_unref (code->var_units);
  g_ptr_array_unref (code->param_names);
  g_free (code->post_target);
  g_free (code);
}

guint
bsl_synapses_code_get_n_vars (const BslSynapsesCode *code)
{
  return code->var_names->len;
}

const char *
bsl_synapses_code_get_var_name (const BslSynapsesCode *code, guint k)
{
  return g_ptr_array_index (code->var_names, k);
}

const char *
bsl_synapses_code_get_var_unit (const BslSynapsesCode *code, guint k)
{
  return g_ptr_array_index (code->var_units, k);
}

gboolean
bsl_synapses_code_get_var_traced (const BslSynapsesCode *code, guint k)
{
  return g_array_index (code->traced, gboolean, k);
}

guint
bsl_synapses_code_get_n_params (const BslSynapsesCode *code)
{
  return code->param_names->len;
}

const char *
bsl_synapses_code_get_param_name (const BslSynapsesCode *code, guint k)
{
  return g_ptr_array_index (code->param_names, k);
}

const char *
bsl_synapses_code_get_post_target (const BslSynapsesCode *code)
{
  return code->post_target;
}

gsize
bsl_synapses_code_get_stack_size (const BslSynapsesCode *code)
{
  return code->stack_size;
}

/* ---------------- running ---------------- */

static double
run_program (const GArray *program, const BslSynapsesEvent *event, gsize s)
{
  const Op *ops = (const Op *) program->data;
  double *stack = event->stack;
  gsize top = 0;

  for (guint k = 0; k < program->len; k++)
    switch (ops[k].op)
      {
      case OP_CONST: stack[top++] = ops[k].value; break;
      case OP_VAR: stack[top++] = event->vars[ops[k].index][s]; break;
      case OP_PARAM: stack[top++] = event->params[ops[k].index]; break;
      case OP_T: stack[top++] = event->t; break;
      case OP_ADD: top--; stack[top - 1] = stack[top - 1] + stack[top]; break;
      case OP_SUB: top--; stack[top - 1] = stack[top - 1] - stack[top]; break;
      case OP_MUL: top--; stack[top - 1] = stack[top - 1] * stack[top]; break;
      case OP_DIV: top--; stack[top - 1] = stack[top - 1] / stack[top]; break;
      case OP_NEG: stack[top - 1] = -stack[top - 1]; break;
      case OP_EXP: stack[top - 1] = exp (stack[top - 1]); break;
      case OP_LOG: stack[top - 1] = log (stack[top - 1]); break;
      case OP_SQRT: stack[top - 1] = sqrt (stack[top - 1]); break;
      case OP_ABS: stack[top - 1] = fabs (stack[top - 1]); break;
      case OP_CLIP:
        /* numpy's clip: the lower bound first, then the upper */
        top -= 2;
        stack[top - 1] = fmin (fmax (stack[top - 1], stack[top]), stack[top + 1]);
        break;
      }
  return stack[0];
}

static void
apply (double *target, char op, double value)
{
  switch (op)
    {
    case '=': *target = value; break;
    case '+': *target += value; break;
    case '-': *target -= value; break;
    case '*': *target *= value; break;
    default: *target /= value; break;
    }
}

void
bsl_synapses_code_run_event (const BslSynapsesCode  *code,
                             gboolean                pre,
                             const BslSynapsesEvent *event,
                             gsize                   s,
                             gsize                   post)
{
  const GArray *statements = pre ? code->on_pre : code->on_post;
  double elapsed = event->t - event->lastupdate[s];

  /* Brian2 integrates an (event-driven) decay exactly over t - lastupdate */
  for (guint k = 0; k < code->traces->len; k++)
    {
      const Trace *trace = &g_array_index (code->traces, Trace, k);
      double *x = &event->vars[trace->var][s];

      *x = *x * exp (-elapsed / run_program (trace->tau, event, s));
    }
  for (guint k = 0; k < statements->len; k++)
    {
      const Statement *st = &g_array_index (statements, Statement, k);
      double value = run_program (st->program, event, s);

      apply (st->kind == TARGET_POST ? &event->post_sums[post] : &event->vars[st->index][s],
             st->op, value);
    }
  event->lastupdate[s] = event->t;
}
