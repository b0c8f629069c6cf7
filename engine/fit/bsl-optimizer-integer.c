/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-optimizer-methods.h"

/* Search over integer boxes (Loihi 2 parameter ranges), for objectives that are piecewise
 * constant: a fixed-point trace changes only when a parameter crosses a rounding or a spike
 * boundary, so gradients and simplex shrinking say little, while evaluations are cheap.
 *
 * 1. Coordinate line searches: every value of a dimension when its range is small (du and dv
 *    have 4096), otherwise a grid over the range refined around its best point, plus steps of
 *    +-2^k around the current value. Later sweeps use the +-2^k steps and a refined bracket.
 * 2. When no single coordinate helps: joint steps of two dimensions at several scales, then
 *    "profile" steps (one dimension steps, every other one follows by a line search), for
 *    parameters that only pay off together (a leak and a bias, a threshold on a plateau and
 *    the biases of every neuron).
 * 3. After every successful move, the same displacement again, doubled while it helps
 *    (a pattern move), to travel along narrow valleys quickly.
 * 4. Kicks: a random jump of a few dimensions from the best point, followed by 1 to 3; kept
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

/* A quick line search of dimension j from point x (value fx): steps of +-2^k, then a grid over
 * the bracket around the best step, refined. Updates x and returns the best value. */
static double
quick_line_search (Search *s,
                   double *x,
                   double  fx,
                   guint   j,
                   double  max_radius)
{
  BslOptimizer *opt = s->opt;
  double lo = opt->lower[j], hi = opt->upper[j];
  double best_step = 0.0, x0 = x[j];
  double *trial = s->trial;

  for (double d = 1; d <= MIN (hi - lo, max_radius) && !_bsl_optimizer_stopped (opt); d *= 2)
    for (int sign = -1; sign <= 1; sign += 2)
      {
        double v = x0 + sign * d, f;

        if (v < lo || v > hi)
          continue;
        memcpy (trial, x, opt->n * sizeof (double));
        trial[j] = v;
        f = _bsl_optimizer_evaluate (opt, trial);
        if (f < fx)
          {
            fx = f;
            best_step = sign * d;
          }
      }
  if (best_step != 0.0)
    {
      /* The best lies between half and twice the best step. */
      double a = x0 + best_step / 2, b = x0 + best_step * 2;

      x[j] = x0 + best_step;
      if (a > b)
        {
          double t = a;

          a = b;
          b = t;
        }
      a = MAX (a, lo);
      b = MIN (b, hi);
      if (opt->integer[j])
        {
          a = ceil (a);
          b = floor (b);
        }
      while (!_bsl_optimizer_stopped (opt))
        {
          double stride = MAX (1.0, floor ((b - a) / 16));
          double center;

          for (double v = a; v <= b; v += stride)
            {
              double f;

              if (v == x[j])
                continue;
              memcpy (trial, x, opt->n * sizeof (double));
              trial[j] = v;
              f = _bsl_optimizer_evaluate (opt, trial);
              if (f < fx)
                {
                  fx = f;
                  x[j] = v;
                }
            }
          if (stride <= 1.0)
            break;
          center = x[j];
          a = MAX (lo, center - stride);
          b = MIN (hi, center + stride);
        }
    }
  return fx;
}

