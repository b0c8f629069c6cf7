/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The Designer's run bar and "sim.*" run actions: run, pause, step, stop, reset, the run's
 * steps and tag, and parameter edits reaching the running network. */

#include "config.h"

#include "bsl-error.h"

#include "basalt-designer-page-private.h"

/* The run bar follows the simulation's properties. */

static char *
run_status_text (GObject               *simulation,
                 BasaltSimulationState  state,
                 gint64                 time,
                 double                 rate,
                 gpointer               user_data)
{
  if (state == BASALT_SIMULATION_RUNNING)
    return g_strdup_printf ("step %" G_GINT64_FORMAT " · %.0f steps/s", time, rate);
  if (state == BASALT_SIMULATION_STOPPED && time > 0)
    return g_strdup_printf ("stopped at step %" G_GINT64_FORMAT, time);
  return g_strdup_printf ("step %" G_GINT64_FORMAT, time);
}

static char *
run_button_icon (GObject               *simulation,
                 BasaltSimulationState  state,
                 gpointer               user_data)
{
  return g_strdup (state == BASALT_SIMULATION_RUNNING ? "media-playback-pause-symbolic"
                                                      : "media-playback-start-symbolic");
}

static char *
run_button_tooltip (GObject               *simulation,
                    BasaltSimulationState  state,
                    gpointer               user_data)
{
  return g_strdup (state == BASALT_SIMULATION_RUNNING ? "Pause (F5)" : "Run (F5)");
}

static GtkExpression *
simulation_property (const char *name)
{
  return gtk_property_expression_new (BASALT_TYPE_SIMULATION, NULL, name);
}

void
_basalt_designer_page_bind_run_bar (BasaltDesignerPage *self)
{
  GtkExpression *status[] = { simulation_property ("state"), simulation_property ("time"),
                              simulation_property ("rate") };
  GtkExpression *expression;

  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, G_N_ELEMENTS (status), status,
                                            G_CALLBACK (run_status_text), NULL, NULL);
  gtk_expression_bind (expression, self->rate_label, "label", self->simulation);

  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 1, (GtkExpression *[]) { simulation_property ("state") },
                                            G_CALLBACK (run_button_icon), NULL, NULL);
  gtk_expression_bind (expression, self->run_button, "icon-name", self->simulation);

  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 1, (GtkExpression *[]) { simulation_property ("state") },
                                            G_CALLBACK (run_button_tooltip), NULL, NULL);
  gtk_expression_bind (expression, self->run_button, "tooltip-text", self->simulation);

  g_object_bind_property (self->simulation, "speed", self, "speed",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}

/* A run refused for a process's value: the message says why, and the process is selected on the
 * canvas and shown in the inspector with the reason under the parameter. */
static void
show_refusal (BasaltDesignerPage *self,
              const GError       *error)
{
  g_autofree char *process = NULL;
  g_autofree char *param = NULL;

  _basalt_designer_page_show_message (self, error->message);
  bsl_error_dup_subject (error, &process, &param);
  if (process == NULL || bsl_graph_find_process (basalt_document_get_graph (self->document), process) == NULL)
    return;
  basalt_graph_canvas_select (self->canvas, process, FALSE);
  if (param != NULL)
    basalt_inspector_show_param_error (self->inspector, param, error->message);
}

gboolean
basalt_designer_page_run (BasaltDesignerPage  *self,
                          gint64               n_steps,
                          GError             **error)
{
  g_return_val_if_fail (BASALT_IS_DESIGNER_PAGE (self), FALSE);

  if (!_basalt_designer_page_ensure_compiled (self, error))
    return FALSE;

  basalt_simulation_start (self->simulation, n_steps);
  _basalt_designer_page_update_actions (self);
  return TRUE;
}

static void
sim_run_pause (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (basalt_simulation_get_state (self->simulation) == BASALT_SIMULATION_RUNNING)
    {
      /* The steps made before the pause are shown at once. */
      basalt_simulation_pause (self->simulation);
      basalt_simulation_sync (self->simulation);
      return;
    }

  if (!basalt_designer_page_run (self, -1, &error))
    show_refusal (self, error);
}

static void
sim_run_steps (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;

  /* A number still being typed counts. */
  gtk_spin_button_update (self->steps_spin);
  if (!basalt_designer_page_run (self, bsl_graph_get_run_steps (basalt_document_get_graph (self->document)), &error))
    _basalt_designer_page_show_message (self, error->message);
}

static void
sim_stop (GtkWidget  *widget,
          const char *action_name,
          GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);

  basalt_simulation_stop (self->simulation);
  _basalt_designer_page_update_actions (self);
}

static void
on_steps_changed (GtkSpinButton      *spin,
                  BasaltDesignerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->updating_steps || self->document == NULL)
    return;
  if (!basalt_document_set_run_steps (self->document, (gint64) gtk_spin_button_get_value (spin), &error))
    _basalt_designer_page_show_message (self, error->message);
}

