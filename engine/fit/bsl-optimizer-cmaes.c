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

/* The state of one CMA-ES run: the distribution, its evolution paths and the learning rates. */
typedef struct
{
  guint   n, lambda, mu;
  double *weights;
  double *C, *B, *D, *work;
  double *pc, *ps;
  double *z, *y, *xs;
  double *xeval, *old_mean, *ymean, *tmp;
  Ranked *ranked;
  double  mueff, cc, cs, c1, cmu, damps, chi_n;
} CmaState;

static void
cma_state_init (CmaState *cma,
                guint     n,
                guint     lambda)
{
  double wsum = 0.0, w2sum = 0.0;
  guint mu = lambda / 2;

  cma->n = n;
  cma->lambda = lambda;
  cma->mu = mu;
  cma->weights = g_new (double, mu);
  cma->C = g_new0 (double, n * n);
  cma->B = g_new0 (double, n * n);
  cma->D = g_new (double, n);
  cma->work = g_new (double, n * n);
  cma->pc = g_new0 (double, n);
  cma->ps = g_new0 (double, n);
  cma->z = g_new (double, lambda * n);
  cma->y = g_new (double, lambda * n);
  cma->xs = g_new (double, lambda * n);
  cma->xeval = g_new (double, n);
  cma->old_mean = g_new (double, n);
  cma->ymean = g_new (double, n);
  cma->tmp = g_new (double, n);
  cma->ranked = g_new (Ranked, lambda);

  for (guint i = 0; i < mu; i++)
    {
      cma->weights[i] = log (mu + 0.5) - log (i + 1.0);
      wsum += cma->weights[i];
    }
  for (guint i = 0; i < mu; i++)
    {
      cma->weights[i] /= wsum;
      w2sum += cma->weights[i] * cma->weights[i];
    }
  cma->mueff = 1.0 / w2sum;
  cma->cc = (4.0 + cma->mueff / n) / (n + 4.0 + 2.0 * cma->mueff / n);
  cma->cs = (cma->mueff + 2.0) / (n + cma->mueff + 5.0);
  cma->c1 = 2.0 / ((n + 1.3) * (n + 1.3) + cma->mueff);
  cma->cmu = MIN (1.0 - cma->c1,
                  2.0 * (cma->mueff - 2.0 + 1.0 / cma->mueff) / ((n + 2.0) * (n + 2.0) + cma->mueff));
  cma->damps = 1.0 + 2.0 * MAX (0.0, sqrt ((cma->mueff - 1.0) / (n + 1.0)) - 1.0) + cma->cs;
  cma->chi_n = sqrt ((double) n) * (1.0 - 1.0 / (4.0 * n) + 1.0 / (21.0 * n * n));

  for (guint i = 0; i < n; i++)
    {
      cma->C[i * n + i] = 1.0;
      cma->B[i * n + i] = 1.0;
      cma->D[i] = 1.0;
    }
}

static void
cma_state_clear (CmaState *cma)
{
  g_free (cma->weights);
  g_free (cma->C);
  g_free (cma->B);
  g_free (cma->D);
  g_free (cma->work);
  g_free (cma->pc);
  g_free (cma->ps);
  g_free (cma->z);
  g_free (cma->y);
  g_free (cma->xs);
  g_free (cma->xeval);
  g_free (cma->old_mean);
  g_free (cma->ymean);
  g_free (cma->tmp);
  g_free (cma->ranked);
}

/* Samples lambda points, keeps them inside the box (resampling a few times, then clamping) and
 * evaluates them into cma->ranked. Returns the generation's best value. */
