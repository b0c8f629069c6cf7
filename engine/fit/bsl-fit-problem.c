/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-fit-problem.h"
#include "bsl-kernel-lif.h"
#include "bsl-runtime.h"

typedef enum
{
  KIND_OTHER,
  KIND_LIF,
  KIND_LIF_RESET,
  KIND_LIF_REFRACTORY,
  KIND_TERNARY_LIF,
} NeuronKind;

typedef struct
{
  char    *name;
  guint    var;          /* index into the type's Vars */
  gssize   element;      /* -1: every element */
  double   lower, upper;
  double   valid_lower, valid_upper;
  gboolean integer;
} Dim;

struct _BslFitProblem
{
  BslProcess      *neuron;
  const BslProcType *type;
  BslTag           tag;
  BslReference    *ref;
  gsize            n;            /* neurons */
  gsize            n_steps;
  BslArray       **values;       /* per Var: full shape, current */
  BslArray       **base;         /* per Var: full shape, the start */
  gboolean        *fitted;       /* per Var */
  GArray          *dims;         /* Dim */
  BslMetricConfig  metric;
  BslReference    *trace;        /* scratch for evaluate() */
  double          *x;            /* scratch: projected point */
  guint64          evaluations;

  /* Direct path. */
  NeuronKind       kind;
  gboolean         use_runtime;
  gboolean         forcing;
  double          *a_in_f;       /* n_steps * n */
  gint32          *a_in_i;
  int              var_u, var_v, var_du, var_dv, var_vth, var_bias_mant, var_bias_exp;
  int              var_vth_hi, var_vth_lo, var_reset_interval, var_reset_offset;
  int              var_refractory_period, var_refractory_end;
  double          *work_f;       /* 8 * n */
  gint32          *work_i;

  /* Runtime path. */
  BslGraph        *network;      /* the driving network, or NULL for the a_in drive */
  gboolean         recorded;     /* the network's input to the population is in a_in_f/a_in_i */
  BslRuntime      *runtime;
  BslProbe        *probes[3];    /* u, v, s_out */
};

static int
find_var (const BslProcType *type,
          const char        *name)
{
  for (guint i = 0; i < type->n_vars; i++)
    if (g_str_equal (type->vars[i].name, name))
      return (int) i;
  return -1;
}

gboolean
bsl_fit_neuron_roles (const BslProcType  *type,
                      const char        **drive_port,
                      const char        **u_var,
                      const char        **v_var)
{
  static const struct { const char *type, *drive, *u, *v; } roles[] = {
    { "RF", "a_real_in", "imag", "real" },
    { "SigmaDelta", "a_in", "sigma", "act" },
  };
  const char *drive = "a_in", *u = "u", *v = "v";

  for (guint k = 0; k < G_N_ELEMENTS (roles); k++)
    if (g_str_equal (type->name, roles[k].type))
      {
        drive = roles[k].drive;
        u = roles[k].u;
        v = roles[k].v;
      }
  if (drive_port != NULL)
    *drive_port = drive;
  if (u_var != NULL)
    *u_var = find_var (type, u) >= 0 ? u : NULL;
  if (v_var != NULL)
    *v_var = find_var (type, v) >= 0 ? v : NULL;
  return type->category == BSL_CATEGORY_NEURONS && bsl_proc_type_find_port (type, drive) != NULL;
}

static int
role_var (const BslProcType *type,
          gboolean           v)
{
  const char *u_name, *v_name;

  bsl_fit_neuron_roles (type, NULL, &u_name, &v_name);
  return v ? (v_name != NULL ? find_var (type, v_name) : -1) : (u_name != NULL ? find_var (type, u_name) : -1);
}

static const char *
drive_port_of (const BslProcType *type)
{
  const char *drive;

  bsl_fit_neuron_roles (type, &drive, NULL, NULL);
  return drive;
}

static void
clear_dim (gpointer data)
{
  Dim *dim = data;

  g_free (dim->name);
}

void
bsl_fit_problem_free (BslFitProblem *problem)
{
  if (problem == NULL)
    return;
  if (problem->values != NULL)
    for (guint i = 0; i < problem->type->n_vars; i++)
      {
        bsl_array_free (problem->values[i]);
        bsl_array_free (problem->base[i]);
      }
  g_free (problem->values);
  g_free (problem->base);
  g_free (problem->fitted);
  g_clear_pointer (&problem->dims, g_array_unref);
  bsl_reference_free (problem->trace);
  bsl_reference_free (problem->ref);
  g_free (problem->x);
  g_free (problem->a_in_f);
  g_free (problem->a_in_i);
  g_free (problem->work_f);
  g_free (problem->work_i);
  g_clear_pointer (&problem->runtime, bsl_runtime_free);
  g_clear_pointer (&problem->network, bsl_graph_unref);
  bsl_process_free (problem->neuron);
  g_free (problem);
}

/* Whether the population's a_in depends on its own output (a path from it back to it). */
static gboolean
drives_itself (const BslGraph *graph,
               const char     *name)
{
  g_autoptr(GHashTable) reached = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) queue = g_ptr_array_new ();

  g_ptr_array_add (queue, (gpointer) name);
  while (queue->len > 0)
    {
      const char *from = g_ptr_array_steal_index (queue, queue->len - 1);

      for (guint c = 0; c < graph->connections->len; c++)
        {
          const BslConnection *conn = g_ptr_array_index (graph->connections, c);

          if (!g_str_equal (conn->from_process, from))
            continue;
          if (g_str_equal (conn->to_process, name))
            return TRUE;
          if (!g_hash_table_contains (reached, conn->to_process))
            {
              g_hash_table_add (reached, conn->to_process);
              g_ptr_array_add (queue, conn->to_process);
            }
        }
    }
  return FALSE;
}

/* When the network's input to the population does not depend on the population, it is the same
 * for every parameter value: record it once (the out-ports wired to a_in, as they are sent each
 * step, summed) and fit on the kernel path as with the reference's a_in column. */
