/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Folding: every linear node (Affine, Linear, Scale, Flatten, Delay, plain edges) on the way
 * into a neuron population or Output becomes part of one expression per consumer, a weight
 * matrix (with delays) per producer plus a constant bias. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-nir-import-private.h"

static void
term_free (gpointer data)
{
  Term *t = data;

  g_free (t->w);
  g_free (t->delay);
  g_free (t->via);
  g_free (t);
}

static Expr *
expr_new (gsize n)
{
  Expr *e = g_new0 (Expr, 1);

  e->n = n;
  e->terms = g_ptr_array_new_with_free_func (term_free);
  return e;
}

void
_bsl_nir_expr_free (Expr *e)
{
  if (e == NULL)
    return;
  g_ptr_array_unref (e->terms);
  g_free (e->bias);
  g_free (e->bias_via);
  g_free (e);
}

static Node *
producer_of (Node *node)
{
  return node->alias != NULL ? node->alias : node;
}

static Term *
term_find (Expr *e, Node *prod)
{
  for (guint i = 0; i < e->terms->len; i++)
    {
      Term *t = e->terms->pdata[i];
      if (t->prod == prod)
        return t;
    }
  return NULL;
}

static gboolean
delays_conflict (Ctx *ctx, Node *at, Node *prod, GError **error)
{
  g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
               "%s: node '%s' (%s) sums signals from '%s' that arrive with different delays "
               "through the same synapse; Basalt has one delay per synapse",
               ctx->display, at->path, at->type, prod->path);
  return FALSE;
}

/* dst += src (same size). */
static gboolean
expr_add (Ctx *ctx, Node *at, Expr *dst, const Expr *src, GError **error)
{
  for (guint i = 0; i < src->terms->len; i++)
    {
      Term *s = src->terms->pdata[i];
      Term *d = term_find (dst, s->prod);
      gsize size = dst->n * s->prod->n_out;

      if (d == NULL)
        {
          d = g_new0 (Term, 1);
          d->prod = s->prod;
          d->w = g_memdup2 (s->w, size * sizeof (double));
          d->delay = s->delay ? g_memdup2 (s->delay, size * sizeof (int)) : NULL;
          d->via = g_strdup (s->via);
          g_ptr_array_add (dst->terms, d);
          continue;
        }
      if (g_strcmp0 (d->via, s->via) != 0)
        g_clear_pointer (&d->via, g_free);
      if (s->delay != NULL && d->delay == NULL)
        d->delay = g_new0 (int, size);
      for (gsize q = 0; q < size; q++)
        {
          int sd = s->delay ? s->delay[q] : 0;
          if (s->w[q] != 0 && d->w[q] != 0 && d->delay != NULL && d->delay[q] != sd)
            return delays_conflict (ctx, at, s->prod, error);
          if (s->w[q] != 0 && d->delay != NULL)
            d->delay[q] = sd;
          d->w[q] += s->w[q];
        }
    }
  if (src->bias != NULL)
    {
      if (dst->bias == NULL)
        dst->bias = g_new0 (double, dst->n);
      for (gsize i = 0; i < dst->n; i++)
        dst->bias[i] += src->bias[i];
      if (dst->bias_via == NULL)
        dst->bias_via = g_strdup (src->bias_via);
    }
  return TRUE;
}

/* out = W in + b, W given as a rows x in->n matrix, or a diagonal (scale). */
static Expr *
expr_map (Ctx *ctx, Node *at, const Expr *in, gsize rows, const double *w, const double *diag,
          const double *b, GError **error)
{
  Expr *out = expr_new (rows);
  gsize cols = in->n;

  for (guint i = 0; i < in->terms->len; i++)
    {
      Term *s = in->terms->pdata[i];
      gsize np = s->prod->n_out;
      Term *d = g_new0 (Term, 1);
      /* The non-zero entries of each row of the term: terms are mostly identities. */
      g_autofree gsize *row_start = g_new (gsize, cols + 1);
      g_autoptr (GArray) nz = g_array_new (FALSE, FALSE, sizeof (gsize));

      for (gsize k = 0; k < cols; k++)
        {
          row_start[k] = nz->len;
          for (gsize j = 0; j < np; j++)
            if (s->w[k * np + j] != 0)
              g_array_append_val (nz, j);
        }
      row_start[cols] = nz->len;

      d->prod = s->prod;
      d->w = g_new0 (double, rows * np);
      d->via = g_strdup (at->name);
      if (s->delay != NULL)
        d->delay = g_new0 (int, rows * np);
      g_ptr_array_add (out->terms, d);
      for (gsize r = 0; r < rows; r++)
        for (gsize k = 0; k < cols; k++)
          {
            double f = w != NULL ? w[r * cols + k] : (k == r ? diag[r] : 0.0);
            if (f == 0)
              continue;
            for (gsize e = row_start[k]; e < row_start[k + 1]; e++)
              {
                gsize j = g_array_index (nz, gsize, e);
                double x = s->w[k * np + j];
                if (s->delay != NULL)
                  {
                    int sd = s->delay[k * np + j];
                    if (d->w[r * np + j] != 0 && d->delay[r * np + j] != sd)
                      {
                        delays_conflict (ctx, at, s->prod, error);
                        _bsl_nir_expr_free (out);
                        return NULL;
                      }
                    d->delay[r * np + j] = sd;
                  }
                d->w[r * np + j] += f * x;
              }
          }
    }
  if (in->bias != NULL || b != NULL)
    {
      out->bias = g_new0 (double, rows);
      for (gsize r = 0; r < rows; r++)
        {
          double acc = b != NULL ? b[r] : 0.0;
          if (in->bias != NULL)
            for (gsize k = 0; k < cols; k++)
              acc += (w != NULL ? w[r * cols + k] : (k == r ? diag[r] : 0.0)) * in->bias[k];
          out->bias[r] = acc;
        }
      out->bias_via = g_strdup (b != NULL ? at->name : in->bias_via);
    }
  return out;
}

