/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Learning rule strings, read the way Lava reads them: the text without spaces is cut into
 * symbols by trying, in Lava's order, operators, x0, y0, u<k>, variables, brackets, sgn(...) and
 * literals (m*2^e, 2^e, m); products are separated by + and -, the first dependency of a product
 * is its dependency, and literals multiply into its scale. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-learning-grammar.h"

typedef enum
{
  SYM_ADD, SYM_SUB, SYM_MUL,
  SYM_DEPENDENCY,   /* x0, y0, u<k> */
  SYM_VARIABLE,     /* x1 x2 y1 y2 y3 w d t */
  SYM_BRACKET, SYM_SGN,
  SYM_LITERAL,
} SymKind;

typedef struct Sym Sym;
struct Sym
{
  SymKind    kind;
  int        column;      /* 1-based, in the original text */
  int        var;         /* BSL_K_SYM_* for dependencies and variables */
  int        decimate;    /* u<k>: k */
  gint64     mantissa;    /* literals: mantissa * 2^exponent */
  int        exponent;
  GPtrArray *children;    /* brackets and sgn: the symbols inside */
};

typedef struct
{
  const char *text;       /* without spaces */
  const int  *columns;    /* original column of each character */
  GError    **error;
} Scanner;

static void
sym_free (gpointer data)
{
  Sym *sym = data;

  if (sym->children != NULL)
    g_ptr_array_unref (sym->children);
  g_free (sym);
}

static gboolean
fail (GError **error, int column, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError **error, int column, const char *format, ...)
{
  va_list args;
  g_autofree char *reason = NULL;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "column %d: %s", column, reason);
  return FALSE;
}

int
bsl_learning_error_column (const GError *error)
{
  if (error == NULL || !g_str_has_prefix (error->message, "column "))
    return 0;
  return atoi (error->message + strlen ("column "));
}

/* Digits at p: their value and length (0 when there are none). */
static int
scan_digits (const char *p, gint64 *value)
{
  int n = 0;

  *value = 0;
  while (g_ascii_isdigit (p[n]))
    {
      if (*value < G_GINT64_CONSTANT (100000000000000))
        *value = *value * 10 + (p[n] - '0');
      n++;
    }
  return n;
}

/* A signed exponent after "2^": its value and length, 0 when absent. */
static int
scan_exponent (const char *p, int *value)
{
  int sign = 1, n = 0, k;
  gint64 digits;

  if (p[0] == '+' || p[0] == '-')
    {
      sign = p[0] == '-' ? -1 : 1;
      n = 1;
    }
  k = scan_digits (p + n, &digits);
  if (k == 0)
    return 0;
  *value = (int) CLAMP (digits, 0, 1000) * sign;
  return n + k;
}

/* Literals: "m*2^e", "2^e", "m". */
static int
scan_literal (const char *p, Sym *sym)
{
  gint64 mantissa;
  int n = scan_digits (p, &mantissa), e;

  if (n > 0 && strncmp (p + n, "*2^", 3) == 0)
    {
      int k = scan_exponent (p + n + 3, &e);
      if (k > 0)
        {
          sym->mantissa = mantissa;
          sym->exponent = e;
          return n + 3 + k;
        }
    }
  if (strncmp (p, "2^", 2) == 0)
    {
      int k = scan_exponent (p + 2, &e);
      if (k > 0)
        {
          sym->mantissa = 1;
          sym->exponent = e;
          return 2 + k;
        }
    }
  if (n > 0)
    {
      sym->mantissa = mantissa;
      sym->exponent = 0;
    }
  return n;
}