static gboolean
record_network_drive (BslFitProblem *problem,
                      GError       **error)
{
  const char *name = problem->neuron->name;
  g_autoptr(BslRunConfig) config = NULL;
  g_autoptr(GPtrArray) probes = g_ptr_array_new ();
  BslRuntime *runtime;

  if (drives_itself (problem->network, name))
    return TRUE;
  config = bsl_run_config_new (problem->tag);
  config->n_threads = 1;
  config->seed = problem->network->run_seed;
  bsl_run_config_set_override (config, name, problem->tag);
  runtime = bsl_runtime_new (problem->network, config, error);
  if (runtime == NULL)
    return FALSE;
  for (guint c = 0; c < problem->network->connections->len; c++)
    {
      const BslConnection *conn = g_ptr_array_index (problem->network->connections, c);
      g_autofree char *target = NULL;
      BslProbe *probe;

      if (!g_str_equal (conn->to_process, name) || !g_str_equal (conn->to_port, drive_port_of (problem->type)))
        continue;
      target = g_strdup_printf ("%s.%s", conn->from_process, conn->from_port);
      probe = bsl_runtime_add_probe (runtime, target, BSL_PROBE_RECORD, 0, error);
      if (probe == NULL)
        {
          bsl_runtime_free (runtime);
          return FALSE;
        }
      g_ptr_array_add (probes, probe);
    }
  bsl_runtime_run (runtime, problem->n_steps);
  for (gsize t = 0; t < problem->n_steps; t++)
    for (gsize i = 0; i < problem->n; i++)
      {
        double sum = 0.0;

        for (guint p = 0; p < probes->len; p++)
          {
            const double *row = bsl_probe_get_row (g_ptr_array_index (probes, p), t);
            double value = row != NULL ? row[i] : 0.0;

            /* A fixed_pt receiver truncates what each sender sends (doubles from sources). */
            sum += problem->tag == BSL_TAG_FIXED_PT ? trunc (value) : value;
          }
        problem->a_in_f[t * problem->n + i] = sum;
        problem->a_in_i[t * problem->n + i] = (gint32) CLAMP (sum, -2147483648.0, 2147483647.0);
      }
  bsl_runtime_free (runtime);
  problem->recorded = TRUE;
  return TRUE;
}

BslFitProblem *
bsl_fit_problem_new (const BslProcess   *neuron,
                     BslTag              tag,
                     const BslReference *ref,
                     const BslGraph     *network,
                     GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  BslFitProblem *problem;
  const BslProcType *type;

  g_return_val_if_fail (neuron != NULL && ref != NULL, NULL);

  type = neuron->type;
  if (!bsl_fit_neuron_roles (type, NULL, NULL, NULL))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "process '%s' is a %s, not a neuron population with an a_in port: "
                   "only neurons can be fitted", neuron->name, type->name);
      return NULL;
    }
  if (tag == BSL_TAG_NONE)
    tag = bsl_process_resolve_tag (neuron, BSL_TAG_FIXED_PT);
  if (!bsl_proc_type_has_model (type, tag))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "process '%s': %s has no %s model", neuron->name, type->name,
                   bsl_tag_to_string (tag));
      return NULL;
    }
  if (neuron->ndim != 1)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                   "process '%s': only one-dimensional populations can be fitted", neuron->name);
      return NULL;
    }
  if (!bsl_reference_check_neurons (ref, neuron->dims[0], neuron->name, error))
    return NULL;
  if (!bsl_process_validate (neuron, tag, error))
    return NULL;
  if (network != NULL)
    {
      const BslProcess *in_network = bsl_graph_find_process (network, neuron->name);

      if (in_network == NULL || in_network->type != type)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_NAME,
                       "the network has no %s process named '%s'", type->name, neuron->name);
          return NULL;
        }
    }

  problem = g_new0 (BslFitProblem, 1);
  problem->neuron = bsl_process_copy (neuron);
  problem->type = type;
  problem->tag = tag;
  problem->ref = bsl_reference_copy (ref);
  problem->n = neuron->dims[0];
  problem->n_steps = ref->n_steps;
  problem->values = g_new0 (BslArray *, type->n_vars);
  problem->base = g_new0 (BslArray *, type->n_vars);
  problem->fitted = g_new0 (gboolean, type->n_vars);
  problem->dims = g_array_new (FALSE, TRUE, sizeof (Dim));
  g_array_set_clear_func (problem->dims, clear_dim);
  problem->network = network != NULL ? bsl_graph_copy (network) : NULL;
  bsl_metric_config_init (&problem->metric);
  bsl_metric_config_check (&problem->metric, ref, FALSE, NULL);

  for (guint i = 0; i < type->n_vars; i++)
    {
      if (type->vars[i].shape == BSL_SHAPE_TIME_SERIES)
        continue;
      problem->base[i] = bsl_process_dup_param_full (neuron, type->vars[i].name, &local_error);
      if (problem->base[i] == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          bsl_fit_problem_free (problem);
          return NULL;
        }
      problem->values[i] = bsl_array_copy (problem->base[i]);
    }

  /* The a_in drive, as a RingBuffer would deliver it: doubles, truncated toward zero by a
   * fixed_pt receiver. */
  problem->a_in_f = g_new0 (double, MAX (problem->n_steps * problem->n, 1));
  problem->a_in_i = g_new0 (gint32, MAX (problem->n_steps * problem->n, 1));
  if (ref->data[BSL_REF_A_IN] != NULL)
    for (gsize k = 0; k < problem->n_steps * problem->n; k++)
      {
        double a = ref->data[BSL_REF_A_IN][k];

        problem->a_in_f[k] = a;
        problem->a_in_i[k] = (gint32) CLAMP (trunc (a), -2147483648.0, 2147483647.0);
      }

  problem->var_u = role_var (type, FALSE);
  problem->var_v = role_var (type, TRUE);
  problem->var_du = find_var (type, "du");
  problem->var_dv = find_var (type, "dv");
  problem->var_vth = find_var (type, "vth");
  problem->var_bias_mant = find_var (type, "bias_mant");
  problem->var_bias_exp = find_var (type, "bias_exp");
  problem->var_vth_hi = find_var (type, "vth_hi");
  problem->var_vth_lo = find_var (type, "vth_lo");
  problem->var_reset_interval = find_var (type, "reset_interval");
  problem->var_reset_offset = find_var (type, "reset_offset");
  problem->var_refractory_period = find_var (type, "refractory_period");
  problem->var_refractory_end = find_var (type, "refractory_period_end");
  if (g_str_equal (type->name, "LIF"))
    problem->kind = KIND_LIF;
  else if (g_str_equal (type->name, "LIFReset"))
    problem->kind = KIND_LIF_RESET;
  else if (g_str_equal (type->name, "LIFRefractory"))
    problem->kind = KIND_LIF_REFRACTORY;
  else if (g_str_equal (type->name, "TernaryLIF"))
    problem->kind = KIND_TERNARY_LIF;
  problem->work_f = g_new0 (double, 8 * problem->n);
  problem->work_i = g_new0 (gint32, 8 * problem->n);

  if (problem->network != NULL && problem->kind != KIND_OTHER &&
      !record_network_drive (problem, error))
    {
      bsl_fit_problem_free (problem);
      return NULL;
    }

  problem->trace = bsl_fit_problem_new_trace (problem);
  return problem;
}

