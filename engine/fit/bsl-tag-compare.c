/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "bsl-error.h"
#include "bsl-graph-private.h"
#include "bsl-json-numbers.h"
#include "bsl-fit-problem.h"
#include "bsl-tag-compare-private.h"

#define FIXED_TO_FLOAT_SCALE 64.0   /* a float unit of u is one unit of a_in */
#define STATE_BITS 23.0

static const char *const lif_family[] = { "LIF", "LIFReset", "LIFRefractory", "TernaryLIF" };

static gboolean
is_lif_family (const char *type_name)
{
  for (guint k = 0; k < G_N_ELEMENTS (lif_family); k++)
    if (g_strcmp0 (type_name, lif_family[k]) == 0)
      return TRUE;
  return FALSE;
}

gboolean
bsl_tag_comparison_supports (const char *type_name)
{
  return is_lif_family (type_name) || g_strcmp0 (type_name, "ATRLIF") == 0 ||
         g_strcmp0 (type_name, "RF") == 0 || g_strcmp0 (type_name, "SigmaDelta") == 0;
}

void
bsl_tag_comparison_free (BslTagComparison *comparison)
{
  if (comparison == NULL)
    return;
  g_clear_pointer (&comparison->other, bsl_process_free);
  g_clear_pointer (&comparison->params, g_array_unref);
  for (guint k = 0; k < 2; k++)
    g_clear_pointer (&comparison->traces[k], bsl_reference_free);
  g_free (comparison);
}

double
_bsl_tag_compare_scalar (const BslProcess *process,
                         const char       *var)
{
  g_autoptr(BslArray) value = bsl_process_dup_param_full (process, var, NULL);

  return value != NULL && value->n > 0 ? value->data[0] : 0.0;
}

#define scalar_param _bsl_tag_compare_scalar

/* TernaryLIF has two thresholds: the quantisation sizes S by the larger, both scale alike. */
static double
threshold_of (const BslProcess *process)
{
  if (g_strcmp0 (process->type->name, "TernaryLIF") == 0)
    return MAX (fabs (scalar_param (process, "vth_hi")), fabs (scalar_param (process, "vth_lo")));
  return scalar_param (process, "vth");
}

static void
set_thresholds (BslTagComparison *c,
                const BslProcess *process,
                double            factor,
                gboolean          to_fixed)
{
  static const char *const names[] = { "vth", "vth_hi", "vth_lo" };

  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      double value, converted;

      if (bsl_proc_type_find_var (process->type, names[k]) == NULL)
        continue;
      value = scalar_param (process, names[k]);
      converted = to_fixed ? nearbyint (value * factor) : value * factor;
      bsl_process_set_param (c->other, names[k], bsl_array_new_scalar (converted), NULL);
      if (to_fixed)
        bsl_quantize_params_append (c->params, names[k], value, converted, converted / factor);
      else
        bsl_quantize_params_append (c->params, names[k], converted, value, converted);
    }
}

static gboolean
lif_to_fixed (BslTagComparison   *c,
              const BslProcess   *process,
              BslReference       *drive,
              GError            **error)
{
  gsize n = drive->n_neurons, steps = drive->n_steps;
  g_autoptr(BslArray) bias = bsl_process_dup_param_full (process, "bias_mant", NULL);
  BslQuantizeInput in = { n, scalar_param (process, "du"), scalar_param (process, "dv"),
                          threshold_of (process), bias->data, steps, drive->data[BSL_REF_A_IN],
                          0, NULL, NULL, FALSE };
  g_autoptr(BslArray) mant = bsl_array_new_vector (n, NULL);
  g_autoptr(BslArray) exps = bsl_array_new_vector (n, NULL);
  BslQuantizeResult *r = bsl_quantize_lif (&in, FALSE, error);

  if (r == NULL)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      mant->data[i] = r->bias_mant[i];
      exps->data[i] = r->bias_exp[i];
    }
  /* The quantiser reports du, dv, vth and the biases; TernaryLIF's thresholds are added below. */
  for (guint k = 0; k < r->params->len; k++)
    {
      const BslQuantizeParam *p = &g_array_index (r->params, BslQuantizeParam, k);

      if (g_str_has_prefix (p->name, "vth"))
        continue;
      bsl_quantize_params_append (c->params, p->name, p->float_value, p->fixed_value, p->represented);
    }
  bsl_process_set_param (c->other, "du", bsl_array_new_scalar (r->du), NULL);
  bsl_process_set_param (c->other, "dv", bsl_array_new_scalar (r->dv), NULL);
  bsl_process_set_param (c->other, "bias_mant", g_steal_pointer (&mant), NULL);
  bsl_process_set_param (c->other, "bias_exp", g_steal_pointer (&exps), NULL);
  set_thresholds (c, process, r->scale / 64.0, TRUE);
  for (gsize k = 0; k < steps * n; k++)
    drive->data[BSL_REF_A_IN][k] = r->a_in[k];
  c->scale = r->scale;
  c->scale_back = 1.0 / r->scale;
  bsl_quantize_result_free (r);
  return TRUE;
}

