/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "basalt-tuner-page-private.h"

#define ENTRY_LIMIT 1e15

static void apply_bounds (BasaltTunerParamRow *row);

static void
sync_row (BasaltTunerParamRow *row)
{
  BasaltTunerPage *self = row->page;
  double value = self->x[row->dim];

  self->updating = TRUE;
  gtk_range_set_value (GTK_RANGE (row->scale), value);
  gtk_spin_button_set_value (row->spin, value);
  self->updating = FALSE;
}

static void
on_row_value_changed (BasaltTunerParamRow *row,
                      double               value)
{
  BasaltTunerPage *self = row->page;
  gboolean integer;

  if (self->updating)
    return;
  bsl_fit_problem_get_bounds (self->problem, row->dim, NULL, NULL, &integer);
  self->x[row->dim] = integer ? nearbyint (value) : value;
  sync_row (row);
  _basalt_tuner_page_request_resimulate (self);
}

static void
on_scale_changed (GtkRange *range,
                  BasaltTunerParamRow *row)
{
  on_row_value_changed (row, gtk_range_get_value (range));
}

/* A value typed outside the slider's bounds widens them (by half their width beyond the value,
 * so that a fit can search around it); one outside the parameter's valid range is clamped to it,
 * and the page says so. */
static void
on_spin_changed (GtkSpinButton       *spin,
                 BasaltTunerParamRow *row)
{
  BasaltTunerPage *self = row->page;
  double value = gtk_spin_button_get_value (spin);
  double lo, hi, valid_lo, valid_hi;

  if (self->updating)
    return;
  bsl_fit_problem_get_bounds (self->problem, row->dim, &lo, &hi, NULL);
  bsl_fit_problem_get_valid_range (self->problem, row->dim, &valid_lo, &valid_hi);
  if (value < valid_lo || value > valid_hi)
    {
      g_autofree char *text = g_strdup_printf (_("%s: %g is outside its valid range %g .. %g (%s): set to %g"),
                                               bsl_fit_problem_get_dim_name (self->problem, row->dim), value,
                                               valid_lo, valid_hi, bsl_tag_to_string (self->tag),
                                               CLAMP (value, valid_lo, valid_hi));

      value = CLAMP (value, valid_lo, valid_hi);
      _basalt_tuner_page_set_message (self, text);
    }
  if (value < lo || value > hi)
    {
      double margin = (MAX (hi, value) - MIN (lo, value)) / 2.0;

      bsl_fit_problem_set_bounds (self->problem, row->dim, value < lo ? value - margin : lo,
                                  value > hi ? value + margin : hi);
      self->x[row->dim] = value;
      apply_bounds (row);
    }
  on_row_value_changed (row, value);
}

/* The slider and the entry span the dimension's bounds, which the fit keeps to. */
static void
apply_bounds (BasaltTunerParamRow *row)
{
  BasaltTunerPage *self = row->page;
  double lo, hi;
  gboolean integer;

  bsl_fit_problem_get_bounds (self->problem, row->dim, &lo, &hi, &integer);
  self->updating = TRUE;
  gtk_range_set_range (GTK_RANGE (row->scale), lo, hi);
  gtk_spin_button_set_value (row->lower, lo);
  gtk_spin_button_set_value (row->upper, hi);
  self->updating = FALSE;
  if (self->x[row->dim] < lo || self->x[row->dim] > hi)
    {
      g_autofree char *text = g_strdup_printf (_("%s: %g is outside the bounds %g .. %g: set to %g"),
                                               bsl_fit_problem_get_dim_name (self->problem, row->dim),
                                               self->x[row->dim], lo, hi, CLAMP (self->x[row->dim], lo, hi));

      self->x[row->dim] = CLAMP (self->x[row->dim], lo, hi);
      _basalt_tuner_page_set_message (self, text);
      sync_row (row);
      _basalt_tuner_page_request_resimulate (self);
    }
}

