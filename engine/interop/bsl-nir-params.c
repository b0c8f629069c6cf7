/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The nodes a NIR file was read into, checked: their sizes (convolutions and pooling as dense
 * matrices), their edges, and their neuron parameters as those of Lava's LIF. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-nir-hdf5-read.h"
#include "bsl-nir-import-private.h"

static gsize
array_prod_shape (const BslArray *shape)
{
  gsize n = 1;

  for (gsize i = 0; i < shape->n; i++)
    n *= (gsize) MAX (shape->data[i], 0);
  return n;
}

static gboolean
check_vector (Ctx *ctx, Node *node, const char *ds, gsize *n, GError **error)
{
  const BslArray *a = _bsl_nir_node_array (node, ds);
  gsize m;

  if (a == NULL)
    return TRUE;
  m = a->ndim == 0 ? 0 : a->n;   /* 0-d: broadcast */
  if (m == 0 && a->ndim != 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "%s: node '%s' (%s): '%s' is empty",
                   ctx->display, node->path, node->type, ds);
      return FALSE;
    }
  if (m != 0 && *n != 0 && m != *n)
    {
      g_autofree char *shape = bsl_shape_to_string (a->ndim, a->dims);
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "%s: node '%s' (%s): '%s' has shape %s (%" G_GSIZE_FORMAT " values) but the "
                   "other parameters have %" G_GSIZE_FORMAT " (wrong shape)",
                   ctx->display, node->path, node->type, ds, shape, m, *n);
      return FALSE;
    }
  if (m != 0)
    *n = m;
  return TRUE;
}

/* Element i of a parameter, with its default when it is optional and missing. */
double
_bsl_nir_param (Node *node, const char *ds, gsize i, double fallback)
{
  const BslArray *a = _bsl_nir_node_array (node, ds);

  if (a == NULL)
    return fallback;
  return a->ndim == 0 ? a->data[0] : a->data[i];
}

/* Sets a node's output shape; its size is the product. */
static void
set_shape (Node *node, guint ndim, const gsize *dims)
{
  node->ndim = MIN (ndim, BSL_MAX_DIMS);
  node->n_out = 1;
  for (guint d = 0; d < node->ndim; d++)
    {
      node->shape[d] = dims[d];
      node->n_out *= dims[d];
    }
}

/* One of the 1 or 2 values of a per-axis parameter (an int is used for every axis). */
static double
axis_param (Node *node, const char *ds, guint axis, double fallback)
{
  const BslArray *a = _bsl_nir_node_array (node, ds);

  if (a == NULL || a->n == 0)
    return fallback;
  return a->data[a->n > axis ? axis : 0];
}

static gboolean
dense_too_large (Ctx *ctx, Node *node, gsize n_out, gsize n_in, GError **error)
{
  if (n_in == 0 || n_out == 0 || n_out > (gsize) BSL_NIR_MAX_ELEMENTS / n_in)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
                   "%s: node '%s' (%s) would become a %" G_GSIZE_FORMAT " x %" G_GSIZE_FORMAT
                   " dense matrix, which is too large (or empty)", ctx->display, node->path,
                   node->type, n_out, n_in);
      return TRUE;
    }
  return FALSE;
}

/* out = (in + 2 pad - dilation (k - 1) - 1) / stride + 1, as NIR and PyTorch compute it. */
static gboolean
output_extent (Ctx *ctx, Node *node, gsize in, gsize k, long pad, long stride, long dil,
               gsize *out, GError **error)
{
  long span = (long) in + 2 * pad - dil * ((long) k - 1) - 1;

  if (stride <= 0 || dil <= 0 || pad < 0 || span < 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "%s: node '%s' (%s): kernel %" G_GSIZE_FORMAT ", stride %ld, padding %ld, "
                   "dilation %ld do not fit an input of %" G_GSIZE_FORMAT, ctx->display,
                   node->path, node->type, k, stride, pad, dil, in);
      return FALSE;
    }
  *out = (gsize) (span / stride + 1);
  return TRUE;
}

