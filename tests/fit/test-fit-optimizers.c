/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fit/bsl-optimizer.h"

/* Synthetic objectives with known minima: the optimisers are judged on what a user of a fit
 * would notice (did it find the minimum, inside the bounds, the same way every time). */

typedef struct
{
  guint    n;
  double   shift[8];
  double   lower[8];
  double   upper[8];
  gboolean outside;        /* set when a point outside the bounds was evaluated */
  gboolean non_integer;    /* set when an integer dimension got a fractional value */
  gboolean integer_dims;
  gint     evaluations;    /* atomic */
  gulong   sleep_us;
} Problem;

static void
check_point (Problem      *p,
             const double *x)
{
  g_atomic_int_inc (&p->evaluations);
  for (guint i = 0; i < p->n; i++)
    {
      if (x[i] < p->lower[i] || x[i] > p->upper[i])
        p->outside = TRUE;
      if (p->integer_dims && x[i] != floor (x[i]))
        p->non_integer = TRUE;
    }
  if (p->sleep_us > 0)
    g_usleep (p->sleep_us);
}

static double
rosenbrock (const double *x,
            gpointer      user_data)
{
  Problem *p = user_data;
  double sum = 0.0;

  check_point (p, x);
  for (guint i = 0; i + 1 < p->n; i++)
    {
      double a = x[i] - p->shift[i], b = x[i + 1] - p->shift[i + 1];

      sum += 100.0 * (b - a * a) * (b - a * a) + (1.0 - a) * (1.0 - a);
    }
  return sum;
}

static double
ellipsoid (const double *x,
           gpointer      user_data)
{
  Problem *p = user_data;
  double sum = 0.0;

  check_point (p, x);
  for (guint i = 0; i < p->n; i++)
    sum += pow (10.0, 3.0 * i / MAX (p->n - 1, 1)) * (x[i] - p->shift[i]) * (x[i] - p->shift[i]);
  return sum;
}

/* Piecewise constant, like a fixed-point trace: plateaus of width 3 around an integer optimum,
 * with the two dimensions coupled. */
static double
staircase (const double *x,
           gpointer      user_data)
{
  Problem *p = user_data;
  double sum = 0.0;

  check_point (p, x);
  for (guint i = 0; i < p->n; i++)
    {
      double d = fabs (x[i] - p->shift[i]);

      sum += floor (d / 3.0) + (d > 0 ? 0.01 : 0.0);
    }
  if (p->n >= 2)
    sum += 0.001 * fabs ((x[0] - p->shift[0]) - (x[1] - p->shift[1]));
  return sum;
}

static BslOptimizer *
make_optimizer (BslOptimizerMethod method,
                Problem           *p,
                const double      *x0)
{
  BslOptimizer *opt = bsl_optimizer_new (method, p->n);

  for (guint i = 0; i < p->n; i++)
    bsl_optimizer_set_bounds (opt, i, p->lower[i], p->upper[i], p->integer_dims);
  bsl_optimizer_set_start (opt, x0);
  bsl_optimizer_set_seed (opt, 7);
  return opt;
}

static void
test_nelder_mead_rosenbrock (void)
{
  Problem p = { .n = 2, .shift = { 3, -2 }, .lower = { -10, -10 }, .upper = { 10, 10 } };
  double x0[2] = { -1.0, 4.0 }, x[2];
  BslOptimizer *opt = make_optimizer (BSL_OPTIMIZER_NELDER_MEAD, &p, x0);
  double best;

  bsl_optimizer_set_max_evaluations (opt, 20000);
  bsl_optimizer_run (opt, rosenbrock, &p);
  best = bsl_optimizer_get_best (opt, x);
  g_assert_cmpfloat (best, <, 1e-12);
  g_assert_cmpfloat_with_epsilon (x[0], 4.0, 1e-5);
  g_assert_cmpfloat_with_epsilon (x[1], -1.0, 1e-5);
  g_assert_false (p.outside);
  bsl_optimizer_free (opt);
}

