/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A plastic connection's learning rule fitted to a weight trajectory: the rule's impulses,
 * taus and coefficients as the dimensions of a search, each candidate run through the runtime
 * and its weights compared with the reference's at every step. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-learning-rule.h"
#include "bsl-rule-fit.h"
#include "bsl-runtime.h"

typedef enum
{
  DIM_IMPULSE,
  DIM_TAU,
  DIM_LEARNING_RATE,
  DIM_A_PLUS,
  DIM_A_MINUS,
  DIM_TAU_PLUS,
  DIM_TAU_MINUS,
  DIM_SCALE,
} DimKind;

typedef struct
{
  char    *name;
  DimKind  kind;
  int      index;      /* the trace (impulse, tau) or the target (scale) */
  int      product;    /* scale */
  double   lower, upper;
  gboolean integer;
} Dim;

#define IMPULSE_MAX     127.0
/* Lava keeps an impulse's fraction in W_TRACE_FRACTIONAL_PART = 8 bits. */
#define IMPULSE_STEPS   256.0
#define TAU_MAX         4095.0
#define RATE_EXP_MIN    (-7.0)
#define RATE_EXP_MAX    3.0
#define AMPLITUDE_MAX   16.0

struct _BslRuleFitProblem
{
  BslGraph          *graph;       /* a copy; the process's rule changes per evaluation */
  char              *process;
  BslTag             tag;
  BslWeightReference ref;         /* a copy */
  BslLearningRule   *rule;        /* the start */
  BslLearningSeries  series[BSL_K_N_TARGETS];
  GArray            *dims;
  double            *scales;      /* every m * 2^e a product can scale by, increasing */
  guint              n_scales;
  BslRunConfig      *config;
  double            *weights;     /* work: n_steps x n_synapses */
  guint64            n_evaluations;
};

static void
dim_clear (gpointer data)
{
  g_free (((Dim *) data)->name);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
build_scale_table (BslRuleFitProblem *problem)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));

  for (int m = -8; m < 8; m++)
    for (int e = -7; e <= 8; e++)
      {
        double v = m * ldexp (1.0, e);
        if (m != 0)
          g_array_append_val (values, v);
      }
  g_array_sort (values, compare_doubles);
  problem->scales = g_new (double, values->len);
  for (guint k = 0; k < values->len; k++)
    if (problem->n_scales == 0 || g_array_index (values, double, k) != problem->scales[problem->n_scales - 1])
      problem->scales[problem->n_scales++] = g_array_index (values, double, k);
}

static guint
scale_index (const BslRuleFitProblem *problem, double scale)
{
  guint best = 0;

  for (guint k = 1; k < problem->n_scales; k++)
    if (fabs (problem->scales[k] - scale) < fabs (problem->scales[best] - scale))
      best = k;
  return best;
}

