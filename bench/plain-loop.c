/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The benchmark's dense network (A: N LIF with bias -> N x N -> B: N LIF) written as the
 * simplest fast single-threaded C: state in flat arrays, weights stored by pre-synaptic row,
 * one pass over a row per spike. It is the yardstick `basalt bench` is compared with; it is
 * not part of the application.
 *
 *   plain-loop float|int N [STEPS]
 *   plain-loop bandwidth MIB      read speed of a buffer of MIB MiB, the memory bound
 *
 * "float" uses doubles, as floating_pt; "int" uses Loihi 2 integers scaled as `basalt bench
 * --tag fixed_pt` builds them, so both print the same spike counts as Basalt. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double
weight (size_t n, size_t pre, size_t post)
{
  double wscale = 4.0 / (double) n;
  int64_t k = (int64_t) ((pre * 7919 + post * 104729) % 2001) - 900;

  return (wscale * (double) k) / 1000.0;
}

static double
bias_of (size_t j)
{
  return 0.1 + 0.05 * (double) ((j * 37) % 101) / 100.0;
}

static void
report (const char *kind, size_t n, long steps, double run_s, long spikes_a, long spikes_b)
{
  printf ("{\"bench\": \"plain-loop\", \"kind\": \"%s\", \"n\": %zu, \"steps\": %ld, "
          "\"run_s\": %.6f, \"steps_per_s\": %.2f, \"events_per_s\": %.4g, "
          "\"spikes\": {\"A\": %ld, \"B\": %ld}}\n",
          kind, n, steps, run_s, steps / run_s, (double) spikes_a * n / run_s, spikes_a, spikes_b);
}

static void
run_float (size_t n, long steps)
{
  double *w = malloc (n * n * sizeof *w);
  double *ua = calloc (n, sizeof *ua), *va = calloc (n, sizeof *va), *bias = malloc (n * sizeof *bias);
  double *ub = calloc (n, sizeof *ub), *vb = calloc (n, sizeof *vb);
  double *in = calloc (n, sizeof *in);
  long spikes_a = 0, spikes_b = 0;

  for (size_t j = 0; j < n; j++)
    {
      bias[j] = bias_of (j);
      for (size_t i = 0; i < n; i++)
        w[j * n + i] = weight (n, j, i);
    }
  double t0 = now_s ();
  for (long t = 0; t < steps; t++)
    {
      /* B integrates what A's spikes of the previous step sent. */
      for (size_t i = 0; i < n; i++)
        {
          ub[i] = ub[i] * 0.9 + in[i];
          vb[i] = vb[i] * 0.9 + ub[i];
          if (vb[i] > 1.0)
            {
              vb[i] = 0.0;
              spikes_b++;
            }
          in[i] = 0.0;
        }
      for (size_t j = 0; j < n; j++)
        {
          ua[j] = ua[j] * 0.9;
          va[j] = va[j] * 0.9 + ua[j] + bias[j];
          if (va[j] > 1.0)
            {
              va[j] = 0.0;
              spikes_a++;
              const double *row = w + j * n;
              for (size_t i = 0; i < n; i++)
                in[i] += row[i];
            }
        }
    }
  report ("float", n, steps, now_s () - t0, spikes_a, spikes_b);
  free (w), free (ua), free (va), free (bias), free (ub), free (vb), free (in);
}

/* Loihi 2 arithmetic: decay rounds toward zero, u wraps at 24 bits, v saturates. */
static inline int32_t
decay (int32_t x, int32_t keep)
{
  int64_t y = (int64_t) x * keep;

  return (int32_t) (y >= 0 ? y >> 12 : -((-y) >> 12));
}

static inline int32_t
lif_int (int32_t *u, int32_t *v, int32_t in, int32_t bias)
{
  const int32_t max = 1 << 23;
  int32_t cur = decay (*u, 4096 - 411) + in * 64;

  cur = cur > max ? cur - 2 * max : (cur <= -max ? cur + 2 * max : cur);
  *u = cur;
  int32_t vol = decay (*v, 4096 - 410) + cur + bias;
  vol = vol > max - 1 ? max - 1 : (vol < 1 - max ? 1 - max : vol);
  if (vol > (2048 << 6))
    {
      *v = 0;
      return 1;
    }
  *v = vol;
  return 0;
}