static void
lif_to_float (BslTagComparison *c,
              const BslProcess *process,
              gsize             n)
{
  g_autoptr(BslArray) bias = bsl_process_dup_param_full (process, "bias_mant", NULL);
  g_autoptr(BslArray) bias_exp = bsl_process_dup_param_full (process, "bias_exp", NULL);
  g_autofree gint32 *mant = g_new (gint32, n), *exps = g_new (gint32, n);
  g_autofree double *float_bias = g_new (double, n);
  double du, dv, vth;

  for (gsize i = 0; i < n; i++)
    {
      mant[i] = (gint32) bias->data[i];
      exps[i] = bias_exp != NULL ? (gint32) bias_exp->data[i] : 0;
    }
  bsl_quantize_fixed_to_float (n, (gint32) scalar_param (process, "du"), (gint32) scalar_param (process, "dv"),
                               0, mant, exps, 0, NULL, 0, 8, 0, FIXED_TO_FLOAT_SCALE,
                               &du, &dv, &vth, float_bias, NULL);
  bsl_process_set_param (c->other, "du", bsl_array_new_scalar (du), NULL);
  bsl_process_set_param (c->other, "dv", bsl_array_new_scalar (dv), NULL);
  bsl_process_set_param (c->other, "bias_mant", bsl_array_new_vector (n, float_bias), NULL);
  bsl_process_unset_param (c->other, "bias_exp");
  bsl_quantize_params_append (c->params, "du", du, scalar_param (process, "du"), du);
  bsl_quantize_params_append (c->params, "dv", dv, scalar_param (process, "dv"), dv);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *name = n > 1 ? g_strdup_printf ("bias[%" G_GSIZE_FORMAT "]", i) : g_strdup ("bias");

      bsl_quantize_params_append (c->params, name, float_bias[i], ldexp (mant[i], exps[i]), float_bias[i]);
    }
  set_thresholds (c, process, 64.0 / FIXED_TO_FLOAT_SCALE, FALSE);
  c->scale = FIXED_TO_FLOAT_SCALE;
  c->scale_back = FIXED_TO_FLOAT_SCALE;
}

/* ATRLIF: the states i, v, r and the bias carry a_in << 6; the rest is the same under both. */
static void
atrlif_convert (BslTagComparison *c,
                const BslProcess *process)
{
  static const char *const states[] = { "i", "v", "r" };
  gboolean to_fixed = c->tag == BSL_TAG_FLOATING_PT;
  g_autoptr(BslArray) bias = bsl_process_dup_param_full (process, "bias_mant", NULL);
  g_autoptr(BslArray) bias_exp = bsl_process_dup_param_full (process, "bias_exp", NULL);

  for (guint k = 0; k < G_N_ELEMENTS (states); k++)
    {
      BslArray *value = bsl_process_dup_param_full (process, states[k], NULL);

      for (gsize e = 0; e < value->n; e++)
        value->data[e] = to_fixed ? nearbyint (value->data[e] * 64.0) : value->data[e] / 64.0;
      bsl_process_set_param (c->other, states[k], value, NULL);
    }
  for (gsize e = 0; e < bias->n; e++)
    {
      double own_fixed = ldexp (bias->data[e], (int) bias_exp->data[e]);
      double b = to_fixed ? bias->data[e] * 64.0 : own_fixed / 64.0;
      double float_bias = to_fixed ? bias->data[e] : b;
      g_autofree char *name = bias->n > 1 ? g_strdup_printf ("bias[%" G_GSIZE_FORMAT "]", e) : g_strdup ("bias");
      int exponent = 0;

      /* fixed_pt: the smallest exponent whose mantissa fits Loihi's 13 signed bits */
      while (to_fixed && fabs (nearbyint (ldexp (b, -exponent))) > 4095 && exponent < 7)
        exponent++;
      bias->data[e] = to_fixed ? nearbyint (ldexp (b, -exponent)) : b;
      bias_exp->data[e] = exponent;
      if (to_fixed)
        bsl_quantize_params_append (c->params, name, float_bias, ldexp (bias->data[e], exponent),
                                    ldexp (bias->data[e], exponent) / 64.0);
      else
        bsl_quantize_params_append (c->params, name, float_bias, own_fixed, float_bias);
    }
  bsl_process_set_param (c->other, "bias_mant", g_steal_pointer (&bias), NULL);
  if (to_fixed)
    bsl_process_set_param (c->other, "bias_exp", g_steal_pointer (&bias_exp), NULL);
  else
    bsl_process_unset_param (c->other, "bias_exp");
  c->scale = 64.0;
  c->scale_back = to_fixed ? 1.0 / 64.0 : 64.0;
}