BslRuleFitProblem *
bsl_rule_fit_problem_new (const BslGraph *graph, const char *process, BslTag tag,
                          const BslWeightReference *ref, GError **error)
{
  g_autoptr(BslRuleFitProblem) problem = NULL;
  const BslProcess *proc;
  gsize n_synapses;

  g_return_val_if_fail (graph != NULL, NULL);

  problem = g_new0 (BslRuleFitProblem, 1);
  proc = bsl_graph_find_process (graph, process);
  problem->process = g_strdup (process);
  problem->dims = g_array_new (FALSE, TRUE, sizeof (Dim));
  g_array_set_clear_func (problem->dims, dim_clear);
  if (proc == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "no process named '%s'", process);
      return NULL;
    }
  if (proc->learning_rule == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED, "process '%s' (%s) has no learning "
                   "rule to fit: only a LearningDense learns", process, proc->type->name);
      return NULL;
    }
  n_synapses = bsl_process_port_size (proc, "s_in") * bsl_process_port_size (proc, "a_out");
  if (n_synapses != ref->n_synapses)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE, "%s: %s holds %" G_GSIZE_FORMAT
                   " weights per step, process '%s' (%s) has %" G_GSIZE_FORMAT " synapses",
                   ref->display_name, ref->probe, ref->n_synapses, process, proc->type->name,
                   n_synapses);
      return NULL;
    }
  problem->graph = bsl_graph_copy (graph);
  problem->tag = tag;
  problem->ref = *ref;
  problem->ref.weights = g_memdup2 (ref->weights, ref->n_steps * ref->n_synapses * sizeof (double));
  problem->ref.probe = g_strdup_printf ("%s.weights", process);
  problem->ref.display_name = g_strdup (ref->display_name);
  problem->rule = bsl_learning_rule_copy (proc->learning_rule);
  for (int k = 0; k < BSL_K_N_TARGETS; k++)
    {
      problem->series[k].decimate_exponent = -1;
      if (problem->rule->kind == BSL_LEARNING_RULE_LOIHI_2F && problem->rule->text[k] != NULL &&
          !bsl_learning_series_parse (problem->rule->text[k], &problem->series[k], error))
        {
          g_prefix_error (error, "process '%s' (%s): learning_rule: %s: ", process,
                          proc->type->name, bsl_learning_target_names[k]);
          return NULL;
        }
    }
  build_scale_table (problem);
  problem->config = bsl_run_config_new (tag);
  problem->config->seed = graph->run_seed;
  problem->config->n_threads = 1;
  problem->weights = g_new0 (double, ref->n_steps * ref->n_synapses);
  return g_steal_pointer (&problem);
}

void
bsl_rule_fit_problem_free (BslRuleFitProblem *problem)
{
  if (problem == NULL)
    return;
  g_clear_pointer (&problem->graph, bsl_graph_unref);
  g_free (problem->process);
  g_free (problem->ref.weights);
  g_free (problem->ref.probe);
  g_free (problem->ref.display_name);
  bsl_learning_rule_free (problem->rule);
  for (int k = 0; k < BSL_K_N_TARGETS; k++)
    bsl_learning_series_clear (&problem->series[k]);
  g_clear_pointer (&problem->dims, g_array_unref);
  g_free (problem->scales);
  g_clear_pointer (&problem->config, bsl_run_config_free);
  g_free (problem->weights);
  g_free (problem);
}

/* ---- parameters ---- */

static const struct { const char *name; DimKind kind; } stdp_params[] = {
  { "learning_rate", DIM_LEARNING_RATE }, { "A_plus", DIM_A_PLUS }, { "A_minus", DIM_A_MINUS },
  { "tau_plus", DIM_TAU_PLUS }, { "tau_minus", DIM_TAU_MINUS },
};

static gboolean
refuse (GError **error, const BslRuleFitProblem *problem, const char *spec, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

static gboolean
refuse (GError **error, const BslRuleFitProblem *problem, const char *spec, const char *format, ...)
{
  va_list args;
  g_autofree char *reason = NULL, *available = bsl_rule_fit_problem_dup_available (problem);

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
               "process '%s' (LearningDense): rule parameter '%s': %s (this rule offers %s)",
               problem->process, spec, reason, available);
  return FALSE;
}

static void
set_dim_bounds (const BslRuleFitProblem *problem, Dim *dim, double start)
{
  gboolean fixed = problem->tag == BSL_TAG_FIXED_PT;

  switch (dim->kind)
    {
    case DIM_IMPULSE:
      dim->lower = 0, dim->upper = fixed ? IMPULSE_MAX * IMPULSE_STEPS + IMPULSE_STEPS - 1 : IMPULSE_MAX;
      dim->integer = fixed;
      break;
    case DIM_TAU: case DIM_TAU_PLUS: case DIM_TAU_MINUS:
      /* A real tau is searched near its start: CMA-ES's resolution is relative to the box. */
      dim->lower = 0, dim->upper = fixed ? TAU_MAX : MIN (TAU_MAX, MAX (64.0, 4.0 * start));
      dim->integer = fixed;
      break;
    case DIM_LEARNING_RATE:
      dim->lower = RATE_EXP_MIN, dim->upper = RATE_EXP_MAX, dim->integer = TRUE;
      break;
    case DIM_A_PLUS: case DIM_A_MINUS:
      dim->lower = -AMPLITUDE_MAX, dim->upper = AMPLITUDE_MAX, dim->integer = TRUE;
      break;
    case DIM_SCALE:
      dim->lower = 0, dim->upper = problem->n_scales - 1, dim->integer = TRUE;
      break;
    }
}