static void
run_int (size_t n, long steps)
{
  int32_t *w = malloc (n * n * sizeof *w);
  int32_t *ua = calloc (n, sizeof *ua), *va = calloc (n, sizeof *va), *bias = malloc (n * sizeof *bias);
  int32_t *ub = calloc (n, sizeof *ub), *vb = calloc (n, sizeof *vb), *in = calloc (n, sizeof *in);
  double w_max = 0;
  int weight_exp = -8;
  long spikes_a = 0, spikes_b = 0;

  /* The same integers as `basalt bench --tag fixed_pt`: voltages scaled by 2^17, 8-bit weights
   * with the smallest exponent that fits. */
  for (size_t j = 0; j < n; j++)
    for (size_t i = 0; i < n; i++)
      w_max = fmax (w_max, fabs (weight (n, j, i)));
  while (w_max * ldexp (1.0, 11 - weight_exp) > 255.0)
    weight_exp++;
  for (size_t j = 0; j < n; j++)
    {
      bias[j] = (int32_t) round (bias_of (j) * ldexp (1.0, 14)) << 3;
      for (size_t i = 0; i < n; i++)
        {
          /* Mixed-sign 8-bit weights keep 7 bits of magnitude: the lowest bit is dropped. */
          int32_t q = (int32_t) round (weight (n, j, i) * ldexp (1.0, 11 - weight_exp));
          q = q < -256 ? -256 : (q > 255 ? 255 : q);
          w[j * n + i] = (q >> 1) * 2;
        }
    }
  double t0 = now_s ();
  for (long t = 0; t < steps; t++)
    {
      for (size_t i = 0; i < n; i++)
        {
          int32_t a = weight_exp >= 0 ? in[i] * (1 << weight_exp) : in[i] >> -weight_exp;
          spikes_b += lif_int (&ub[i], &vb[i], a, 0);
          in[i] = 0;
        }
      for (size_t j = 0; j < n; j++)
        if (lif_int (&ua[j], &va[j], 0, bias[j]))
          {
            spikes_a++;
            const int32_t *row = w + j * n;
            for (size_t i = 0; i < n; i++)
              in[i] += row[i];
          }
    }
  report ("int", n, steps, now_s () - t0, spikes_a, spikes_b);
  free (w), free (ua), free (va), free (bias), free (ub), free (vb), free (in);
}

/* Sums a buffer of doubles over and over, as a dense step streams its weight rows, and prints
 * the best rate of ten passes. */
static void
run_bandwidth (size_t mib)
{
  size_t n = mib * (1u << 20) / sizeof (double);
  double *buffer = malloc (n * sizeof *buffer), best = 0, sink = 0;

  for (size_t k = 0; k < n; k++)
    buffer[k] = (double) (k & 7);
  for (int pass = 0; pass < 10; pass++)
    {
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = now_s ();
      for (size_t k = 0; k + 4 <= n; k += 4)
        {
          s0 += buffer[k];
          s1 += buffer[k + 1];
          s2 += buffer[k + 2];
          s3 += buffer[k + 3];
        }
      double rate = n * sizeof *buffer / (now_s () - t0);
      best = rate > best ? rate : best;
      sink += s0 + s1 + s2 + s3;
    }
  printf ("{\"bench\": \"bandwidth\", \"mib\": %zu, \"gb_per_s\": %.2f, \"check\": %g}\n",
          mib, best / 1e9, sink);
  free (buffer);
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "bandwidth") == 0)
    {
      run_bandwidth (strtoul (argv[2], NULL, 10) > 0 ? strtoul (argv[2], NULL, 10) : 128);
      return 0;
    }
  if (argc < 3 || (strcmp (argv[1], "float") != 0 && strcmp (argv[1], "int") != 0))
    {
      fprintf (stderr, "usage: plain-loop float|int N [STEPS] | plain-loop bandwidth MIB\n");
      return 2;
    }
  size_t n = strtoul (argv[2], NULL, 10);
  long steps = argc > 3 ? strtol (argv[3], NULL, 10) : 1000;
  if (n == 0 || n > 20000 || steps < 1)
    {
      fprintf (stderr, "plain-loop: N must be 1..20000 and STEPS at least 1\n");
      return 2;
    }
  if (argv[1][0] == 'f')
    run_float (n, steps);
  else
    run_int (n, steps);
  return 0;
}
