/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-optimizer-methods.h"

/* (mu/mu_w, lambda)-CMA-ES with cumulative step-size adaptation, rank-one and rank-mu updates of
 * the covariance (the standard parameter choices of Hansen's tutorial, arXiv:1604.00772), run in
 * coordinates scaled by each dimension's initial step. Restarts from the best point with a
 * doubled population (IPOP) when the distribution has collapsed or stagnates. */

#define CMA_MAX_RESTARTS 9

/* Eigen-decomposition of a symmetric n x n matrix by cyclic Jacobi rotations: a holds the
 * matrix (destroyed), vectors receives the eigenvectors as columns, values the eigenvalues. */
static void
jacobi_eigen (guint   n,
              double *a,
              double *vectors,
              double *values)
{
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      vectors[i * n + j] = i == j ? 1.0 : 0.0;

  for (guint sweep = 0; sweep < 100; sweep++)
    {
      double off = 0.0;

      for (guint p = 0; p < n; p++)
        for (guint q = p + 1; q < n; q++)
          off += a[p * n + q] * a[p * n + q];
      if (off < 1e-30)
        break;
      for (guint p = 0; p < n; p++)
        for (guint q = p + 1; q < n; q++)
          {
            double apq = a[p * n + q];
            double theta, t, c, sn;

            if (fabs (apq) < 1e-300)
              continue;
            theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
            t = (theta >= 0 ? 1.0 : -1.0) / (fabs (theta) + sqrt (theta * theta + 1.0));
            c = 1.0 / sqrt (t * t + 1.0);
            sn = t * c;
            for (guint k = 0; k < n; k++)
              {
                double akp = a[k * n + p], akq = a[k * n + q];

                a[k * n + p] = c * akp - sn * akq;
                a[k * n + q] = sn * akp + c * akq;
              }
            for (guint k = 0; k < n; k++)
              {
                double apk = a[p * n + k], aqk = a[q * n + k];

                a[p * n + k] = c * apk - sn * aqk;
                a[q * n + k] = sn * apk + c * aqk;
              }
            for (guint k = 0; k < n; k++)
              {
                double vkp = vectors[k * n + p], vkq = vectors[k * n + q];

                vectors[k * n + p] = c * vkp - sn * vkq;
                vectors[k * n + q] = sn * vkp + c * vkq;
              }
          }
    }
  for (guint i = 0; i < n; i++)
    values[i] = a[i * n + i];
}

typedef struct
{
  double f;
  guint  index;
} Ranked;

static int
compare_ranked (const void *a,
                const void *b)
{
  const Ranked *ra = a, *rb = b;

  if (ra->f < rb->f)
    return -1;
  if (ra->f > rb->f)
    return 1;
  return (int) ra->index - (int) rb->index;
}

/* One CMA-ES run from mean (scaled coordinates) with population lambda. Returns when the
 * distribution has collapsed, stagnates, or the optimiser stops. */