/* "dw[2]": target and product. */
static gboolean
parse_product_spec (const char *spec, int *target, int *product)
{
  for (int k = 0; k < BSL_K_N_TARGETS; k++)
    {
      gsize n = strlen (bsl_learning_target_names[k]);
      char *end = NULL;
      gint64 value;

      if (strncmp (spec, bsl_learning_target_names[k], n) != 0 || spec[n] != '[')
        continue;
      value = g_ascii_strtoll (spec + n + 1, &end, 10);
      if (end == spec + n + 1 || g_strcmp0 (end, "]") != 0 || value < 0 || value > 1000)
        return FALSE;
      *target = k;
      *product = (int) value;
      return TRUE;
    }
  return FALSE;
}

static gboolean
find_trace_param (const char *name, DimKind *kind, int *trace)
{
  for (int k = 0; k < BSL_K_N_TRACES; k++)
    for (int tau = 0; tau < 2; tau++)
      {
        g_autofree char *candidate = g_strdup_printf ("%s_%s", bsl_learning_trace_names[k],
                                                      tau ? "tau" : "impulse");
        if (g_str_equal (name, candidate))
          {
            *kind = tau ? DIM_TAU : DIM_IMPULSE;
            *trace = k;
            return TRUE;
          }
      }
  return FALSE;
}

/* What a name means for this rule, or FALSE with the reason. */
static gboolean
resolve_param (const BslRuleFitProblem *problem, const char *name, Dim *dim, GError **error)
{
  gboolean stdp = problem->rule->kind == BSL_LEARNING_RULE_STDP;

  if (find_trace_param (name, &dim->kind, &dim->index))
    {
      if (stdp && dim->kind == DIM_TAU && (dim->index == BSL_K_TRACE_X1 || dim->index == BSL_K_TRACE_Y1))
        return refuse (error, problem, name, "STDPLoihi sets it from %s: fit that",
                       dim->index == BSL_K_TRACE_X1 ? "tau_plus" : "tau_minus");
      return TRUE;
    }
  for (guint k = 0; k < G_N_ELEMENTS (stdp_params); k++)
    if (g_str_equal (name, stdp_params[k].name))
      {
        if (!stdp)
          return refuse (error, problem, name, "only an STDPLoihi rule has it");
        dim->kind = stdp_params[k].kind;
        return TRUE;
      }
  if (parse_product_spec (name, &dim->index, &dim->product))
    {
      const BslLearningSeries *series = &problem->series[dim->index];

      if (stdp)
        return refuse (error, problem, name, "STDPLoihi writes its dw from learning_rate, A_plus "
                       "and A_minus: fit those");
      if (problem->rule->text[dim->index] == NULL)
        return refuse (error, problem, name, "the rule has no %s", bsl_learning_target_names[dim->index]);
      if (dim->product >= series->n_products)
        return refuse (error, problem, name, "%s has %d product%s, numbered from 0",
                       bsl_learning_target_names[dim->index], series->n_products,
                       series->n_products == 1 ? "" : "s");
      dim->kind = DIM_SCALE;
      {
        g_autofree char *text = bsl_learning_series_to_text (series);
        if (text == NULL)
          return refuse (error, problem, name, "%s has a bracket constant that is not an integer: "
                         "its scales cannot be rewritten", bsl_learning_target_names[dim->index]);
      }
      return TRUE;
    }
  return refuse (error, problem, name, "unknown");
}

