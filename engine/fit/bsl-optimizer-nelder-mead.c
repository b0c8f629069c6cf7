/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-optimizer-methods.h"

/* Nelder-Mead with the dimension-dependent coefficients of Gao and Han (2012), which keep the
 * simplex from collapsing early in more than a few dimensions, and restarts around the best
 * point: a spike trace makes the objective piecewise smooth, and a fresh simplex steps over the
 * edges a shrunken one is stuck on. */

#define NM_MAX_STALE_RESTARTS 12

typedef struct
{
  guint   n;
  double *x;      /* (n + 1) * n */
  double *f;      /* n + 1 */
} Simplex;

static void
sort_simplex (Simplex *s)
{
  guint n = s->n;

  /* Insertion sort: n is small and the simplex is nearly sorted after each step. */
  for (guint i = 1; i <= n; i++)
    {
      double fi = s->f[i];
      double xi[n];
      int j = (int) i - 1;

      memcpy (xi, s->x + i * n, n * sizeof (double));
      while (j >= 0 && s->f[j] > fi)
        {
          s->f[j + 1] = s->f[j];
          memcpy (s->x + (j + 1) * n, s->x + j * n, n * sizeof (double));
          j--;
        }
      s->f[j + 1] = fi;
      memcpy (s->x + (j + 1) * n, xi, n * sizeof (double));
    }
}

static gboolean
simplex_converged (BslOptimizer  *opt,
                   const Simplex *s,
                   const double  *scale)
{
  guint n = s->n;
  double diameter = 0.0;
  double spread = s->f[n] - s->f[0];

  for (guint j = 1; j <= n; j++)
    for (guint i = 0; i < n; i++)
      {
        double d = fabs (s->x[j * n + i] - s->x[i]) / scale[i];

        diameter = MAX (diameter, d);
      }
  if (diameter < 1e-11)
    return TRUE;
  /* A simplex all of whose vertices round to the same integer point cannot move. */
  {
    gboolean all_integer_same = TRUE;

    for (guint i = 0; i < n && all_integer_same; i++)
      {
        if (!opt->integer[i])
          {
            all_integer_same = FALSE;
            break;
          }
        for (guint j = 1; j <= n; j++)
          if (nearbyint (s->x[j * n + i]) != nearbyint (s->x[i]))
            {
              all_integer_same = FALSE;
              break;
            }
      }
    if (all_integer_same)
      return TRUE;
  }
  return isfinite (spread) && spread <= 1e-15 * fabs (s->f[0]) && diameter < 1e-6;
}

static void
project_soft (BslOptimizer *opt,
              double       *x)
{
  /* Keep the simplex inside the box (the objective is only ever asked inside it anyway) so
   * that a vertex outside does not sit on a flat, clamped copy of the boundary. */
  for (guint i = 0; i < opt->n; i++)
    x[i] = CLAMP (x[i], opt->lower[i], opt->upper[i]);
}

/* The start, and one step along each axis (towards the inside of the box when the step would
 * leave it), evaluated. After a restart without progress the steps' signs are drawn. */
static void
initial_simplex (BslOptimizer *opt,
                 Simplex      *s,
                 const double *start,
                 const double *scale,
                 double        restart_factor,
                 gboolean      random_signs)
{
  guint n = opt->n;

  memcpy (s->x, start, n * sizeof (double));
  for (guint j = 1; j <= n; j++)
    {
      double *v = s->x + j * n;
      guint i = j - 1;
      double step = scale[i] * restart_factor;

      memcpy (v, start, n * sizeof (double));
      if (opt->integer[i])
        step = MAX (step, 1.0);
      if (random_signs && bsl_random_uniform (&opt->rng) < 0.5)
        step = -step;
      if (v[i] + step > opt->upper[i])
        step = -step;
      v[i] += step;
      if (v[i] < opt->lower[i])
        v[i] = opt->lower[i];
    }
  for (guint j = 0; j <= n && !_bsl_optimizer_stopped (opt); j++)
    s->f[j] = _bsl_optimizer_evaluate (opt, s->x + j * n);
}

