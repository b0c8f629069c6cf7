/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "bsl-error.h"

#include "basalt-fit-candidate.h"
#include "basalt-rule-tuner.h"
#include "basalt-tuner-page-private.h"

G_DEFINE_FINAL_TYPE (BasaltTunerPage, basalt_tuner_page, GTK_TYPE_BOX)

enum
{
  PROP_0,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];


/* ---- helpers ------------------------------------------------------------------------------- */

int
_basalt_tuner_page_find_dim (BasaltTunerPage *self,
          const char      *name)
{
  for (guint k = 0; k < self->n_dims; k++)
    if (g_str_equal (bsl_fit_problem_get_dim_name (self->problem, k), name))
      return (int) k;
  return -1;
}

void
_basalt_tuner_page_set_message (BasaltTunerPage *self,
             const char      *text)
{
  gtk_progress_bar_set_text (self->progress_bar, text);
}

char *
_basalt_tuner_page_dup_chosen_path (GtkNativeDialog *dialog,
                                    int              response)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  /* the dialog is done with either way */
  g_object_unref (dialog);
  return file != NULL ? g_file_get_path (file) : NULL;
}

void
_basalt_tuner_page_update_buttons (BasaltTunerPage *self)
{
  gboolean fitting = self->fit != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->fit_button), !fitting && self->problem != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pause_button), fitting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), fitting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->adopt_button), self->have_best && !fitting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), self->done_fit != NULL && !fitting);
}

/* ---- the problem --------------------------------------------------------------------------- */

static gboolean
fittable (const BslVarSpec *spec,
          BslTag            tag)
{
  if (spec->flags & (BSL_VAR_STATE | BSL_VAR_HIDDEN | BSL_VAR_ENUM))
    return FALSE;
  if (spec->shape == BSL_SHAPE_TIME_SERIES)
    return FALSE;
  if ((spec->flags & BSL_VAR_FIXED_ONLY) && tag != BSL_TAG_FIXED_PT)
    return FALSE;
  if ((spec->flags & BSL_VAR_FLOAT_ONLY) && tag != BSL_TAG_FLOATING_PT)
    return FALSE;
  return TRUE;
}

BslProcess *
_basalt_tuner_page_dup_neuron (BasaltTunerPage *self,
            gboolean        *from_document,
            GError         **error)
{
  gsize n = self->ref->n_neurons;

  *from_document = FALSE;
  if (self->process_key == NULL || g_str_has_prefix (self->process_key, "new:"))
    {
      const char *type = self->process_key != NULL ? self->process_key + 4 : "LIF";
      const BslProcType *proc_type = bsl_proc_type_lookup (type);

      if (proc_type == NULL)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_UNKNOWN_TYPE, "unknown neuron type '%s'", type);
          return NULL;
        }
      /* A graph gives a new process what it needs (an Equations process its equations). */
      {
        g_autoptr(BslGraph) scratch = bsl_graph_new ();
        BslProcess *fresh = bsl_graph_add_process (scratch, type, "tuned", 1, &n, error);

        return fresh != NULL ? bsl_process_copy (fresh) : NULL;
      }
    }
  else
    {
      const BslProcess *p = bsl_graph_find_process (basalt_document_get_graph (self->document),
                                                    self->process_key);

      if (p == NULL)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "the network has no process '%s'", self->process_key);
          return NULL;
        }
      *from_document = TRUE;
      return bsl_process_copy (p);
    }
}