gboolean
bsl_rule_fit_problem_add_param (BslRuleFitProblem *problem, const char *spec, GError **error)
{
  g_return_val_if_fail (problem != NULL, FALSE);

  g_autofree char *prefix = g_strdup_printf ("%s.", problem->process);
  const char *name = g_str_has_prefix (spec, prefix) ? spec + strlen (prefix) : spec;
  Dim dim = { 0 };

  if (strchr (name, '.') != NULL && strchr (name, '[') == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "rule parameter '%s' names another process "
                   "than the fitted connection '%s'", spec, problem->process);
      return FALSE;
    }
  if (!resolve_param (problem, name, &dim, error))
    return FALSE;
  for (guint k = 0; k < problem->dims->len; k++)
    if (g_str_equal (g_array_index (problem->dims, Dim, k).name, name))
      {
        g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                     "process '%s' (LearningDense): rule parameter '%s' is named twice",
                     problem->process, name);
        return FALSE;
      }
  dim.name = g_strdup (name);
  set_dim_bounds (problem, &dim, 0);
  g_array_append_val (problem->dims, dim);
  {
    Dim *added = &g_array_index (problem->dims, Dim, problem->dims->len - 1);
    g_autofree double *start = g_new0 (double, problem->dims->len);

    bsl_rule_fit_problem_get_start (problem, start);
    set_dim_bounds (problem, added, start[problem->dims->len - 1]);
  }
  return TRUE;
}

gboolean
bsl_rule_fit_problem_add_params (BslRuleFitProblem *problem, const char *specs, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (specs, ",", -1);
  guint added = 0;

  g_return_val_if_fail (problem != NULL, FALSE);

  for (guint k = 0; parts[k] != NULL; k++)
    {
      g_strstrip (parts[k]);
      if (parts[k][0] == '\0')
        continue;
      if (!bsl_rule_fit_problem_add_param (problem, parts[k], error))
        return FALSE;
      added++;
    }
  if (added == 0)
    return refuse (error, problem, specs, "no parameter named");
  return TRUE;
}

/* The traces the rule's strings read: fitting another trace's impulse changes nothing. */
static gboolean
rule_reads_trace (const BslRuleFitProblem *problem, int trace)
{
  if (problem->rule->kind == BSL_LEARNING_RULE_STDP)
    return trace == BSL_K_TRACE_X1 || trace == BSL_K_TRACE_Y1;
  for (int k = 0; k < BSL_K_N_TARGETS; k++)
    for (int p = 0; p < problem->series[k].n_products; p++)
      for (int f = 0; f < problem->series[k].products[p].n_factors; f++)
        if (problem->series[k].products[p].factors[f].sym == BSL_K_SYM_X1 + trace)
          return TRUE;
  return FALSE;
}

char *
bsl_rule_fit_problem_dup_available (const BslRuleFitProblem *problem)
{
  g_autoptr(GPtrArray) names = NULL;
  gboolean stdp;

  g_return_val_if_fail (problem != NULL, NULL);

  names = g_ptr_array_new_with_free_func (g_free);
  stdp = problem->rule->kind == BSL_LEARNING_RULE_STDP;
  if (stdp)
    for (guint k = 0; k < G_N_ELEMENTS (stdp_params); k++)
      g_ptr_array_add (names, g_strdup (stdp_params[k].name));
  for (int k = 0; k < BSL_K_N_TRACES; k++)
    if (rule_reads_trace (problem, k))
      {
        g_ptr_array_add (names, g_strdup_printf ("%s_impulse", bsl_learning_trace_names[k]));
        if (!stdp)
          g_ptr_array_add (names, g_strdup_printf ("%s_tau", bsl_learning_trace_names[k]));
      }
  for (int k = 0; k < BSL_K_N_TARGETS; k++)
    for (int p = 0; p < problem->series[k].n_products; p++)
      g_ptr_array_add (names, g_strdup_printf ("%s[%d]", bsl_learning_target_names[k], p));
  g_ptr_array_add (names, NULL);
  return g_strjoinv (", ", (char **) names->pdata);
}

