/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bsl-equations-private.h"

/* Order of the exponents: metre, kilogram, second, amp, kelvin, mole, candela. */
const BslEqDim bsl_eq_dimensionless = { { 0 } };

static const char *const base_names[BSL_EQ_N_BASE] = {
  "metre", "kilogram", "second", "amp", "kelvin", "mole", "candela",
};

typedef struct
{
  const char *name;
  double scale;
  BslEqDim dim;
  gboolean prefixable;
} UnitDef;

#define D(m, kg, s, A, K, mol, cd) { { m, kg, s, A, K, mol, cd } }

/* Brian2's unit names (long and short) that may carry an SI prefix. */
static const UnitDef units[] = {
  { "metre", 1, D (1, 0, 0, 0, 0, 0, 0), TRUE },
  { "meter", 1, D (1, 0, 0, 0, 0, 0, 0), TRUE },
  { "m", 1, D (1, 0, 0, 0, 0, 0, 0), TRUE },
  { "gram", 1e-3, D (0, 1, 0, 0, 0, 0, 0), TRUE },
  { "gramme", 1e-3, D (0, 1, 0, 0, 0, 0, 0), TRUE },
  { "g", 1e-3, D (0, 1, 0, 0, 0, 0, 0), TRUE },
  { "kilogram", 1, D (0, 1, 0, 0, 0, 0, 0), FALSE },
  { "kilogramme", 1, D (0, 1, 0, 0, 0, 0, 0), FALSE },
  { "second", 1, D (0, 0, 1, 0, 0, 0, 0), TRUE },
  { "s", 1, D (0, 0, 1, 0, 0, 0, 0), TRUE },
  { "amp", 1, D (0, 0, 0, 1, 0, 0, 0), TRUE },
  { "ampere", 1, D (0, 0, 0, 1, 0, 0, 0), TRUE },
  { "A", 1, D (0, 0, 0, 1, 0, 0, 0), TRUE },
  { "kelvin", 1, D (0, 0, 0, 0, 1, 0, 0), TRUE },
  { "K", 1, D (0, 0, 0, 0, 1, 0, 0), TRUE },
  { "mole", 1, D (0, 0, 0, 0, 0, 1, 0), TRUE },
  { "mol", 1, D (0, 0, 0, 0, 0, 1, 0), TRUE },
  { "candela", 1, D (0, 0, 0, 0, 0, 0, 1), TRUE },
  { "candle", 1, D (0, 0, 0, 0, 0, 0, 1), TRUE },
  { "lumen", 1, D (0, 0, 0, 0, 0, 0, 1), TRUE },
  { "lux", 1, D (-2, 0, 0, 0, 0, 0, 1), TRUE },
  { "katal", 1, D (0, 0, -1, 0, 0, 1, 0), TRUE },
  { "becquerel", 1, D (0, 0, -1, 0, 0, 0, 0), TRUE },
  { "gray", 1, D (2, 0, -2, 0, 0, 0, 0), TRUE },
  { "sievert", 1, D (2, 0, -2, 0, 0, 0, 0), TRUE },
  { "cd", 1, D (0, 0, 0, 0, 0, 0, 1), TRUE },
  { "volt", 1, D (2, 1, -3, -1, 0, 0, 0), TRUE },
  { "V", 1, D (2, 1, -3, -1, 0, 0, 0), TRUE },
  { "ohm", 1, D (2, 1, -3, -2, 0, 0, 0), TRUE },
  { "siemens", 1, D (-2, -1, 3, 2, 0, 0, 0), TRUE },
  { "S", 1, D (-2, -1, 3, 2, 0, 0, 0), TRUE },
  { "farad", 1, D (-2, -1, 4, 2, 0, 0, 0), TRUE },
  { "F", 1, D (-2, -1, 4, 2, 0, 0, 0), TRUE },
  { "hertz", 1, D (0, 0, -1, 0, 0, 0, 0), TRUE },
  { "Hz", 1, D (0, 0, -1, 0, 0, 0, 0), TRUE },
  { "coulomb", 1, D (0, 0, 1, 1, 0, 0, 0), TRUE },
  { "C", 1, D (0, 0, 1, 1, 0, 0, 0), TRUE },
  { "watt", 1, D (2, 1, -3, 0, 0, 0, 0), TRUE },
  { "W", 1, D (2, 1, -3, 0, 0, 0, 0), TRUE },
  { "joule", 1, D (2, 1, -2, 0, 0, 0, 0), TRUE },
  { "J", 1, D (2, 1, -2, 0, 0, 0, 0), TRUE },
  { "newton", 1, D (1, 1, -2, 0, 0, 0, 0), TRUE },
  { "N", 1, D (1, 1, -2, 0, 0, 0, 0), TRUE },
  { "pascal", 1, D (-1, 1, -2, 0, 0, 0, 0), TRUE },
  { "Pa", 1, D (-1, 1, -2, 0, 0, 0, 0), TRUE },
  { "henry", 1, D (2, 1, -2, -2, 0, 0, 0), TRUE },
  { "H", 1, D (2, 1, -2, -2, 0, 0, 0), TRUE },
  { "tesla", 1, D (0, 1, -2, -1, 0, 0, 0), TRUE },
  { "T", 1, D (0, 1, -2, -1, 0, 0, 0), TRUE },
  { "weber", 1, D (2, 1, -2, -1, 0, 0, 0), TRUE },
  { "Wb", 1, D (2, 1, -2, -1, 0, 0, 0), TRUE },
  { "liter", 1e-3, D (3, 0, 0, 0, 0, 0, 0), TRUE },
  { "litre", 1e-3, D (3, 0, 0, 0, 0, 0, 0), TRUE },
  { "l", 1e-3, D (3, 0, 0, 0, 0, 0, 0), TRUE },
  { "L", 1e-3, D (3, 0, 0, 0, 0, 0, 0), TRUE },
  { "molar", 1e3, D (-3, 0, 0, 0, 0, 1, 0), TRUE },
  { "M", 1e3, D (-3, 0, 0, 0, 0, 1, 0), TRUE },
  { "radian", 1, D (0, 0, 0, 0, 0, 0, 0), TRUE },
  { "rad", 1, D (0, 0, 0, 0, 0, 0, 0), TRUE },
  { "steradian", 1, D (0, 0, 0, 0, 0, 0, 0), TRUE },
  { "sr", 1, D (0, 0, 0, 0, 0, 0, 0), TRUE },
};