/* Conv1d / Conv2d as a dense matrix over the flattened (C, H, W) input and output. */
static gboolean
conv_setup (Ctx *ctx, Node *node, GError **error)
{
  const BslArray *w = _bsl_nir_node_array (node, "weight");
  const BslArray *bias = _bsl_nir_node_array (node, "bias");
  const BslArray *in_shape = _bsl_nir_node_array (node, "input_shape");
  gboolean two_d = g_str_equal (node->type, "Conv2d");
  guint sd = two_d ? 2 : 1;
  gsize c_out, c_in_g, c_in, k[2] = { 1, 1 }, in[2] = { 1, 1 }, out[2] = { 1, 1 };
  long groups = (long) _bsl_nir_param (node, "groups", 0, 1);
  long stride[2] = { 1, 1 }, pad[2] = { 0, 0 }, dil[2] = { 1, 1 };

  if (w->ndim != sd + 2 || in_shape->n != sd || groups <= 0 || w->dims[0] % groups != 0)
    {
      g_autofree char *shape = bsl_shape_to_string (w->ndim, w->dims);
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "%s: node '%s' (%s): 'weight' %s, 'input_shape' of %" G_GSIZE_FORMAT
                   " values and groups %ld do not fit together (wrong shape)", ctx->display,
                   node->path, node->type, shape, in_shape->n, groups);
      return FALSE;
    }
  c_out = w->dims[0];
  c_in_g = w->dims[1];
  c_in = c_in_g * groups;
  for (guint d = 0; d < sd; d++)
    {
      k[d] = w->dims[2 + d];
      in[d] = (gsize) MAX (in_shape->data[d], 0);
      stride[d] = (long) axis_param (node, "stride", d, 1);
      pad[d] = (long) axis_param (node, "padding", d, 0);
      dil[d] = (long) axis_param (node, "dilation", d, 1);
      if (!output_extent (ctx, node, in[d], k[d], pad[d], stride[d], dil[d], &out[d], error))
        return FALSE;
    }
  node->n_in = c_in * in[0] * in[1];
  {
    gsize dims[3] = { c_out, out[0], out[1] };
    set_shape (node, sd + 1, dims);
  }
  if (dense_too_large (ctx, node, node->n_out, node->n_in, error))
    return FALSE;
  node->dense_w = g_new0 (double, node->n_out * node->n_in);
  node->dense_b = g_new0 (double, node->n_out);
  for (gsize co = 0; co < c_out; co++)
    for (gsize oy = 0; oy < out[0]; oy++)
      for (gsize ox = 0; ox < out[1]; ox++)
        {
          gsize row = (co * out[0] + oy) * out[1] + ox;
          gsize g = co / (c_out / groups);
          node->dense_b[row] = bias != NULL && bias->n == c_out ? bias->data[co] : 0.0;
          for (gsize cl = 0; cl < c_in_g; cl++)
            for (gsize ky = 0; ky < k[0]; ky++)
              for (gsize kx = 0; kx < k[1]; kx++)
                {
                  long iy = (long) oy * stride[0] - pad[0] + (long) ky * dil[0];
                  long ix = (long) ox * stride[1] - pad[1] + (long) kx * dil[1];
                  gsize ci = g * c_in_g + cl, col;
                  if (iy < 0 || ix < 0 || iy >= (long) in[0] || ix >= (long) in[1])
                    continue;
                  col = (ci * in[0] + (gsize) iy) * in[1] + (gsize) ix;
                  node->dense_w[row * node->n_in + col] +=
                    w->data[((co * c_in_g + cl) * k[0] + ky) * k[1] + kx];
                }
        }
  note (ctx, "node '%s' (%s) became dense weights (%" G_GSIZE_FORMAT " x %" G_GSIZE_FORMAT ")",
        node->path, node->type, node->n_out, node->n_in);
  return TRUE;
}