guint
bsl_rule_fit_problem_get_n_dims (const BslRuleFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, 0);

  return problem->dims->len;
}

const char *
bsl_rule_fit_problem_get_dim_name (const BslRuleFitProblem *problem, guint dim)
{
  g_return_val_if_fail (problem != NULL, NULL);

  return g_array_index (problem->dims, Dim, dim).name;
}

void
bsl_rule_fit_problem_get_bounds (const BslRuleFitProblem *problem, guint dim, double *lower,
                                 double *upper, gboolean *integer)
{
  const Dim *d;

  g_return_if_fail (problem != NULL);
  g_return_if_fail (dim < problem->dims->len);

  d = &g_array_index (problem->dims, Dim, dim);
  if (lower != NULL)
    *lower = d->lower;
  if (upper != NULL)
    *upper = d->upper;
  if (integer != NULL)
    *integer = d->integer;
}

static double
project (const Dim *d, double x)
{
  x = CLAMP (isnan (x) ? d->lower : x, d->lower, d->upper);
  return d->integer ? nearbyint (x) : x;
}

double
bsl_rule_fit_problem_dim_value (const BslRuleFitProblem *problem, guint dim, double x)
{
  const Dim *d;

  g_return_val_if_fail (problem != NULL, 0.0);
  g_return_val_if_fail (dim < problem->dims->len, 0.0);

  d = &g_array_index (problem->dims, Dim, dim);
  x = project (d, x);
  if (d->kind == DIM_LEARNING_RATE)
    return ldexp (1.0, (int) x);
  if (d->kind == DIM_SCALE)
    return problem->scales[(guint) x];
  if (d->kind == DIM_IMPULSE && d->integer)
    return x / IMPULSE_STEPS;
  return x;
}

const char *
bsl_rule_fit_problem_get_dim_unit (const BslRuleFitProblem *problem, guint dim)
{
  const Dim *d;

  g_return_val_if_fail (problem != NULL, NULL);
  g_return_val_if_fail (dim < problem->dims->len, NULL);

  d = &g_array_index (problem->dims, Dim, dim);
  switch (d->kind)
    {
    case DIM_IMPULSE: return d->integer ? "1/256" : NULL;
    case DIM_LEARNING_RATE: return "2^k";
    case DIM_SCALE: return "index";
    default: return NULL;
    }
}

void
bsl_rule_fit_problem_get_start (const BslRuleFitProblem *problem, double *x)
{
  const BslLearningRule *rule;

  g_return_if_fail (problem != NULL);

  rule = problem->rule;
  for (guint k = 0; k < problem->dims->len; k++)
    {
      const Dim *d = &g_array_index (problem->dims, Dim, k);
      double value = 0;

      switch (d->kind)
        {
        case DIM_IMPULSE:
          value = rule->impulse[d->index] * (d->integer ? IMPULSE_STEPS : 1.0);
          break;
        case DIM_TAU: value = rule->tau[d->index]; break;
        case DIM_LEARNING_RATE: value = nearbyint (log2 (MAX (rule->learning_rate, 1e-9))); break;
        case DIM_A_PLUS: value = rule->a_plus; break;
        case DIM_A_MINUS: value = rule->a_minus; break;
        case DIM_TAU_PLUS: value = rule->tau_plus; break;
        case DIM_TAU_MINUS: value = rule->tau_minus; break;
        case DIM_SCALE:
          value = scale_index (problem, problem->series[d->index].products[d->product].scale);
          break;
        }
      x[k] = project (d, value);
    }
}

BslTag
bsl_rule_fit_problem_get_tag (const BslRuleFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, BSL_TAG_FLOATING_PT);

  return problem->tag;
}

const char *
bsl_rule_fit_problem_get_process_name (const BslRuleFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);

  return problem->process;
}