static void
cma_run (BslOptimizer *opt,
         const double *scale,
         double       *mean,
         guint         lambda,
         double        sigma)
{
  guint n = opt->n;
  guint mu = lambda / 2;
  g_autofree double *weights = g_new (double, mu);
  g_autofree double *C = g_new0 (double, n * n);
  g_autofree double *B = g_new0 (double, n * n);
  g_autofree double *D = g_new (double, n);
  g_autofree double *work = g_new (double, n * n);
  g_autofree double *pc = g_new0 (double, n);
  g_autofree double *ps = g_new0 (double, n);
  g_autofree double *z = g_new (double, lambda * n);
  g_autofree double *y = g_new (double, lambda * n);
  g_autofree double *xs = g_new (double, lambda * n);
  g_autofree double *xeval = g_new (double, n);
  g_autofree double *old_mean = g_new (double, n);
  g_autofree double *ymean = g_new (double, n);
  g_autofree double *tmp = g_new (double, n);
  g_autofree Ranked *ranked = g_new (Ranked, lambda);
  double wsum = 0.0, w2sum = 0.0, mueff, cc, cs, c1, cmu, damps, chi_n;
  double best_generation_history[64];
  guint generation = 0, stagnation_window;

  for (guint i = 0; i < mu; i++)
    {
      weights[i] = log (mu + 0.5) - log (i + 1.0);
      wsum += weights[i];
    }
  for (guint i = 0; i < mu; i++)
    {
      weights[i] /= wsum;
      w2sum += weights[i] * weights[i];
    }
  mueff = 1.0 / w2sum;
  cc = (4.0 + mueff / n) / (n + 4.0 + 2.0 * mueff / n);
  cs = (mueff + 2.0) / (n + mueff + 5.0);
  c1 = 2.0 / ((n + 1.3) * (n + 1.3) + mueff);
  cmu = MIN (1.0 - c1, 2.0 * (mueff - 2.0 + 1.0 / mueff) / ((n + 2.0) * (n + 2.0) + mueff));
  damps = 1.0 + 2.0 * MAX (0.0, sqrt ((mueff - 1.0) / (n + 1.0)) - 1.0) + cs;
  chi_n = sqrt ((double) n) * (1.0 - 1.0 / (4.0 * n) + 1.0 / (21.0 * n * n));
  stagnation_window = MIN (64, 10 + (guint) ceil (30.0 * n / lambda));

  for (guint i = 0; i < n; i++)
    {
      C[i * n + i] = 1.0;
      B[i * n + i] = 1.0;
      D[i] = 1.0;
    }

  while (!_bsl_optimizer_stopped (opt))
    {
      double gen_best = INFINITY, norm_ps = 0.0, hsig;

      /* Sample, keep inside the box (resampling a few times, then clamping), evaluate. */
      for (guint k = 0; k < lambda && !_bsl_optimizer_stopped (opt); k++)
        {
          double *zk = z + k * n, *yk = y + k * n, *xk = xs + k * n;

          for (guint attempt = 0; attempt < 10; attempt++)
            {
              gboolean inside = TRUE;

              for (guint i = 0; i < n; i++)
                zk[i] = bsl_random_normal (&opt->rng);
              for (guint i = 0; i < n; i++)
                {
                  double sum = 0.0;

                  for (guint j = 0; j < n; j++)
                    sum += B[i * n + j] * D[j] * zk[j];
                  yk[i] = sum;
                  xk[i] = mean[i] + sigma * sum;
                  if (xk[i] * scale[i] < opt->lower[i] || xk[i] * scale[i] > opt->upper[i])
                    inside = FALSE;
                }
              if (inside)
                break;
            }
          for (guint i = 0; i < n; i++)
            {
              double x = CLAMP (xk[i] * scale[i], opt->lower[i], opt->upper[i]);

              xk[i] = x / scale[i];
              yk[i] = (xk[i] - mean[i]) / sigma;
              xeval[i] = x;
            }
          ranked[k].f = _bsl_optimizer_evaluate (opt, xeval);
          ranked[k].index = k;
          gen_best = MIN (gen_best, ranked[k].f);
        }
      if (_bsl_optimizer_stopped (opt))
        break;
      qsort (ranked, lambda, sizeof (Ranked), compare_ranked);

      /* Recombination. */
      memcpy (old_mean, mean, n * sizeof (double));
      memset (ymean, 0, n * sizeof (double));
      for (guint r = 0; r < mu; r++)
        for (guint i = 0; i < n; i++)
          ymean[i] += weights[r] * y[ranked[r].index * n + i];
      for (guint i = 0; i < n; i++)
        mean[i] = old_mean[i] + sigma * ymean[i];

      /* Step-size path: C^-1/2 ymean = B D^-1 B^T ymean. */
      for (guint j = 0; j < n; j++)
        {
          double sum = 0.0;

          for (guint i = 0; i < n; i++)
            sum += B[i * n + j] * ymean[i];
          tmp[j] = sum / D[j];
        }
      for (guint i = 0; i < n; i++)
        {
          double sum = 0.0;

          for (guint j = 0; j < n; j++)
            sum += B[i * n + j] * tmp[j];
          ps[i] = (1.0 - cs) * ps[i] + sqrt (cs * (2.0 - cs) * mueff) * sum;
          norm_ps += ps[i] * ps[i];
        }
      norm_ps = sqrt (norm_ps);
      hsig = norm_ps / sqrt (1.0 - pow (1.0 - cs, 2.0 * (generation + 1))) / chi_n
             < 1.4 + 2.0 / (n + 1.0) ? 1.0 : 0.0;
      for (guint i = 0; i < n; i++)
        pc[i] = (1.0 - cc) * pc[i] + hsig * sqrt (cc * (2.0 - cc) * mueff) * ymean[i];

      /* Covariance: rank-one and rank-mu. */
      for (guint i = 0; i < n; i++)
        for (guint j = 0; j <= i; j++)
          {
            double rank_mu = 0.0, value;

            for (guint r = 0; r < mu; r++)
              {
                const double *yr = y + ranked[r].index * n;

                rank_mu += weights[r] * yr[i] * yr[j];
              }
            value = (1.0 - c1 - cmu) * C[i * n + j]
                    + c1 * (pc[i] * pc[j] + (1.0 - hsig) * cc * (2.0 - cc) * C[i * n + j])
                    + cmu * rank_mu;
            C[i * n + j] = C[j * n + i] = value;
          }
      sigma *= exp ((cs / damps) * (norm_ps / chi_n - 1.0));

      memcpy (work, C, n * n * sizeof (double));
      jacobi_eigen (n, work, B, D);
      {
        double max_d = 0.0, min_d = INFINITY;

        for (guint i = 0; i < n; i++)
          {
            D[i] = sqrt (MAX (D[i], 1e-300));
            max_d = MAX (max_d, D[i]);
            min_d = MIN (min_d, D[i]);
          }
        /* Collapsed, or so ill-conditioned that sampling is numerically meaningless. */
        if (sigma * max_d < 1e-13 || max_d > 1e7 * min_d || !isfinite (sigma))
          break;
      }

      best_generation_history[generation % stagnation_window] = gen_best;
      generation++;
      if (generation >= stagnation_window)
        {
          double lo = INFINITY, hi = -INFINITY;

          for (guint g = 0; g < stagnation_window; g++)
            {
              lo = MIN (lo, best_generation_history[g]);
              hi = MAX (hi, best_generation_history[g]);
            }
          if (hi - lo <= 1e-14 * fabs (lo))
            break;
        }
    }
}

void
_bsl_optimizer_run_cma_es (BslOptimizer *opt)
{
  guint n = opt->n;
  guint lambda = 4 + (guint) floor (3.0 * log ((double) n));
  g_autofree double *scale = g_new (double, n);
  g_autofree double *mean = g_new (double, n);
  g_autofree double *best = g_new (double, n);
  guint stale = 0;

  for (guint i = 0; i < n; i++)
    scale[i] = _bsl_optimizer_initial_step (opt, i);
  for (guint i = 0; i < n; i++)
    mean[i] = opt->x0[i] / scale[i];
  _bsl_optimizer_evaluate (opt, opt->x0);

  for (guint restart = 0; !_bsl_optimizer_stopped (opt); restart++)
    {
      double before = opt->best_value;

      cma_run (opt, scale, mean, lambda, 1.0);
      if (_bsl_optimizer_stopped (opt))
        break;
      _bsl_optimizer_copy_best (opt, best);
      for (guint i = 0; i < n; i++)
        mean[i] = best[i] / scale[i];
      stale = opt->best_value < before ? 0 : stale + 1;
      if (stale >= 3 || restart >= CMA_MAX_RESTARTS)
        break;
      lambda = MIN (lambda * 2, 512);
    }
}