BslFitProblem *
_basalt_tuner_page_new_problem (BasaltTunerPage *self,
                                const char      *params,
                                GError         **error)
{
  g_autoptr(BslProcess) neuron = bsl_fit_problem_dup_process (self->problem, self->x);
  g_autoptr(GString) all = g_string_new (NULL);
  BslFitProblem *problem;
  gboolean from_document;

  {
    /* Only to learn whether the population is the document's. */
    g_autoptr(BslProcess) check = _basalt_tuner_page_dup_neuron (self, &from_document, NULL);
  }
  problem = bsl_fit_problem_new (neuron, self->tag, self->ref,
                                 from_document && !bsl_reference_has_var (self->ref, BSL_REF_A_IN)
                                 ? basalt_document_get_graph (self->document) : NULL,
                                 error);
  if (problem == NULL)
    return NULL;
  for (guint k = 0; params == NULL && k < self->n_dims; k++)
    {
      g_autofree char *spec = bsl_fit_problem_dup_dim_spec (self->problem, k);

      g_string_append_printf (all, "%s%s", k > 0 ? "," : "", spec);
    }
  if (!bsl_fit_problem_add_params (problem, params != NULL ? params : all->str, error))
    {
      bsl_fit_problem_free (problem);
      return NULL;
    }
  for (guint k = 0; k < bsl_fit_problem_get_n_dims (problem); k++)
    {
      int dim = _basalt_tuner_page_find_dim (self, bsl_fit_problem_get_dim_name (problem, k));
      double lo, hi;

      bsl_fit_problem_get_bounds (self->problem, dim, &lo, &hi, NULL);
      bsl_fit_problem_set_bounds (problem, k, lo, hi);
    }
  bsl_fit_problem_set_metric (problem, &self->metric_config);
  return problem;
}

/* A large population whose neurons share one value of a per-neuron Var gets one slider for it,
 * not one per neuron (800 rows would bury the others). */
#define SHARED_ABOVE_NEURONS 16

static char *
param_spec (const BslProcess *neuron,
            const BslVarSpec *spec)
{
  g_autoptr(BslArray) value = bsl_process_dup_param_full (neuron, spec->name, NULL);
  gboolean uniform = value != NULL && value->n > SHARED_ABOVE_NEURONS;

  for (gsize e = 1; uniform && e < value->n; e++)
    uniform = value->data[e] == value->data[0];
  return uniform ? g_strdup_printf ("%s[:]", spec->name) : g_strdup (spec->name);
}