static Expr *expr_of_output (Ctx *ctx, Node *node, GError **error);

/* The sum of what arrives at a node over all its incoming edges. */
Expr *
_bsl_nir_fold_input (Ctx *ctx, Node *node, GError **error)
{
  Expr *sum = expr_new (node->n_in);

  for (guint i = 0; i < node->inputs->len; i++)
    {
      Expr *e = expr_of_output (ctx, node->inputs->pdata[i], error);
      if (e == NULL || !expr_add (ctx, node, sum, e, error))
        {
          _bsl_nir_expr_free (sum);
          return NULL;
        }
    }
  return sum;
}

static Expr *
expr_identity (Node *prod)
{
  Expr *e = expr_new (prod->n_out);
  Term *t = g_new0 (Term, 1);

  t->prod = prod;
  t->w = g_new0 (double, prod->n_out * prod->n_out);
  for (gsize i = 0; i < prod->n_out; i++)
    t->w[i * prod->n_out + i] = 1.0;
  g_ptr_array_add (e->terms, t);
  return e;
}

/* Borrowed: cached on the node. */
static Expr *
expr_of_output (Ctx *ctx, Node *node, GError **error)
{
  Node *prod = producer_of (node);
  Expr *in;

  if (prod->expr != NULL)
    return prod->expr;
  if (prod->kind == NODE_SOURCE || prod->kind == NODE_NEURON)
    return prod->expr = expr_identity (prod);
  if (prod->kind == NODE_SINK)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                   "%s: Output node '%s' has an outgoing edge", ctx->display, prod->path);
      return NULL;
    }
  if (prod->visit == 1)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_CONNECTION,
                   "%s: node '%s' (%s) is part of a loop without any neuron in it",
                   ctx->display, prod->path, prod->type);
      return NULL;
    }
  prod->visit = 1;
  in = _bsl_nir_fold_input (ctx, prod, error);
  prod->visit = 2;
  if (in == NULL)
    return NULL;
  if (prod->kind == NODE_IDENTITY)
    prod->expr = in;
  else if (prod->kind == NODE_DELAY)
    {
      for (guint i = 0; i < in->terms->len; i++)
        {
          Term *t = in->terms->pdata[i];
          gsize np = t->prod->n_out;
          if (t->delay == NULL)
            t->delay = g_new0 (int, in->n * np);
          for (gsize r = 0; r < in->n; r++)
            {
              double d = _bsl_nir_param (prod, "delay", r, 0.0) / ctx->dt;
              int steps = (int) lround (d);
              if (d < 0)
                {
                  g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                               "%s: node '%s' (Delay): delay[%" G_GSIZE_FORMAT "] = %g is "
                               "negative", ctx->display, prod->path, r,
                               _bsl_nir_param (prod, "delay", r, 0.0));
                  _bsl_nir_expr_free (in);
                  return NULL;
                }
              if (fabs (d - steps) > 1e-6)
                note (ctx, "node '%s' (Delay): delay[%" G_GSIZE_FORMAT "] = %g s rounded to %d "
                      "steps of %g s", prod->path, r, _bsl_nir_param (prod, "delay", r, 0.0), steps,
                      ctx->dt);
              for (gsize j = 0; j < np; j++)
                t->delay[r * np + j] += steps;
            }
          /* A Delay after a weight node belongs to that node's connection. */
          if (t->via == NULL)
            t->via = g_strdup (prod->name);
        }
      prod->expr = in;
    }
  else   /* NODE_LINEAR */
    {
      const BslArray *w = _bsl_nir_node_array (prod, "weight");
      const BslArray *b = _bsl_nir_node_array (prod, "bias");
      const BslArray *s = _bsl_nir_node_array (prod, "scale");
      g_autofree double *diag = NULL;

      if (s != NULL)
        {
          diag = g_new (double, prod->n_out);
          for (gsize i = 0; i < prod->n_out; i++)
            diag[i] = _bsl_nir_param (prod, "scale", i, 1.0);
        }
      if (prod->dense_w != NULL)
        prod->expr = expr_map (ctx, prod, in, prod->n_out, prod->dense_w, NULL, prod->dense_b,
                               error);
      else
        prod->expr = expr_map (ctx, prod, in, prod->n_out, w ? w->data : NULL, diag,
                               b ? b->data : NULL, error);
      _bsl_nir_expr_free (in);
    }
  return prod->expr;
}