static int
variable_symbol (const char *p)
{
  static const struct { const char *name; int sym; } names[] = {
    { "x1", BSL_K_SYM_X1 }, { "x2", BSL_K_SYM_X2 }, { "y1", BSL_K_SYM_Y1 },
    { "y2", BSL_K_SYM_Y2 }, { "y3", BSL_K_SYM_Y3 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    if (strncmp (p, names[k].name, 2) == 0)
      return names[k].sym;
  return -1;
}

static GPtrArray *scan_list (Scanner *sc, int begin, int end);

/* The index of the bracket closing the one at open, or -1. */
static int
closing_bracket (const char *text, int open, int end)
{
  int depth = 0;

  for (int i = open; i < end; i++)
    {
      depth += text[i] == '(' ? 1 : (text[i] == ')' ? -1 : 0);
      if (depth == 0 && (text[i] == '(' || text[i] == ')'))
        return i;
    }
  return -1;
}

/* One symbol at i; its length, or 0 after an error. */
static int
scan_symbol (Scanner *sc, int i, int end, Sym *sym)
{
  const char *p = sc->text + i;
  int v;

  sym->column = sc->columns[i];
  switch (p[0])
    {
    case '+': sym->kind = SYM_ADD; return 1;
    case '-': sym->kind = SYM_SUB; return 1;
    case '*': sym->kind = SYM_MUL; return 1;
    default: break;
    }
  if (strncmp (p, "x0", 2) == 0 || strncmp (p, "y0", 2) == 0)
    {
      sym->kind = SYM_DEPENDENCY;
      sym->var = p[0] == 'x' ? BSL_K_SYM_X0 : BSL_K_SYM_Y0;
      return 2;
    }
  if (p[0] == 'u' && g_ascii_isdigit (p[1]))
    {
      sym->kind = SYM_DEPENDENCY;
      sym->var = BSL_K_SYM_U;
      sym->decimate = p[1] - '0';
      return 2;
    }
  if ((v = variable_symbol (p)) >= 0 || p[0] == 'w' || p[0] == 'd' || p[0] == 't')
    {
      sym->kind = SYM_VARIABLE;
      sym->var = v >= 0 ? v : (p[0] == 'w' ? BSL_K_SYM_W : (p[0] == 'd' ? BSL_K_SYM_D : BSL_K_SYM_T));
      return v >= 0 ? 2 : 1;
    }
  if (p[0] == '(' || strncmp (p, "sgn(", 4) == 0)
    {
      int open = i + (p[0] == '(' ? 0 : 3);
      int close = closing_bracket (sc->text, open, end);

      if (close < 0)
        return fail (sc->error, sym->column, "bracket expression missing closing bracket") ? 0 : 0;
      sym->kind = p[0] == '(' ? SYM_BRACKET : SYM_SGN;
      sym->children = scan_list (sc, open + 1, close);
      return sym->children != NULL ? close + 1 - i : 0;
    }
  if ((v = scan_literal (p, sym)) > 0)
    {
      sym->kind = SYM_LITERAL;
      return v;
    }
  if (i >= end)
    return fail (sc->error, sym->column, "an expression is missing here") ? 0 : 0;
  return fail (sc->error, sym->column, "unknown symbol '%c' (a rule is made of x0 y0 u<k> x1 x2 "
               "y1 y2 y3 w d t, numbers, 2^k, sgn(...), brackets and + - *)", p[0]) ? 0 : 0;
}

/* The symbols of text[begin, end), scanned on their own as Lava scans a bracket's inside; NULL
 * after an error (an empty range is one). */
static GPtrArray *
scan_list (Scanner *sc, int begin, int end)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (sym_free);
  g_autofree char *part = g_strndup (sc->text + begin, end - begin);
  Scanner sub = { part, sc->columns + begin, sc->error };
  int length = end - begin, i = 0;

  do
    {
      Sym *sym = g_new0 (Sym, 1);
      int n = scan_symbol (&sub, i, length, sym);

      if (n == 0)
        {
          sym_free (sym);
          return NULL;
        }
      g_ptr_array_add (list, sym);
      i += n;
    }
  while (i < length);
  return g_steal_pointer (&list);
}

/* ---- products (Lava's ProductSeries._generate_product) ---- */

typedef struct
{
  int        dependency;      /* -1 until found */
  int        decimate;
  gint64     s_mantissa;
  int        s_exp;
  BslKProduct product;
} ProductBuilder;

static double
literal_value (const Sym *sym)
{
  return (double) sym->mantissa * ldexp (1.0, sym->exponent);
}

static gboolean
add_factor (ProductBuilder *b, const Sym *at, int var, gboolean has_const, double constant,
            gboolean is_sgn, GError **error)
{
  BslKFactor *f;

  if (var == BSL_K_SYM_U)
    return fail (error, at->column, "u<k> cannot be a factor: it is a product's dependency");
  if (b->product.n_factors == BSL_K_MAX_FACTORS)
    return fail (error, at->column, "a product has at most %d factors", BSL_K_MAX_FACTORS);
  f = &b->product.factors[b->product.n_factors++];
  f->sym = var;
  f->has_const = has_const;
  f->constant = constant;
  f->is_sgn = is_sgn;
  return TRUE;
}

static gboolean
take_dependency (ProductBuilder *b, int *series_decimate, const Sym *sym, GError **error)
{
  if (sym->var == BSL_K_SYM_U)
    {
      if (*series_decimate >= 0 && *series_decimate != sym->decimate)
        return fail (error, sym->column, "a rule cannot have u<k> with different k");
      *series_decimate = sym->decimate;
      b->decimate = sym->decimate;
      if (b->dependency < 0)
        b->dependency = BSL_K_SYM_U;
      return TRUE;
    }
  if (b->dependency < 0)
    {
      b->dependency = sym->var;
      return TRUE;
    }
  return add_factor (b, sym, sym->var, FALSE, 0.0, FALSE, error);
}

/* A bracket or sgn(...): [+|-]var, [+|-]literal, or [+|-]var [+|-] const in either order. */
static gboolean
take_expression (ProductBuilder *b, const Sym *sym, GError **error)
{
  GPtrArray *inner = sym->children;
  const Sym *items[4] = { NULL };
  gboolean implicit_plus = ((Sym *) inner->pdata[0])->kind > SYM_MUL;
  guint n = inner->len + (implicit_plus ? 1 : 0);
  int var = -1;
  gboolean has_const = FALSE, var_negated = FALSE;
  double constant = 0.0;

  for (guint k = 0; k < MIN (n, 4); k++)
    items[k] = implicit_plus ? (k == 0 ? NULL : inner->pdata[k - 1]) : inner->pdata[k];
  if (n < 2 || n == 3)
    return fail (error, sym->column, "this bracket cannot be read as [+|-]var[+|-]const");
  if (n == 2)
    {
      gboolean negative = items[0] != NULL && items[0]->kind == SYM_SUB;

      if (items[1]->kind == SYM_VARIABLE)
        var = items[1]->var;
      else if (items[1]->kind == SYM_LITERAL)
        {
          b->s_mantissa *= items[1]->mantissa * (negative ? -1 : 1);
          b->s_exp += items[1]->exponent;
        }
    }
  else
    {
      int var_at, const_at;
      gboolean is_var1 = items[1]->kind == SYM_DEPENDENCY || items[1]->kind == SYM_VARIABLE;
      gboolean is_var3 = items[3]->kind == SYM_DEPENDENCY || items[3]->kind == SYM_VARIABLE;

      if (is_var1 && items[3]->kind == SYM_LITERAL)
        var_at = 1, const_at = 3;
      else if (is_var3 && items[1]->kind == SYM_LITERAL)
        var_at = 3, const_at = 1;
      else
        return fail (error, sym->column, "this bracket cannot be read as [+|-]var[+|-]const");
      var = items[var_at]->var;
      var_negated = items[var_at - 1] != NULL && items[var_at - 1]->kind == SYM_SUB;
      constant = literal_value (items[const_at]);
      if (items[const_at - 1] != NULL && items[const_at - 1]->kind == SYM_SUB)
        constant = -constant;
      if (var_negated)
        {
          b->s_mantissa = -b->s_mantissa;
          constant = -constant;
        }
      has_const = TRUE;
    }

  if (sym->kind == SYM_BRACKET)
    return var < 0 || add_factor (b, sym, var, has_const, constant, FALSE, error);
  if (var != BSL_K_SYM_W && var != BSL_K_SYM_D && var != BSL_K_SYM_T)
    return fail (error, sym->column, "sgn(...) applies only to w, d or t");
  if (var_negated)
    return fail (error, sym->column, "the variable in sgn(...) cannot be negative");
  return add_factor (b, sym, var, has_const, constant, TRUE, error);
}

static gboolean
build_product (GPtrArray *symbols, guint first, guint last, int *series_decimate,
               BslKProduct *out, GError **error)
{
  ProductBuilder b = { .dependency = -1, .decimate = -1, .s_mantissa = 1 };
  const Sym *start = first < symbols->len ? symbols->pdata[first] : symbols->pdata[first - 1];

  for (guint k = first; k < last; k++)
    {
      const Sym *sym = symbols->pdata[k];
      gboolean ok = TRUE;

      switch (sym->kind)
        {
        case SYM_ADD: case SYM_MUL: break;
        case SYM_SUB: b.s_mantissa = -b.s_mantissa; break;
        case SYM_DEPENDENCY: ok = take_dependency (&b, series_decimate, sym, error); break;
        case SYM_LITERAL:
          b.s_mantissa *= sym->mantissa;
          b.s_exp += sym->exponent;
          break;
        case SYM_VARIABLE: ok = add_factor (&b, sym, sym->var, FALSE, 0.0, FALSE, error); break;
        case SYM_BRACKET: case SYM_SGN: ok = take_expression (&b, sym, error); break;
        default: break;
        }
      if (!ok)
        return FALSE;
      b.s_mantissa = CLAMP (b.s_mantissa, -(G_GINT64_CONSTANT (1) << 40), G_GINT64_CONSTANT (1) << 40);
      b.s_exp = CLAMP (b.s_exp, -1000, 1000);
    }
  while ((b.s_mantissa > 7 || b.s_mantissa < -7) && b.s_mantissa % 2 == 0 && b.s_exp < 8)
    {
      b.s_mantissa /= 2;
      b.s_exp++;
    }
  if (b.dependency < 0)
    return fail (error, start->column, "this product has no dependency (x0, y0 or u<k>)");
  if (b.s_mantissa < -8 || b.s_mantissa >= 8)
    return fail (error, start->column, "the scale of this product is not m * 2^e with -8 <= m < 8");
  if (b.s_exp < -7 || b.s_exp >= 9)
    return fail (error, start->column, "the exponent of this product's scale must lie in -7..8");
  b.product.dependency = b.dependency;
  b.product.s_mantissa = (int) b.s_mantissa;
  b.product.s_exp = b.s_exp + 7;
  b.product.scale = (double) b.s_mantissa * ldexp (1.0, b.s_exp);
  *out = b.product;
  return TRUE;
}

gboolean
bsl_learning_series_parse (const char *text, BslLearningSeries *series, GError **error)
{
  g_autoptr(GString) stripped = g_string_new (NULL);
  g_autoptr(GArray) columns = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GPtrArray) symbols = NULL;
  g_autoptr(GArray) products = g_array_new (FALSE, FALSE, sizeof (BslKProduct));
  Scanner sc;
  guint first = 0;
  int column = 1;

  memset (series, 0, sizeof *series);
  series->decimate_exponent = -1;
  for (const char *p = text; *p != '\0'; p++, column++)
    if (*p != ' ')
      {
        g_string_append_c (stripped, *p);
        g_array_append_val (columns, column);
      }
  g_array_append_val (columns, column);
  sc = (Scanner) { stripped->str, (const int *) columns->data, error };
  symbols = scan_list (&sc, 0, (int) stripped->len);
  if (symbols == NULL)
    return FALSE;

  /* + and - start a new product once the current one holds something other than '*'. */
  for (guint k = 0, held = 0; k <= symbols->len; k++)
    {
      const Sym *sym = k < symbols->len ? symbols->pdata[k] : NULL;
      BslKProduct product;

      if (sym != NULL && !((sym->kind == SYM_ADD || sym->kind == SYM_SUB) && held > 0))
        {
          held += sym->kind != SYM_MUL;
          continue;
        }
      if (!build_product (symbols, first, k, &series->decimate_exponent, &product, error))
        return FALSE;
      g_array_append_val (products, product);
      first = k;
      held = 1;
    }
  series->n_products = (int) products->len;
  series->products = (BslKProduct *) g_array_free (g_steal_pointer (&products), FALSE);
  return TRUE;
}

void
bsl_learning_series_clear (BslLearningSeries *series)
{
  g_clear_pointer (&series->products, g_free);
  series->n_products = 0;
}