static gboolean
var_is_integer (const BslFitProblem *problem,
                const BslVarSpec    *spec)
{
  return (spec->flags & BSL_VAR_COUNT) != 0 ||
         ((spec->flags & BSL_VAR_INTEGER) != 0 && problem->tag == BSL_TAG_FIXED_PT);
}

static void
add_dim (BslFitProblem *problem,
         guint          var,
         gssize         element,
         const char    *name)
{
  const BslVarSpec *spec = &problem->type->vars[var];
  Dim dim = { 0 };
  double start = problem->base[var]->data[MAX (element, 0)];
  double lo, hi;

  dim.name = g_strdup (name);
  dim.var = var;
  dim.element = element;
  dim.integer = var_is_integer (problem, spec);
  if (problem->tag == BSL_TAG_FIXED_PT)
    {
      lo = spec->fixed_min;
      hi = spec->fixed_max;
      /* A negative bias_exp (Lava's right shift) only drops the bias's low bits: the search
       * keeps to Loihi's 0..7. */
      if (g_str_equal (spec->name, "bias_exp"))
        lo = MAX (lo, 0);
    }
  else
    {
      lo = spec->float_min;
      hi = spec->float_max;
    }
  dim.valid_lower = lo;
  dim.valid_upper = hi;
  /* An optimiser needs a box: where the Var has no limit, a wide one around the start, scaled
   * by it (SI values such as a 10 ms time constant are small numbers). */
  {
    double width = start != 0.0 ? 10.0 * fabs (start) : 100.0;

    if (!isfinite (lo))
      lo = start - width;
    if (!isfinite (hi))
      hi = start + width;
  }
  /* Step counts (reset intervals, refractory periods) beyond twice the trace say nothing
   * more; the search need not wander there. */
  if (spec->flags & BSL_VAR_COUNT)
    hi = MIN (hi, MAX (2.0 * problem->n_steps, 2.0 * start + 1.0));
  if (dim.integer)
    {
      lo = ceil (lo);
      hi = floor (hi);
    }
  dim.lower = lo;
  dim.upper = hi;
  g_array_append_val (problem->dims, dim);
  problem->fitted[var] = TRUE;
}

gboolean
bsl_fit_problem_add_param (BslFitProblem *problem,
                           const char    *spec_text,
                           GError       **error)
{
  g_return_val_if_fail (problem != NULL, FALSE);

  g_autofree char *name = g_strstrip (g_strdup (spec_text));
  char *bracket = strchr (name, '[');
  gssize element = -1;
  gboolean shared = FALSE;
  const BslVarSpec *spec;
  int var;

  if (bracket != NULL && g_str_equal (bracket, "[:]"))
    {
      /* one value for every neuron */
      *bracket = '\0';
      shared = TRUE;
    }
  else if (bracket != NULL)
    {
      char *end = NULL;
      gint64 index;

      *bracket = '\0';
      index = g_ascii_strtoll (bracket + 1, &end, 10);
      if (end == bracket + 1 || *end != ']' || end[1] != '\0' || index < 0 ||
          (gsize) index >= problem->n)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                       "process '%s': parameter '%s': the index must be 0..%" G_GSIZE_FORMAT,
                       problem->neuron->name, spec_text, problem->n - 1);
          return FALSE;
        }
      element = (gssize) index;
    }
  var = find_var (problem->type, name);
  if (var < 0)
    {
      g_autoptr(GString) known = g_string_new (NULL);

      for (guint i = 0; i < problem->type->n_vars; i++)
        if ((problem->type->vars[i].flags & BSL_VAR_HIDDEN) == 0)
          g_string_append_printf (known, "%s%s", known->len ? ", " : "", problem->type->vars[i].name);
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                   "process '%s' (%s) has no parameter '%s' (it has %s)",
                   problem->neuron->name, problem->type->name, name, known->str);
      return FALSE;
    }
  spec = &problem->type->vars[var];
  if (problem->base[var] == NULL || (spec->flags & BSL_VAR_ENUM) != 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "process '%s': parameter '%s' cannot be fitted", problem->neuron->name, name);
      return FALSE;
    }
  if ((spec->flags & BSL_VAR_FIXED_ONLY) && problem->tag != BSL_TAG_FIXED_PT)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "process '%s': parameter '%s' only acts under fixed_pt, the fit runs %s",
                   problem->neuron->name, name, bsl_tag_to_string (problem->tag));
      return FALSE;
    }
  if ((spec->flags & BSL_VAR_FLOAT_ONLY) && problem->tag != BSL_TAG_FLOATING_PT)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "process '%s': parameter '%s' only acts under floating_pt, the fit runs %s",
                   problem->neuron->name, name, bsl_tag_to_string (problem->tag));
      return FALSE;
    }
  for (guint d = 0; d < problem->dims->len; d++)
    {
      const Dim *dim = &g_array_index (problem->dims, Dim, d);

      if (dim->var == (guint) var && (dim->element < 0 || element < 0 || dim->element == element))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                       "process '%s': parameter '%s' is given twice", problem->neuron->name,
                       spec_text);
          return FALSE;
        }
    }

  if (problem->base[var]->n == 1 || shared)
    add_dim (problem, var, -1, name);
  else if (element >= 0)
    {
      g_autofree char *dim_name = g_strdup_printf ("%s[%" G_GSSIZE_FORMAT "]", name, element);

      add_dim (problem, var, element, dim_name);
    }
  else
    for (gsize i = 0; i < problem->base[var]->n; i++)
      {
        g_autofree char *dim_name = g_strdup_printf ("%s[%" G_GSIZE_FORMAT "]", name, i);

        add_dim (problem, var, i, dim_name);
      }
  g_free (problem->x);
  problem->x = g_new0 (double, problem->dims->len);
  return TRUE;
}

gboolean
bsl_fit_problem_add_params (BslFitProblem *problem,
                            const char    *specs,
                            GError       **error)
{
  g_auto(GStrv) parts = NULL;
  guint added = 0;

  g_return_val_if_fail (problem != NULL, FALSE);

  /* Split on commas outside brackets. */
  parts = g_strsplit (specs != NULL ? specs : "", ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*g_strstrip (parts[i]) == '\0')
        continue;
      if (!bsl_fit_problem_add_param (problem, parts[i], error))
        return FALSE;
      added++;
    }
  if (added == 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_PARAM,
                   "process '%s': no parameter to fit", problem->neuron->name);
      return FALSE;
    }
  return TRUE;
}

