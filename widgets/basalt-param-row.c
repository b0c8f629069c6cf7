/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "basalt-inspector-private.h"
#include "basalt-param-row.h"

/* The heat map reduces a matrix to at most this many cells per side. */
#define HEATMAP_CELLS 64

struct _BasaltParamRow
{
  GtkBox            parent_instance;

  /* Template widgets; the ones the parameter does not use are removed and NULL. */
  GtkLabel         *title;
  GtkWidget        *entry;
  GtkWidget        *dropdown;
  GtkLabel         *range_label;
  GtkLabel         *error_label;
  GtkWidget        *initializer;
  GtkDropDown      *init_kind;
  GtkWidget        *init_a;
  GtkWidget        *init_b;
  GtkWidget        *init_seed;
  GtkWidget        *heatmap;

  /* Borrowed references */
  BasaltInspector  *inspector;
  const BslVarSpec *spec;

  char             *error;
  /* Heat-map preview: the full-shape value, reduced to at most HEATMAP_CELLS per side. */
  guint             map_rows;
  guint             map_cols;
  double           *map;
  double            map_max;
  gboolean          updating;
};

G_DEFINE_FINAL_TYPE (BasaltParamRow, basalt_param_row, GTK_TYPE_BOX)

static gboolean
is_summary_text (const char *text)
{
  return text != NULL && strstr (text, " values, ") != NULL;
}

void
basalt_param_row_set_error (BasaltParamRow *self,
                            const char     *message)
{
  g_return_if_fail (BASALT_IS_PARAM_ROW (self));

  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (self->entry != NULL)
    {
      if (message)
        gtk_widget_add_css_class (self->entry, "error");
      else
        gtk_widget_remove_css_class (self->entry, "error");
    }
}

const char *
basalt_param_row_get_error (BasaltParamRow *self)
{
  g_return_val_if_fail (BASALT_IS_PARAM_ROW (self), NULL);

  return self->error;
}

static void
update_heatmap (BasaltParamRow   *self,
                const BslProcess *process)
{
  g_autoptr(BslArray) full = NULL;
  gsize rows, cols;

  if (self->heatmap == NULL)
    return;

  g_clear_pointer (&self->map, g_free);
  self->map_rows = self->map_cols = 0;
  self->map_max = 0;

  full = bsl_process_dup_param_full (process, self->spec->name, NULL);
  if (full == NULL || full->ndim != 2 || full->n == 0)
    {
      gtk_widget_queue_draw (self->heatmap);
      return;
    }

  rows = full->dims[0];
  cols = full->dims[1];
  self->map_rows = MIN (rows, HEATMAP_CELLS);
  self->map_cols = MIN (cols, HEATMAP_CELLS);
  self->map = g_new0 (double, self->map_rows * self->map_cols);

  /* Each cell shows the mean of the block of weights it stands for. */
  for (guint r = 0; r < self->map_rows; r++)
    for (guint c = 0; c < self->map_cols; c++)
      {
        gsize r0 = r * rows / self->map_rows, r1 = MAX (r0 + 1, (r + 1) * rows / self->map_rows);
        gsize c0 = c * cols / self->map_cols, c1 = MAX (c0 + 1, (c + 1) * cols / self->map_cols);
        double sum = 0;

        for (gsize i = r0; i < r1; i++)
          for (gsize j = c0; j < c1; j++)
            sum += full->data[i * cols + j];
        sum /= (double) ((r1 - r0) * (c1 - c0));
        self->map[r * self->map_cols + c] = sum;
        self->map_max = MAX (self->map_max, fabs (sum));
      }

  gtk_widget_queue_draw (self->heatmap);
}

static void
draw_heatmap (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  BasaltParamRow *self = user_data;
  double cw, ch;

  cairo_set_source_rgb (cr, 0.92, 0.92, 0.92);
  cairo_paint (cr);

  if (self->map == NULL || self->map_rows == 0 || self->map_cols == 0)
    return;

  cw = (double) width / self->map_cols;
  ch = (double) height / self->map_rows;

  /* Diverging: inhibitory blue, zero white, excitatory red. */
  for (guint r = 0; r < self->map_rows; r++)
    for (guint c = 0; c < self->map_cols; c++)
      {
        double v = self->map_max > 0 ? self->map[r * self->map_cols + c] / self->map_max : 0;

        if (v >= 0)
          cairo_set_source_rgb (cr, 1, 1 - 0.85 * v, 1 - 0.85 * v);
        else
          cairo_set_source_rgb (cr, 1 + 0.85 * v, 1 + 0.85 * v, 1);
        cairo_rectangle (cr, c * cw, r * ch, ceil (cw), ceil (ch));
        cairo_fill (cr);
      }
}