/* SumPool2d / AvgPool2d over the (C, H, W) output of the node before. */
static gboolean
pool_setup (Ctx *ctx, Node *node, const Node *up, GError **error)
{
  gboolean avg = g_str_equal (node->type, "AvgPool2d");
  gsize k[2], out[2], c, in[2];
  long stride[2], pad[2];

  if (up->ndim != 3)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "%s: node '%s' (%s) needs a (C, H, W) input; '%s' gives %u dimensions",
                   ctx->display, node->path, node->type, up->path, up->ndim);
      return FALSE;
    }
  c = up->shape[0];
  for (guint d = 0; d < 2; d++)
    {
      in[d] = up->shape[1 + d];
      k[d] = (gsize) MAX (axis_param (node, "kernel_size", d, 1), 1);
      stride[d] = (long) axis_param (node, "stride", d, (double) k[d]);
      pad[d] = (long) axis_param (node, "padding", d, 0);
      if (!output_extent (ctx, node, in[d], k[d], pad[d], stride[d], 1, &out[d], error))
        return FALSE;
    }
  node->n_in = up->n_out;
  {
    gsize dims[3] = { c, out[0], out[1] };
    set_shape (node, 3, dims);
  }
  if (dense_too_large (ctx, node, node->n_out, node->n_in, error))
    return FALSE;
  node->dense_w = g_new0 (double, node->n_out * node->n_in);
  for (gsize ch = 0; ch < c; ch++)
    for (gsize oy = 0; oy < out[0]; oy++)
      for (gsize ox = 0; ox < out[1]; ox++)
        for (gsize ky = 0; ky < k[0]; ky++)
          for (gsize kx = 0; kx < k[1]; kx++)
            {
              long iy = (long) oy * stride[0] - pad[0] + (long) ky;
              long ix = (long) ox * stride[1] - pad[1] + (long) kx;
              gsize row = (ch * out[0] + oy) * out[1] + ox;
              if (iy < 0 || ix < 0 || iy >= (long) in[0] || ix >= (long) in[1])
                continue;
              node->dense_w[row * node->n_in + (ch * in[0] + (gsize) iy) * in[1] + (gsize) ix] +=
                avg ? 1.0 / (double) (k[0] * k[1]) : 1.0;
            }
  note (ctx, "node '%s' (%s) became dense weights (%" G_GSIZE_FORMAT " x %" G_GSIZE_FORMAT ")",
        node->path, node->type, node->n_out, node->n_in);
  return TRUE;
}

static gboolean
node_sizes (Ctx *ctx, Node *node, GError **error)
{
  const char *t = node->type;
  const BslArray *a;

  if (g_str_equal (t, "Input") || g_str_equal (t, "Output"))
    {
      a = _bsl_nir_node_array (node, "shape");
      if (a->ndim > 1)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                       "%s: node '%s' (%s): 'shape' must be a list of dimensions",
                       ctx->display, node->path, t);
          return FALSE;
        }
      node->n_in = node->n_out = array_prod_shape (a);
      {
        gsize dims[BSL_MAX_DIMS] = { 0 };
        for (guint d = 0; d < MIN (a->n, BSL_MAX_DIMS); d++)
          dims[d] = (gsize) MAX (a->data[d], 0);
        set_shape (node, MIN (a->n, BSL_MAX_DIMS), dims);
        node->n_out = node->n_in;
      }
    }
  else if (g_str_equal (t, "Conv1d") || g_str_equal (t, "Conv2d"))
    return conv_setup (ctx, node, error);
  else if (g_str_has_suffix (t, "Pool2d"))
    node->n_in = node->n_out = 0;   /* from the node before, in check_edges */
  else if (g_str_equal (t, "Affine") || g_str_equal (t, "Linear"))
    {
      a = _bsl_nir_node_array (node, "weight");
      if (a->ndim != 2)
        {
          g_autofree char *shape = bsl_shape_to_string (a->ndim, a->dims);
          g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                       "%s: node '%s' (%s): 'weight' must have shape (out, in), not %s",
                       ctx->display, node->path, t, shape);
          return FALSE;
        }
      node->n_out = a->dims[0];
      node->n_in = a->dims[1];
      node->ndim = 1;
      node->shape[0] = node->n_out;
      a = _bsl_nir_node_array (node, "bias");
      if (a != NULL && !(a->n == node->n_out && a->ndim <= 1))
        {
          g_autofree char *shape = bsl_shape_to_string (a->ndim, a->dims);
          g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                       "%s: node '%s' (%s): 'bias' has shape %s but 'weight' has %"
                       G_GSIZE_FORMAT " rows (wrong shape)",
                       ctx->display, node->path, t, shape, node->n_out);
          return FALSE;
        }
    }
  else if (g_str_equal (t, "Flatten"))
    {
      a = _bsl_nir_node_array (node, "input_type");
      node->n_in = node->n_out = a != NULL ? array_prod_shape (a) : 0;
    }
  else if (node->kind == NODE_IDENTITY)   /* nested Input/Output */
    node->n_in = node->n_out = array_prod_shape (_bsl_nir_node_array (node, "shape"));
  else
    {
      static const char *const all[] = { "scale", "delay", "threshold", "r", "tau", "v_leak",
                                         "v_threshold", "v_reset", "tau_syn", "tau_mem", "w_in",
                                         NULL };
      gsize n = 0;
      for (int i = 0; all[i] != NULL; i++)
        {
          const BslArray *p = _bsl_nir_node_array (node, all[i]);
          if (!check_vector (ctx, node, all[i], &n, error))
            return FALSE;
          if (p != NULL && p->ndim > 0 && node->ndim == 0)
            set_shape (node, p->ndim, p->dims);
        }
      node->n_in = node->n_out = MAX (n, 1);
    }
  if (node->ndim == 0 && node->n_out > 0)
    {
      node->ndim = 1;
      node->shape[0] = node->n_out;
    }
  return TRUE;
}