BslReference *
_bsl_tag_compare_simulate (const BslProcess   *process,
                           BslTag              tag,
                           const BslReference *drive,
                           GError            **error)
{
  BslFitProblem *problem = bsl_fit_problem_new (process, tag, drive, NULL, error);
  BslReference *trace;

  if (problem == NULL)
    return NULL;
  trace = bsl_fit_problem_new_trace (problem);
  if (!bsl_fit_problem_simulate (problem, NULL, trace, error))
    g_clear_pointer (&trace, bsl_reference_free);
  bsl_fit_problem_free (problem);
  return trace;
}

static void
scale_states (BslReference *trace,
              double        factor)
{
  gsize total = trace->n_steps * trace->n_neurons;

  for (guint var = BSL_REF_U; var <= BSL_REF_V; var++)
    for (gsize k = 0; trace->data[var] != NULL && k < total; k++)
      trace->data[var][k] *= factor;
}

static double
largest_abs (const BslReference *trace,
             BslRefVar           var)
{
  double largest = 0.0;

  for (gsize k = 0; trace->data[var] != NULL && k < trace->n_steps * trace->n_neurons; k++)
    largest = MAX (largest, fabs (trace->data[var][k]));
  return largest;
}

/* Both traces in the tag's units, scored against the reference; the fixed model's headroom. */
static gboolean
compare_traces (BslTagComparison      *c,
                const BslProcess      *process,
                const BslReference    *ref,
                const BslReference    *other_drive,
                const BslMetricConfig *metric,
                GError               **error)
{
  BslMetricConfig config;
  BslReference *own = _bsl_tag_compare_simulate (process, c->tag, ref, error);
  BslReference *other = own != NULL ? _bsl_tag_compare_simulate (c->other, c->other_tag, other_drive, error) : NULL;
  const BslReference *fixed;
  gsize total = ref->n_steps * ref->n_neurons;
  double sum = 0.0;

  if (other == NULL)
    {
      g_clear_pointer (&own, bsl_reference_free);
      return FALSE;
    }
  fixed = c->tag == BSL_TAG_FIXED_PT ? own : other;
  c->u_max = largest_abs (fixed, BSL_REF_U);
  c->v_max = largest_abs (fixed, BSL_REF_V);
  c->u_headroom_bits = c->state_bits - log2 (c->u_max + 1.0);
  c->v_headroom_bits = c->state_bits - log2 (c->v_max + 1.0);
  scale_states (other, c->scale_back);
  c->traces[c->tag] = own;
  c->traces[c->other_tag] = other;
  if (metric != NULL)
    config = *metric;
  else
    bsl_metric_config_init (&config);
  for (guint k = 0; k < 2; k++)
    {
      bsl_metrics_compute (&config, ref, c->traces[k], TRUE, &c->metrics[k]);
      c->spikes[k] = bsl_reference_count_spikes (c->traces[k], -1);
    }
  for (gsize k = 0; own->data[BSL_REF_V] != NULL && other->data[BSL_REF_V] != NULL && k < total; k++)
    {
      double d = other->data[BSL_REF_V][k] - own->data[BSL_REF_V][k];

      sum += d * d;
    }
  c->rmse_v_between = sqrt (sum / MAX (total, 1));
  return TRUE;
}