static double
cma_sample_generation (CmaState     *cma,
                       BslOptimizer *opt,
                       const double *scale,
                       const double *mean,
                       double        sigma)
{
  guint n = cma->n;
  double gen_best = INFINITY;

  for (guint k = 0; k < cma->lambda && !_bsl_optimizer_stopped (opt); k++)
    {
      double *zk = cma->z + k * n, *yk = cma->y + k * n, *xk = cma->xs + k * n;

      for (guint attempt = 0; attempt < 10; attempt++)
        {
          gboolean inside = TRUE;

          for (guint i = 0; i < n; i++)
            zk[i] = bsl_random_normal (&opt->rng);
          for (guint i = 0; i < n; i++)
            {
              double sum = 0.0;

              for (guint j = 0; j < n; j++)
                sum += cma->B[i * n + j] * cma->D[j] * zk[j];
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
          cma->xeval[i] = x;
        }
      cma->ranked[k].f = _bsl_optimizer_evaluate (opt, cma->xeval);
      cma->ranked[k].index = k;
      gen_best = MIN (gen_best, cma->ranked[k].f);
    }
  return gen_best;
}

/* Recombination of the ranked points into the new mean, then the evolution paths. Returns the
 * length of the step-size path. */
static double
cma_update_mean_and_paths (CmaState *cma,
                           double   *mean,
                           double    sigma,
                           guint     generation,
                           double   *hsig)
{
  guint n = cma->n;
  double norm_ps = 0.0;

  memcpy (cma->old_mean, mean, n * sizeof (double));
  memset (cma->ymean, 0, n * sizeof (double));
  for (guint r = 0; r < cma->mu; r++)
    for (guint i = 0; i < n; i++)
      cma->ymean[i] += cma->weights[r] * cma->y[cma->ranked[r].index * n + i];
  for (guint i = 0; i < n; i++)
    mean[i] = cma->old_mean[i] + sigma * cma->ymean[i];

  /* Step-size path: C^-1/2 ymean = B D^-1 B^T ymean. */
  for (guint j = 0; j < n; j++)
    {
      double sum = 0.0;

      for (guint i = 0; i < n; i++)
        sum += cma->B[i * n + j] * cma->ymean[i];
      cma->tmp[j] = sum / cma->D[j];
    }
  for (guint i = 0; i < n; i++)
    {
      double sum = 0.0;

      for (guint j = 0; j < n; j++)
        sum += cma->B[i * n + j] * cma->tmp[j];
      cma->ps[i] = (1.0 - cma->cs) * cma->ps[i] + sqrt (cma->cs * (2.0 - cma->cs) * cma->mueff) * sum;
      norm_ps += cma->ps[i] * cma->ps[i];
    }
  norm_ps = sqrt (norm_ps);
  *hsig = norm_ps / sqrt (1.0 - pow (1.0 - cma->cs, 2.0 * (generation + 1))) / cma->chi_n
          < 1.4 + 2.0 / (n + 1.0) ? 1.0 : 0.0;
  for (guint i = 0; i < n; i++)
    cma->pc[i] = (1.0 - cma->cc) * cma->pc[i]
                 + *hsig * sqrt (cma->cc * (2.0 - cma->cc) * cma->mueff) * cma->ymean[i];
  return norm_ps;
}

/* Rank-one and rank-mu updates of the covariance, then its eigen-decomposition. Returns FALSE
 * when the distribution has collapsed or is too ill-conditioned to sample. */
static gboolean
cma_update_covariance (CmaState *cma,
                       double    hsig,
                       double    sigma)
{
  guint n = cma->n;
  double max_d = 0.0, min_d = INFINITY;

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j <= i; j++)
      {
        double rank_mu = 0.0, value;

        for (guint r = 0; r < cma->mu; r++)
          {
            const double *yr = cma->y + cma->ranked[r].index * n;

            rank_mu += cma->weights[r] * yr[i] * yr[j];
          }
        value = (1.0 - cma->c1 - cma->cmu) * cma->C[i * n + j]
                + cma->c1 * (cma->pc[i] * cma->pc[j]
                             + (1.0 - hsig) * cma->cc * (2.0 - cma->cc) * cma->C[i * n + j])
                + cma->cmu * rank_mu;
        cma->C[i * n + j] = cma->C[j * n + i] = value;
      }

  memcpy (cma->work, cma->C, n * n * sizeof (double));
  jacobi_eigen (n, cma->work, cma->B, cma->D);
  for (guint i = 0; i < n; i++)
    {
      cma->D[i] = sqrt (MAX (cma->D[i], 1e-300));
      max_d = MAX (max_d, cma->D[i]);
      min_d = MIN (min_d, cma->D[i]);
    }
  return !(sigma * max_d < 1e-13 || max_d > 1e7 * min_d || !isfinite (sigma));
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
  CmaState cma;
  double best_generation_history[64];
  guint generation = 0, stagnation_window;

  cma_state_init (&cma, opt->n, lambda);
  stagnation_window = MIN (64, 10 + (guint) ceil (30.0 * opt->n / lambda));

  while (!_bsl_optimizer_stopped (opt))
    {
      double gen_best, norm_ps, hsig;

      gen_best = cma_sample_generation (&cma, opt, scale, mean, sigma);
      if (_bsl_optimizer_stopped (opt))
        break;
      qsort (cma.ranked, lambda, sizeof (Ranked), compare_ranked);

      norm_ps = cma_update_mean_and_paths (&cma, mean, sigma, generation, &hsig);
      sigma *= exp ((cma.cs / cma.damps) * (norm_ps / cma.chi_n - 1.0));
      if (!cma_update_covariance (&cma, hsig, sigma))
        break;

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
  cma_state_clear (&cma);
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