void
basalt_param_row_show_value (BasaltParamRow   *self,
                             const BslProcess *process)
{
  const BslArray *value;

  g_return_if_fail (BASALT_IS_PARAM_ROW (self));
  g_return_if_fail (process != NULL);

  value = bsl_process_get_param (process, self->spec->name);
  self->updating = TRUE;

  if (self->dropdown != NULL)
    {
      double x = value != NULL && value->n > 0 ? value->data[0] : self->spec->default_value;

      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->dropdown), (guint) MAX (0, x));
    }
  else if (self->entry != NULL && !gtk_widget_has_focus (self->entry) &&
           !gtk_widget_has_focus (gtk_widget_get_first_child (self->entry)))
    {
      g_autofree char *text = basalt_inspector_format_value (value);
      g_autofree char *placeholder = NULL;
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      if (is_summary_text (text))
        {
          gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
          gtk_entry_set_placeholder_text (GTK_ENTRY (self->entry), text);
        }
      else
        {
          gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
          placeholder = isnan (self->spec->default_value)
                        ? g_strdup ("no default: set a value")
                        : g_strdup_printf ("default: %s",
                                           g_ascii_formatd (buf, sizeof buf, "%g", self->spec->default_value));
          gtk_entry_set_placeholder_text (GTK_ENTRY (self->entry), placeholder);
        }
    }

  update_heatmap (self, process);
  self->updating = FALSE;
}

void
basalt_param_row_show_hint (BasaltParamRow   *self,
                            const BslProcess *process,
                            BslTag            tag)
{
  g_autofree char *text = NULL;

  g_return_if_fail (BASALT_IS_PARAM_ROW (self));
  g_return_if_fail (process != NULL);

  text = _basalt_inspector_describe_param (self->spec, process, tag);
  gtk_label_set_text (self->range_label, text);
}

const char *
basalt_param_row_get_hint (BasaltParamRow *self)
{
  g_return_val_if_fail (BASALT_IS_PARAM_ROW (self), NULL);

  return gtk_label_get_text (self->range_label);
}

static gboolean
commit_text (BasaltParamRow *self,
             const char     *text)
{
  BasaltInspector *inspector = self->inspector;
  BslProcess *process = _basalt_inspector_get_shown_process (inspector);
  g_autoptr(BslArray) value = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stripped = NULL;

  if (process == NULL)
    return FALSE;

  stripped = g_strstrip (g_strdup (text));

  /* Empty means "back to the default"; nothing typed over a summary means "keep". */
  if (stripped[0] == '\0')
    {
      const char *placeholder = gtk_entry_get_placeholder_text (GTK_ENTRY (self->entry));

      basalt_param_row_set_error (self, NULL);
      if (is_summary_text (placeholder) || bsl_process_get_param (process, self->spec->name) == NULL)
        return TRUE;
      _basalt_inspector_request_param (inspector, process, self->spec->name, NULL);
      return TRUE;
    }

  value = basalt_inspector_parse_value (process, self->spec, stripped,
                                        _basalt_inspector_effective_tag (inspector, process),
                                        _basalt_inspector_get_base_dir (inspector), &error);
  if (value == NULL)
    {
      basalt_param_row_set_error (self, error->message);
      return FALSE;
    }

  basalt_param_row_set_error (self, NULL);
  if (!bsl_array_equal (value, bsl_process_get_param (process, self->spec->name)))
    _basalt_inspector_request_param (inspector, process, self->spec->name, value);
  return TRUE;
}

/* A value made by the initializer is shown as typed once it is accepted. */
static void
commit_initializer (BasaltParamRow *self,
                    const char     *json)
{
  if (commit_text (self, json))
    gtk_editable_set_text (GTK_EDITABLE (self->entry), json);
}

