/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-optimizer-private.h"

/* Search over integer boxes (Loihi 2 parameter ranges), for objectives that are piecewise
 * constant: a fixed-point trace changes only when a parameter crosses a rounding or a spike
 * boundary, so gradients and simplex shrinking say little, while evaluations are cheap.
 *
 * 1. Coordinate line searches: every value of a dimension when its range is small (du and dv
 *    have 4096), otherwise a grid over the range refined around its best point, plus steps of
 *    +-2^k around the current value. Repeated until a sweep changes nothing.
 * 2. Pair moves: small joint steps in two dimensions at several scales, for parameters that
 *    trade off against each other (a leak against a bias).
 * 3. Kicks: a random jump of a few dimensions from the best point, followed by 1 and 2; kept
 *    when it ends better. The search stops after many kicks without progress.
 *
 * Only integer points inside the bounds are ever proposed. Real dimensions, if any, get
 * multiplicative step searches. */

#define FULL_SCAN_MAX      4097
#define GRID_POINTS        257
#define MAX_STALE_KICKS    24

typedef struct
{
  BslOptimizer *opt;
  double       *x;       /* current point */
  double        fx;
  double       *trial;
} Search;

/* Tries value v in dimension i; takes it when strictly better, or equally good and closer to
 * `anchor` than the current value (keeps the search from wandering along plateaus). */
static gboolean
try_value (Search *s,
           guint   i,
           double  v)
{
  BslOptimizer *opt = s->opt;
  double f;

  v = CLAMP (v, opt->lower[i], opt->upper[i]);
  if (opt->integer[i])
    v = nearbyint (v);
  if (v == s->x[i])
    return FALSE;
  memcpy (s->trial, s->x, opt->n * sizeof (double));
  s->trial[i] = v;
  f = _bsl_optimizer_evaluate (opt, s->trial);
  if (f < s->fx)
    {
      s->x[i] = v;
      s->fx = f;
      return TRUE;
    }
  return FALSE;
}

static gboolean
line_search_integer (Search *s,
                     guint   i)
{
  BslOptimizer *opt = s->opt;
  double lo = opt->lower[i], hi = opt->upper[i];
  double range = hi - lo;
  double start_f = s->fx;

  if (range + 1 <= FULL_SCAN_MAX)
    {
      /* Outwards from the current value, so that among equal values the nearest wins. */
      double x0 = s->x[i];

      for (double d = 1; d <= range && !_bsl_optimizer_stopped (opt); d++)
        {
          double base = x0;

          if (base + d <= hi)
            try_value (s, i, base + d);
          if (base - d >= lo)
            {
              /* try_value compares against the (possibly moved) current point. */
              try_value (s, i, base - d);
            }
        }
      return s->fx < start_f;
    }

  /* Steps of +-2^k around the current value find the local structure... */
  for (double d = 1; d <= range && !_bsl_optimizer_stopped (opt); d *= 2)
    {
      double base = s->x[i];

      try_value (s, i, base + d);
      try_value (s, i, base - d);
    }
  /* ... and a grid refined around its best point finds a distant basin. */
  {
    double a = lo, b = hi;

    while (!_bsl_optimizer_stopped (opt))
      {
        double stride = (b - a) / (GRID_POINTS - 1);

        if (stride < 1.0)
          stride = 1.0;
        for (double v = a; v <= b + 0.5 && !_bsl_optimizer_stopped (opt); v += stride)
          try_value (s, i, v);
        if (stride <= 1.0)
          break;
        a = MAX (lo, s->x[i] - stride);
        b = MIN (hi, s->x[i] + stride);
      }
  }
  return s->fx < start_f;
}

static gboolean
line_search_real (Search *s,
                  guint   i)
{
  BslOptimizer *opt = s->opt;
  double start_f = s->fx;
  double step = _bsl_optimizer_initial_step (opt, i);

  for (; step > 1e-12 * MAX (1.0, fabs (s->x[i])) && !_bsl_optimizer_stopped (opt); step *= 0.5)
    {
      while (!_bsl_optimizer_stopped (opt) &&
             (try_value (s, i, s->x[i] + step) || try_value (s, i, s->x[i] - step)))
        ;
    }
  return s->fx < start_f;
}

static gboolean
coordinate_sweeps (Search *s)
{
  BslOptimizer *opt = s->opt;
  gboolean any = FALSE, improved = TRUE;

  while (improved && !_bsl_optimizer_stopped (opt))
    {
      improved = FALSE;
      for (guint i = 0; i < opt->n && !_bsl_optimizer_stopped (opt); i++)
        {
          gboolean better = opt->integer[i] ? line_search_integer (s, i) : line_search_real (s, i);

          improved |= better;
        }
      any |= improved;
    }
  return any;
}

static gboolean
pair_moves (Search *s)
{
  BslOptimizer *opt = s->opt;
  static const double scales[] = { 1, 4, 16, 64, 256 };

  for (guint si = 0; si < G_N_ELEMENTS (scales); si++)
    for (guint i = 0; i < opt->n; i++)
      for (guint j = i + 1; j < opt->n; j++)
        for (int a = -2; a <= 2; a++)
          for (int b = -2; b <= 2; b++)
            {
              double di, dj, f;

              if (a == 0 || b == 0 || _bsl_optimizer_stopped (opt))
                continue;
              di = a * scales[si] * (opt->integer[i] ? 1.0 : 0.01 * _bsl_optimizer_initial_step (opt, i));
              dj = b * scales[si] * (opt->integer[j] ? 1.0 : 0.01 * _bsl_optimizer_initial_step (opt, j));
              memcpy (s->trial, s->x, opt->n * sizeof (double));
              s->trial[i] += di;
              s->trial[j] += dj;
              _bsl_optimizer_project (opt, s->trial);
              if (s->trial[i] == s->x[i] || s->trial[j] == s->x[j])
                continue;
              f = _bsl_optimizer_evaluate (opt, s->trial);
              if (f < s->fx)
                {
                  memcpy (s->x, s->trial, opt->n * sizeof (double));
                  s->fx = f;
                  return TRUE;
                }
            }
  return FALSE;
}

static void
local_search (Search *s)
{
  while (!_bsl_optimizer_stopped (s->opt))
    {
      coordinate_sweeps (s);
      if (!pair_moves (s))
        break;
    }
}

void
_bsl_optimizer_run_integer (BslOptimizer *opt)
{
  guint n = opt->n;
  g_autofree double *x = g_memdup2 (opt->x0, n * sizeof (double));
  g_autofree double *trial = g_new (double, n);
  g_autofree double *best = g_new (double, n);
  Search s = { opt, x, INFINITY, trial };
  guint stale = 0;

  s.fx = _bsl_optimizer_evaluate (opt, x);
  local_search (&s);

  while (!_bsl_optimizer_stopped (opt) && stale < MAX_STALE_KICKS)
    {
      double best_f = bsl_optimizer_get_best (opt, best);
      guint n_kick = 1 + (guint) _bsl_rng_below (&opt->rng, MIN (n, 3));

      memcpy (x, best, n * sizeof (double));
      for (guint k = 0; k < n_kick; k++)
        {
          guint i = (guint) _bsl_rng_below (&opt->rng, n);
          double width = MAX (_bsl_optimizer_initial_step (opt, i), 1.0);

          x[i] += width * (2.0 * _bsl_rng_uniform (&opt->rng) - 1.0);
        }
      _bsl_optimizer_project (opt, x);
      s.fx = _bsl_optimizer_evaluate (opt, x);
      local_search (&s);
      stale = s.fx < best_f ? 0 : stale + 1;
    }
}