static const struct { const char *prefix; double scale; } prefixes[] = {
  { "da", 1e1 },
  { "y", 1e-24 }, { "z", 1e-21 }, { "a", 1e-18 }, { "f", 1e-15 }, { "p", 1e-12 },
  { "n", 1e-9 }, { "u", 1e-6 }, { "m", 1e-3 }, { "c", 1e-2 }, { "d", 1e-1 },
  { "h", 1e2 }, { "k", 1e3 }, { "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 }, { "P", 1e15 },
  { "E", 1e18 }, { "Z", 1e21 }, { "Y", 1e24 },
};

gboolean
bsl_eq_dim_equal (const BslEqDim *a,
                  const BslEqDim *b)
{
  for (guint i = 0; i < BSL_EQ_N_BASE; i++)
    if (fabs (a->e[i] - b->e[i]) > 1e-9)
      return FALSE;
  return TRUE;
}

gboolean
bsl_eq_dim_is_one (const BslEqDim *a)
{
  return bsl_eq_dim_equal (a, &bsl_eq_dimensionless);
}

BslEqDim
bsl_eq_dim_mul (const BslEqDim *a,
                const BslEqDim *b)
{
  BslEqDim r;

  for (guint i = 0; i < BSL_EQ_N_BASE; i++)
    r.e[i] = a->e[i] + b->e[i];
  return r;
}

BslEqDim
bsl_eq_dim_div (const BslEqDim *a,
                const BslEqDim *b)
{
  BslEqDim r;

  for (guint i = 0; i < BSL_EQ_N_BASE; i++)
    r.e[i] = a->e[i] - b->e[i];
  return r;
}

BslEqDim
bsl_eq_dim_pow (const BslEqDim *a,
                double          p)
{
  BslEqDim r;

  for (guint i = 0; i < BSL_EQ_N_BASE; i++)
    r.e[i] = a->e[i] * p;
  return r;
}

static gboolean
lookup_plain (const char *name,
              double     *scale,
              BslEqDim   *dim,
              gboolean    need_prefixable)
{
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (strcmp (units[i].name, name) == 0 && (!need_prefixable || units[i].prefixable))
      {
        *scale = units[i].scale;
        *dim = units[i].dim;
        return TRUE;
      }
  return FALSE;
}

static gboolean
lookup_prefixed (const char *name,
                 double     *scale,
                 BslEqDim   *dim)
{
  if (lookup_plain (name, scale, dim, FALSE))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      gsize len = strlen (prefixes[i].prefix);

      if (strncmp (name, prefixes[i].prefix, len) == 0 && name[len] != '\0'
          && lookup_plain (name + len, scale, dim, TRUE))
        {
          *scale *= prefixes[i].scale;
          return TRUE;
        }
    }
  return FALSE;
}

static int
compare_names (const void *key,
               const void *item)
{
  return strcmp (key, *(const char *const *) item);
}

/* Only Brian2's own unit names count: an undeclared 'V' or 'EL' is not volt or exalitre. */
static gboolean
is_brian2_unit_name (const char *name)
{
  return bsearch (name, bsl_eq_unit_names, bsl_eq_n_unit_names, sizeof (const char *),
                  compare_names) != NULL;
}