guint
bsl_fit_problem_get_n_dims (const BslFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, 0);

  return problem->dims->len;
}

const char *
bsl_fit_problem_get_dim_name (const BslFitProblem *problem,
                              guint                dim)
{
  g_return_val_if_fail (dim < problem->dims->len, NULL);
  return g_array_index (problem->dims, Dim, dim).name;
}

const char *
bsl_fit_problem_get_dim_var (const BslFitProblem *problem,
                             guint                dim)
{
  g_return_val_if_fail (dim < problem->dims->len, NULL);
  return problem->type->vars[g_array_index (problem->dims, Dim, dim).var].name;
}

void
bsl_fit_problem_get_bounds (const BslFitProblem *problem,
                            guint                dim,
                            double              *lower,
                            double              *upper,
                            gboolean            *integer)
{
  const Dim *d;

  g_return_if_fail (dim < problem->dims->len);
  d = &g_array_index (problem->dims, Dim, dim);
  if (lower != NULL)
    *lower = d->lower;
  if (upper != NULL)
    *upper = d->upper;
  if (integer != NULL)
    *integer = d->integer;
}

char *
bsl_fit_problem_dup_dim_spec (const BslFitProblem *problem,
                              guint                dim)
{
  const Dim *d;

  g_return_val_if_fail (dim < problem->dims->len, NULL);
  d = &g_array_index (problem->dims, Dim, dim);
  if (d->element < 0 && problem->base[d->var]->n > 1)
    return g_strdup_printf ("%s[:]", d->name);
  return g_strdup (d->name);
}

void
bsl_fit_problem_get_valid_range (const BslFitProblem *problem,
                                 guint                dim,
                                 double              *lower,
                                 double              *upper)
{
  const Dim *d;

  g_return_if_fail (dim < problem->dims->len);
  d = &g_array_index (problem->dims, Dim, dim);
  if (lower != NULL)
    *lower = d->valid_lower;
  if (upper != NULL)
    *upper = d->valid_upper;
}

void
bsl_fit_problem_set_bounds (BslFitProblem *problem,
                            guint          dim,
                            double         lower,
                            double         upper)
{
  Dim *d;

  g_return_if_fail (dim < problem->dims->len);
  d = &g_array_index (problem->dims, Dim, dim);
  lower = MAX (lower, d->valid_lower);
  upper = MIN (upper, d->valid_upper);
  if (d->integer)
    {
      lower = ceil (lower);
      upper = floor (upper);
    }
  if (lower > upper)
    return;
  d->lower = lower;
  d->upper = upper;
}

void
bsl_fit_problem_get_start (const BslFitProblem *problem,
                           double              *x)
{
  g_return_if_fail (problem != NULL);

  for (guint k = 0; k < problem->dims->len; k++)
    {
      const Dim *d = &g_array_index (problem->dims, Dim, k);

      x[k] = problem->base[d->var]->data[MAX (d->element, 0)];
    }
}

void
bsl_fit_problem_set_metric (BslFitProblem         *problem,
                            const BslMetricConfig *config)
{
  g_return_if_fail (problem != NULL);

  problem->metric = *config;
}

const BslMetricConfig *
bsl_fit_problem_get_metric (const BslFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);

  return &problem->metric;
}

const BslReference *
bsl_fit_problem_get_reference (const BslFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);

  return problem->ref;
}

BslTag
bsl_fit_problem_get_tag (const BslFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, BSL_TAG_FLOATING_PT);

  return problem->tag;
}

const char *
bsl_fit_problem_get_process_name (const BslFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);

  return problem->neuron->name;
}

gsize
bsl_fit_problem_get_n_neurons (const BslFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, 0);

  return problem->n;
}

gboolean
bsl_fit_problem_is_direct (const BslFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, FALSE);

  return !problem->use_runtime && (problem->network == NULL || problem->recorded) &&
         problem->kind != KIND_OTHER;
}

void
bsl_fit_problem_set_use_runtime (BslFitProblem *problem,
                                 gboolean       use_runtime)
{
  g_return_if_fail (problem != NULL);

  problem->use_runtime = use_runtime;
}

/* Through the runtime, a population driven by the reference's a_in can be held to the
 * reference's u and v between steps (the states of those names), whatever its model. */
static gboolean
can_force_runtime (const BslFitProblem *problem)
{
  return !bsl_fit_problem_is_direct (problem) && problem->network == NULL &&
         problem->var_v >= 0 && (problem->type->vars[problem->var_v].flags & BSL_VAR_STATE) &&
         (problem->var_u < 0 || (problem->type->vars[problem->var_u].flags & BSL_VAR_STATE));
}

gboolean
bsl_fit_problem_can_force (const BslFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, FALSE);

  if (problem->ref->data[BSL_REF_V] == NULL || problem->ref->data[BSL_REF_SPIKE] == NULL)
    return FALSE;
  if (bsl_fit_problem_is_direct (problem))
    return problem->kind != KIND_LIF_REFRACTORY;
  return can_force_runtime (problem);
}

void
bsl_fit_problem_set_forcing (BslFitProblem *problem,
                             gboolean       forcing)
{
  g_return_if_fail (problem != NULL);

  problem->forcing = forcing && bsl_fit_problem_can_force (problem);
}

gboolean
bsl_fit_problem_get_forcing (const BslFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, FALSE);

  return problem->forcing;
}

guint64
bsl_fit_problem_get_n_evaluations (const BslFitProblem *problem)
{
  g_return_val_if_fail (problem != NULL, 0);

  return problem->evaluations;
}

BslReference *
bsl_fit_problem_new_trace (const BslFitProblem *problem)
{
  BslReference *trace;
  gsize n;

  g_return_val_if_fail (problem != NULL, NULL);

  trace = bsl_reference_new (problem->n_steps, problem->n, problem->neuron->name);
  n = MAX (problem->n_steps * problem->n, 1);

  /* A type without u or v (an Equations process with other names) has no such trace; the
   * metrics that need it are then left out. */
  if (problem->var_u >= 0)
    trace->data[BSL_REF_U] = g_new0 (double, n);
  if (problem->var_v >= 0)
    trace->data[BSL_REF_V] = g_new0 (double, n);
  trace->data[BSL_REF_SPIKE] = g_new0 (double, n);
  if (problem->network == NULL || problem->recorded)
    trace->data[BSL_REF_A_IN] = g_memdup2 (problem->a_in_f, n * sizeof (double));
  return trace;
}