BslTagComparison *
bsl_tag_comparison_new (const BslProcess       *process,
                        BslTag                  tag,
                        const BslReference     *ref,
                        const BslMetricConfig  *metric,
                        GError                **error)
{
  g_autoptr(BslTagComparison) c = NULL;
  g_autoptr(BslReference) drive = NULL;
  const char *type_name;

  g_return_val_if_fail (process != NULL, NULL);
  g_return_val_if_fail (ref != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  type_name = process->type->name;
  if (!bsl_tag_comparison_supports (type_name))
    {
      BslTag other = tag == BSL_TAG_FIXED_PT ? BSL_TAG_FLOATING_PT : BSL_TAG_FIXED_PT;

      if (!bsl_proc_type_has_model (process->type, other))
        g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED, "%s has no %s model to compare with",
                     type_name, bsl_tag_to_string (other));
      else
        g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                     "%s: converting %s between tags is not supported (LIF, LIFReset, LIFRefractory, "
                     "TernaryLIF, ATRLIF, RF and SigmaDelta are)", process->name, type_name);
      return NULL;
    }
  if (ref->data[BSL_REF_A_IN] == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "%s: comparing tags needs the reference's a_in column", process->name);
      return NULL;
    }
  c = g_new0 (BslTagComparison, 1);
  c->tag = tag == BSL_TAG_FIXED_PT ? BSL_TAG_FIXED_PT : BSL_TAG_FLOATING_PT;
  c->other_tag = c->tag == BSL_TAG_FIXED_PT ? BSL_TAG_FLOATING_PT : BSL_TAG_FIXED_PT;
  c->params = bsl_quantize_params_new ();
  c->other = bsl_process_copy (process);
  c->other->model = BSL_TAG_NONE;
  c->state_bits = STATE_BITS;
  bsl_fit_neuron_roles (process->type, NULL, &c->u_name, &c->v_name);
  drive = bsl_reference_copy (ref);
  if (g_strcmp0 (type_name, "ATRLIF") == 0)
    atrlif_convert (c, process);
  else if (g_strcmp0 (type_name, "RF") == 0 || g_strcmp0 (type_name, "SigmaDelta") == 0)
    {
      gboolean ok = g_str_equal (type_name, "RF") ? _bsl_tag_convert_rf (c, process, ref, drive, error)
                                                  : _bsl_tag_convert_sigma_delta (c, process, ref, drive, error);

      if (!ok)
        {
          g_prefix_error (error, "%s: %s: ", process->name, bsl_tag_to_string (c->other_tag));
          return NULL;
        }
    }
  else if (c->tag == BSL_TAG_FLOATING_PT)
    {
      if (!lif_to_fixed (c, process, drive, error))
        {
          g_prefix_error (error, "%s: fixed_pt: ", process->name);
          return NULL;
        }
    }
  else
    lif_to_float (c, process, ref->n_neurons);
  if (!compare_traces (c, process, ref, drive, metric, error))
    {
      g_prefix_error (error, "%s: ", process->name);
      return NULL;
    }
  return g_steal_pointer (&c);
}

char *
bsl_tag_comparison_to_json (const BslTagComparison *c)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (c != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, bsl_tag_to_string (c->tag));
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, bsl_tag_to_string (c->other_tag));
  _bsl_json_builder_add_number (b, "scale", c->scale);
  json_builder_set_member_name (b, "parameters");
  json_builder_begin_array (b);
  for (guint k = 0; k < c->params->len; k++)
    {
      const BslQuantizeParam *p = &g_array_index (c->params, BslQuantizeParam, k);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, p->name);
      _bsl_json_builder_add_number (b, "float", p->float_value);
      _bsl_json_builder_add_number (b, "fixed", p->fixed_value);
      _bsl_json_builder_add_number (b, "represents", p->represented);
      _bsl_json_builder_add_number (b, "abs_error", p->abs_error);
      _bsl_json_builder_add_number (b, "rel_error", p->rel_error);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "headroom_bits");
  json_builder_begin_object (b);
  _bsl_json_builder_add_number (b, c->u_name != NULL ? c->u_name : "u", c->u_headroom_bits);
  _bsl_json_builder_add_number (b, c->v_name != NULL ? c->v_name : "v", c->v_headroom_bits);
  json_builder_end_object (b);
  for (guint k = 0; k < 2; k++)
    {
      json_builder_set_member_name (b, bsl_tag_to_string ((BslTag) k));
      json_builder_begin_object (b);
      _bsl_json_builder_add_number (b, "rmse_v", c->metrics[k].values[BSL_METRIC_RMSE_V]);
      _bsl_json_builder_add_number (b, "rmse_u", c->metrics[k].values[BSL_METRIC_RMSE_U]);
      json_builder_set_member_name (b, "spikes");
      json_builder_add_int_value (b, (gint64) c->spikes[k]);
      json_builder_end_object (b);
    }
  _bsl_json_builder_add_number (b, "rmse_v_between", c->rmse_v_between);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