const BslWeightReference *
bsl_rule_fit_problem_get_reference (const BslRuleFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);

  return &problem->ref;
}

/* ---- the rule at x ---- */

static void
set_scale (BslKProduct *product, double scale)
{
  int exponent = 0;
  double mantissa = scale;

  /* The largest exponent whose mantissa is an integer in -8..7: the shortest text. */
  for (exponent = 8; exponent >= -7; exponent--)
    {
      mantissa = scale / ldexp (1.0, exponent);
      if (mantissa == nearbyint (mantissa) && mantissa >= -8 && mantissa < 8)
        break;
    }
  product->s_mantissa = (int) mantissa;
  product->s_exp = exponent + 7;
  product->scale = scale;
}

static gboolean
rewrite_strings (const BslRuleFitProblem *problem, const double *x, BslLearningRule *rule)
{
  for (int target = 0; target < BSL_K_N_TARGETS; target++)
    {
      BslLearningSeries series = problem->series[target];
      g_autofree BslKProduct *products = NULL;
      gboolean changed = FALSE;

      if (series.n_products == 0)
        continue;
      products = g_memdup2 (series.products, series.n_products * sizeof (BslKProduct));
      series.products = products;
      for (guint k = 0; k < problem->dims->len; k++)
        {
          const Dim *d = &g_array_index (problem->dims, Dim, k);

          if (d->kind == DIM_SCALE && d->index == target)
            {
              set_scale (&products[d->product], bsl_rule_fit_problem_dim_value (problem, k, x[k]));
              changed = TRUE;
            }
        }
      if (changed)
        {
          char *text = bsl_learning_series_to_text (&series);

          if (text == NULL)
            return FALSE;
          g_free (rule->text[target]);
          rule->text[target] = text;
        }
    }
  return TRUE;
}

BslLearningRule *
bsl_rule_fit_problem_dup_rule (const BslRuleFitProblem *problem, const double *x, GError **error)
{
  g_autoptr(BslLearningRule) rule = NULL;
  BslLearningProgram program;

  g_return_val_if_fail (problem != NULL, NULL);

  rule = bsl_learning_rule_copy (problem->rule);
  for (guint k = 0; k < problem->dims->len; k++)
    {
      const Dim *d = &g_array_index (problem->dims, Dim, k);
      double value = bsl_rule_fit_problem_dim_value (problem, k, x[k]);

      switch (d->kind)
        {
        case DIM_IMPULSE: rule->impulse[d->index] = value; break;
        case DIM_TAU: rule->tau[d->index] = value; break;
        case DIM_LEARNING_RATE: rule->learning_rate = value; break;
        case DIM_A_PLUS: rule->a_plus = value; break;
        case DIM_A_MINUS: rule->a_minus = value; break;
        case DIM_TAU_PLUS: rule->tau_plus = rule->tau[BSL_K_TRACE_X1] = value; break;
        case DIM_TAU_MINUS: rule->tau_minus = rule->tau[BSL_K_TRACE_Y1] = value; break;
        case DIM_SCALE: break;
        }
    }
  if (!rewrite_strings (problem, x, rule))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED, "process '%s' (LearningDense): "
                   "the rule's strings cannot be rewritten", problem->process);
      return NULL;
    }
  if (!bsl_learning_rule_compile (rule, &program, error))
    {
      g_prefix_error (error, "process '%s' (LearningDense): learning_rule: ", problem->process);
      return NULL;
    }
  bsl_learning_program_clear (&program);
  return g_steal_pointer (&rule);
}

/* ---- simulation ---- */