/* Sets values[] from the base and the (projected) point. */
static void
apply_point (BslFitProblem *problem,
             const double  *x)
{
  for (guint i = 0; i < problem->type->n_vars; i++)
    if (problem->fitted[i])
      memcpy (problem->values[i]->data, problem->base[i]->data,
              problem->base[i]->n * sizeof (double));
  for (guint k = 0; k < problem->dims->len; k++)
    {
      const Dim *d = &g_array_index (problem->dims, Dim, k);
      double value = x[k];
      BslArray *array = problem->values[d->var];

      if (isnan (value))
        value = problem->base[d->var]->data[MAX (d->element, 0)];
      if (d->integer)
        value = nearbyint (value);
      value = CLAMP (value, d->lower, d->upper);
      problem->x[k] = value;
      if (d->element < 0)
        for (gsize e = 0; e < array->n; e++)
          array->data[e] = value;
      else
        array->data[d->element] = value;
    }
}

static inline double
value_of (const BslFitProblem *problem,
          int                  var,
          gsize                element)
{
  const BslArray *array;

  if (var < 0)
    return 0.0;
  array = problem->values[var];
  return array->n == 1 ? array->data[0] : array->data[element];
}

/* The initial state and the per-neuron bias of the population at the current point. */
static void
load_fixed_state (const BslFitProblem *problem,
                  gint32              *u,
                  gint32              *v,
                  gint32              *bias_mant,
                  gint32              *bias_exp)
{
  for (gsize i = 0; i < problem->n; i++)
    {
      u[i] = (gint32) value_of (problem, problem->var_u, i);
      v[i] = (gint32) value_of (problem, problem->var_v, i);
      bias_mant[i] = (gint32) value_of (problem, problem->var_bias_mant, i);
      bias_exp[i] = (gint32) value_of (problem, problem->var_bias_exp, i);
    }
}

static void
load_float_state (const BslFitProblem *problem,
                  double              *u,
                  double              *v,
                  double              *bias_mant)
{
  for (gsize i = 0; i < problem->n; i++)
    {
      u[i] = value_of (problem, problem->var_u, i);
      v[i] = value_of (problem, problem->var_v, i);
      bias_mant[i] = value_of (problem, problem->var_bias_mant, i);
    }
}

static void
simulate_direct_fixed (BslFitProblem *problem,
                       BslReference  *trace)
{
  gsize n = problem->n;
  gint32 *u = problem->work_i, *v = u + n, *s = v + n, *bias_mant = s + n, *bias_exp = bias_mant + n;
  gint32 du = (gint32) value_of (problem, problem->var_du, 0);
  gint32 dv = (gint32) value_of (problem, problem->var_dv, 0);
  gint32 vth = (gint32) value_of (problem, problem->var_vth, 0);
  gint32 vth_hi = (gint32) value_of (problem, problem->var_vth_hi, 0);
  gint32 vth_lo = (gint32) value_of (problem, problem->var_vth_lo, 0);
  gint64 reset_interval = (gint64) value_of (problem, problem->var_reset_interval, 0);
  gint64 reset_offset = (gint64) value_of (problem, problem->var_reset_offset, 0);
  double *out_u = trace->data[BSL_REF_U], *out_v = trace->data[BSL_REF_V];
  double *out_s = trace->data[BSL_REF_SPIKE];
  const double *forced_u = problem->forcing ? problem->ref->data[BSL_REF_U] : NULL;
  const double *forced_v = problem->forcing ? problem->ref->data[BSL_REF_V] : NULL;

  load_fixed_state (problem, u, v, bias_mant, bias_exp);
  for (gsize t = 0; t < problem->n_steps; t++)
    {
      const gint32 *a_in = problem->a_in_i + t * n;

      if (t > 0 && forced_u != NULL)
        for (gsize i = 0; i < n; i++)
          u[i] = (gint32) forced_u[(t - 1) * n + i];
      if (t > 0 && forced_v != NULL)
        for (gsize i = 0; i < n; i++)
          v[i] = (gint32) forced_v[(t - 1) * n + i];

      switch (problem->kind)
        {
        case KIND_LIF_RESET:
          if (bsl_k_lif_reset_due ((int64_t) t + 1, reset_interval, reset_offset))
            for (gsize i = 0; i < n; i++)
              u[i] = v[i] = 0;
          G_GNUC_FALLTHROUGH;
        case KIND_LIF:
          bsl_k_lif_fixed_step (0, n, du, dv, vth, bias_mant, bias_exp, a_in, u, v, s);
          break;
        case KIND_TERNARY_LIF:
          bsl_k_ternary_lif_fixed_step (0, n, du, dv, vth_hi, vth_lo, bias_mant, bias_exp, a_in,
                                        u, v, s);
          break;
        default:
          g_assert_not_reached ();
        }
      for (gsize i = 0; i < n; i++)
        {
          out_u[t * n + i] = u[i];
          out_v[t * n + i] = v[i];
          out_s[t * n + i] = s[i];
        }
    }
}