static void
on_bound_changed (GtkSpinButton       *spin,
                  BasaltTunerParamRow *row)
{
  BasaltTunerPage *self = row->page;
  double lower = gtk_spin_button_get_value (row->lower), upper = gtk_spin_button_get_value (row->upper);
  double lo, hi;

  if (self->updating)
    return;
  bsl_fit_problem_set_bounds (self->problem, row->dim, lower, upper);
  bsl_fit_problem_get_bounds (self->problem, row->dim, &lo, &hi, NULL);
  /* Bounds keep to the valid range, and to lower <= upper: what was not taken is said. */
  if (lo != lower || hi != upper)
    {
      g_autofree char *text = g_strdup_printf (_("%s: bounds %g .. %g asked, %g .. %g kept (valid range and "
                                                 "lower <= upper)"),
                                               bsl_fit_problem_get_dim_name (self->problem, row->dim),
                                               lower, upper, lo, hi);

      _basalt_tuner_page_set_message (self, text);
    }
  apply_bounds (row);
}

static GtkWidget *
bounds_button (BasaltTunerParamRow *row,
               double    lo,
               double    hi,
               gboolean  integer)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *grid = gtk_grid_new ();
  double step = integer ? 1 : MAX ((hi - lo) / 10000, 1e-9);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_widget_set_tooltip_text (button, _("Bounds of the slider and of a fit"));
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);
  row->lower = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (-1e12, 1e12, step));
  row->upper = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (-1e12, 1e12, step));
  gtk_spin_button_set_digits (row->lower, integer ? 0 : 6);
  gtk_spin_button_set_digits (row->upper, integer ? 0 : 6);
  gtk_spin_button_set_value (row->lower, lo);
  gtk_spin_button_set_value (row->upper, hi);
  gtk_grid_attach (GTK_GRID (grid), gtk_label_new (_("Lower")), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (row->lower), 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), gtk_label_new (_("Upper")), 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (row->upper), 1, 1, 1, 1);
  gtk_popover_set_child (GTK_POPOVER (popover), grid);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  g_signal_connect (row->lower, "value-changed", G_CALLBACK (on_bound_changed), row);
  g_signal_connect (row->upper, "value-changed", G_CALLBACK (on_bound_changed), row);
  return button;
}

void
_basalt_tuner_page_clear_rows (BasaltTunerPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->params_grid))) != NULL)
    gtk_grid_remove (self->params_grid, child);
  g_ptr_array_set_size (self->rows, 0);
}

void
_basalt_tuner_page_build_rows (BasaltTunerPage *self)
{
  GtkWidget *header;

  _basalt_tuner_page_clear_rows (self);
  header = gtk_label_new (_("Lock"));
  gtk_widget_add_css_class (header, "dim-label");
  gtk_grid_attach (self->params_grid, header, 0, 0, 1, 1);
  for (guint k = 0; k < self->n_dims; k++)
    {
      BasaltTunerParamRow *row = g_new0 (BasaltTunerParamRow, 1);
      double lo, hi;
      gboolean integer;
      GtkWidget *label;
      GtkAdjustment *adjustment;

      bsl_fit_problem_get_bounds (self->problem, k, &lo, &hi, &integer);
      row->page = self;
      row->dim = k;
      row->lock = GTK_CHECK_BUTTON (gtk_check_button_new ());
      gtk_widget_set_tooltip_text (GTK_WIDGET (row->lock), _("Locked parameters keep their value in a fit"));
      label = gtk_label_new (bsl_fit_problem_get_dim_name (self->problem, k));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      adjustment = gtk_adjustment_new (self->x[k], lo, hi, integer ? 1 : (hi - lo) / 1000,
                                       integer ? MAX (1, nearbyint ((hi - lo) / 100)) : (hi - lo) / 100, 0);
      row->scale = GTK_SCALE (gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, adjustment));
      gtk_scale_set_draw_value (row->scale, FALSE);
      gtk_widget_set_hexpand (GTK_WIDGET (row->scale), TRUE);
      gtk_widget_set_size_request (GTK_WIDGET (row->scale), 120, -1);
      /* The entry takes any number: a value outside the slider's bounds widens them, one outside
       * the parameter's valid range is clamped by on_spin_changed, which says so. */
      row->spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (-ENTRY_LIMIT, ENTRY_LIMIT,
                                                                    integer ? 1 : (hi - lo) / 10000));
      gtk_spin_button_set_digits (row->spin, integer ? 0 : 6);
      gtk_spin_button_set_value (row->spin, self->x[k]);
      gtk_editable_set_width_chars (GTK_EDITABLE (row->spin), 10);
      gtk_grid_attach (self->params_grid, GTK_WIDGET (row->lock), 0, k + 1, 1, 1);
      gtk_grid_attach (self->params_grid, label, 1, k + 1, 1, 1);
      gtk_grid_attach (self->params_grid, GTK_WIDGET (row->scale), 2, k + 1, 1, 1);
      gtk_grid_attach (self->params_grid, GTK_WIDGET (row->spin), 3, k + 1, 1, 1);
      gtk_grid_attach (self->params_grid, bounds_button (row, lo, hi, integer), 4, k + 1, 1, 1);
      g_signal_connect (row->scale, "value-changed", G_CALLBACK (on_scale_changed), row);
      g_signal_connect (row->spin, "value-changed", G_CALLBACK (on_spin_changed), row);
      g_ptr_array_add (self->rows, row);
    }
}

