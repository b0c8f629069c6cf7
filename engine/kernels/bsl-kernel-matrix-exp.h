/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plain C (libc and libm only): the source of an Equations model integrated with the exact
 * method embeds this text verbatim, so that its e^M is the engine's, bit for bit. */
#ifndef BSL_KERNEL_MATRIX_EXP_H
#define BSL_KERNEL_MATRIX_EXP_H

#include <math.h>
#include <string.h>

/* The largest matrix: 16 state variables and the constant. */
#define BSL_K_MATRIX_EXP_MAX 17

/* Powers of two d with D^-1 M D balanced (rows and columns of similar size), so that a
 * coupling between variables of very different units (volt and amp: R/tau dt = 5e5) does not
 * cost the precision of the series. Powers of two keep the scaling exact. */
static void
bsl_k_balance (double *M, unsigned m, double *d)
{
  int changed = 1;
  double target = 0;

  /* a row or column without couplings can take any scale: its couplings are made as small as
   * the largest rate, so that the number of squarings follows the rates */
  for (unsigned i = 0; i < m; i++)
    {
      d[i] = 1.0;
      target = target > fabs (M[i * m + i]) ? target : fabs (M[i * m + i]);
    }
  if (target == 0)
    target = 1;
  for (unsigned pass = 0; changed && pass < 100; pass++)
    {
      changed = 0;
      for (unsigned i = 0; i < m; i++)
        {
          double r = 0, c = 0, f = 1;

          for (unsigned j = 0; j < m; j++)
            if (j != i)
              {
                c += fabs (M[j * m + i]);
                r += fabs (M[i * m + j]);
              }
          if (c == 0 && r == 0)
            continue;
          if (c == 0 || r == 0)
            {
              f = exp2 (round (log2 (c == 0 ? r / target : target / c)));
              if (f > 0.5 && f < 2)
                continue;
              r /= f;
              c *= f;
            }
          while (c != 0 && r != 0 && c < r / 2)
            {
              c *= 2;
              r /= 2;
              f *= 2;
            }
          while (c != 0 && r != 0 && c >= r * 2)
            {
              c /= 2;
              r *= 2;
              f /= 2;
            }
          if (f != 1)
            {
              d[i] *= f;
              for (unsigned j = 0; j < m; j++)
                {
                  M[i * m + j] /= f;
                  M[j * m + i] *= f;
                }
              changed = 1;
            }
        }
    }
}

/* e^M for an (m x m) matrix by rows: balancing, scaling, a Taylor series far past double
 * precision, and squaring. */
static void
bsl_k_matrix_exp (const double *M_in, unsigned m, double *E)
{
  double M[BSL_K_MATRIX_EXP_MAX * BSL_K_MATRIX_EXP_MAX];
  double d[BSL_K_MATRIX_EXP_MAX];
  double term[BSL_K_MATRIX_EXP_MAX * BSL_K_MATRIX_EXP_MAX];
  double next[BSL_K_MATRIX_EXP_MAX * BSL_K_MATRIX_EXP_MAX];
  double A[BSL_K_MATRIX_EXP_MAX * BSL_K_MATRIX_EXP_MAX];
  double norm = 0, scale;
  int squarings = 0;

  memcpy (M, M_in, m * m * sizeof (double));
  bsl_k_balance (M, m, d);
  for (unsigned r = 0; r < m; r++)
    {
      double row = 0;

      for (unsigned c = 0; c < m; c++)
        row += fabs (M[r * m + c]);
      norm = norm > row ? norm : row;
    }
  while (norm > 0.25 && squarings < 60)
    {
      norm /= 2;
      squarings++;
    }
  scale = ldexp (1.0, -squarings);
  for (unsigned e = 0; e < m * m; e++)
    {
      A[e] = M[e] * scale;
      term[e] = E[e] = (e / m == e % m) ? 1.0 : 0.0;
    }
  for (unsigned order = 1; order <= 20; order++)
    {
      for (unsigned r = 0; r < m; r++)
        for (unsigned c = 0; c < m; c++)
          {
            double sum = 0;

            for (unsigned k = 0; k < m; k++)
              sum += term[r * m + k] * A[k * m + c];
            next[r * m + c] = sum / order;
          }
      for (unsigned e = 0; e < m * m; e++)
        {
          term[e] = next[e];
          E[e] += term[e];
        }
    }
  for (int s = 0; s < squarings; s++)
    {
      for (unsigned r = 0; r < m; r++)
        for (unsigned c = 0; c < m; c++)
          {
            double sum = 0;

            for (unsigned k = 0; k < m; k++)
              sum += E[r * m + k] * E[k * m + c];
            next[r * m + c] = sum;
          }
      memcpy (E, next, m * m * sizeof (double));
    }
  /* e^M = D e^(D^-1 M D) D^-1 */
  for (unsigned r = 0; r < m; r++)
    for (unsigned c = 0; c < m; c++)
      E[r * m + c] = E[r * m + c] * d[r] / d[c];
}

#endif