gboolean
_basalt_tuner_page_rebuild_problem (BasaltTunerPage *self,
                 GError         **error)
{
  g_autoptr(BslProcess) neuron = NULL;
  const BslProcType *type;
  BslFitProblem *problem;
  gboolean from_document;

  _basalt_tuner_page_drop_simulation (self);
  g_clear_pointer (&self->problem, bsl_fit_problem_free);
  g_clear_pointer (&self->trace, bsl_reference_free);
  g_clear_pointer (&self->x, g_free);
  g_clear_pointer (&self->compare_text, g_free);
  self->n_dims = 0;
  _basalt_tuner_page_clear_rows (self);
  _basalt_tuner_page_update_buttons (self);
  if (self->ref == NULL)
    return TRUE;

  neuron = _basalt_tuner_page_dup_neuron (self, &from_document, error);
  if (neuron == NULL)
    return FALSE;
  type = bsl_process_get_proc_type (neuron);
  if (bsl_process_get_tag (neuron) != BSL_TAG_NONE)
    bsl_process_set_tag (neuron, BSL_TAG_NONE);
  /* A simulated population of another model is matched by its input and spikes: its u and v
   * mean other things (an Izhikevich's mV against a LIF's units). */
  if (self->source_type != NULL)
    {
      g_clear_pointer (&self->ref, bsl_reference_free);
      self->ref = bsl_reference_copy (self->source_ref);
      bsl_reference_keep_comparable (self->ref, self->source_type, type->name);
      /* The metrics follow what the reference holds now (spike distances without v). */
      {
        g_autofree char *metrics = NULL;

        bsl_metric_config_init (&self->metric_config);
        if (!bsl_metric_config_parse (&self->metric_config,
                                      gtk_editable_get_text (GTK_EDITABLE (self->metric_entry)), NULL) ||
            !bsl_metric_config_check (&self->metric_config, self->ref, FALSE, NULL))
          {
            bsl_metric_config_init (&self->metric_config);
            bsl_metric_config_check (&self->metric_config, self->ref, FALSE, NULL);
          }
        metrics = bsl_metric_config_to_string (&self->metric_config);
        gtk_editable_set_text (GTK_EDITABLE (self->metric_entry), metrics);
      }
      {
        g_autofree char *text = bsl_reference_describe (self->ref);
        g_autofree char *label = g_strdup_printf (_("%s, %s: %s%s"),
                                                  self->source_ref->display_name, self->source_type,
                                                  text, self->ref->data[BSL_REF_V] == NULL
                                                  ? _(" (another model: its u and v are not compared)") : "");

        gtk_label_set_text (self->reference_label, label);
        gtk_widget_set_tooltip_text (GTK_WIDGET (self->reference_label), label);
      }
      _basalt_tuner_page_rebuild_plots (self);
    }
  /* A model that exists under one tag only (Equations, Izhikevich, ...) is tuned under it. */
  if (!bsl_proc_type_has_model (type, self->tag))
    {
      BslTag other = self->tag == BSL_TAG_FIXED_PT ? BSL_TAG_FLOATING_PT : BSL_TAG_FIXED_PT;

      if (bsl_proc_type_has_model (type, other))
        {
          self->tag = other;
          self->updating = TRUE;
          gtk_drop_down_set_selected (self->tag_dropdown, other == BSL_TAG_FLOATING_PT ? 0 : 1);
          self->updating = FALSE;
        }
    }
  g_free (self->type_name);
  self->type_name = g_strdup (type->name);
  /* The network drives a process of the document when the reference has no a_in column. */
  problem = bsl_fit_problem_new (neuron, self->tag, self->ref,
                                 from_document && !bsl_reference_has_var (self->ref, BSL_REF_A_IN)
                                 ? basalt_document_get_graph (self->document) : NULL,
                                 error);
  if (problem == NULL)
    return FALSE;
  for (guint i = 0; i < type->n_vars; i++)
    {
      g_autofree char *spec = fittable (&type->vars[i], self->tag)
                              ? param_spec (neuron, &type->vars[i]) : NULL;

      if (spec != NULL && !bsl_fit_problem_add_param (problem, spec, error))
        {
          bsl_fit_problem_free (problem);
          return FALSE;
        }
    }
  bsl_fit_problem_set_metric (problem, &self->metric_config);
  self->problem = problem;
  self->n_dims = bsl_fit_problem_get_n_dims (problem);
  self->x = g_new0 (double, MAX (self->n_dims, 1));
  g_free (self->best_x);
  self->best_x = g_new0 (double, MAX (self->n_dims, 1));
  self->have_best = FALSE;
  bsl_fit_problem_get_start (problem, self->x);
  self->trace = bsl_fit_problem_new_trace (problem);
  self->last_simulation_us = 0;
  _basalt_tuner_page_build_rows (self);
  _basalt_tuner_page_rebuild_plots (self);
  _basalt_tuner_page_resimulate (self, self->x);
  _basalt_tuner_page_update_buttons (self);
  return TRUE;
}

static void
rebuild_or_report (BasaltTunerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!_basalt_tuner_page_rebuild_problem (self, &error))
    {
      _basalt_tuner_page_set_message (self, error->message);
      gtk_label_set_text (self->metrics_label, error->message);
    }
}

/* ---- process list -------------------------------------------------------------------------- */