void
_basalt_tuner_page_sync_rows (BasaltTunerPage *self)
{
  for (guint k = 0; k < self->rows->len; k++)
    sync_row (g_ptr_array_index (self->rows, k));
}

BasaltTunerParamRow *
_basalt_tuner_page_get_row (BasaltTunerPage *self,
                            const char      *param)
{
  int dim = self->problem != NULL ? _basalt_tuner_page_find_dim (self, param) : -1;

  return dim >= 0 ? g_ptr_array_index (self->rows, dim) : NULL;
}

gboolean
basalt_tuner_page_set_value (BasaltTunerPage *self,
                             const char      *param,
                             double           value)
{
  BasaltTunerParamRow *row = _basalt_tuner_page_get_row (self, param);

  g_return_val_if_fail (BASALT_IS_TUNER_PAGE (self), FALSE);

  if (row == NULL)
    return FALSE;
  /* As the user would: through the slider. */
  gtk_range_set_value (GTK_RANGE (row->scale), value);
  return TRUE;
}

gboolean
basalt_tuner_page_set_bounds (BasaltTunerPage *self,
                              const char      *param,
                              double           lower,
                              double           upper)
{
  BasaltTunerParamRow *row = _basalt_tuner_page_get_row (self, param);

  g_return_val_if_fail (BASALT_IS_TUNER_PAGE (self), FALSE);

  if (row == NULL)
    return FALSE;
  /* As the user would: through the bounds entries. */
  self->updating = TRUE;
  gtk_spin_button_set_value (row->lower, lower);
  self->updating = FALSE;
  gtk_spin_button_set_value (row->upper, upper);
  on_bound_changed (row->upper, row);
  return TRUE;
}

void
basalt_tuner_page_get_bounds (BasaltTunerPage *self,
                              const char      *param,
                              double          *lower,
                              double          *upper)
{
  int dim = self->problem != NULL ? _basalt_tuner_page_find_dim (self, param) : -1;

  g_return_if_fail (BASALT_IS_TUNER_PAGE (self));

  *lower = *upper = NAN;
  if (dim >= 0)
    bsl_fit_problem_get_bounds (self->problem, dim, lower, upper, NULL);
}

void
basalt_tuner_page_set_locked (BasaltTunerPage *self,
                              const char      *param,
                              gboolean         locked)
{
  BasaltTunerParamRow *row = _basalt_tuner_page_get_row (self, param);

  g_return_if_fail (BASALT_IS_TUNER_PAGE (self));

  if (row != NULL)
    gtk_check_button_set_active (row->lock, locked);
}