void
_bsl_optimizer_run_nelder_mead (BslOptimizer *opt)
{
  guint n = opt->n;
  double alpha = 1.0;
  double beta = 1.0 + 2.0 / n;
  double gamma = 0.75 - 1.0 / (2.0 * n);
  double delta = 1.0 - 1.0 / n;
  g_autofree double *scale = g_new (double, n);
  g_autofree double *centroid = g_new (double, n);
  g_autofree double *xr = g_new (double, n);
  g_autofree double *xe = g_new (double, n);
  g_autofree double *xc = g_new (double, n);
  g_autofree double *start = g_memdup2 (opt->x0, n * sizeof (double));
  Simplex s = { n, g_new (double, (n + 1) * n), g_new (double, n + 1) };
  guint stale_restarts = 0;
  double restart_factor = 1.0;

  if (n == 1)
    {
      /* Gao-Han's coefficients degenerate at n = 1: use the standard ones. */
      beta = 2.0;
      gamma = 0.5;
      delta = 0.5;
    }
  for (guint i = 0; i < n; i++)
    scale[i] = _bsl_optimizer_initial_step (opt, i);

  while (!_bsl_optimizer_stopped (opt))
    {
      double best_before = opt->best_value;

      initial_simplex (opt, &s, start, scale, restart_factor, stale_restarts > 0);

      while (!_bsl_optimizer_stopped (opt))
        {
          double fr, *worst;

          sort_simplex (&s);
          if (simplex_converged (opt, &s, scale))
            break;

          memset (centroid, 0, n * sizeof (double));
          for (guint j = 0; j < n; j++)
            for (guint i = 0; i < n; i++)
              centroid[i] += s.x[j * n + i] / n;
          worst = s.x + n * n;

          for (guint i = 0; i < n; i++)
            xr[i] = centroid[i] + alpha * (centroid[i] - worst[i]);
          project_soft (opt, xr);
          fr = _bsl_optimizer_evaluate (opt, xr);

          if (fr < s.f[0])
            {
              double fe;

              for (guint i = 0; i < n; i++)
                xe[i] = centroid[i] + beta * (xr[i] - centroid[i]);
              project_soft (opt, xe);
              fe = _bsl_optimizer_evaluate (opt, xe);
              if (fe < fr)
                {
                  memcpy (worst, xe, n * sizeof (double));
                  s.f[n] = fe;
                }
              else
                {
                  memcpy (worst, xr, n * sizeof (double));
                  s.f[n] = fr;
                }
              continue;
            }
          if (fr < s.f[n - 1])
            {
              memcpy (worst, xr, n * sizeof (double));
              s.f[n] = fr;
              continue;
            }

          {
            gboolean outside = fr < s.f[n];
            double fc;

            for (guint i = 0; i < n; i++)
              xc[i] = outside ? centroid[i] + gamma * (xr[i] - centroid[i])
                              : centroid[i] - gamma * (centroid[i] - worst[i]);
            fc = _bsl_optimizer_evaluate (opt, xc);
            if (fc < (outside ? fr : s.f[n]))
              {
                memcpy (worst, xc, n * sizeof (double));
                s.f[n] = fc;
                continue;
              }
          }

          /* Shrink towards the best vertex. */
          for (guint j = 1; j <= n && !_bsl_optimizer_stopped (opt); j++)
            {
              double *v = s.x + j * n;

              for (guint i = 0; i < n; i++)
                v[i] = s.x[i] + delta * (v[i] - s.x[i]);
              s.f[j] = _bsl_optimizer_evaluate (opt, v);
            }
        }

      if (_bsl_optimizer_stopped (opt))
        break;
      /* Restart from the best point found so far. Without progress, alternately a full-size
       * simplex (to step off a plateau, as a spike threshold makes) and ever smaller ones (to
       * polish a narrow minimum); after progress, full size again. */
      _bsl_optimizer_copy_best (opt, start);
      if (opt->best_value < best_before)
        {
          stale_restarts = 0;
          restart_factor = 1.0;
        }
      else
        {
          stale_restarts++;
          if (stale_restarts >= NM_MAX_STALE_RESTARTS)
            break;
          restart_factor = stale_restarts % 2 ? pow (0.1, (stale_restarts + 1) / 2) : 1.0;
        }
    }

  g_free (s.x);
  g_free (s.f);
}