static void
on_entry_activate (GtkEntry       *entry,
                   BasaltParamRow *self)
{
  commit_text (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_choice_selected (GtkDropDown    *dropdown,
                    GParamSpec     *pspec,
                    BasaltParamRow *self)
{
  BslProcess *process;
  g_autoptr(BslArray) value = NULL;
  const BslArray *old;
  guint selected;

  if (self->updating || self->inspector == NULL)
    return;
  if ((process = _basalt_inspector_get_shown_process (self->inspector)) == NULL)
    return;

  selected = gtk_drop_down_get_selected (dropdown);
  if (selected == GTK_INVALID_LIST_POSITION)
    return;

  value = bsl_array_new_scalar (selected);
  old = bsl_process_get_param (process, self->spec->name);
  if (old == NULL && selected == (guint) self->spec->default_value)
    return;
  if (!bsl_array_equal (value, old))
    _basalt_inspector_request_param (self->inspector, process, self->spec->name, value);
}

static void
on_init_apply (GtkButton      *button,
               BasaltParamRow *self)
{
  guint kind = gtk_drop_down_get_selected (self->init_kind);
  const char *a = gtk_editable_get_text (GTK_EDITABLE (self->init_a));
  const char *b = gtk_editable_get_text (GTK_EDITABLE (self->init_b));
  const char *seed = gtk_editable_get_text (GTK_EDITABLE (self->init_seed));
  g_autofree char *json = NULL;

  a = a[0] ? a : "0";
  b = b[0] ? b : "1";
  seed = seed[0] ? seed : "0";

  switch (kind)
    {
    case 0:
      json = g_strdup_printf ("{\"init\": \"normal\", \"mean\": %s, \"std\": %s, \"seed\": %s}", a, b, seed);
      break;
    case 1:
      json = g_strdup_printf ("{\"init\": \"uniform\", \"low\": %s, \"high\": %s, \"seed\": %s}", a, b, seed);
      break;
    case 2:
      json = g_strdup_printf ("{\"init\": \"constant\", \"value\": %s}", a);
      break;
    default:
      json = g_strdup_printf ("{\"init\": \"one_to_one\", \"value\": %s}", a);
      break;
    }

  commit_initializer (self, json);
}

/* {"file": path}, relative to the network's folder when the file is inside it. */
static char *
file_initializer_json (const char *path,
                       const char *base_dir)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *stored = path;
  g_autofree char *prefix = base_dir ? g_build_filename (base_dir, "", NULL) : NULL;

  if (prefix != NULL && g_str_has_prefix (path, prefix))
    stored = path + strlen (prefix);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, stored);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
on_weights_file_chosen (GtkNativeDialog *dialog,
                        int              response,
                        BasaltParamRow  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL && _basalt_inspector_get_graph (self->inspector) != NULL)
        {
          g_autofree char *json = file_initializer_json (path, _basalt_inspector_get_base_dir (self->inspector));

          commit_initializer (self, json);
        }
    }
  g_object_unref (dialog);
}

static void
on_init_file (GtkButton      *button,
              BasaltParamRow *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, "NumPy arrays and CSV");
  gtk_file_filter_add_pattern (filter, "*.npy");
  gtk_file_filter_add_pattern (filter, "*.csv");
  chooser = gtk_file_chooser_native_new ("Load Weights", GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, "_Load", "_Cancel");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_weights_file_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_init_kind_selected (GtkDropDown    *dropdown,
                       GParamSpec     *pspec,
                       BasaltParamRow *self)
{
  static const char *first[] = { "mean", "low", "value", "value" };
  static const char *second[] = { "std", "high", NULL, NULL };
  guint kind = MIN (gtk_drop_down_get_selected (dropdown), G_N_ELEMENTS (first) - 1);

  gtk_entry_set_placeholder_text (GTK_ENTRY (self->init_a), first[kind]);
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->init_b), second[kind] ? second[kind] : "");
  gtk_widget_set_sensitive (self->init_b, second[kind] != NULL);
  /* Only the random generators take a seed. */
  gtk_widget_set_sensitive (self->init_seed, kind <= 1);
}

char *
basalt_param_row_dup_text (BasaltParamRow *self)
{
  g_return_val_if_fail (BASALT_IS_PARAM_ROW (self), NULL);

  if (self->dropdown != NULL)
    return g_strdup (self->spec->enum_names[gtk_drop_down_get_selected (GTK_DROP_DOWN (self->dropdown))]);
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry)));
}