/* Sizes of Flatten nodes without input_type come from upstream; then every edge is checked. */
static gboolean
check_edges (Ctx *ctx, GError **error)
{
  gboolean changed = TRUE;

  while (changed)
    {
      changed = FALSE;
      for (guint i = 0; i < ctx->nodes->len; i++)
        {
          Node *node = ctx->nodes->pdata[i];
          Node *up;
          if (node->n_in != 0 || node->inputs->len == 0)
            continue;
          up = node->inputs->pdata[0];
          if (up->n_out == 0)
            continue;
          if (g_str_has_suffix (node->type, "Pool2d"))
            {
              if (!pool_setup (ctx, node, up, error))
                return FALSE;
            }
          else if (g_str_equal (node->type, "Flatten"))
            {
              node->n_in = node->n_out = up->n_out;
              node->ndim = 1;
              node->shape[0] = up->n_out;
            }
          else
            {
              node->n_in = up->n_out;
              set_shape (node, up->ndim, up->shape);
            }
          changed = TRUE;
        }
    }
  for (guint i = 0; i < ctx->nodes->len; i++)
    {
      Node *node = ctx->nodes->pdata[i];
      for (guint j = 0; j < node->outputs->len; j++)
        {
          Node *dst = node->outputs->pdata[j];
          if (dst->n_in != node->n_out)
            {
              g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                           "%s: edge '%s' -> '%s': '%s' (%s) gives %" G_GSIZE_FORMAT
                           " values but '%s' (%s) takes %" G_GSIZE_FORMAT " (wrong shapes)",
                           ctx->display, node->path, dst->path, node->path, node->type,
                           node->n_out, dst->path, dst->type, dst->n_in);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static gboolean
positive (Ctx *ctx, Node *node, const char *ds, gsize i, double value, GError **error)
{
  if (value > 0)
    return TRUE;
  g_set_error (error, BSL_ERROR, BSL_ERROR_RANGE,
               "%s: node '%s' (%s): %s[%" G_GSIZE_FORMAT "] = %g must be positive",
               ctx->display, node->path, node->type, ds, i, value);
  return FALSE;
}

/* Euler discretisation with step dt, spikes counted as 1 per step (the convention of the Lava
 * and snnTorch converters, see docs/interop.md):
 *   u = u (1 - du) + gain x,  v = v (1 - dv) + u + bias,  spike when v - v_reset > delta. */
static gboolean
neuron_params (Ctx *ctx, Node *node, GError **error)
{
  const char *t = node->type;
  gsize n = node->n_out;
  Neuron *nr = g_new0 (Neuron, 1);
  gboolean cuba = g_str_has_prefix (t, "Cuba");
  gboolean leaky = g_str_equal (t, "LI") || g_str_equal (t, "LIF");
  gboolean threshold = g_str_equal (t, "Threshold");
  gboolean clamped = FALSE;

  node->neuron = nr;
  nr->n = n;
  nr->spiking = g_str_equal (t, "IF") || g_str_equal (t, "LIF") || g_str_equal (t, "CubaLIF")
                || threshold;
  nr->du = g_new (double, n);
  nr->dv = g_new (double, n);
  nr->gain = g_new (double, n);
  nr->bias = g_new (double, n);
  nr->delta = g_new (double, n);
  nr->v0 = g_new0 (double, n);
  for (gsize i = 0; i < n; i++)
    {
      double r = _bsl_nir_param (node, "r", i, 1.0);
      double v_reset = nr->spiking && !threshold ? _bsl_nir_param (node, "v_reset", i, 0.0) : 0.0;
      double v_leak = _bsl_nir_param (node, "v_leak", i, 0.0);

      if (threshold)
        {
          /* Memoryless: v = a_in each step. */
          nr->du[i] = 1.0;
          nr->dv[i] = 1.0;
          nr->gain[i] = 1.0;
          nr->bias[i] = 0.0;
          nr->delta[i] = _bsl_nir_param (node, "threshold", i, 0.0);
          continue;
        }
      if (cuba)
        {
          double tau_syn = _bsl_nir_param (node, "tau_syn", i, 0);
          double tau_mem = _bsl_nir_param (node, "tau_mem", i, 0);
          if (!positive (ctx, node, "tau_syn", i, tau_syn, error)
              || !positive (ctx, node, "tau_mem", i, tau_mem, error))
            return FALSE;
          nr->du[i] = ctx->dt / tau_syn;
          nr->dv[i] = ctx->dt / tau_mem;
        }
      else if (leaky)
        {
          double tau = _bsl_nir_param (node, "tau", i, 0);
          if (!positive (ctx, node, "tau", i, tau, error))
            return FALSE;
          nr->du[i] = 1.0;
          nr->dv[i] = ctx->dt / tau;
        }
      else   /* I, IF */
        {
          nr->du[i] = 1.0;
          nr->dv[i] = 0.0;
        }
      if (nr->du[i] > 1.0 || nr->dv[i] > 1.0)
        clamped = TRUE;
      nr->du[i] = MIN (nr->du[i], 1.0);
      nr->dv[i] = MIN (nr->dv[i], 1.0);
      if (cuba)
        nr->gain[i] = nr->du[i] * _bsl_nir_param (node, "w_in", i, 1.0) * nr->dv[i] * r;
      else if (leaky)
        nr->gain[i] = nr->dv[i] * r;
      else
        nr->gain[i] = ctx->dt * r;
      nr->bias[i] = nr->dv[i] * (v_leak - v_reset);
      nr->delta[i] = _bsl_nir_param (node, "v_threshold", i, 0.0) - v_reset;
      nr->v0[i] = -v_reset;
    }
  if (clamped)
    note (ctx, "node '%s' (%s): a time constant is shorter than dt = %g s; its decay was "
          "clamped to 1 per step", node->path, t, ctx->dt);
  return TRUE;
}

/* A Threshold right after a non-spiking neuron (I, LI, CubaLI) with no other consumer is the
 * spiking version of that neuron, except that NIR's Threshold does not reset v: Lava's LIF does. */
static void
fuse_thresholds (Ctx *ctx)
{
  for (guint i = 0; i < ctx->nodes->len; i++)
    {
      Node *th = ctx->nodes->pdata[i];
      Node *up;

      if (!g_str_equal (th->type, "Threshold") || th->inputs->len != 1)
        continue;
      up = th->inputs->pdata[0];
      if (up->kind != NODE_NEURON || up->neuron->spiking || up->outputs->len != 1)
        continue;
      up->neuron->spiking = TRUE;
      for (gsize k = 0; k < up->n_out; k++)
        up->neuron->delta[k] = _bsl_nir_param (th, "threshold", k, 0.0);
      th->alias = up;
      note (ctx, "nodes '%s' (%s) and '%s' (Threshold) became one spiking LIF '%s': it resets v "
            "to 0 after a spike, which a bare NIR Threshold does not", up->path, up->type,
            th->path, up->name);
    }
}

/* Names, sizes, edges and neuron parameters of every node read. */
gboolean
_bsl_nir_check_nodes (Ctx *ctx, GError **error)
{
  for (guint i = 0; i < ctx->nodes->len; i++)
    {
      Node *node = ctx->nodes->pdata[i];
      /* Only nodes that become processes reserve their name; linear nodes lend theirs to the
       * connection they turn into, when that is free. */
      if (node->kind == NODE_SOURCE || node->kind == NODE_SINK || node->kind == NODE_NEURON)
        node->name = _bsl_nir_claim_name (ctx, node->base);
      else
        node->name = _bsl_nir_sanitize_name (node->base);
      if (!node_sizes (ctx, node, error))
        return FALSE;
    }
  if (!check_edges (ctx, error))
    return FALSE;
  for (guint i = 0; i < ctx->nodes->len; i++)
    {
      Node *node = ctx->nodes->pdata[i];
      if (node->kind == NODE_NEURON && !neuron_params (ctx, node, error))
        return FALSE;
    }
  fuse_thresholds (ctx);
  return TRUE;
}