static void
test_nelder_mead_bounds (void)
{
  /* The unconstrained minimum is outside: the best point is on the bound, never past it. */
  Problem p = { .n = 3, .shift = { 5, 5, 5 }, .lower = { 0, 0, 0 }, .upper = { 2, 8, 8 } };
  double x0[3] = { 1, 1, 1 }, x[3];
  BslOptimizer *opt = make_optimizer (BSL_OPTIMIZER_NELDER_MEAD, &p, x0);

  bsl_optimizer_set_max_evaluations (opt, 5000);
  bsl_optimizer_run (opt, ellipsoid, &p);
  bsl_optimizer_get_best (opt, x);
  g_assert_false (p.outside);
  g_assert_cmpfloat_with_epsilon (x[0], 2.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (x[1], 5.0, 1e-4);
  bsl_optimizer_free (opt);
}

static void
test_cma_es_rosenbrock (void)
{
  Problem p = { .n = 4, .shift = { 1, 2, 3, 4 }, .lower = { -20, -20, -20, -20 },
                .upper = { 20, 20, 20, 20 } };
  double x0[4] = { -3, 0, 8, 1 }, x[4];
  BslOptimizer *opt = make_optimizer (BSL_OPTIMIZER_CMA_ES, &p, x0);
  double best;

  bsl_optimizer_set_max_evaluations (opt, 60000);
  bsl_optimizer_set_target (opt, 1e-14);
  bsl_optimizer_run (opt, rosenbrock, &p);
  best = bsl_optimizer_get_best (opt, x);
  g_assert_cmpfloat (best, <, 1e-10);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (x[i], p.shift[i] + 1.0, 1e-4);
  g_assert_false (p.outside);
  bsl_optimizer_free (opt);
}

static void
test_cma_es_ellipsoid (void)
{
  Problem p = { .n = 6, .shift = { 1, -1, 2, -2, 3, -3 } };
  double x0[6] = { 0 }, x[6];
  BslOptimizer *opt;

  for (guint i = 0; i < 6; i++)
    {
      p.lower[i] = -10;
      p.upper[i] = 10;
    }
  opt = make_optimizer (BSL_OPTIMIZER_CMA_ES, &p, x0);
  bsl_optimizer_set_max_evaluations (opt, 40000);
  bsl_optimizer_run (opt, ellipsoid, &p);
  g_assert_cmpfloat (bsl_optimizer_get_best (opt, x), <, 1e-12);
  bsl_optimizer_free (opt);
}

static void
test_integer_staircase (void)
{
  Problem p = { .n = 4, .shift = { 1234, 77, 100000, -3000 },
                .lower = { 0, 0, 0, -4096 }, .upper = { 4095, 4095, 131071, 4095 },
                .integer_dims = TRUE };
  double x0[4] = { 1000, 300, 70000, -2000 }, x[4];
  BslOptimizer *opt = make_optimizer (BSL_OPTIMIZER_INTEGER, &p, x0);
  BslOptimizerStop stop;

  bsl_optimizer_set_max_evaluations (opt, 200000);
  bsl_optimizer_set_target (opt, 0.0);
  stop = bsl_optimizer_run (opt, staircase, &p);
  g_assert_cmpint (stop, ==, BSL_OPTIMIZER_STOP_TARGET);
  g_assert_cmpfloat (bsl_optimizer_get_best (opt, x), ==, 0.0);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat (x[i], ==, p.shift[i]);
  g_assert_false (p.outside);
  g_assert_false (p.non_integer);
  bsl_optimizer_free (opt);
}

static void
test_integer_methods_propose_valid_values (void)
{
  /* Every method, on integer dimensions, evaluates integers inside the bounds only. */
  for (guint m = 0; m < BSL_N_OPTIMIZERS; m++)
    {
      Problem p = { .n = 2, .shift = { 17, 40 }, .lower = { 0, 0 }, .upper = { 31, 63 },
                    .integer_dims = TRUE };
      double x0[2] = { 5, 60 };
      BslOptimizer *opt = make_optimizer (m, &p, x0);

      bsl_optimizer_set_max_evaluations (opt, 3000);
      bsl_optimizer_run (opt, staircase, &p);
      g_assert_false (p.outside);
      g_assert_false (p.non_integer);
      g_assert_cmpint (p.evaluations, >, 0);
      bsl_optimizer_free (opt);
    }
}

static void
test_deterministic (void)
{
  for (guint m = 0; m < BSL_N_OPTIMIZERS; m++)
    {
      Problem p = { .n = 3, .shift = { 2, 3, 4 }, .lower = { -50, -50, -50 },
                    .upper = { 50, 50, 50 } };
      double x0[3] = { 10, 10, 10 };
      BslOptimizer *a = make_optimizer (m, &p, x0);
      BslOptimizer *b = make_optimizer (m, &p, x0);
      guint64 len;

      bsl_optimizer_set_record_history (a, TRUE);
      bsl_optimizer_set_record_history (b, TRUE);
      bsl_optimizer_set_max_evaluations (a, 500);
      bsl_optimizer_set_max_evaluations (b, 500);
      bsl_optimizer_run (a, ellipsoid, &p);
      bsl_optimizer_run (b, ellipsoid, &p);
      len = bsl_optimizer_get_history_length (a);
      g_assert_cmpuint (len, ==, bsl_optimizer_get_history_length (b));
      g_assert_cmpuint (len, ==, bsl_optimizer_get_n_evaluations (a));
      for (guint64 k = 0; k < len; k++)
        {
          double fa, fb, xa[3], xb[3];

          g_assert_true (bsl_optimizer_get_history_entry (a, k, &fa, xa));
          g_assert_true (bsl_optimizer_get_history_entry (b, k, &fb, xb));
          g_assert_cmpfloat (fa, ==, fb);
          g_assert_cmpmem (xa, sizeof xa, xb, sizeof xb);
        }
      bsl_optimizer_free (a);
      bsl_optimizer_free (b);
    }
}

typedef struct
{
  BslOptimizer *opt;
  Problem      *problem;
  guint64       evaluations_while_paused[2];
} Controller;

static gpointer
controller_thread (gpointer data)
{
  Controller *c = data;

  while (g_atomic_int_get (&c->problem->evaluations) < 20)
    g_usleep (1000);
  bsl_optimizer_set_paused (c->opt, TRUE);
  g_usleep (20000);
  c->evaluations_while_paused[0] = bsl_optimizer_get_n_evaluations (c->opt);
  g_usleep (50000);
  c->evaluations_while_paused[1] = bsl_optimizer_get_n_evaluations (c->opt);
  g_assert_true (bsl_optimizer_is_paused (c->opt));
  bsl_optimizer_set_paused (c->opt, FALSE);
  g_usleep (20000);
  bsl_optimizer_cancel (c->opt);
  return NULL;
}

static void
test_pause_and_cancel (void)
{
  for (guint m = 0; m < BSL_N_OPTIMIZERS; m++)
    {
      Problem p = { .n = 2, .shift = { 1, 1 }, .lower = { -5, -5 }, .upper = { 5, 5 },
                    .sleep_us = 200 };
      double x0[2] = { -3, 3 };
      BslOptimizer *opt = make_optimizer (m, &p, x0);
      Controller c = { opt, &p, { 0 } };
      GThread *thread;
      BslOptimizerStop stop;
      double best;

      bsl_optimizer_set_max_evaluations (opt, G_MAXUINT32);
      bsl_optimizer_set_target (opt, -1.0);   /* unreachable: only cancel ends the run */
      thread = g_thread_new ("controller", controller_thread, &c);
      stop = bsl_optimizer_run (opt, ellipsoid, &p);
      g_thread_join (thread);
      g_assert_cmpint (stop, ==, BSL_OPTIMIZER_STOP_CANCELLED);
      /* At most the one evaluation in flight when the pause came. */
      g_assert_cmpuint (c.evaluations_while_paused[1], <=, c.evaluations_while_paused[0] + 1);
      g_assert_cmpuint (bsl_optimizer_get_n_evaluations (opt), >, c.evaluations_while_paused[1]);
      best = bsl_optimizer_get_best (opt, NULL);
      g_assert_true (isfinite (best));
      bsl_optimizer_free (opt);
    }
}

static void
test_history_csv (void)
{
  Problem p = { .n = 2, .shift = { 1, 2 }, .lower = { -5, -5 }, .upper = { 5, 5 } };
  double x0[2] = { 0, 0 };
  BslOptimizer *opt = make_optimizer (BSL_OPTIMIZER_NELDER_MEAD, &p, x0);
  g_autofree char *dir = g_dir_make_tmp ("basalt-fit-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.csv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  double previous = -INFINITY;
  guint n_lines;

  bsl_optimizer_set_name (opt, 0, "du");
  bsl_optimizer_set_name (opt, 1, "vth");
  bsl_optimizer_set_record_history (opt, TRUE);
  bsl_optimizer_set_max_evaluations (opt, 200);
  bsl_optimizer_run (opt, ellipsoid, &p);
  g_assert_true (bsl_optimizer_write_history_csv (opt, path, TRUE, NULL));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (g_strchomp (contents), "\n", -1);
  n_lines = g_strv_length (lines);
  g_assert_cmpstr (lines[0], ==, "evaluation,value,du,vth");
  g_assert_cmpuint (n_lines, ==, bsl_optimizer_get_n_evaluations (opt) + 1);
  for (guint i = 1; i < n_lines; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ",", -1);
      double value = g_ascii_strtod (fields[1], NULL);

      g_assert_cmpuint (g_strv_length (fields), ==, 4);
      g_assert_cmpfloat (value, >=, previous);
      previous = value;
    }
  g_assert_cmpfloat (previous, >, g_ascii_strtod (strchr (lines[1], ',') + 1, NULL));
  g_unlink (path);
  g_rmdir (dir);
  bsl_optimizer_free (opt);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fit/optimizer/nelder-mead/rosenbrock", test_nelder_mead_rosenbrock);
  g_test_add_func ("/fit/optimizer/nelder-mead/bounds", test_nelder_mead_bounds);
  g_test_add_func ("/fit/optimizer/cma-es/rosenbrock", test_cma_es_rosenbrock);
  g_test_add_func ("/fit/optimizer/cma-es/ellipsoid", test_cma_es_ellipsoid);
  g_test_add_func ("/fit/optimizer/integer/staircase", test_integer_staircase);
  g_test_add_func ("/fit/optimizer/valid-values", test_integer_methods_propose_valid_values);
  g_test_add_func ("/fit/optimizer/deterministic", test_deterministic);
  g_test_add_func ("/fit/optimizer/pause-cancel", test_pause_and_cancel);
  g_test_add_func ("/fit/optimizer/history-csv", test_history_csv);
  return g_test_run ();
}
