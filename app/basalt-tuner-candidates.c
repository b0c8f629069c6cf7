/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "basalt-tuner-page-private.h"

#include "basalt-fit-candidate.h"

#define MAX_CANDIDATES 2000

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  const char *property = user_data;
  GObject *candidate = gtk_list_item_get_item (item);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (candidate), property);
  g_auto(GValue) value = G_VALUE_INIT;
  g_autofree char *text = NULL;

  g_value_init (&value, pspec->value_type);
  g_object_get_property (candidate, property, &value);
  if (pspec->value_type == G_TYPE_DOUBLE)
    text = g_strdup_printf ("%.6g", g_value_get_double (&value));
  else if (pspec->value_type == G_TYPE_UINT64)
    text = g_strdup_printf ("%" G_GUINT64_FORMAT, g_value_get_uint64 (&value));
  else
    text = g_value_dup_string (&value);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static GtkColumnViewColumn *
add_column (BasaltTunerPage *self,
            const char      *title,
            const char      *property,
            gboolean         numeric,
            gboolean         expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkExpression *expression = gtk_property_expression_new (BASALT_TYPE_FIT_CANDIDATE, NULL, property);
  GtkSorter *sorter = numeric ? GTK_SORTER (gtk_numeric_sorter_new (expression))
                              : GTK_SORTER (gtk_string_sorter_new (expression));
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), (gpointer) property);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->candidates_view, column);
  g_object_unref (sorter);
  g_object_unref (column);
  return column;
}

void
_basalt_tuner_page_setup_candidates (BasaltTunerPage *self)
{
  GtkSortListModel *sorted;

  self->candidates = g_list_store_new (BASALT_TYPE_FIT_CANDIDATE);
  add_column (self, _("Stage"), "stage", FALSE, FALSE);
  add_column (self, _("#"), "evaluation", TRUE, FALSE);
  self->value_column = add_column (self, _("Value"), "value", TRUE, FALSE);
  add_column (self, _("Parameters"), "parameters", FALSE, TRUE);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->candidates)),
                                    g_object_ref (gtk_column_view_get_sorter (self->candidates_view)));
  gtk_column_view_set_model (self->candidates_view,
                             GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (sorted))));
  gtk_column_view_sort_by_column (self->candidates_view, self->value_column, GTK_SORT_ASCENDING);
}

typedef struct
{
  double  value;
  guint64 index;
} Ranked;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const Ranked *ra = a, *rb = b;

  if (ra->value != rb->value)
    return ra->value < rb->value ? -1 : 1;
  return ra->index < rb->index ? -1 : ra->index > rb->index;
}

/* The best candidates of the fit (all of them would be hundreds of thousands of rows). */
void
_basalt_tuner_page_fill_candidates (BasaltTunerPage *self)
{
  guint n = bsl_fit_problem_get_n_dims (self->done_problem);
  guint64 length = bsl_fit_get_history_length (self->done_fit);
  g_autoptr(GArray) ranked = g_array_sized_new (FALSE, FALSE, sizeof (Ranked), length);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree const char **names = g_new0 (const char *, n + 1);
  g_autofree double *x = g_new0 (double, MAX (n, 1));

  for (guint k = 0; k < n; k++)
    names[k] = bsl_fit_problem_get_dim_name (self->done_problem, k);
  for (guint64 i = 0; i < length; i++)
    {
      Ranked r = { INFINITY, i };

      bsl_fit_get_history_entry (self->done_fit, i, NULL, NULL, &r.value, NULL);
      g_array_append_val (ranked, r);
    }
  g_array_sort (ranked, compare_ranked);
  for (guint i = 0; i < MIN (ranked->len, MAX_CANDIDATES); i++)
    {
      const Ranked *r = &g_array_index (ranked, Ranked, i);
      BslFitStage stage;
      guint64 evaluation;
      double value;

      bsl_fit_get_history_entry (self->done_fit, r->index, &stage, &evaluation, &value, x);
      g_ptr_array_add (items, basalt_fit_candidate_new (stage == BSL_FIT_STAGE_FORCED ? "forced" : "free",
                                                        evaluation, value, x, n, names));
    }
  g_list_store_splice (self->candidates, 0, g_list_model_get_n_items (G_LIST_MODEL (self->candidates)),
                       items->pdata, items->len);
}

void
_basalt_tuner_page_on_candidate_activated (GtkColumnView   *view,
                                           guint            position,
                                           BasaltTunerPage *self)
{
  g_autoptr(BasaltFitCandidate) candidate = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (view)),
                                                                   position);

  if (candidate == NULL || self->done_problem == NULL || self->fit != NULL)
    return;
  _basalt_tuner_page_map_fit_point (self, self->done_problem, basalt_fit_candidate_get_x (candidate, NULL), self->x);
  _basalt_tuner_page_sync_rows (self);
  _basalt_tuner_page_resimulate (self, self->x);
}

void
_basalt_tuner_page_clear_candidates (BasaltTunerPage *self)
{
  if (self->candidates != NULL)
    g_list_store_remove_all (self->candidates);
}

guint
basalt_tuner_page_get_n_candidates (BasaltTunerPage *self)
{
  g_return_val_if_fail (BASALT_IS_TUNER_PAGE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (self->candidates_view)));
}

double
basalt_tuner_page_get_candidate_value (BasaltTunerPage *self,
                                       guint            position)
{
  g_autoptr(GObject) candidate = NULL;
  double value = NAN;

  g_return_val_if_fail (BASALT_IS_TUNER_PAGE (self), NAN);

  candidate = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (self->candidates_view)), position);
  if (candidate != NULL)
    g_object_get (candidate, "value", &value, NULL);
  return value;
}

void
basalt_tuner_page_activate_candidate (BasaltTunerPage *self,
                                      guint            position)
{
  g_return_if_fail (BASALT_IS_TUNER_PAGE (self));

  _basalt_tuner_page_on_candidate_activated (self->candidates_view, position, self);
}