static void
refresh_process_list (BasaltTunerPage *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  BslGraph *graph = self->document != NULL ? basalt_document_get_graph (self->document) : NULL;
  guint selected = 0;

  g_ptr_array_set_size (self->process_keys, 0);
  for (guint i = 0; graph != NULL && i < bsl_graph_get_n_processes (graph); i++)
    {
      const BslProcess *p = bsl_graph_get_process (graph, i);
      const BslProcType *type = bsl_process_get_proc_type (p);

      if (!bsl_fit_neuron_roles (type, NULL, NULL, NULL))
        continue;
      g_ptr_array_add (self->process_keys, g_strdup (bsl_process_get_name (p)));
      gtk_string_list_take (model, g_strdup_printf ("%s (%s)", bsl_process_get_name (p), type->name));
    }
  {
    guint n_types;
    const BslProcType **types = bsl_proc_type_list (&n_types);

    /* A fresh population of any neuron type with an a_in port (the reference's drive). */
    for (guint k = 0; k < n_types; k++)
      if (bsl_fit_neuron_roles (types[k], NULL, NULL, NULL))
        {
          g_ptr_array_add (self->process_keys, g_strdup_printf ("new:%s", types[k]->name));
          gtk_string_list_take (model, g_strdup_printf (_("new %s"), types[k]->name));
        }
  }
  for (guint k = 0; k < self->process_keys->len; k++)
    if (self->process_key != NULL && g_str_equal (self->process_key, g_ptr_array_index (self->process_keys, k)))
      selected = k;
  self->updating = TRUE;
  gtk_drop_down_set_model (self->process_dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (self->process_dropdown, selected);
  self->updating = FALSE;
  if (self->process_key == NULL || !g_str_equal (self->process_key, g_ptr_array_index (self->process_keys, selected)))
    {
      g_free (self->process_key);
      self->process_key = g_strdup (g_ptr_array_index (self->process_keys, selected));
    }
}

static void
on_process_selected (GtkDropDown     *dropdown,
                     GParamSpec      *pspec,
                     BasaltTunerPage *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->updating || selected >= self->process_keys->len)
    return;
  g_free (self->process_key);
  self->process_key = g_strdup (g_ptr_array_index (self->process_keys, selected));
  rebuild_or_report (self);
}

static void
on_tag_selected (GtkDropDown     *dropdown,
                 GParamSpec      *pspec,
                 BasaltTunerPage *self)
{
  BslTag tag = gtk_drop_down_get_selected (dropdown) == 0 ? BSL_TAG_FLOATING_PT : BSL_TAG_FIXED_PT;

  if (self->updating || tag == self->tag)
    return;
  self->tag = tag;
  /* One tag for the network: the header's list and this one say the same. */
  if (self->document != NULL)
    {
      self->following_tag = TRUE;
      basalt_document_set_run_tag (self->document, tag);
      self->following_tag = FALSE;
    }
  rebuild_or_report (self);
}

/* The network's run tag, as the header shows it. */
static void
follow_document_tag (BasaltTunerPage *self)
{
  BslTag tag = bsl_graph_get_run_tag (basalt_document_get_graph (self->document));

  if (tag != BSL_TAG_FIXED_PT)
    tag = BSL_TAG_FLOATING_PT;
  self->tag = tag;
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->tag_dropdown, tag == BSL_TAG_FLOATING_PT ? 0 : 1);
  self->updating = FALSE;
}

/* Another network: its fit results, status and a reference simulated from the old one go. */
static void
forget_network (BasaltTunerPage *self)
{
  _basalt_tuner_page_clear_fit (self);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  _basalt_tuner_page_set_message (self, _("No fit yet"));
  if (self->source_type != NULL)
    {
      g_clear_pointer (&self->ref, bsl_reference_free);
      g_clear_pointer (&self->source_ref, bsl_reference_free);
      g_clear_pointer (&self->source_type, g_free);
      gtk_label_set_text (self->reference_label, _("No reference"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->reference_label), NULL);
      _basalt_tuner_page_rebuild_plots (self);
      gtk_label_set_text (self->metrics_label, "");
    }
  g_clear_pointer (&self->process_key, g_free);
}

static void
on_document_changed (BasaltDocument  *document,
                     guint            flags,
                     const char      *process,
                     const char      *var,
                     BasaltTunerPage *self)
{
  if (self->adopting)
    return;
  if (flags & BASALT_CHANGE_GRAPH)
    forget_network (self);
  if ((flags & (BASALT_CHANGE_STRUCTURE | BASALT_CHANGE_GRAPH)) && !self->following_tag)
    follow_document_tag (self);
  if (flags & (BASALT_CHANGE_STRUCTURE | BASALT_CHANGE_GRAPH))
    {
      refresh_process_list (self);
      if (self->fit == NULL)
        rebuild_or_report (self);
    }
  else if ((flags & BASALT_CHANGE_PARAMS) && self->fit == NULL && process != NULL &&
           self->process_key != NULL && g_str_equal (process, self->process_key))
    rebuild_or_report (self);
}