/* Sweeps until none improves. full: exhaustive or grid line searches, otherwise quick ones. */
static gboolean
coordinate_sweeps (Search  *s,
                   gboolean full)
{
  BslOptimizer *opt = s->opt;
  gboolean any = FALSE, improved = TRUE;

  while (improved && !_bsl_optimizer_stopped (opt))
    {
      improved = FALSE;
      for (guint i = 0; i < opt->n && !_bsl_optimizer_stopped (opt); i++)
        {
          double before = s->fx;

          if (!opt->integer[i])
            line_search_real (s, i);
          else if (full)
            line_search_integer (s, i);
          else
            s->fx = quick_line_search (s, s->x, s->fx, i, INFINITY);
          improved |= s->fx < before;
        }
      /* One exhaustive pass finds the basin; quick passes follow it down. */
      full = FALSE;
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

/* For parameters that only pay off together (a threshold on a plateau and the biases of every
 * neuron that have to move with it): step dimension i, let every other dimension follow by a
 * line search, keep the result when it beats the current point. Steps grow as a Fibonacci
 * sequence. */
static gboolean
profile_search (Search *s)
{
  BslOptimizer *opt = s->opt;
  guint n = opt->n;
  g_autofree double *y = g_new (double, n);
  double max_range = 0.0;

  if (n < 2)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (opt->integer[i])
      max_range = MAX (max_range, opt->upper[i] - opt->lower[i]);
  /* Small steps of every dimension first: the move that helps is usually a small one. */
  for (double a = 1, b = 2; a <= MAX (max_range / 8, 8); )
    {
      for (guint i = 0; i < n; i++)
        {
          double range = opt->upper[i] - opt->lower[i];

          if (!opt->integer[i] || a > MAX (range / 8, 8) || a > range)
            continue;
          for (int sign = -1; sign <= 1; sign += 2)
            {
              double v = s->x[i] + sign * a, f;

              if (v < opt->lower[i] || v > opt->upper[i] || _bsl_optimizer_stopped (opt))
                continue;
              memcpy (y, s->x, n * sizeof (double));
              y[i] = v;
              f = _bsl_optimizer_evaluate (opt, y);
              /* The others follow, as far as they need to. */
              for (guint j = 0; j < n; j++)
                if (j != i && opt->integer[j])
                  f = quick_line_search (s, y, f, j, INFINITY);
              if (f < s->fx)
                {
                  memcpy (s->x, y, n * sizeof (double));
                  s->fx = f;
                  return TRUE;
                }
            }
        }
      {
        double next = a + b;

        a = b;
        b = next;
      }
    }
  return FALSE;
}

/* Repeats the displacement from `from` to the current point, doubling it while that helps. */
static void
pattern_move (Search       *s,
              const double *from)
{
  BslOptimizer *opt = s->opt;
  guint n = opt->n;
  g_autofree double *d = g_new (double, n);
  gboolean moved = FALSE;

  for (guint i = 0; i < n; i++)
    {
      d[i] = s->x[i] - from[i];
      moved |= d[i] != 0.0;
    }
  while (moved && !_bsl_optimizer_stopped (opt))
    {
      double f;

      for (guint i = 0; i < n; i++)
        s->trial[i] = s->x[i] + d[i];
      _bsl_optimizer_project (opt, s->trial);
      if (memcmp (s->trial, s->x, n * sizeof (double)) == 0)
        break;
      f = _bsl_optimizer_evaluate (opt, s->trial);
      if (!(f < s->fx))
        break;
      memcpy (s->x, s->trial, n * sizeof (double));
      s->fx = f;
      for (guint i = 0; i < n; i++)
        d[i] *= 2.0;
    }
}

static void
local_search (Search *s)
{
  BslOptimizer *opt = s->opt;
  g_autofree double *before = g_new (double, opt->n);
  gboolean full = TRUE;

  while (!_bsl_optimizer_stopped (opt))
    {
      memcpy (before, s->x, opt->n * sizeof (double));
      if (!coordinate_sweeps (s, full) && !pair_moves (s) && !profile_search (s))
        {
          /* Nothing local helps: a last exhaustive sweep decides. */
          if (full || !coordinate_sweeps (s, TRUE))
            break;
        }
      full = FALSE;
      pattern_move (s, before);
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
      double best_f = _bsl_optimizer_copy_best (opt, best);
      guint n_kick = 1 + (guint) bsl_random_below (&opt->rng, MIN (n, 3));

      memcpy (x, best, n * sizeof (double));
      for (guint k = 0; k < n_kick; k++)
        {
          guint i = (guint) bsl_random_below (&opt->rng, n);
          double width = MAX (_bsl_optimizer_initial_step (opt, i), 1.0);

          x[i] += width * (2.0 * bsl_random_uniform (&opt->rng) - 1.0);
        }
      _bsl_optimizer_project (opt, x);
      s.fx = _bsl_optimizer_evaluate (opt, x);
      local_search (&s);
      stale = s.fx < best_f ? 0 : stale + 1;
    }
}