void
_basalt_designer_page_sync_steps_ui (BasaltDesignerPage *self)
{
  self->updating_steps = TRUE;
  gtk_spin_button_set_value (self->steps_spin, (double) bsl_graph_get_run_steps (basalt_document_get_graph (self->document)));
  self->updating_steps = FALSE;
}

static void
sim_step (GtkWidget  *widget,
          const char *action_name,
          GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (!_basalt_designer_page_ensure_compiled (self, &error))
    {
      show_refusal (self, error);
      return;
    }

  /* One step is short: wait for it, so the plots show it at once. */
  basalt_simulation_step (self->simulation);
  basalt_simulation_wait (self->simulation);
  basalt_simulation_sync (self->simulation);
  _basalt_designer_page_update_actions (self);
}

static void
sim_reset (GtkWidget  *widget,
           const char *action_name,
           GVariant   *param)
{
  BasaltDesignerPage *self = BASALT_DESIGNER_PAGE (widget);
  g_autoptr(GError) error = NULL;

  /* Back to the start from the network as it is now, parameter edits included. */
  basalt_simulation_invalidate (self->simulation);
  if (!basalt_simulation_compile (self->simulation, basalt_document_get_graph (self->document),
                                  _basalt_designer_page_current_tag (self), &error))
    _basalt_designer_page_show_message (self, error->message);
  _basalt_designer_page_update_actions (self);
}

static void
on_tag_selected (GtkDropDown        *dropdown,
                 GParamSpec         *pspec,
                 BasaltDesignerPage *self)
{
  if (self->updating_tag || self->document == NULL)
    return;
  basalt_document_set_run_tag (self->document,
                               gtk_drop_down_get_selected (dropdown) == 1 ? BSL_TAG_FIXED_PT : BSL_TAG_FLOATING_PT);
}

void
_basalt_designer_page_push_param_to_run (BasaltDesignerPage *self,
                                         const char         *process_name,
                                         const char         *var)
{
  BslProcess *process = bsl_graph_find_process (basalt_document_get_graph (self->document), process_name);
  const BslVarSpec *spec;
  g_autoptr(BslArray) value = NULL;
  g_autoptr(GError) error = NULL;

  if (process == NULL || !basalt_simulation_is_compiled (self->simulation) ||
      (spec = bsl_proc_type_find_var (bsl_process_get_proc_type (process), var)) == NULL)
    return;

  if (spec->flags & BSL_VAR_INIT_ONLY)
    {
      g_autofree char *text = g_strdup_printf ("%s.%s is read when a run starts: it takes effect after Reset",
                                               process_name, var);
      _basalt_designer_page_show_message (self, text);
      return;
    }

  /* Takes effect at the next step of the running network. */
  value = bsl_process_dup_param_full (process, var, &error);
  if (value == NULL || !basalt_simulation_set_var (self->simulation, process_name, var, value, &error))
    _basalt_designer_page_show_message (self, error->message);
}

/* Several Vars changed at once (e.g. a fit adopted): the running network takes all that it can
 * change between steps. */
void
_basalt_designer_page_push_params_to_run (BasaltDesignerPage *self,
                                          const char         *process_name)
{
  BslProcess *process = bsl_graph_find_process (basalt_document_get_graph (self->document), process_name);

  if (process == NULL || !basalt_simulation_is_compiled (self->simulation))
    return;

  for (guint i = 0; i < bsl_process_get_proc_type (process)->n_vars; i++)
    {
      const BslVarSpec *spec = &bsl_process_get_proc_type (process)->vars[i];
      g_autoptr(BslArray) value = NULL;
      g_autoptr(GError) error = NULL;

      if (spec->flags & (BSL_VAR_STATE | BSL_VAR_INIT_ONLY | BSL_VAR_HIDDEN))
        continue;
      value = bsl_process_dup_param_full (process, spec->name, &error);
      if (value == NULL || !basalt_simulation_set_var (self->simulation, process_name, spec->name, value, &error))
        {
          _basalt_designer_page_show_message (self, error->message);
          return;
        }
    }
}

void
_basalt_designer_page_class_init_run (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "sim.run-pause", NULL, sim_run_pause);
  gtk_widget_class_install_action (widget_class, "sim.run-steps", NULL, sim_run_steps);
  gtk_widget_class_install_action (widget_class, "sim.stop", NULL, sim_stop);
  gtk_widget_class_install_action (widget_class, "sim.step", NULL, sim_step);
  gtk_widget_class_install_action (widget_class, "sim.reset", NULL, sim_reset);
  gtk_widget_class_install_property_action (widget_class, "sim.tag", "tag");
  gtk_widget_class_install_property_action (widget_class, "sim.speed", "speed");
  gtk_widget_class_bind_template_callback (widget_class, on_tag_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_steps_changed);
}