/* The one RingBuffer wired to the population's drive port, or NULL (with an error) when the
 * drive is anything else. */
static BslProcess *
single_ring_buffer (BslGraph    *graph,
                    const char  *process,
                    const char  *port,
                    GError     **error)
{
  BslProcess *source = NULL;
  guint count = 0;

  for (guint k = 0; k < graph->connections->len; k++)
    {
      const BslConnection *conn = g_ptr_array_index (graph->connections, k);

      if (g_str_equal (conn->to_process, process) && g_str_equal (conn->to_port, port))
        {
          count++;
          source = bsl_graph_find_process (graph, conn->from_process);
        }
    }
  if (count != 1 || source == NULL || !g_str_equal (source->type->name, "RingBuffer"))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "process '%s': its fixed_pt model needs its input scaled, which is done for one "
                   "RingBuffer on %s only", process, port);
      return NULL;
    }
  return source;
}

static gboolean
fill_fixed_graph (const BslTagComparison *c,
                  BslGraph               *copy,
                  const char             *process,
                  GError                **error)
{
  BslProcess *target = bsl_graph_find_process (copy, process);
  const char *port;

  for (guint i = 0; i < target->type->n_vars; i++)
    {
      const char *var = target->type->vars[i].name;
      const BslArray *value = bsl_process_get_param (c->other, var);

      if (value == NULL)
        bsl_process_unset_param (target, var);
      else if (!bsl_process_set_param (target, var, bsl_array_copy (value), error))
        return FALSE;
    }
  target->model = BSL_TAG_NONE;
  copy->run_tag = BSL_TAG_FIXED_PT;
  bsl_fit_neuron_roles (target->type, &port, NULL, NULL);
  /* SigmaDelta's drive is scaled with its states */
  if (g_str_equal (target->type->name, "SigmaDelta") && c->scale != 1.0)
    {
      BslProcess *source = single_ring_buffer (copy, process, port, error);
      BslArray *data;

      if (source == NULL)
        return FALSE;
      data = bsl_array_copy (bsl_process_get_param (source, "data"));
      g_clear_pointer (&data->init, json_node_unref);
      for (gsize k = 0; k < data->n; k++)
        data->data[k] = nearbyint (data->data[k] * c->scale);
      bsl_process_set_param (source, "data", data, NULL);
    }
  return TRUE;
}

BslTagComparison *
bsl_tag_comparison_network (const BslGraph  *graph,
                            const char      *process,
                            gint64           n_steps,
                            BslGraph       **fixed_graph,
                            GError         **error)
{
  const BslProcess *p = bsl_graph_find_process (graph, process);
  g_autoptr(BslReference) ref = NULL;
  g_autoptr(BslTagComparison) c = NULL;
  g_autoptr(BslGraph) copy = NULL;

  if (p == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "no process named '%s'", process);
      return NULL;
    }
  if (bsl_process_resolve_tag (p, graph->run_tag) != BSL_TAG_FLOATING_PT)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                   "process '%s' (%s) runs under fixed_pt already: the conversion starts from floating_pt "
                   "(the network's run tag or the process's model)", process, p->type->name);
      return NULL;
    }
  ref = bsl_reference_from_network (graph, process, n_steps > 0 ? n_steps : graph->run_steps, error);
  if (ref == NULL)
    return NULL;
  c = bsl_tag_comparison_new (p, BSL_TAG_FLOATING_PT, ref, NULL, error);
  if (c == NULL)
    return NULL;
  if (fixed_graph != NULL)
    {
      copy = bsl_graph_copy (graph);
      if (!fill_fixed_graph (c, copy, process, error))
        return NULL;
      *fixed_graph = g_steal_pointer (&copy);
    }
  return g_steal_pointer (&c);
}