static void
on_compare_toggled (GtkCheckButton  *check,
                    BasaltTunerPage *self)
{
  if (self->problem != NULL)
    _basalt_tuner_page_resimulate (self, self->x);
}

static void
on_metric_activate (GtkEntry        *entry,
                    BasaltTunerPage *self)
{
  g_autoptr(GError) error = NULL;
  BslMetricConfig config = self->metric_config;

  if (!bsl_metric_config_parse (&config, gtk_editable_get_text (GTK_EDITABLE (entry)), &error) ||
      (self->ref != NULL && !bsl_metric_config_check (&config, self->ref, TRUE, &error)))
    {
      _basalt_tuner_page_set_message (self, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  self->metric_config = config;
  if (self->problem != NULL)
    {
      bsl_fit_problem_set_metric (self->problem, &config);
      _basalt_tuner_page_drop_simulation (self);
      _basalt_tuner_page_resimulate (self, self->x);
    }
}

/* ---- public -------------------------------------------------------------------------------- */

gboolean
basalt_tuner_page_set_process (BasaltTunerPage *self,
                               const char      *name,
                               GError         **error)
{
  for (guint k = 0; k < self->process_keys->len; k++)
    if (g_str_equal (name, g_ptr_array_index (self->process_keys, k)))
      {
        g_free (self->process_key);
        self->process_key = g_strdup (name);
        self->updating = TRUE;
        gtk_drop_down_set_selected (self->process_dropdown, k);
        self->updating = FALSE;
        return _basalt_tuner_page_rebuild_problem (self, error);
      }
  g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "no neuron process '%s' to tune", name);
  return FALSE;
}

void
basalt_tuner_page_set_tag (BasaltTunerPage *self,
                           BslTag           tag)
{
  gtk_drop_down_set_selected (self->tag_dropdown, tag == BSL_TAG_FLOATING_PT ? 0 : 1);
}

guint
basalt_tuner_page_get_n_params (BasaltTunerPage *self)
{
  return self->n_dims;
}

const char *
basalt_tuner_page_get_param_name (BasaltTunerPage *self,
                                  guint            index)
{
  g_return_val_if_fail (index < self->n_dims, NULL);
  return bsl_fit_problem_get_dim_name (self->problem, index);
}

double
basalt_tuner_page_get_value (BasaltTunerPage *self,
                             const char      *param)
{
  int dim = self->problem != NULL ? _basalt_tuner_page_find_dim (self, param) : -1;

  return dim >= 0 ? self->x[dim] : NAN;
}

const char *
basalt_tuner_page_get_comparison (BasaltTunerPage *self)
{
  return self->compare_text;
}

void
basalt_tuner_page_set_compare (BasaltTunerPage *self,
                               gboolean         compare)
{
  gtk_check_button_set_active (self->compare_check, compare);
}

double
basalt_tuner_page_get_draw_ms (BasaltTunerPage *self)
{
  BasaltPlot *plots[4] = { self->v_plot, self->u_plot, self->diff_plot, self->raster };
  double total = 0.0;

  for (guint p = 0; p < 4; p++)
    total += basalt_plot_get_last_draw_ms (plots[p]);
  return total;
}

void
basalt_tuner_page_get_metrics (BasaltTunerPage *self,
                               BslMetricValues *values)
{
  *values = self->metrics;
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
basalt_tuner_page_dispose (GObject *object)
{
  BasaltTunerPage *self = BASALT_TUNER_PAGE (object);

  _basalt_tuner_page_clear_fit (self);
  _basalt_tuner_page_drop_simulation (self);
  self->disposed = TRUE;
  g_clear_object (&self->candidates);
  if (self->document != NULL)
    {
      g_clear_signal_handler (&self->changed_id, self->document);
      g_clear_object (&self->document);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), BASALT_TYPE_TUNER_PAGE);
  G_OBJECT_CLASS (basalt_tuner_page_parent_class)->dispose (object);
}

static void
basalt_tuner_page_finalize (GObject *object)
{
  BasaltTunerPage *self = BASALT_TUNER_PAGE (object);

  g_clear_pointer (&self->problem, bsl_fit_problem_free);
  g_clear_pointer (&self->trace, bsl_reference_free);
  g_clear_pointer (&self->ref, bsl_reference_free);
  g_clear_pointer (&self->source_ref, bsl_reference_free);
  g_clear_pointer (&self->source_type, g_free);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->process_keys, g_ptr_array_unref);
  g_free (self->process_key);
  g_free (self->compare_text);
  g_free (self->type_name);
  g_free (self->x);
  g_free (self->best_x);
  g_free (self->t_axis);
  G_OBJECT_CLASS (basalt_tuner_page_parent_class)->finalize (object);
}