gboolean
bsl_eq_unit_lookup (const char *name,
                    double     *scale,
                    BslEqDim   *dim)
{
  gsize len = strlen (name);

  if (len == 0 || !is_brian2_unit_name (name))
    return FALSE;
  if (lookup_prefixed (name, scale, dim))
    return TRUE;
  /* Brian2's squares and cubes: cm2, um2, metre3, amp2 */
  if (len > 1 && (name[len - 1] == '2' || name[len - 1] == '3'))
    {
      g_autofree char *base = g_strndup (name, len - 1);
      int p = name[len - 1] - '0';

      if (lookup_prefixed (base, scale, dim))
        {
          *scale = pow (*scale, p);
          *dim = bsl_eq_dim_pow (dim, p);
          return TRUE;
        }
    }
  return FALSE;
}

/* Names tried first when writing a dimension, in order of preference. */
static const struct { const char *name; BslEqDim dim; } named[] = {
  { "volt", D (2, 1, -3, -1, 0, 0, 0) },
  { "amp", D (0, 0, 0, 1, 0, 0, 0) },
  { "second", D (0, 0, 1, 0, 0, 0, 0) },
  { "ohm", D (2, 1, -3, -2, 0, 0, 0) },
  { "siemens", D (-2, -1, 3, 2, 0, 0, 0) },
  { "farad", D (-2, -1, 4, 2, 0, 0, 0) },
  { "coulomb", D (0, 0, 1, 1, 0, 0, 0) },
  { "metre", D (1, 0, 0, 0, 0, 0, 0) },
  { "kilogram", D (0, 1, 0, 0, 0, 0, 0) },
  { "mole", D (0, 0, 0, 0, 0, 1, 0) },
  { "kelvin", D (0, 0, 0, 0, 1, 0, 0) },
  { "candela", D (0, 0, 0, 0, 0, 0, 1) },
  { "watt", D (2, 1, -3, 0, 0, 0, 0) },
  { "joule", D (2, 1, -2, 0, 0, 0, 0) },
  { "henry", D (2, 1, -2, -2, 0, 0, 0) },
};

static const char *
find_named (const BslEqDim *d)
{
  for (guint i = 0; i < G_N_ELEMENTS (named); i++)
    if (bsl_eq_dim_equal (&named[i].dim, d))
      return named[i].name;
  return NULL;
}

static void
append_power (GString    *s,
              const char *name,
              double      p)
{
  if (s->len > 0)
    g_string_append_c (s, '*');
  g_string_append (s, name);
  if (fabs (p - 1) > 1e-9)
    {
      if (fabs (p - round (p)) < 1e-9)
        g_string_append_printf (s, "**%.0f", round (p));   /* beyond an int's range too */
      else
        g_string_append_printf (s, "**%g", p);
    }
}

char *
bsl_eq_dim_to_unit (const BslEqDim *a)
{
  static const struct { const char *suffix; BslEqDim dim; } suffixes[] = {
    { "/second", D (0, 0, -1, 0, 0, 0, 0) },
    { "/second**2", D (0, 0, -2, 0, 0, 0, 0) },
    { "*second", D (0, 0, 1, 0, 0, 0, 0) },
    { "/metre**2", D (-2, 0, 0, 0, 0, 0, 0) },
    { "/volt", D (-2, -1, 3, 1, 0, 0, 0) },
    { "/amp", D (0, 0, 0, -1, 0, 0, 0) },
  };
  const char *name;
  g_autoptr (GString) num = g_string_new (NULL);
  g_autoptr (GString) den = g_string_new (NULL);
  guint n_den = 0;

  if (bsl_eq_dim_is_one (a))
    return g_strdup ("1");
  if ((name = find_named (a)) != NULL)
    return g_strdup (name);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      BslEqDim rest = bsl_eq_dim_div (a, &suffixes[i].dim);

      if (bsl_eq_dim_is_one (&rest))
        return g_strconcat ("1", suffixes[i].suffix, NULL);
      if ((name = find_named (&rest)) != NULL)
        return g_strconcat (name, suffixes[i].suffix, NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (named); i++)
    {
      BslEqDim inv = bsl_eq_dim_pow (&named[i].dim, -1);

      if (bsl_eq_dim_equal (&inv, a))
        return g_strconcat ("1/", named[i].name, NULL);
    }
  for (guint i = 0; i < BSL_EQ_N_BASE; i++)
    {
      if (a->e[i] > 1e-9)
        append_power (num, base_names[i], a->e[i]);
      else if (a->e[i] < -1e-9)
        {
          append_power (den, base_names[i], -a->e[i]);
          n_den++;
        }
    }
  if (num->len == 0)
    g_string_append_c (num, '1');
  if (n_den == 0)
    return g_strdup (num->str);
  if (n_den == 1)
    return g_strdup_printf ("%s/%s", num->str, den->str);
  return g_strdup_printf ("%s/(%s)", num->str, den->str);
}

char *
bsl_eq_dim_describe (const BslEqDim *a)
{
  if (bsl_eq_dim_is_one (a))
    return g_strdup ("dimensionless");
  return bsl_eq_dim_to_unit (a);
}