static void
simulate_direct_float (BslFitProblem *problem,
                       BslReference  *trace)
{
  gsize n = problem->n;
  double *u = problem->work_f, *v = u + n, *s = v + n, *bias_mant = s + n, *refractory_end = bias_mant + n;
  double du = value_of (problem, problem->var_du, 0);
  double dv = value_of (problem, problem->var_dv, 0);
  double vth = value_of (problem, problem->var_vth, 0);
  double vth_hi = value_of (problem, problem->var_vth_hi, 0);
  double vth_lo = value_of (problem, problem->var_vth_lo, 0);
  double refractory_period = value_of (problem, problem->var_refractory_period, 0);
  gint64 reset_interval = (gint64) value_of (problem, problem->var_reset_interval, 0);
  gint64 reset_offset = (gint64) value_of (problem, problem->var_reset_offset, 0);
  double *out_u = trace->data[BSL_REF_U], *out_v = trace->data[BSL_REF_V];
  double *out_s = trace->data[BSL_REF_SPIKE];
  const double *forced_u = problem->forcing ? problem->ref->data[BSL_REF_U] : NULL;
  const double *forced_v = problem->forcing ? problem->ref->data[BSL_REF_V] : NULL;

  load_float_state (problem, u, v, bias_mant);
  for (gsize i = 0; i < n; i++)
    refractory_end[i] = value_of (problem, problem->var_refractory_end, i);
  for (gsize t = 0; t < problem->n_steps; t++)
    {
      const double *a_in = problem->a_in_f + t * n;

      if (t > 0 && forced_u != NULL)
        memcpy (u, forced_u + (t - 1) * n, n * sizeof (double));
      if (t > 0 && forced_v != NULL)
        memcpy (v, forced_v + (t - 1) * n, n * sizeof (double));

      switch (problem->kind)
        {
        case KIND_LIF_RESET:
          if (bsl_k_lif_reset_due ((int64_t) t + 1, reset_interval, reset_offset))
            for (gsize i = 0; i < n; i++)
              u[i] = v[i] = 0.0;
          G_GNUC_FALLTHROUGH;
        case KIND_LIF:
          bsl_k_lif_float_step (0, n, du, dv, vth, bias_mant, a_in, u, v, s);
          break;
        case KIND_TERNARY_LIF:
          bsl_k_ternary_lif_float_step (0, n, du, dv, vth_hi, vth_lo, bias_mant, a_in, u, v, s);
          break;
        case KIND_LIF_REFRACTORY:
          bsl_k_lif_refractory_float_step (0, n, (int64_t) t + 1, du, dv, vth, refractory_period,
                                           bias_mant, a_in, u, v, refractory_end, s);
          break;
        default:
          g_assert_not_reached ();
        }
      for (gsize i = 0; i < n; i++)
        {
          out_u[t * n + i] = u[i];
          out_v[t * n + i] = v[i];
          out_s[t * n + i] = s[i];
        }
    }
}

static gboolean
ensure_runtime (BslFitProblem *problem,
                GError       **error)
{
  g_autoptr(BslGraph) graph = NULL;
  g_autoptr(BslRunConfig) config = NULL;
  const char *name = problem->neuron->name;
  const char *probe_vars[3] = { NULL, NULL, "s_out" };

  if (problem->runtime != NULL)
    return TRUE;

  if (problem->network != NULL)
    {
      BslProcess *target;

      graph = bsl_graph_copy (problem->network);
      target = bsl_graph_find_process (graph, name);
      /* The population's own parameters (the start) replace the network's. */
      for (guint i = 0; i < problem->type->n_vars; i++)
        {
          const BslArray *value = bsl_process_get_param (problem->neuron, problem->type->vars[i].name);

          if (value != NULL &&
              !bsl_process_set_param (target, problem->type->vars[i].name, bsl_array_copy (value), error))
            return FALSE;
        }
    }
  else
    {
      g_autofree char *source_name = NULL;
      g_autoptr(BslArray) data = NULL;
      BslProcess *source;
      gsize dims[1] = { problem->n };

      graph = bsl_graph_new ();
      if (!bsl_graph_insert_process (graph, bsl_process_copy (problem->neuron), -1, error))
        return FALSE;
      source_name = bsl_graph_unique_name (graph, "drive");
      source = bsl_graph_add_process (graph, "RingBuffer", source_name, 1, dims, error);
      if (source == NULL)
        return FALSE;
      data = bsl_array_new_matrix (problem->n, MAX (problem->n_steps, 1));
      for (gsize t = 0; t < problem->n_steps; t++)
        for (gsize i = 0; i < problem->n; i++)
          data->data[i * problem->n_steps + t] = problem->a_in_f[t * problem->n + i];
      if (!bsl_process_set_param (source, "data", g_steal_pointer (&data), error))
        return FALSE;
      if (bsl_graph_connect_ports (graph, source_name, "s_out", name, drive_port_of (problem->type), error) == NULL)
        return FALSE;
    }

  config = bsl_run_config_new (problem->tag);
  config->n_threads = 1;
  bsl_run_config_set_override (config, name, problem->tag);
  problem->runtime = bsl_runtime_new (graph, config, error);
  if (problem->runtime == NULL)
    return FALSE;
  bsl_fit_neuron_roles (problem->type, NULL, &probe_vars[0], &probe_vars[1]);
  for (guint p = 0; p < 3; p++)
    {
      g_autofree char *target = NULL;

      if (probe_vars[p] == NULL)
        continue;
      target = g_strdup_printf ("%s.%s", name, probe_vars[p]);
      problem->probes[p] = bsl_runtime_add_probe (problem->runtime, target, BSL_PROBE_RECORD, 0, error);
      if (problem->probes[p] == NULL)
        {
          g_clear_pointer (&problem->runtime, bsl_runtime_free);
          return FALSE;
        }
    }
  return TRUE;
}