gboolean
bsl_rule_fit_problem_simulate (BslRuleFitProblem *problem, const double *x, double *weights,
                               GError **error)
{
  g_autoptr(BslLearningRule) rule = NULL;
  g_autoptr(BslRuntime) runtime = NULL;
  BslProcess *proc;
  gsize n;
  BslProbe *probe;

  g_return_val_if_fail (problem != NULL, FALSE);

  rule = bsl_rule_fit_problem_dup_rule (problem, x, error);
  proc = bsl_graph_find_process (problem->graph, problem->process);
  n = problem->ref.n_synapses;
  if (rule == NULL || !bsl_process_set_learning_rule (proc, rule, error))
    return FALSE;
  runtime = bsl_runtime_new (problem->graph, problem->config, error);
  if (runtime == NULL)
    return FALSE;
  probe = bsl_runtime_add_probe (runtime, problem->ref.probe, BSL_PROBE_RECORD, 0, error);
  if (probe == NULL)
    return FALSE;
  bsl_runtime_run (runtime, (gint64) problem->ref.n_steps);
  for (gsize t = 0; t < problem->ref.n_steps; t++)
    memcpy (weights + t * n, bsl_probe_get_row (probe, t), n * sizeof (double));
  return TRUE;
}

double
bsl_rule_fit_problem_evaluate (BslRuleFitProblem *problem, const double *x)
{
  gsize total = problem->ref.n_steps * problem->ref.n_synapses;
  double sum = 0;

  problem->n_evaluations++;
  if (!bsl_rule_fit_problem_simulate (problem, x, problem->weights, NULL))
    return INFINITY;
  for (gsize k = 0; k < total; k++)
    {
      double d = problem->weights[k] - problem->ref.weights[k];
      sum += d * d;
    }
  return sum;
}

double
bsl_rule_fit_problem_objective (const double *x, gpointer problem)
{
  return bsl_rule_fit_problem_evaluate (problem, x);
}

guint64
bsl_rule_fit_problem_get_n_evaluations (const BslRuleFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, 0);

  return problem->n_evaluations;
}

BslWeightErrorReport *
bsl_rule_fit_problem_report (BslRuleFitProblem *problem, const double *x, GError **error)
{
  g_return_val_if_fail (problem != NULL, NULL);

  g_autofree double *weights = g_new0 (double, problem->ref.n_steps * problem->ref.n_synapses);

  if (!bsl_rule_fit_problem_simulate (problem, x, weights, error))
    return NULL;
  return bsl_weight_error_report_new (&problem->ref, weights);
}

/* Under floating_pt the true rule reproduces the reference to rounding: 1e-9 of its largest
 * weight at every synapse and step. */
static double
float_target (const BslRuleFitProblem *problem)
{
  gsize total = problem->ref.n_steps * problem->ref.n_synapses;
  double largest = 1;

  for (gsize k = 0; k < total; k++)
    largest = MAX (largest, fabs (problem->ref.weights[k]));
  return (double) total * (1e-9 * largest) * (1e-9 * largest);
}

BslOptimizer *
bsl_rule_fit_problem_new_optimizer (BslRuleFitProblem *problem, BslOptimizerMethod method)
{
  guint n = problem->dims->len;
  BslOptimizer *optimizer;
  g_autofree double *start = g_new0 (double, MAX (n, 1));
  gboolean all_integer = TRUE;

  for (guint k = 0; k < n; k++)
    all_integer = all_integer && g_array_index (problem->dims, Dim, k).integer;
  if (method == BSL_N_OPTIMIZERS)
    method = all_integer ? BSL_OPTIMIZER_INTEGER : BSL_OPTIMIZER_CMA_ES;
  optimizer = bsl_optimizer_new (method, n);
  for (guint k = 0; k < n; k++)
    {
      const Dim *d = &g_array_index (problem->dims, Dim, k);

      bsl_optimizer_set_bounds (optimizer, k, d->lower, d->upper, d->integer);
      bsl_optimizer_set_name (optimizer, k, d->name);
    }
  bsl_rule_fit_problem_get_start (problem, start);
  bsl_optimizer_set_start (optimizer, start);
  bsl_optimizer_set_target (optimizer, problem->tag == BSL_TAG_FIXED_PT ? 0.0 : float_target (problem));
  return optimizer;
}