gboolean
basalt_param_row_enter_text (BasaltParamRow *self,
                             const char     *text)
{
  g_return_val_if_fail (BASALT_IS_PARAM_ROW (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (self->entry == NULL)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  g_signal_emit_by_name (self->entry, "activate");
  return self->error == NULL;
}

void
basalt_param_row_focus_editor (BasaltParamRow *self)
{
  g_return_if_fail (BASALT_IS_PARAM_ROW (self));

  gtk_widget_grab_focus (self->entry != NULL ? self->entry : self->dropdown);
}

const BslVarSpec *
basalt_param_row_get_spec (BasaltParamRow *self)
{
  g_return_val_if_fail (BASALT_IS_PARAM_ROW (self), NULL);

  return self->spec;
}

/* GObject */

static void
basalt_param_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BASALT_TYPE_PARAM_ROW);

  G_OBJECT_CLASS (basalt_param_row_parent_class)->dispose (object);
}

static void
basalt_param_row_finalize (GObject *object)
{
  BasaltParamRow *self = (BasaltParamRow *) object;

  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->map, g_free);

  G_OBJECT_CLASS (basalt_param_row_parent_class)->finalize (object);
}

static void
basalt_param_row_class_init (BasaltParamRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = basalt_param_row_dispose;
  object_class->finalize = basalt_param_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/basalt/Basalt/ui/basalt-param-row.ui");
  gtk_widget_class_bind_template_child (widget_class, BasaltParamRow, title);
  gtk_widget_class_bind_template_child (widget_class, BasaltParamRow, entry);
  gtk_widget_class_bind_template_child (widget_class, BasaltParamRow, dropdown);
  gtk_widget_class_bind_template_child (widget_class, BasaltParamRow, range_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltParamRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltParamRow, initializer);
  gtk_widget_class_bind_template_child (widget_class, BasaltParamRow, init_kind);
  gtk_widget_class_bind_template_child (widget_class, BasaltParamRow, init_a);
  gtk_widget_class_bind_template_child (widget_class, BasaltParamRow, init_b);
  gtk_widget_class_bind_template_child (widget_class, BasaltParamRow, init_seed);
  gtk_widget_class_bind_template_child (widget_class, BasaltParamRow, heatmap);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_choice_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_init_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_init_file);
  gtk_widget_class_bind_template_callback (widget_class, on_init_kind_selected);
}

static void
basalt_param_row_init (BasaltParamRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->heatmap), draw_heatmap, self, NULL);
  on_init_kind_selected (self->init_kind, NULL, self);
}

/* Removes a template part the parameter does not use; its pointer is then NULL. */
static void
remove_part (BasaltParamRow  *self,
             GtkWidget      **part)
{
  gtk_box_remove (GTK_BOX (self), *part);
  *part = NULL;
}

GtkWidget *
basalt_param_row_new (BasaltInspector  *inspector,
                      const BslVarSpec *spec,
                      const BslProcess *process)
{
  BasaltParamRow *self;
  guint ndim = 0;
  gsize dims[BSL_MAX_DIMS];

  g_return_val_if_fail (BASALT_IS_INSPECTOR (inspector), NULL);
  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (process != NULL, NULL);

  self = g_object_new (BASALT_TYPE_PARAM_ROW, NULL);
  self->spec = spec;

  gtk_label_set_text (self->title, spec->name);
  if (spec->description)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->title), spec->description);

  if ((spec->flags & BSL_VAR_ENUM) && spec->enum_names != NULL)
    {
      g_autoptr(GtkStringList) names = gtk_string_list_new ((const char * const *) spec->enum_names);

      /* Not a choice of the user's: the inspector is only set afterwards. */
      gtk_drop_down_set_model (GTK_DROP_DOWN (self->dropdown), G_LIST_MODEL (names));
      remove_part (self, &self->entry);
    }
  else
    {
      gtk_widget_set_name (self->entry, spec->name);
      if (spec->description)
        gtk_widget_set_tooltip_text (self->entry, spec->description);
      remove_part (self, &self->dropdown);
    }

  /* Matrices (Dense weights, delays) get an initializer and a heat-map preview. */
  if (self->entry == NULL ||
      !bsl_var_spec_shape (spec, bsl_process_get_ndim (process), bsl_process_get_dims (process), &ndim, dims) ||
      ndim != 2 || spec->shape != BSL_SHAPE_POPULATION)
    {
      remove_part (self, &self->initializer);
      remove_part (self, &self->heatmap);
      self->init_kind = NULL;
      self->init_a = self->init_b = self->init_seed = NULL;
    }

  self->inspector = inspector;
  return GTK_WIDGET (self);
}