static void
basalt_tuner_page_constructed (GObject *object)
{
  BasaltTunerPage *self = BASALT_TUNER_PAGE (object);

  G_OBJECT_CLASS (basalt_tuner_page_parent_class)->constructed (object);

  if (self->document != NULL)
    {
      self->changed_id = g_signal_connect (self->document, "changed", G_CALLBACK (on_document_changed), self);
      follow_document_tag (self);
    }
  refresh_process_list (self);
  /* A network with a LearningDense also offers its rule to fit, below the neurons. */
  if (self->document != NULL)
    gtk_box_append (GTK_BOX (self), basalt_rule_tuner_new (self->document));
}

static void
basalt_tuner_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  BasaltTunerPage *self = BASALT_TUNER_PAGE (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_tuner_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  BasaltTunerPage *self = BASALT_TUNER_PAGE (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      self->document = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_tuner_page_class_init (BasaltTunerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = basalt_tuner_page_dispose;
  object_class->finalize = basalt_tuner_page_finalize;
  object_class->constructed = basalt_tuner_page_constructed;
  object_class->get_property = basalt_tuner_page_get_property;
  object_class->set_property = basalt_tuner_page_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, BASALT_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/basalt/Basalt/ui/basalt-tuner-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, reference_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, network_reference_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, process_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, tag_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, compare_check);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, params_grid);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, metrics_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, report_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, report_expander);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, candidates_view);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, metric_entry);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, plots_box);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, fit_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, stop_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, adopt_button);
  gtk_widget_class_bind_template_child (widget_class, BasaltTunerPage, export_button);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_open_clicked", G_CALLBACK (_basalt_tuner_page_on_open_clicked));
  gtk_widget_class_bind_template_callback (widget_class, on_metric_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_compare_toggled);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_candidate_activated",
                                                G_CALLBACK (_basalt_tuner_page_on_candidate_activated));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_fit_clicked", G_CALLBACK (_basalt_tuner_page_on_fit_clicked));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_pause_toggled", G_CALLBACK (_basalt_tuner_page_on_pause_toggled));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_stop_clicked", G_CALLBACK (_basalt_tuner_page_on_stop_clicked));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_adopt_clicked", G_CALLBACK (_basalt_tuner_page_on_adopt_clicked));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_export_clicked", G_CALLBACK (_basalt_tuner_page_on_export_clicked));
}

static void
basalt_tuner_page_init (BasaltTunerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new_with_free_func (g_free);
  self->process_keys = g_ptr_array_new_with_free_func (g_free);
  self->tag = BSL_TAG_FIXED_PT;
  bsl_metric_config_init (&self->metric_config);
  g_signal_connect (self->process_dropdown, "notify::selected", G_CALLBACK (on_process_selected), self);
  g_signal_connect (self->tag_dropdown, "notify::selected", G_CALLBACK (on_tag_selected), self);
  _basalt_tuner_page_setup_candidates (self);
  _basalt_tuner_page_rebuild_plots (self);
  _basalt_tuner_page_update_buttons (self);
  _basalt_tuner_page_setup_reference (self);
}

GtkWidget *
basalt_tuner_page_new (BasaltDocument *document)
{
  return g_object_new (BASALT_TYPE_TUNER_PAGE, "document", document, NULL);
}