/* The runtime back at step 0 with the fitted values of the current point. */
static gboolean
restart_runtime (BslFitProblem *problem,
                 GError       **error)
{
  if (!ensure_runtime (problem, error))
    return FALSE;
  bsl_runtime_reset (problem->runtime);
  for (guint i = 0; i < problem->type->n_vars; i++)
    if (problem->fitted[i] &&
        !bsl_runtime_set_var (problem->runtime, problem->neuron->name, problem->type->vars[i].name,
                              problem->values[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
simulate_runtime (BslFitProblem *problem,
                  BslReference  *trace,
                  GError       **error)
{
  BslRefVar outputs[3] = { BSL_REF_U, BSL_REF_V, BSL_REF_SPIKE };
  gsize n = problem->n;

  if (!restart_runtime (problem, error))
    return FALSE;
  bsl_runtime_run (problem->runtime, problem->n_steps);
  for (guint p = 0; p < 3; p++)
    {
      double *out = trace->data[outputs[p]];

      if (problem->probes[p] == NULL || out == NULL)
        continue;
      for (gsize t = 0; t < problem->n_steps; t++)
        {
          const double *row = bsl_probe_get_row (problem->probes[p], t);

          if (row == NULL)
            {
              g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED,
                           "process '%s': the probe of %s holds no step %" G_GSIZE_FORMAT,
                           problem->neuron->name, bsl_probe_get_target (problem->probes[p]), t + 1);
              return FALSE;
            }
          memcpy (out + t * n, row, n * sizeof (double));
        }
    }
  return TRUE;
}

gboolean
bsl_fit_problem_simulate (BslFitProblem *problem,
                          const double  *x,
                          BslReference  *trace,
                          GError       **error)
{
  g_return_val_if_fail (trace->n_steps == problem->n_steps && trace->n_neurons == problem->n, FALSE);

  if (problem->dims->len > 0)
    apply_point (problem, x);
  if (!bsl_fit_problem_is_direct (problem))
    return simulate_runtime (problem, trace, error);
  if (problem->tag == BSL_TAG_FIXED_PT)
    simulate_direct_fixed (problem, trace);
  else
    simulate_direct_float (problem, trace);
  return TRUE;
}

/* The teacher-forced objective from the summed squared errors of u and v: the chosen RMSE
 * weights, 1 where the metric has none. */
static double
forced_objective (const BslFitProblem *problem,
                  double               sum_u,
                  double               sum_v,
                  gsize                count)
{
  double w_v = problem->metric.weights[BSL_METRIC_RMSE_V] > 0 ? problem->metric.weights[BSL_METRIC_RMSE_V] : 1.0;
  double w_u = problem->metric.weights[BSL_METRIC_RMSE_U] > 0 ? problem->metric.weights[BSL_METRIC_RMSE_U] : 1.0;

  return w_v * sqrt (sum_v / count) + w_u * sqrt (sum_u / count);
}

/* The error of one teacher-forced step of neuron i, from the voltage before the spike decision.
 * Where the reference did not spike: the distance to its voltage, plus how far past the
 * threshold the model went if it spiked. Where it spiked: 0 if the model spiked the same way,
 * otherwise how far short of the threshold the model stayed. `slack` is 1 for fixed_pt (strict
 * integer comparisons) and 0 for floating_pt. Continuous in the parameters, unlike the voltage
 * after a reset, so that a threshold on a plateau still has a slope. */
static inline double
forced_step_error (const BslFitProblem *problem,
                   double               pre,
                   double               ref_v,
                   double               ref_s,
                   double               vth,
                   double               vth_hi,
                   double               vth_lo,
                   double               slack)
{
  double s;

  if (problem->kind == KIND_TERNARY_LIF)
    s = (double) (pre > vth_hi) - (double) (pre < vth_lo);
  else
    s = (double) (pre > vth);
  if (ref_s == 0.0)
    {
      double err = fabs (pre - ref_v);

      if (s > 0)
        err += pre - (problem->kind == KIND_TERNARY_LIF ? vth_hi : vth) + slack;
      else if (s < 0)
        err += vth_lo - pre + slack;
      return err;
    }
  if (s == ref_s)
    return 0.0;
  if (ref_s > 0)
    return (problem->kind == KIND_TERNARY_LIF ? vth_hi : vth) - pre + slack;
  return pre - vth_lo + slack;
}

static double
forced_loss (BslFitProblem *problem)
{
  gsize n = problem->n;
  gboolean fixed = problem->tag == BSL_TAG_FIXED_PT;
  const double *ru = problem->ref->data[BSL_REF_U];
  const double *rv = problem->ref->data[BSL_REF_V];
  const double *rs = problem->ref->data[BSL_REF_SPIKE];
  gint64 reset_interval = (gint64) value_of (problem, problem->var_reset_interval, 0);
  gint64 reset_offset = (gint64) value_of (problem, problem->var_reset_offset, 0);
  double scale = fixed ? (double) (1 << BSL_K_ACT_SHIFT) : 1.0;
  double vth = value_of (problem, problem->var_vth, 0) * scale;
  double vth_hi = value_of (problem, problem->var_vth_hi, 0) * scale;
  double vth_lo = value_of (problem, problem->var_vth_lo, 0) * scale;
  double sum_u = 0.0, sum_v = 0.0;
  gsize count = MAX (problem->n_steps * n, 1);

  if (fixed)
    {
      gint32 *u = problem->work_i, *v = u + n, *bias_mant = v + n, *bias_exp = bias_mant + n;
      gint32 du = (gint32) value_of (problem, problem->var_du, 0);
      gint32 dv = (gint32) value_of (problem, problem->var_dv, 0);

      load_fixed_state (problem, u, v, bias_mant, bias_exp);
      for (gsize t = 0; t < problem->n_steps; t++)
        {
          if (t > 0)
            for (gsize i = 0; i < n; i++)
              {
                if (ru != NULL)
                  u[i] = (gint32) ru[(t - 1) * n + i];
                v[i] = (gint32) rv[(t - 1) * n + i];
              }
          if (problem->kind == KIND_LIF_RESET &&
              bsl_k_lif_reset_due ((int64_t) t + 1, reset_interval, reset_offset))
            for (gsize i = 0; i < n; i++)
              u[i] = v[i] = 0;
          bsl_k_lif_fixed_subthreshold (0, n, du, dv, bias_mant, bias_exp,
                                        problem->a_in_i + t * n, u, v);
          for (gsize i = 0; i < n; i++)
            {
              gsize k = t * n + i;
              double e = forced_step_error (problem, v[i], rv[k], rs[k], vth, vth_hi, vth_lo, 1.0);

              sum_v += e * e;
              if (ru != NULL)
                sum_u += ((double) u[i] - ru[k]) * ((double) u[i] - ru[k]);
            }
        }
    }
  else
    {
      double *u = problem->work_f, *v = u + n, *bias_mant = v + n;
      double du = value_of (problem, problem->var_du, 0);
      double dv = value_of (problem, problem->var_dv, 0);

      load_float_state (problem, u, v, bias_mant);
      for (gsize t = 0; t < problem->n_steps; t++)
        {
          if (t > 0)
            {
              if (ru != NULL)
                memcpy (u, ru + (t - 1) * n, n * sizeof (double));
              memcpy (v, rv + (t - 1) * n, n * sizeof (double));
            }
          if (problem->kind == KIND_LIF_RESET &&
              bsl_k_lif_reset_due ((int64_t) t + 1, reset_interval, reset_offset))
            for (gsize i = 0; i < n; i++)
              u[i] = v[i] = 0.0;
          bsl_k_lif_float_subthreshold (0, n, du, dv, bias_mant, problem->a_in_f + t * n, u, v);
          for (gsize i = 0; i < n; i++)
            {
              gsize k = t * n + i;
              double e = forced_step_error (problem, v[i], rv[k], rs[k], vth, vth_hi, vth_lo, 0.0);

              sum_v += e * e;
              if (ru != NULL)
                sum_u += (u[i] - ru[k]) * (u[i] - ru[k]);
            }
        }
    }
  return forced_objective (problem, sum_u, sum_v, count);
}

/* The teacher-forced objective through the runtime: each step starts from the reference's u and
 * v of the step before; the error is that of the step's u and v (after the model's own spike
 * decision and reset, which is all the runtime shows). */
static double
forced_loss_runtime (BslFitProblem *problem)
{
  gsize n = problem->n;
  const double *ref_u = problem->var_u >= 0 ? problem->ref->data[BSL_REF_U] : NULL;
  const double *ref_v = problem->ref->data[BSL_REF_V];
  const char *name = problem->neuron->name;
  const char *u_name = ref_u != NULL ? problem->type->vars[problem->var_u].name : NULL;
  const char *v_name = problem->type->vars[problem->var_v].name;
  g_autoptr(BslArray) held = bsl_array_new_vector (n, NULL);
  double sum_u = 0.0, sum_v = 0.0;
  gsize count = MAX (problem->n_steps * n, 1);

  if (!restart_runtime (problem, NULL))
    return INFINITY;
  for (gsize t = 0; t < problem->n_steps; t++)
    {
      if (t > 0)
        {
          if (u_name != NULL)
            {
              memcpy (held->data, ref_u + (t - 1) * n, n * sizeof (double));
              bsl_runtime_set_var (problem->runtime, name, u_name, held, NULL);
            }
          memcpy (held->data, ref_v + (t - 1) * n, n * sizeof (double));
          bsl_runtime_set_var (problem->runtime, name, v_name, held, NULL);
        }
      bsl_runtime_step (problem->runtime);
    }
  for (gsize t = 0; t < problem->n_steps; t++)
    {
      const double *v = bsl_probe_get_row (problem->probes[1], t);
      const double *u = u_name != NULL ? bsl_probe_get_row (problem->probes[0], t) : NULL;

      for (gsize i = 0; i < n; i++)
        {
          double dv = v[i] - ref_v[t * n + i];

          sum_v += dv * dv;
          if (u != NULL)
            sum_u += (u[i] - ref_u[t * n + i]) * (u[i] - ref_u[t * n + i]);
        }
    }
  return forced_objective (problem, sum_u, sum_v, count);
}

double
bsl_fit_problem_evaluate (BslFitProblem   *problem,
                          const double    *x,
                          gboolean         all,
                          BslMetricValues *values)
{
  BslMetricValues local;

  g_return_val_if_fail (problem != NULL, 0.0);

  problem->evaluations++;
  if (problem->forcing)
    {
      double loss;

      apply_point (problem, x);
      loss = bsl_fit_problem_is_direct (problem) ? forced_loss (problem) : forced_loss_runtime (problem);
      if (values != NULL)
        {
          for (guint m = 0; m < BSL_N_METRICS; m++)
            values->values[m] = NAN;
          values->gamma = NAN;
          values->total = loss;
        }
      return loss;
    }
  if (!bsl_fit_problem_simulate (problem, x, problem->trace, NULL))
    return INFINITY;
  if (values == NULL)
    values = &local;
  bsl_metrics_compute (&problem->metric, problem->ref, problem->trace, all, values);
  return values->total;
}

BslArray *
bsl_fit_problem_dup_var (const BslFitProblem *problem,
                         const double        *x,
                         const char          *var_name)
{
  int var;
  BslArray *array;

  g_return_val_if_fail (problem != NULL, NULL);

  var = find_var (problem->type, var_name);
  if (var < 0 || problem->base[var] == NULL)
    return NULL;
  array = bsl_array_copy (problem->base[var]);
  for (guint k = 0; k < problem->dims->len; k++)
    {
      const Dim *d = &g_array_index (problem->dims, Dim, k);
      double value;

      if (d->var != (guint) var)
        continue;
      value = d->integer ? nearbyint (x[k]) : x[k];
      value = CLAMP (value, d->lower, d->upper);
      if (d->element < 0)
        for (gsize e = 0; e < array->n; e++)
          array->data[e] = value;
      else
        array->data[d->element] = value;
    }
  return array;
}

BslProcess *
bsl_fit_problem_dup_process (const BslFitProblem *problem,
                             const double        *x)
{
  BslProcess *process;

  g_return_val_if_fail (problem != NULL, NULL);

  process = bsl_process_copy (problem->neuron);
  for (guint i = 0; i < problem->type->n_vars; i++)
    {
      BslArray *value;
      gboolean uniform = TRUE;

      if (!problem->fitted[i])
        continue;
      value = bsl_fit_problem_dup_var (problem, x, problem->type->vars[i].name);
      for (gsize e = 1; e < value->n; e++)
        uniform = uniform && value->data[e] == value->data[0];
      if (value->n > 1 && uniform && (problem->type->vars[i].flags & BSL_VAR_BROADCAST))
        {
          double scalar = value->data[0];

          bsl_array_free (value);
          value = bsl_array_new_scalar (scalar);
        }
      if (!bsl_process_set_param (process, problem->type->vars[i].name, value, NULL))
        g_warn_if_reached ();
    }
  return process;
}

double
bsl_fit_problem_objective (const double *x,
                           gpointer      problem)
{
  return bsl_fit_problem_evaluate (problem, x, FALSE, NULL);
}

static double
rounding_level (const BslFitProblem *problem)
{
  const double *v = problem->ref->data[BSL_REF_V];
  double largest = 1.0;

  for (gsize k = 0; v != NULL && k < problem->n_steps * problem->n; k++)
    largest = MAX (largest, fabs (v[k]));
  return 1e-14 * largest;
}

BslOptimizer *
bsl_fit_problem_new_optimizer (BslFitProblem      *problem,
                               BslOptimizerMethod  method)
{
  guint n = problem->dims->len;
  g_autofree double *x0 = g_new0 (double, MAX (n, 1));
  BslOptimizer *opt;

  g_return_val_if_fail (n > 0, NULL);

  if (method >= BSL_N_OPTIMIZERS)
    method = problem->tag == BSL_TAG_FIXED_PT ? BSL_OPTIMIZER_INTEGER : BSL_OPTIMIZER_CMA_ES;
  opt = bsl_optimizer_new (method, n);
  for (guint k = 0; k < n; k++)
    {
      const Dim *d = &g_array_index (problem->dims, Dim, k);

      bsl_optimizer_set_bounds (opt, k, d->lower, d->upper, d->integer);
      bsl_optimizer_set_name (opt, k, d->name);
    }
  bsl_fit_problem_get_start (problem, x0);
  bsl_optimizer_set_start (opt, x0);
  /* Every metric is 0 for an exact match: nothing can beat it. A floating_pt model computing
   * the reference's sums in another order (equations, another simulator) stops at rounding
   * instead: 1e-14 of the reference's largest |v|. */
  bsl_optimizer_set_target (opt, problem->tag == BSL_TAG_FIXED_PT ? 0.0 : rounding_level (problem));
  return opt;
}
