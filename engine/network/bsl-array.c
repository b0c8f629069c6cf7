/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-alloc.h"
#include "bsl-array.h"

BslArray *
bsl_array_new (guint        ndim,
               const gsize *dims)
{
  BslArray *array;
  gsize n = 1;

  g_return_val_if_fail (ndim <= BSL_MAX_DIMS, NULL);

  array = g_new0 (BslArray, 1);
  array->ndim = ndim;
  for (guint i = 0; i < ndim; i++)
    {
      array->dims[i] = dims[i];
      n *= dims[i];
    }
  array->n = n;
  array->data = bsl_alloc_zeroed (n, sizeof (double));
  return array;
}

BslArray *
bsl_array_new_scalar (double value)
{
  BslArray *array = bsl_array_new (0, NULL);

  array->data[0] = value;
  return array;
}

BslArray *
bsl_array_new_vector (gsize         n,
                      const double *values)
{
  BslArray *array = bsl_array_new (1, &n);

  if (values != NULL && n > 0)
    memcpy (array->data, values, n * sizeof (double));
  return array;
}

BslArray *
bsl_array_new_matrix (gsize rows,
                      gsize cols)
{
  gsize dims[2] = { rows, cols };

  return bsl_array_new (2, dims);
}

BslArray *
bsl_array_copy (const BslArray *array)
{
  BslArray *copy;

  g_return_val_if_fail (array != NULL, NULL);

  copy = bsl_array_new (array->ndim, array->dims);
  if (array->n > 0)
    memcpy (copy->data, array->data, array->n * sizeof (double));
  if (array->init != NULL)
    copy->init = json_node_copy (array->init);
  return copy;
}

void
bsl_array_free (BslArray *array)
{
  if (array == NULL)
    return;
  g_free (array->data);
  g_clear_pointer (&array->init, json_node_unref);
  g_free (array);
}

gboolean
bsl_array_equal (const BslArray *a,
                 const BslArray *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL || a->ndim != b->ndim || a->n != b->n)
    return FALSE;
  for (guint i = 0; i < a->ndim; i++)
    if (a->dims[i] != b->dims[i])
      return FALSE;
  for (gsize i = 0; i < a->n; i++)
    if (a->data[i] != b->data[i] && !(isnan (a->data[i]) && isnan (b->data[i])))
      return FALSE;
  return TRUE;
}

gboolean
bsl_array_is_scalar (const BslArray *array)
{
  g_return_val_if_fail (array != NULL, FALSE);

  return array->ndim == 0;
}

double
bsl_array_get (const BslArray *array,
               gsize           index)
{
  if (array->ndim == 0)
    return array->data[0];
  g_return_val_if_fail (index < array->n, 0.0);
  return array->data[index];
}

char *
bsl_shape_to_string (guint        ndim,
                     const gsize *dims)
{
  GString *text = g_string_new ("(");

  for (guint i = 0; i < ndim; i++)
    g_string_append_printf (text, "%s%" G_GSIZE_FORMAT, i > 0 ? ", " : "", dims[i]);
  if (ndim == 1)
    g_string_append_c (text, ',');
  g_string_append_c (text, ')');
  return g_string_free (text, FALSE);
}

gboolean
bsl_array_all_integer (const BslArray *array)
{
  g_return_val_if_fail (array != NULL, FALSE);

  for (gsize i = 0; i < array->n; i++)
    if (array->data[i] != floor (array->data[i]))
      return FALSE;
  return TRUE;
}

gboolean
bsl_array_find_nan (const BslArray *array,
                    gsize          *index)
{
  g_return_val_if_fail (array != NULL, FALSE);

  for (gsize i = 0; i < array->n; i++)
    if (!isfinite (array->data[i]))
      {
        if (index != NULL)
          *index = i;
        return TRUE;
      }
  return FALSE;
}
