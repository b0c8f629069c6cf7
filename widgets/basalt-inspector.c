/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "bsl-equations-templates.h"
#include "bsl-equations-type.h"
#include "bsl-error.h"
#include "bsl-network-file.h"

#include "basalt-equations-preview.h"
#include "basalt-rule-editor.h"
#include "basalt-inspector-private.h"

/* Above this many values an editor shows a summary instead of every number. */
#define MAX_LISTED_VALUES 64
#define HEATMAP_CELLS     64

typedef struct
{
  BasaltInspector  *self;
  const BslVarSpec *spec;
  GtkWidget        *entry;
  GtkWidget        *dropdown;
  GtkWidget        *range_label;
  GtkWidget        *error_label;
  GtkWidget        *heatmap;
  GtkWidget        *init_kind;
  GtkWidget        *init_a;
  GtkWidget        *init_b;
  GtkWidget        *init_seed;
  char             *error;
  /* Heat-map preview: the full-shape value, reduced to at most HEATMAP_CELLS per side. */
  guint             map_rows;
  guint             map_cols;
  double           *map;
  double            map_max;
  gboolean          updating;
} ParamRow;

struct _BasaltInspector
{
  GtkWidget   parent_instance;

  /* Template widgets */
  GtkStack   *stack;
  GtkLabel   *type_label;
  GtkLabel   *description_label;
  GtkEntry   *name_entry;
  GtkEntry   *shape_entry;
  GtkDropDown *model_dropdown;
  GtkLabel   *header_error;
  GtkBox     *params_box;
  GtkBox     *connections_box;

  BslGraph   *graph;
  char       *process_name;
  const BslProcType *shown_type;
  char       *shown_schema;   /* the shown type's Var names: an Equations process changes them */
  BslTag      tag;
  GPtrArray  *rows;       /* ParamRow* */
  gboolean    updating_model;

  /* Equations processes: the editor of their texts */
  GtkWidget  *eq_template;
  GtkWidget  *eq_model;
  GtkWidget  *eq_threshold;
  GtkWidget  *eq_reset;
  GtkWidget  *eq_refractory;
  GtkWidget  *eq_input;
  GtkWidget  *eq_method;
  GtkWidget  *eq_error;
  GtkWidget  *eq_preview;
  guint       eq_preview_source;
  guint       template_source;     /* a chosen template, requested once the list has settled */
  char       *template_process;
  const char *template_name;
  /* The preview's input outlives a rebuild of the editor (Apply rebuilds it). */
  char       *eq_preview_input;
  char       *eq_preview_process;
  GtkWidget  *rule_editor;        /* plastic connections: the learning rule */
};

G_DEFINE_FINAL_TYPE (BasaltInspector, basalt_inspector, GTK_TYPE_WIDGET)

enum {
  PARAM_CHANGED,
  EQUATIONS_REQUESTED,
  TEMPLATE_REQUESTED,
  LEARNING_RULE_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
param_row_free (gpointer data)
{
  ParamRow *row = data;

  g_free (row->error);
  g_free (row->map);
  g_free (row);
}

static BslProcess *
current_process (BasaltInspector *self)
{
  if (self->graph == NULL || self->process_name == NULL)
    return NULL;
  return bsl_graph_find_process (self->graph, self->process_name);
}

static BslTag
effective_tag (BasaltInspector  *self,
               const BslProcess *process)
{
  BslTag tag = process->model != BSL_TAG_NONE ? process->model : self->tag;

  /* A type with one model only is checked against the one it has. */
  if (!bsl_proc_type_has_model (process->type, tag))
    tag = tag == BSL_TAG_FIXED_PT ? BSL_TAG_FLOATING_PT : BSL_TAG_FIXED_PT;
  return tag;
}

/* Value text */

static void
append_number (GString *out,
               double   x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (x == floor (x) && fabs (x) < 1e15)
    g_string_append_printf (out, "%.0f", x);
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.10g", x));
}

char *
basalt_inspector_format_value (const BslArray *value)
{
  GString *out;

  if (value == NULL)
    return g_strdup ("");

  if (value->init != NULL)
    return json_to_string (value->init, FALSE);

  out = g_string_new (NULL);
  if (value->ndim == 0)
    append_number (out, value->data[0]);
  else if (value->n > MAX_LISTED_VALUES)
    {
      double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE;
      g_autofree char *shape = bsl_shape_to_string (value->ndim, value->dims);

      for (gsize i = 0; i < value->n; i++)
        {
          lo = MIN (lo, value->data[i]);
          hi = MAX (hi, value->data[i]);
        }
      g_string_append_printf (out, "%s values, ", shape);
      append_number (out, lo);
      g_string_append (out, " … ");
      append_number (out, hi);
    }
  else if (value->ndim == 1)
    for (gsize i = 0; i < value->n; i++)
      {
        if (i > 0)
          g_string_append (out, ", ");
        append_number (out, value->data[i]);
      }
  else
    {
      gsize cols = value->n / MAX (value->dims[0], 1);

      g_string_append_c (out, '[');
      for (gsize r = 0; r < value->dims[0]; r++)
        {
          g_string_append (out, r ? ", [" : "[");
          for (gsize c = 0; c < cols; c++)
            {
              if (c > 0)
                g_string_append (out, ", ");
              append_number (out, value->data[r * cols + c]);
            }
          g_string_append_c (out, ']');
        }
      g_string_append_c (out, ']');
    }

  return g_string_free (out, FALSE);
}

static gboolean
is_summary_text (const char *text)
{
  return text != NULL && strstr (text, " values, ") != NULL;
}

/* Nested JSON arrays of numbers -> flat data + dims. */
static gboolean
flatten_json (JsonNode  *node,
              guint      depth,
              guint     *ndim,
              gsize     *dims,
              GArray    *out,
              GError   **error)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);
      double x;

      if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE && type != G_TYPE_BOOLEAN)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "only numbers are allowed");
          return FALSE;
        }
      if (*ndim == G_MAXUINT)
        *ndim = depth;
      else if (*ndim != depth)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the rows are ragged");
          return FALSE;
        }
      x = json_node_get_double (node);
      g_array_append_val (out, x);
      return TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);

      if (depth >= BSL_MAX_DIMS)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "too many dimensions");
          return FALSE;
        }
      if (dims[depth] == 0)
        dims[depth] = n;
      else if (dims[depth] != n)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the rows are ragged");
          return FALSE;
        }
      for (guint i = 0; i < n; i++)
        if (!flatten_json (json_array_get_element (array, i), depth + 1, ndim, dims, out, error))
          return FALSE;
      return TRUE;
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "only numbers are allowed");
  return FALSE;
}

static BslArray *
parse_text (const BslProcess *process,
            const BslVarSpec *spec,
            const char       *text,
            const char       *base_dir,
            GError          **error)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_auto(GStrv) tokens = NULL;
  guint want_ndim = 0;
  gsize want_dims[BSL_MAX_DIMS] = { 0 };
  gboolean have_shape;
  BslArray *array;

  have_shape = bsl_var_spec_shape (spec, process->ndim, process->dims, &want_ndim, want_dims);

  if (text[0] == '{' || text[0] == '[')
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) local_error = NULL;
      JsonNode *root;

      if (!json_parser_load_from_data (parser, text, -1, &local_error))
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s': parameter '%s': %s",
                       process->name, spec->name, local_error->message);
          return NULL;
        }
      root = json_parser_get_root (parser);

      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          if (!have_shape)
            {
              g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED,
                           "process '%s': parameter '%s' cannot be given by an initializer",
                           process->name, spec->name);
              return NULL;
            }
          array = bsl_initializer_expand (root, want_ndim, want_dims, base_dir, error);
          if (array == NULL)
            return NULL;
          if (array->ndim != want_ndim || memcmp (array->dims, want_dims, sizeof (gsize) * want_ndim) != 0)
            {
              g_autofree char *got = bsl_shape_to_string (array->ndim, array->dims);
              g_autofree char *want = bsl_shape_to_string (want_ndim, want_dims);
              JsonObject *object = json_node_get_object (root);
              const char *source = json_object_has_member (object, "file")
                                   ? json_object_get_string_member_with_default (object, "file", "the file")
                                   : "the initializer";

              g_set_error (error, BSL_ERROR, BSL_ERROR_SHAPE,
                           "process '%s' (%s): parameter '%s': %s holds shape %s but the parameter needs %s",
                           process->name, process->type->name, spec->name, source, got, want);
              bsl_array_free (array);
              return NULL;
            }
          if (array->init == NULL)
            array->init = json_node_copy (root);
          return array;
        }
      else
        {
          guint ndim = G_MAXUINT;
          gsize dims[BSL_MAX_DIMS] = { 0 };

          if (!flatten_json (root, 0, &ndim, dims, values, &local_error))
            {
              g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s': parameter '%s': %s",
                           process->name, spec->name, local_error->message);
              return NULL;
            }
          if (ndim == G_MAXUINT || values->len == 0)
            {
              g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s': parameter '%s' is empty",
                           process->name, spec->name);
              return NULL;
            }
          array = bsl_array_new (ndim, dims);
          memcpy (array->data, values->data, sizeof (double) * values->len);
          return array;
        }
    }

  tokens = g_regex_split_simple ("[,;\\s]+", text, 0, 0);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *token = tokens[i];
      char *end = NULL;
      double x;

      if (token[0] == '\0')
        continue;

      /* Enum Vars take their names as well as their indices. */
      if (spec->flags & BSL_VAR_ENUM && spec->enum_names != NULL)
        {
          gboolean found = FALSE;

          for (guint k = 0; spec->enum_names[k] != NULL; k++)
            if (g_ascii_strcasecmp (spec->enum_names[k], token) == 0)
              {
                x = k;
                g_array_append_val (values, x);
                found = TRUE;
                break;
              }
          if (found)
            continue;
        }

      x = g_ascii_strtod (token, &end);
      if (end == token || *end != '\0')
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE,
                       "process '%s': parameter '%s': '%s' is not a number",
                       process->name, spec->name, token);
          return NULL;
        }
      g_array_append_val (values, x);
    }

  if (values->len == 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_PARSE, "process '%s': parameter '%s' is empty",
                   process->name, spec->name);
      return NULL;
    }

  if (values->len == 1)
    return bsl_array_new_scalar (g_array_index (values, double, 0));

  /* A flat list that fills the Var's shape exactly takes that shape (rows first). */
  if (have_shape && want_ndim > 1)
    {
      gsize n = 1;

      for (guint d = 0; d < want_ndim; d++)
        n *= want_dims[d];
      if (n == values->len)
        {
          array = bsl_array_new (want_ndim, want_dims);
          memcpy (array->data, values->data, sizeof (double) * values->len);
          return array;
        }
    }

  return bsl_array_new_vector (values->len, &g_array_index (values, double, 0));
}

BslArray *
basalt_inspector_parse_value (const BslProcess *process,
                              const BslVarSpec *spec,
                              const char       *text,
                              BslTag            tag,
                              const char       *base_dir,
                              GError          **error)
{
  g_autoptr(BslArray) array = NULL;
  g_autoptr(BslProcess) probe = NULL;
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (process != NULL, NULL);
  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  stripped = g_strstrip (g_strdup (text));
  if ((array = parse_text (process, spec, stripped, base_dir, error)) == NULL)
    return NULL;

  /* Check the value alone, on a process of the same type and shape, as a run would. An
   * Equations process has parameters without defaults: its other values come along. */
  if (bsl_proc_type_is_equations (process->type))
    probe = bsl_process_copy (process);
  else
    probe = bsl_process_new (process->type, process->name, process->ndim, process->dims);
  if (!bsl_process_set_param (probe, spec->name, bsl_array_copy (array), error) ||
      !bsl_process_validate (probe, tag, error))
    return NULL;

  return g_steal_pointer (&array);
}

/* Rows */

char *
basalt_inspector_describe_var (const BslVarSpec *spec,
                               BslTag            tag)
{
  GString *out = g_string_new (NULL);
  gboolean fixed = tag == BSL_TAG_FIXED_PT;
  double lo = fixed ? spec->fixed_min : spec->float_min;
  double hi = fixed ? spec->fixed_max : spec->float_max;

  if (fixed && (spec->flags & BSL_VAR_FLOAT_ONLY))
    g_string_append (out, "not used under fixed_pt");
  else if (!fixed && (spec->flags & BSL_VAR_FIXED_ONLY))
    g_string_append (out, "not used under floating_pt");
  else if (spec->flags & BSL_VAR_ENUM)
    g_string_append (out, "one of the listed modes");
  else
    {
      if ((fixed && (spec->flags & BSL_VAR_INTEGER)) || (spec->flags & BSL_VAR_COUNT))
        g_string_append (out, "integer, ");
      if (isfinite (lo) && isfinite (hi) && lo > -1e300 && hi < 1e300)
        {
          g_string_append (out, fixed ? "Loihi 2 range " : "range ");
          append_number (out, lo);
          g_string_append (out, " … ");
          append_number (out, hi);
        }
      else if (isfinite (lo) && lo > -1e300)
        {
          g_string_append (out, "≥ ");
          append_number (out, lo);
        }
      else
        g_string_append (out, "any real number");
    }

  if (spec->unit != NULL && spec->unit[0] != '\0')
    g_string_append_printf (out, " (%s)", spec->unit);
  /* A parameter of an Equations process has no default: it must be given. */
  if (isnan (spec->default_value))
    g_string_append (out, "; no default, must be set");
  else if (!(spec->flags & BSL_VAR_ENUM))
    {
      g_string_append (out, "; default ");
      append_number (out, spec->default_value);
    }
  if (spec->flags & BSL_VAR_STATE)
    g_string_append (out, "; state");

  return g_string_free (out, FALSE);
}

static void
row_set_error (ParamRow   *row,
               const char *message)
{
  g_free (row->error);
  row->error = g_strdup (message);
  gtk_label_set_text (GTK_LABEL (row->error_label), message ? message : "");
  gtk_widget_set_visible (row->error_label, message != NULL);
  if (row->entry != NULL)
    {
      if (message)
        gtk_widget_add_css_class (row->entry, "error");
      else
        gtk_widget_remove_css_class (row->entry, "error");
    }
}

static void
row_update_heatmap (ParamRow         *row,
                    const BslProcess *process)
{
  g_autoptr(BslArray) full = NULL;
  gsize rows, cols;

  if (row->heatmap == NULL)
    return;

  g_clear_pointer (&row->map, g_free);
  row->map_rows = row->map_cols = 0;
  row->map_max = 0;

  full = bsl_process_dup_param_full (process, row->spec->name, NULL);
  if (full == NULL || full->ndim != 2 || full->n == 0)
    {
      gtk_widget_queue_draw (row->heatmap);
      return;
    }

  rows = full->dims[0];
  cols = full->dims[1];
  row->map_rows = MIN (rows, HEATMAP_CELLS);
  row->map_cols = MIN (cols, HEATMAP_CELLS);
  row->map = g_new0 (double, row->map_rows * row->map_cols);

  /* Each cell shows the mean of the block of weights it stands for. */
  for (guint r = 0; r < row->map_rows; r++)
    for (guint c = 0; c < row->map_cols; c++)
      {
        gsize r0 = r * rows / row->map_rows, r1 = MAX (r0 + 1, (r + 1) * rows / row->map_rows);
        gsize c0 = c * cols / row->map_cols, c1 = MAX (c0 + 1, (c + 1) * cols / row->map_cols);
        double sum = 0;

        for (gsize i = r0; i < r1; i++)
          for (gsize j = c0; j < c1; j++)
            sum += full->data[i * cols + j];
        sum /= (double) ((r1 - r0) * (c1 - c0));
        row->map[r * row->map_cols + c] = sum;
        row->map_max = MAX (row->map_max, fabs (sum));
      }

  gtk_widget_queue_draw (row->heatmap);
}

static void
draw_heatmap (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  ParamRow *row = user_data;
  double cw, ch;

  cairo_set_source_rgb (cr, 0.92, 0.92, 0.92);
  cairo_paint (cr);

  if (row->map == NULL || row->map_rows == 0 || row->map_cols == 0)
    return;

  cw = (double) width / row->map_cols;
  ch = (double) height / row->map_rows;

  /* Diverging: inhibitory blue, zero white, excitatory red. */
  for (guint r = 0; r < row->map_rows; r++)
    for (guint c = 0; c < row->map_cols; c++)
      {
        double v = row->map_max > 0 ? row->map[r * row->map_cols + c] / row->map_max : 0;

        if (v >= 0)
          cairo_set_source_rgb (cr, 1, 1 - 0.85 * v, 1 - 0.85 * v);
        else
          cairo_set_source_rgb (cr, 1 + 0.85 * v, 1 + 0.85 * v, 1);
        cairo_rectangle (cr, c * cw, r * ch, ceil (cw), ceil (ch));
        cairo_fill (cr);
      }
}

static void
row_show_value (ParamRow         *row,
                const BslProcess *process)
{
  const BslArray *value = bsl_process_get_param (process, row->spec->name);

  row->updating = TRUE;

  if (row->dropdown != NULL)
    {
      double x = value != NULL && value->n > 0 ? value->data[0] : row->spec->default_value;

      gtk_drop_down_set_selected (GTK_DROP_DOWN (row->dropdown), (guint) MAX (0, x));
    }
  else if (row->entry != NULL && !gtk_widget_has_focus (row->entry) &&
           !gtk_widget_has_focus (gtk_widget_get_first_child (row->entry)))
    {
      g_autofree char *text = basalt_inspector_format_value (value);
      g_autofree char *placeholder = NULL;
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      if (is_summary_text (text))
        {
          gtk_editable_set_text (GTK_EDITABLE (row->entry), "");
          gtk_entry_set_placeholder_text (GTK_ENTRY (row->entry), text);
        }
      else
        {
          gtk_editable_set_text (GTK_EDITABLE (row->entry), text);
          placeholder = isnan (row->spec->default_value)
                        ? g_strdup ("no default: set a value")
                        : g_strdup_printf ("default: %s",
                                           g_ascii_formatd (buf, sizeof buf, "%g", row->spec->default_value));
          gtk_entry_set_placeholder_text (GTK_ENTRY (row->entry), placeholder);
        }
    }

  row_update_heatmap (row, process);
  row->updating = FALSE;
}

/* What shape a parameter takes on this process, before what its values may be: "any real number"
 * alone would hide that RingBuffer data is a matrix. NULL for a single value. */
static char *
describe_shape (const BslVarSpec *spec,
                const BslProcess *process)
{
  gboolean broadcast = (spec->flags & BSL_VAR_BROADCAST) != 0;
  gsize n = process->ndim > 0 ? process->dims[0] : 1;

  switch (spec->shape)
    {
    case BSL_SHAPE_TIME_SERIES:
      return g_strdup_printf ("(%" G_GSIZE_FORMAT ", T) matrix: a row per neuron, a column per step "
                              "(any T ≥ 1, repeated)", n);
    case BSL_SHAPE_POPULATION:
      if (process->ndim == 2)
        return g_strdup_printf ("(%" G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT ") matrix, a row per output%s",
                                process->dims[0], process->dims[1], broadcast ? ", or one value for all" : "");
      if (n > 1)
        return g_strdup_printf ("%s%" G_GSIZE_FORMAT " values, one per neuron", broadcast ? "one value, or " : "",
                                n);
      return NULL;
    case BSL_SHAPE_ROWS:
    case BSL_SHAPE_COLUMNS:
      {
        gsize count = spec->shape == BSL_SHAPE_ROWS || process->ndim < 2 ? n : process->dims[1];

        if (count <= 1)
          return NULL;
        return g_strdup_printf ("%s%" G_GSIZE_FORMAT " values, one per %s", broadcast ? "one value, or " : "", count,
                                spec->shape == BSL_SHAPE_ROWS ? "output" : "input");
      }
    case BSL_SHAPE_SCALAR:
    default:
      return NULL;
    }
}

static char *
describe_param (const BslVarSpec *spec,
                const BslProcess *process,
                BslTag            tag)
{
  g_autofree char *shape = describe_shape (spec, process);
  g_autofree char *values = basalt_inspector_describe_var (spec, tag);

  if (shape == NULL)
    return g_steal_pointer (&values);
  return g_strdup_printf ("%s; each value: %s", shape, values);
}

static void
row_update_range (ParamRow        *row,
                  BasaltInspector *self)
{
  BslProcess *process = current_process (self);
  g_autofree char *text = NULL;

  if (process == NULL)
    return;
  text = describe_param (row->spec, process, effective_tag (self, process));
  gtk_label_set_text (GTK_LABEL (row->range_label), text);
}

static gboolean
row_commit_text (ParamRow   *row,
                 const char *text)
{
  BasaltInspector *self = row->self;
  BslProcess *process = current_process (self);
  g_autoptr(BslArray) value = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *process_name = NULL;

  if (process == NULL)
    return FALSE;

  stripped = g_strstrip (g_strdup (text));
  process_name = g_strdup (process->name);

  /* Empty means "back to the default"; nothing typed over a summary means "keep". */
  if (stripped[0] == '\0')
    {
      const char *placeholder = gtk_entry_get_placeholder_text (GTK_ENTRY (row->entry));

      row_set_error (row, NULL);
      if (is_summary_text (placeholder) || bsl_process_get_param (process, row->spec->name) == NULL)
        return TRUE;
      g_signal_emit (self, signals[PARAM_CHANGED], 0, process_name, row->spec->name, NULL);
      return TRUE;
    }

  value = basalt_inspector_parse_value (process, row->spec, stripped, effective_tag (self, process),
                                        self->graph->base_dir, &error);
  if (value == NULL)
    {
      row_set_error (row, error->message);
      return FALSE;
    }

  row_set_error (row, NULL);
  if (!bsl_array_equal (value, bsl_process_get_param (process, row->spec->name)))
    g_signal_emit (self, signals[PARAM_CHANGED], 0, process_name, row->spec->name, value);
  return TRUE;
}

static void
on_param_activate (GtkEntry *entry,
                   ParamRow *row)
{
  row_commit_text (row, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_enum_selected (GtkDropDown *dropdown,
                  GParamSpec  *pspec,
                  ParamRow    *row)
{
  BslProcess *process = current_process (row->self);
  g_autoptr(BslArray) value = NULL;
  const BslArray *old;
  guint selected;

  if (row->updating || process == NULL)
    return;

  selected = gtk_drop_down_get_selected (dropdown);
  if (selected == GTK_INVALID_LIST_POSITION)
    return;

  value = bsl_array_new_scalar (selected);
  old = bsl_process_get_param (process, row->spec->name);
  if (old == NULL && selected == (guint) row->spec->default_value)
    return;
  if (!bsl_array_equal (value, old))
    {
      g_autofree char *process_name = g_strdup (process->name);

      g_signal_emit (row->self, signals[PARAM_CHANGED], 0, process_name, row->spec->name, value);
    }
}

static const char *init_kinds[] = { "normal", "uniform", "constant", "one_to_one", NULL };

static void
on_init_apply (GtkButton *button,
               ParamRow  *row)
{
  guint kind = gtk_drop_down_get_selected (GTK_DROP_DOWN (row->init_kind));
  const char *a = gtk_editable_get_text (GTK_EDITABLE (row->init_a));
  const char *b = gtk_editable_get_text (GTK_EDITABLE (row->init_b));
  const char *seed = gtk_editable_get_text (GTK_EDITABLE (row->init_seed));
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

  if (row_commit_text (row, json))
    gtk_editable_set_text (GTK_EDITABLE (row->entry), json);
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
                        ParamRow        *row)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      BslGraph *graph = row->self->graph;

      if (path != NULL && graph != NULL)
        {
          g_autofree char *json = file_initializer_json (path, graph->base_dir);

          if (row_commit_text (row, json))
            gtk_editable_set_text (GTK_EDITABLE (row->entry), json);
        }
    }
  g_object_unref (dialog);
}

static void
on_init_file (GtkButton *button,
              ParamRow  *row)
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
  g_signal_connect (chooser, "response", G_CALLBACK (on_weights_file_chosen), row);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_init_kind_selected (GtkDropDown *dropdown,
                       GParamSpec  *pspec,
                       ParamRow    *row)
{
  static const char *first[] = { "mean", "low", "value", "value" };
  static const char *second[] = { "std", "high", NULL, NULL };
  guint kind = MIN (gtk_drop_down_get_selected (dropdown), G_N_ELEMENTS (first) - 1);

  gtk_entry_set_placeholder_text (GTK_ENTRY (row->init_a), first[kind]);
  gtk_entry_set_placeholder_text (GTK_ENTRY (row->init_b), second[kind] ? second[kind] : "");
  gtk_widget_set_sensitive (row->init_b, second[kind] != NULL);
  /* Only the random generators take a seed. */
  gtk_widget_set_sensitive (row->init_seed, kind <= 1);
}

/* The generator and Apply on one line, its numbers on the next: on one line with the generator
 * the fields were too narrow to show what they ask for ("m…" for mean). */
static GtkWidget *
create_initializer_editor (ParamRow *row)
{
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *kind_line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *numbers = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *apply = gtk_button_new_with_label ("Apply");
  GtkWidget *from_file = gtk_button_new_with_label ("Load from .npy or CSV…");
  GtkWidget **fields[] = { &row->init_a, &row->init_b, &row->init_seed };

  row->init_kind = gtk_drop_down_new_from_strings (init_kinds);
  gtk_widget_set_hexpand (row->init_kind, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      *fields[i] = gtk_entry_new ();
      gtk_editable_set_width_chars (GTK_EDITABLE (*fields[i]), 6);
      gtk_widget_set_hexpand (*fields[i], TRUE);
      gtk_box_append (GTK_BOX (numbers), *fields[i]);
    }
  gtk_entry_set_placeholder_text (GTK_ENTRY (row->init_seed), "seed");
  g_signal_connect (row->init_kind, "notify::selected", G_CALLBACK (on_init_kind_selected), row);
  on_init_kind_selected (GTK_DROP_DOWN (row->init_kind), NULL, row);
  gtk_widget_set_tooltip_text (outer, "Fill the matrix from a documented, seeded generator");
  g_signal_connect (apply, "clicked", G_CALLBACK (on_init_apply), row);

  gtk_box_append (GTK_BOX (kind_line), row->init_kind);
  gtk_box_append (GTK_BOX (kind_line), apply);

  gtk_widget_set_halign (from_file, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (from_file, "Read the matrix from a NumPy .npy or a CSV file; the file is "
                                          "referenced, relative to the network's folder when it is inside it");
  g_signal_connect (from_file, "clicked", G_CALLBACK (on_init_file), row);
  gtk_box_append (GTK_BOX (outer), kind_line);
  gtk_box_append (GTK_BOX (outer), numbers);
  gtk_box_append (GTK_BOX (outer), from_file);
  return outer;
}

static void
add_param_row (BasaltInspector  *self,
               const BslProcess *process,
               const BslVarSpec *spec)
{
  ParamRow *row = g_new0 (ParamRow, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new (spec->name);
  guint ndim = 0;
  gsize dims[BSL_MAX_DIMS];

  row->self = self;
  row->spec = spec;

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  if (spec->description)
    gtk_widget_set_tooltip_text (title, spec->description);
  gtk_box_append (GTK_BOX (box), title);

  if ((spec->flags & BSL_VAR_ENUM) && spec->enum_names != NULL)
    {
      row->dropdown = gtk_drop_down_new_from_strings (spec->enum_names);
      g_signal_connect (row->dropdown, "notify::selected", G_CALLBACK (on_enum_selected), row);
      gtk_box_append (GTK_BOX (box), row->dropdown);
    }
  else
    {
      row->entry = gtk_entry_new ();
      gtk_widget_set_name (row->entry, spec->name);
      if (spec->description)
        gtk_widget_set_tooltip_text (row->entry, spec->description);
      g_signal_connect (row->entry, "activate", G_CALLBACK (on_param_activate), row);
      gtk_box_append (GTK_BOX (box), row->entry);
    }

  row->range_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->range_label), 0);
  gtk_label_set_wrap (GTK_LABEL (row->range_label), TRUE);
  gtk_widget_add_css_class (row->range_label, "dim-label");
  gtk_widget_add_css_class (row->range_label, "caption");
  gtk_box_append (GTK_BOX (box), row->range_label);

  row->error_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->error_label), 0);
  gtk_label_set_wrap (GTK_LABEL (row->error_label), TRUE);
  gtk_widget_add_css_class (row->error_label, "error");
  gtk_widget_set_visible (row->error_label, FALSE);
  gtk_box_append (GTK_BOX (box), row->error_label);

  /* Matrices (Dense weights, delays) get an initializer and a heat-map preview. */
  if (row->entry != NULL && bsl_var_spec_shape (spec, process->ndim, process->dims, &ndim, dims) && ndim == 2 &&
      spec->shape == BSL_SHAPE_POPULATION)
    {
      gtk_box_append (GTK_BOX (box), create_initializer_editor (row));
      row->heatmap = gtk_drawing_area_new ();
      gtk_widget_set_size_request (row->heatmap, -1, 96);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (row->heatmap), draw_heatmap, row, NULL);
      gtk_widget_add_css_class (row->heatmap, "heatmap");
      gtk_box_append (GTK_BOX (box), row->heatmap);
    }

  gtk_box_append (self->params_box, box);
  g_ptr_array_add (self->rows, row);

  row_update_range (row, self);
  row_show_value (row, process);
}

static void
on_preset_selected (GtkDropDown     *dropdown,
                    GParamSpec      *pspec,
                    BasaltInspector *self)
{
  BslProcess *process = current_process (self);
  guint selected = gtk_drop_down_get_selected (dropdown);
  g_autofree char *name = NULL;

  /* Row 0 is the prompt; a preset is applied once, then the prompt shows again. */
  if (process == NULL || selected == 0 || selected == GTK_INVALID_LIST_POSITION ||
      selected > process->type->n_presets)
    return;

  name = g_strdup (process->name);
  gtk_widget_activate_action (GTK_WIDGET (self), "graph.apply-preset", "(ss)", name,
                              process->type->presets[selected - 1].name);
  gtk_drop_down_set_selected (dropdown, 0);
}

/* Types with named parameter sets (Izhikevich's regular spiking, ...) offer them first. */
static void
add_preset_row (BasaltInspector  *self,
                const BslProcess *process)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new ("Preset");
  GtkWidget *dropdown;

  gtk_string_list_append (names, "Apply a preset…");
  for (guint i = 0; i < process->type->n_presets; i++)
    gtk_string_list_append (names, process->type->presets[i].name);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL);
  gtk_widget_set_name (dropdown, "preset");
  gtk_widget_set_tooltip_text (dropdown, "Sets the parameters the preset names, as one undoable edit");
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_preset_selected), self);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), dropdown);
  gtk_box_append (self->params_box, box);
}

static const char *eq_methods[] = { "euler", "exponential_euler", "rk4", NULL };

static char *
text_view_dup_text (GtkWidget *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The texts as shown in the editor; returns the model text, which text->model borrows. */
static char *
get_shown_equations (BasaltInspector  *self,
                     BslEquationsText *text)
{
  char *model = text_view_dup_text (self->eq_model);
  guint method = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->eq_method));

  text->model = model;
  text->threshold = gtk_editable_get_text (GTK_EDITABLE (self->eq_threshold));
  text->reset = gtk_editable_get_text (GTK_EDITABLE (self->eq_reset));
  text->refractory = gtk_editable_get_text (GTK_EDITABLE (self->eq_refractory));
  text->input = gtk_editable_get_text (GTK_EDITABLE (self->eq_input));
  text->method = method < G_N_ELEMENTS (eq_methods) - 1 ? eq_methods[method] : "euler";
  return model;
}

static gboolean
apply_equations (BasaltInspector *self)
{
  BslProcess *process = current_process (self);
  g_autofree char *model = NULL;
  g_autoptr(BslProcess) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  BslEquationsText text;

  if (process == NULL || self->eq_model == NULL)
    return FALSE;

  model = get_shown_equations (self, &text);

  /* Checked on a copy first, so the message (line and column) shows here and nothing changes. */
  probe = bsl_process_copy (process);
  if (!bsl_process_set_equations (probe, &text, &error))
    {
      gtk_label_set_text (GTK_LABEL (self->eq_error), error->message);
      gtk_widget_set_visible (self->eq_error, TRUE);
      return FALSE;
    }

  gtk_widget_set_visible (self->eq_error, FALSE);
  name = g_strdup (process->name);
  g_signal_emit (self, signals[EQUATIONS_REQUESTED], 0, name, &text);
  return TRUE;
}

static void
on_equations_apply (GtkButton       *button,
                    BasaltInspector *self)
{
  apply_equations (self);
}

/* Live preview */

/* Text offsets of a (line, column) position, both counted from 1 in characters; the column
 * may be one past the end of the line (an unfinished expression). */
static gboolean
find_char_range (const char *text,
                 guint       line,
                 guint       column,
                 int        *start,
                 int        *end)
{
  const char *p = text;
  glong line_start, line_len, offset;

  for (guint l = 1; l < line; l++)
    {
      p = strchr (p, '\n');
      if (p == NULL)
        return FALSE;
      p++;
    }
  line_start = g_utf8_pointer_to_offset (text, p);
  line_len = g_utf8_strlen (p, (gssize) strcspn (p, "\n"));
  if (line_len == 0)
    return FALSE;
  offset = MIN ((glong) column - 1, line_len - 1);
  *start = (int) (line_start + offset);
  *end = *start + 1;
  return TRUE;
}

static void
clear_error_marks (BasaltInspector *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->eq_model));
  GtkTextIter start, end;
  GtkWidget *entries[] = { self->eq_threshold, self->eq_reset, self->eq_refractory };

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, "error", &start, &end);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    gtk_entry_set_attributes (GTK_ENTRY (entries[i]), NULL);
}

/* Marks the character an error points at, in the text it belongs to. The cursor moves there
 * only when the model view is not being typed in, so typing is never interrupted. */
static void
mark_error (BasaltInspector *self,
            const GError    *error)
{
  const char *which = NULL;
  guint line, column;
  int start, end;

  if (!bsl_equations_error_position (error, &which, &line, &column))
    return;

  if (g_strcmp0 (which, "model") == 0)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->eq_model));
      g_autofree char *text = text_view_dup_text (self->eq_model);
      GtkTextIter a, b;

      if (!find_char_range (text, line, column, &start, &end))
        return;
      gtk_text_buffer_get_iter_at_offset (buffer, &a, start);
      gtk_text_buffer_get_iter_at_offset (buffer, &b, end);
      gtk_text_buffer_apply_tag_by_name (buffer, "error", &a, &b);
      if (!gtk_widget_has_focus (self->eq_model))
        {
          gtk_text_buffer_place_cursor (buffer, &a);
          gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->eq_model), &a, 0.1, FALSE, 0, 0);
        }
    }
  else
    {
      GtkWidget *entry = g_strcmp0 (which, "threshold") == 0 ? self->eq_threshold
                       : g_strcmp0 (which, "reset") == 0 ? self->eq_reset
                       : g_strcmp0 (which, "refractory") == 0 ? self->eq_refractory : NULL;
      const char *text;
      PangoAttrList *attrs;
      PangoAttribute *attr;

      if (entry == NULL)
        return;
      text = gtk_editable_get_text (GTK_EDITABLE (entry));
      if (!find_char_range (text, line, column, &start, &end))
        return;
      attrs = pango_attr_list_new ();
      for (guint i = 0; i < 2; i++)
        {
          attr = i == 0 ? pango_attr_underline_new (PANGO_UNDERLINE_ERROR)
                        : pango_attr_foreground_new (0xe000, 0x1b00, 0x2400);
          attr->start_index = g_utf8_offset_to_pointer (text, start) - text;
          attr->end_index = g_utf8_offset_to_pointer (text, end) - text;
          pango_attr_list_insert (attrs, attr);
        }
      gtk_entry_set_attributes (GTK_ENTRY (entry), attrs);
      pango_attr_list_unref (attrs);
    }
}

/* Compiles the texts as typed (not the process's own) and simulates one neuron with them and
 * the process's values. Nothing of the document changes: Apply stays the only edit. */
static void
update_preview (BasaltInspector *self)
{
  BslProcess *process = current_process (self);
  g_autofree char *model = NULL;
  g_autoptr(BslEquations) eq = NULL;
  g_autoptr(GError) error = NULL;
  BslEquationsText text;

  g_clear_handle_id (&self->eq_preview_source, g_source_remove);
  if (process == NULL || self->eq_preview == NULL)
    return;

  model = get_shown_equations (self, &text);
  eq = bsl_equations_new (text.model, text.threshold, text.reset, text.refractory, text.input, &error);
  if (eq != NULL && !bsl_equations_set_method (eq, text.method, &error))
    g_clear_pointer (&eq, bsl_equations_unref);

  clear_error_marks (self);
  if (eq == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->eq_error), error->message);
      gtk_widget_set_visible (self->eq_error, TRUE);
      mark_error (self, error);
      basalt_equations_preview_show_message (BASALT_EQUATIONS_PREVIEW (self->eq_preview),
                                             "No preview while the equations have an error (above).");
      return;
    }

  gtk_widget_set_visible (self->eq_error, FALSE);
  basalt_equations_preview_show (BASALT_EQUATIONS_PREVIEW (self->eq_preview), eq, process);
}

static gboolean
on_preview_timeout (gpointer data)
{
  BasaltInspector *self = data;

  self->eq_preview_source = 0;
  update_preview (self);
  return G_SOURCE_REMOVE;
}

/* Typing re-simulates once the keys pause, not at every key. */
static void
schedule_preview (BasaltInspector *self)
{
  g_clear_handle_id (&self->eq_preview_source, g_source_remove);
  self->eq_preview_source = g_timeout_add (150, on_preview_timeout, self);
}

static void
on_equations_text_changed (gpointer         object,
                           BasaltInspector *self)
{
  schedule_preview (self);
}

static void
on_equations_method_changed (GObject         *object,
                             GParamSpec      *pspec,
                             BasaltInspector *self)
{
  schedule_preview (self);
}

static GtkWidget *
equations_entry (GtkWidget  *grid,
                 int         row,
                 const char *label,
                 const char *text)
{
  GtkWidget *title = gtk_label_new (label);
  GtkWidget *entry = gtk_entry_new ();
  /* A one-line entry shows several statements (a reset) with Brian2's other separator. */
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  g_autofree char *one_line = g_strjoinv ("; ", lines);

  gtk_label_set_xalign (GTK_LABEL (title), 1);
  gtk_editable_set_text (GTK_EDITABLE (entry), one_line);
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_widget_add_css_class (entry, "monospace");
  gtk_grid_attach (GTK_GRID (grid), title, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), entry, 1, row, 1, 1);
  return entry;
}

static gboolean
request_template (gpointer data)
{
  BasaltInspector *self = data;
  g_autofree char *process = g_steal_pointer (&self->template_process);

  self->template_source = 0;
  g_signal_emit (self, signals[TEMPLATE_REQUESTED], 0, process, self->template_name);
  return G_SOURCE_REMOVE;
}

static void
on_template_selected (GtkDropDown     *dropdown,
                      GParamSpec      *pspec,
                      BasaltInspector *self)
{
  BslProcess *process = current_process (self);
  guint selected = gtk_drop_down_get_selected (dropdown);
  guint n_templates;
  const BslEquationsTemplate *templates = bsl_equations_templates (&n_templates);

  /* Row 0 is the prompt, shown again once the template is applied. */
  if (process == NULL || selected == 0 || selected == GTK_INVALID_LIST_POSITION ||
      selected > n_templates)
    return;

  /* The new equations rebuild this editor, list included: not while the list is selecting. */
  g_free (self->template_process);
  self->template_process = g_strdup (process->name);
  self->template_name = templates[selected - 1].name;
  g_clear_handle_id (&self->template_source, g_source_remove);
  /* At default priority, ahead of redrawing: a window that redraws every frame (a run going
   * flat out on a busy machine) would otherwise never let an idle one run. */
  self->template_source = g_idle_add_full (G_PRIORITY_DEFAULT, request_template, self, NULL);
  gtk_drop_down_set_selected (dropdown, 0);
}

static GtkWidget *
template_dropdown (BasaltInspector *self)
{
  g_autoptr(GtkStringList) titles = gtk_string_list_new (NULL);
  g_autoptr(GString) tooltip = g_string_new ("Replaces the equations and values with a ready-made "
                                             "model, as one undoable edit:");
  guint n_templates;
  const BslEquationsTemplate *templates = bsl_equations_templates (&n_templates);
  GtkWidget *dropdown;

  gtk_string_list_append (titles, "Start from a template…");
  for (guint i = 0; i < n_templates; i++)
    {
      gtk_string_list_append (titles, templates[i].title);
      g_string_append_printf (tooltip, "\n• %s: %s", templates[i].title, templates[i].description);
    }
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (titles)), NULL);
  gtk_widget_set_name (dropdown, "equations-template");
  gtk_widget_set_tooltip_text (dropdown, tooltip->str);
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_template_selected), self);
  return dropdown;
}

/* The texts of an Equations process, in Brian2's syntax; Apply re-derives its Vars. */
static void
add_equations_editor (BasaltInspector  *self,
                      const BslProcess *process)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title = gtk_label_new ("Equations");
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *apply = gtk_button_new_with_label ("Apply Equations");
  GtkWidget *method_label = gtk_label_new ("method");
  BslEquationsText text = { 0 };

  bsl_process_get_equations (process, &text);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);
  self->eq_template = template_dropdown (self);
  gtk_box_append (GTK_BOX (box), self->eq_template);

  self->eq_model = gtk_text_view_new ();
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (self->eq_model), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->eq_model), GTK_WRAP_WORD_CHAR);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->eq_model)),
                            text.model ? text.model : "", -1);
  gtk_widget_set_tooltip_text (self->eq_model, "Model equations, one per line (Brian2 syntax)");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->eq_model);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 120);
  gtk_widget_add_css_class (scroller, "frame");
  gtk_box_append (GTK_BOX (box), scroller);

  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  self->eq_threshold = equations_entry (grid, 0, "threshold", text.threshold);
  self->eq_reset = equations_entry (grid, 1, "reset", text.reset);
  self->eq_refractory = equations_entry (grid, 2, "refractory", text.refractory);
  self->eq_input = equations_entry (grid, 3, "input", text.input);
  self->eq_method = gtk_drop_down_new_from_strings (eq_methods);
  for (guint i = 0; eq_methods[i]; i++)
    if (g_strcmp0 (eq_methods[i], text.method) == 0)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->eq_method), i);
  gtk_label_set_xalign (GTK_LABEL (method_label), 1);
  gtk_grid_attach (GTK_GRID (grid), method_label, 0, 4, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), self->eq_method, 1, 4, 1, 1);
  gtk_box_append (GTK_BOX (box), grid);

  self->eq_error = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->eq_error), 0);
  gtk_label_set_wrap (GTK_LABEL (self->eq_error), TRUE);
  gtk_label_set_selectable (GTK_LABEL (self->eq_error), TRUE);
  gtk_widget_add_css_class (self->eq_error, "error");
  gtk_widget_set_visible (self->eq_error, FALSE);
  gtk_box_append (GTK_BOX (box), self->eq_error);

  gtk_widget_set_halign (apply, GTK_ALIGN_END);
  g_signal_connect (apply, "clicked", G_CALLBACK (on_equations_apply), self);
  gtk_box_append (GTK_BOX (box), apply);

  self->eq_preview = basalt_equations_preview_new ();
  gtk_box_append (GTK_BOX (box), self->eq_preview);
  gtk_box_append (self->params_box, box);

  gtk_text_buffer_create_tag (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->eq_model)), "error",
                              "underline", PANGO_UNDERLINE_ERROR, "background", "rgba(224,27,36,0.25)", NULL);
  g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->eq_model)), "changed",
                    G_CALLBACK (on_equations_text_changed), self);
  g_signal_connect (self->eq_threshold, "changed", G_CALLBACK (on_equations_text_changed), self);
  g_signal_connect (self->eq_reset, "changed", G_CALLBACK (on_equations_text_changed), self);
  g_signal_connect (self->eq_refractory, "changed", G_CALLBACK (on_equations_text_changed), self);
  g_signal_connect (self->eq_input, "changed", G_CALLBACK (on_equations_text_changed), self);
  g_signal_connect (self->eq_method, "notify::selected", G_CALLBACK (on_equations_method_changed), self);
  update_preview (self);
  if (self->eq_preview_input != NULL && g_strcmp0 (self->eq_preview_process, process->name) == 0)
    gtk_editable_set_text (basalt_equations_preview_get_input (BASALT_EQUATIONS_PREVIEW (self->eq_preview)),
                           self->eq_preview_input);
  g_free (self->eq_preview_process);
  self->eq_preview_process = g_strdup (process->name);
}

static void
on_rule_requested (BasaltRuleEditor *editor,
                   gpointer          rule,
                   BasaltInspector  *self)
{
  g_autofree char *name = g_strdup (self->process_name);

  g_signal_emit (self, signals[LEARNING_RULE_REQUESTED], 0, name, rule);
}

static void
add_rule_editor (BasaltInspector  *self,
                 const BslProcess *process)
{
  self->rule_editor = basalt_rule_editor_new ();
  basalt_rule_editor_set_rule (BASALT_RULE_EDITOR (self->rule_editor),
                               bsl_process_get_learning_rule (process));
  basalt_rule_editor_set_fixed_pt (BASALT_RULE_EDITOR (self->rule_editor),
                                   effective_tag (self, process) == BSL_TAG_FIXED_PT);
  g_signal_connect (self->rule_editor, "rule-requested", G_CALLBACK (on_rule_requested), self);
  gtk_box_append (self->params_box, self->rule_editor);
}

GtkWidget *
basalt_inspector_get_rule_editor (BasaltInspector *self)
{
  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);
  return self->rule_editor;
}

static void
clear_rows (BasaltInspector *self)
{
  GtkWidget *child;

  if (self->eq_preview != NULL)
    {
      GtkEditable *input = basalt_equations_preview_get_input (BASALT_EQUATIONS_PREVIEW (self->eq_preview));

      g_free (self->eq_preview_input);
      self->eq_preview_input = g_strdup (gtk_editable_get_text (input));
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->params_box))) != NULL)
    gtk_box_remove (self->params_box, child);
  g_ptr_array_set_size (self->rows, 0);
  g_clear_handle_id (&self->eq_preview_source, g_source_remove);
  self->eq_model = self->eq_threshold = self->eq_reset = NULL;
  self->eq_refractory = self->eq_input = self->eq_method = self->eq_error = NULL;
  self->eq_preview = self->eq_template = NULL;
  self->rule_editor = NULL;
}

static void
show_header (BasaltInspector  *self,
             const BslProcess *process)
{
  g_autofree char *shape = bsl_process_dup_shape_string (process);
  g_autofree char *title = g_strdup_printf ("%s · %s", process->type->name,
                                            bsl_category_to_string (process->type->category));

  gtk_label_set_text (self->type_label, title);
  gtk_label_set_text (self->description_label, process->type->description);
  if (!gtk_widget_has_focus (GTK_WIDGET (self->name_entry)) &&
      !gtk_widget_has_focus (gtk_widget_get_first_child (GTK_WIDGET (self->name_entry))))
    gtk_editable_set_text (GTK_EDITABLE (self->name_entry), process->name);
  gtk_editable_set_text (GTK_EDITABLE (self->shape_entry), shape);

  self->updating_model = TRUE;
  gtk_drop_down_set_selected (self->model_dropdown, process->model == BSL_TAG_NONE ? 0 : (guint) process->model + 1);
  self->updating_model = FALSE;
}

/* Connections: what each port is wired to, and the ports it could be wired to (the same
 * check the canvas makes while a wire is dragged), so wiring works from the keyboard too. */

/* Asks the Designer for the edit: its graph.connect and graph.disconnect actions. */
static void
activate_connection (GtkWidget  *button,
                     const char *action_name)
{
  BasaltInspector *self = g_object_get_data (G_OBJECT (button), "basalt-inspector");
  const char *from = g_object_get_data (G_OBJECT (button), "basalt-from");
  const char *to = g_object_get_data (G_OBJECT (button), "basalt-to");
  g_auto(GStrv) a = g_strsplit (from, ".", 2);
  g_auto(GStrv) b = g_strsplit (to, ".", 2);

  gtk_widget_activate_action (GTK_WIDGET (self), action_name, "(ssss)", a[0], a[1], b[0], b[1]);
}

static void
on_disconnect_clicked (GtkButton *button,
                       gpointer   user_data)
{
  activate_connection (GTK_WIDGET (button), "graph.disconnect");
}

static void
on_connect_clicked (GtkButton *button,
                    gpointer   user_data)
{
  GtkDropDown *dropdown = g_object_get_data (G_OBJECT (button), "basalt-dropdown");
  const char *port = g_object_get_data (G_OBJECT (button), "basalt-port");
  gboolean is_out = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "basalt-is-out"));
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  if (item == NULL)
    return;
  g_object_set_data_full (G_OBJECT (button), is_out ? "basalt-from" : "basalt-to", g_strdup (port), g_free);
  g_object_set_data_full (G_OBJECT (button), is_out ? "basalt-to" : "basalt-from",
                          g_strdup (gtk_string_object_get_string (item)), g_free);
  activate_connection (GTK_WIDGET (button), "graph.connect");
}

static void
add_connection_row (BasaltInspector     *self,
                    const BslConnection *c)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *from = g_strdup_printf ("%s.%s", c->from_process, c->from_port);
  g_autofree char *to = g_strdup_printf ("%s.%s", c->to_process, c->to_port);
  g_autofree char *text = g_strdup_printf ("%s → %s", from, to);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, "Disconnect");
  g_object_set_data (G_OBJECT (remove), "basalt-inspector", self);
  g_object_set_data_full (G_OBJECT (remove), "basalt-from", g_steal_pointer (&from), g_free);
  g_object_set_data_full (G_OBJECT (remove), "basalt-to", g_steal_pointer (&to), g_free);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_disconnect_clicked), NULL);
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), remove);
  gtk_box_append (self->connections_box, row);
}

static void
add_port_row (BasaltInspector   *self,
              const BslProcess  *process,
              const BslPortSpec *spec)
{
  gboolean is_out = spec->direction == BSL_PORT_OUT;
  g_autoptr(GtkStringList) candidates = gtk_string_list_new (NULL);
  g_autofree char *endpoint = g_strdup_printf ("%s.%s", process->name, spec->name);
  g_autofree char *title = g_strdup_printf (is_out ? "%s to" : "%s from", spec->name);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (title);

  for (guint i = 0; i < self->graph->processes->len; i++)
    {
      const BslProcess *other = g_ptr_array_index (self->graph->processes, i);

      for (guint k = 0; k < other->type->n_ports; k++)
        {
          const BslPortSpec *port = &other->type->ports[k];
          gboolean ok = is_out ? bsl_graph_can_connect (self->graph, process->name, spec->name,
                                                        other->name, port->name, NULL)
                               : bsl_graph_can_connect (self->graph, other->name, port->name,
                                                        process->name, spec->name, NULL);

          if (ok)
            {
              g_autofree char *name = g_strdup_printf ("%s.%s", other->name, port->name);

              gtk_string_list_append (candidates, name);
            }
        }
    }

  gtk_widget_set_size_request (label, 70, -1);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (row), label);

  if (g_list_model_get_n_items (G_LIST_MODEL (candidates)) == 0)
    {
      GtkWidget *none = gtk_label_new (is_out ? "no InPort of matching shape" : "no OutPort of matching shape");

      gtk_widget_add_css_class (none, "dim-label");
      gtk_box_append (GTK_BOX (row), none);
    }
  else
    {
      GtkWidget *dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (candidates)), NULL);
      GtkWidget *connect = gtk_button_new_with_label ("Connect");

      gtk_widget_set_hexpand (dropdown, TRUE);
      gtk_widget_set_name (dropdown, endpoint);
      g_object_set_data (G_OBJECT (connect), "basalt-inspector", self);
      g_object_set_data (G_OBJECT (connect), "basalt-dropdown", dropdown);
      g_object_set_data (G_OBJECT (connect), "basalt-is-out", GINT_TO_POINTER (is_out));
      g_object_set_data_full (G_OBJECT (connect), "basalt-port", g_steal_pointer (&endpoint), g_free);
      g_signal_connect (connect, "clicked", G_CALLBACK (on_connect_clicked), NULL);
      gtk_box_append (GTK_BOX (row), dropdown);
      gtk_box_append (GTK_BOX (row), connect);
    }

  gtk_box_append (self->connections_box, row);
}

static void
rebuild_connections (BasaltInspector  *self,
                     const BslProcess *process)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->connections_box))) != NULL)
    gtk_box_remove (self->connections_box, child);

  for (guint i = 0; i < self->graph->connections->len; i++)
    {
      const BslConnection *c = g_ptr_array_index (self->graph->connections, i);

      if (g_strcmp0 (c->from_process, process->name) == 0 || g_strcmp0 (c->to_process, process->name) == 0)
        add_connection_row (self, c);
    }
  for (guint i = 0; i < process->type->n_ports; i++)
    add_port_row (self, process, &process->type->ports[i]);
}

static char *
schema_signature (const BslProcess *process)
{
  GString *out = g_string_new (process->type->name);

  for (guint i = 0; i < process->type->n_vars; i++)
    g_string_append_printf (out, " %s", process->type->vars[i].name);
  return g_string_free (out, FALSE);
}

static void
rebuild (BasaltInspector *self)
{
  BslProcess *process = current_process (self);

  clear_rows (self);
  gtk_widget_set_visible (GTK_WIDGET (self->header_error), FALSE);

  if (process == NULL)
    {
      self->shown_type = NULL;
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  self->shown_type = process->type;
  g_free (self->shown_schema);
  self->shown_schema = schema_signature (process);
  show_header (self, process);
  if (bsl_proc_type_is_equations (process->type))
    add_equations_editor (self, process);
  if (bsl_process_get_learning_rule (process) != NULL)
    add_rule_editor (self, process);
  if (process->type->n_presets > 0)
    add_preset_row (self, process);
  for (guint i = 0; i < process->type->n_vars; i++)
    if (!(process->type->vars[i].flags & BSL_VAR_HIDDEN))
      add_param_row (self, process, &process->type->vars[i]);
  rebuild_connections (self, process);
  gtk_stack_set_visible_child_name (self->stack, "process");
}

static void
show_header_error (BasaltInspector *self,
                   const char      *message)
{
  gtk_label_set_text (self->header_error, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->header_error), message != NULL);
}

static void
on_name_activate (GtkEntry        *entry,
                  BasaltInspector *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *old_name = g_strdup (self->process_name);
  g_autofree char *new_name = g_strstrip (g_strdup (text));

  if (old_name == NULL || g_strcmp0 (old_name, new_name) == 0)
    return;

  if (bsl_graph_find_process (self->graph, new_name) != NULL)
    {
      g_autofree char *message = g_strdup_printf ("there is already a process named '%s'", new_name);

      show_header_error (self, message);
      return;
    }

  show_header_error (self, NULL);
  gtk_widget_activate_action (GTK_WIDGET (self), "graph.rename-process", "(ss)", old_name, new_name);
}

static void
on_shape_activate (GtkEntry        *entry,
                   BasaltInspector *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  g_auto(GStrv) tokens = NULL;
  g_autoptr(GArray) dims = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(BslArray) value = NULL;
  BslProcess *process = current_process (self);

  if (process == NULL)
    return;

  g_strdelimit (text, "()[]", ' ');
  tokens = g_regex_split_simple ("[,\\s]+", g_strstrip (text), 0, 0);
  for (guint i = 0; tokens[i]; i++)
    {
      guint64 n;

      if (tokens[i][0] == '\0')
        continue;
      /* No sign, no wrap-around: "-3" would otherwise read as 2^64 - 3. */
      if (!g_ascii_string_to_unsigned (tokens[i], 10, 1, G_MAXUINT32, &n, NULL))
        {
          g_autofree char *message = g_strdup_printf ("'%s' is not a valid size: sizes are whole numbers ≥ 1",
                                                      tokens[i]);
          show_header_error (self, message);
          return;
        }
      {
        double x = (double) n;

        g_array_append_val (dims, x);
      }
    }

  if (dims->len == 0)
    {
      show_header_error (self, "the shape is empty");
      return;
    }

  show_header_error (self, NULL);
  value = bsl_array_new_vector (dims->len, &g_array_index (dims, double, 0));
  {
    g_autofree char *process_name = g_strdup (process->name);

    g_autoptr(GArray) dims_u64 = g_array_new (FALSE, FALSE, sizeof (guint64));

    for (gsize i = 0; i < value->n; i++)
      {
        guint64 dim = (guint64) value->data[i];

        g_array_append_val (dims_u64, dim);
      }
    gtk_widget_activate_action (GTK_WIDGET (self), "graph.set-shape", "(s@at)", process_name,
                                g_variant_new_fixed_array (G_VARIANT_TYPE_UINT64, dims_u64->data,
                                                           dims_u64->len, sizeof (guint64)));
  }
}

static void
on_model_selected (GtkDropDown     *dropdown,
                   GParamSpec      *pspec,
                   BasaltInspector *self)
{
  BslProcess *process = current_process (self);
  guint selected = gtk_drop_down_get_selected (dropdown);
  BslTag tag = selected == 0 ? BSL_TAG_NONE : (BslTag) (selected - 1);
  g_autofree char *name = NULL;

  if (self->updating_model || process == NULL || selected == GTK_INVALID_LIST_POSITION || tag == process->model)
    return;

  /* Refused here, with the reason, rather than when the run is compiled. */
  if (tag != BSL_TAG_NONE && !bsl_proc_type_has_model (process->type, tag))
    {
      g_autofree char *message = g_strdup_printf ("%s has no %s model (as in Lava)", process->type->name,
                                                  bsl_tag_to_string (tag));
      show_header_error (self, message);
      self->updating_model = TRUE;
      gtk_drop_down_set_selected (dropdown, process->model == BSL_TAG_NONE ? 0 : (guint) process->model + 1);
      self->updating_model = FALSE;
      return;
    }

  show_header_error (self, NULL);
  name = g_strdup (process->name);
  gtk_widget_activate_action (GTK_WIDGET (self), "graph.set-model", "(si)", name, (int) tag);
}

/* GObject */

static void
basalt_inspector_dispose (GObject *object)
{
  BasaltInspector *self = (BasaltInspector *) object;

  if (self->rows != NULL)
    clear_rows (self);
  g_clear_handle_id (&self->template_source, g_source_remove);
  g_clear_pointer (&self->template_process, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), BASALT_TYPE_INSPECTOR);
  /* The template's top-level child is not a bound one. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->graph, bsl_graph_unref);

  G_OBJECT_CLASS (basalt_inspector_parent_class)->dispose (object);
}

static void
basalt_inspector_finalize (GObject *object)
{
  BasaltInspector *self = (BasaltInspector *) object;

  g_clear_pointer (&self->process_name, g_free);
  g_clear_pointer (&self->shown_schema, g_free);
  g_clear_pointer (&self->eq_preview_input, g_free);
  g_clear_pointer (&self->eq_preview_process, g_free);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (basalt_inspector_parent_class)->finalize (object);
}

static void
basalt_inspector_class_init (BasaltInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = basalt_inspector_dispose;
  object_class->finalize = basalt_inspector_finalize;

  signals[PARAM_CHANGED] =
    g_signal_new ("param-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_POINTER);

  signals[EQUATIONS_REQUESTED] =
    g_signal_new ("equations-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_POINTER);
  signals[LEARNING_RULE_REQUESTED] =
    g_signal_new ("learning-rule-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_POINTER);
  signals[TEMPLATE_REQUESTED] =
    g_signal_new ("template-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/basalt/Basalt/ui/basalt-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, type_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, description_label);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, name_entry);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, shape_entry);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, header_error);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, params_box);
  gtk_widget_class_bind_template_child (widget_class, BasaltInspector, connections_box);
  gtk_widget_class_bind_template_callback (widget_class, on_name_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_shape_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_model_selected);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "inspector");
}

static void
basalt_inspector_init (BasaltInspector *self)
{
  self->rows = g_ptr_array_new_with_free_func (param_row_free);
  self->tag = BSL_TAG_FLOATING_PT;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
basalt_inspector_new (void)
{
  return g_object_new (BASALT_TYPE_INSPECTOR, NULL);
}

void
basalt_inspector_set_process (BasaltInspector *self,
                              BslGraph        *graph,
                              const char      *name)
{
  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  if (graph != self->graph)
    {
      if (graph)
        bsl_graph_ref (graph);
      g_clear_pointer (&self->graph, bsl_graph_unref);
      self->graph = graph;
    }

  g_free (self->process_name);
  self->process_name = g_strdup (name);
  show_header_error (self, NULL);
  rebuild (self);
}

const char *
basalt_inspector_get_process (BasaltInspector *self)
{
  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  return self->process_name;
}

void
basalt_inspector_refresh (BasaltInspector *self)
{
  BslProcess *process;

  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  process = current_process (self);
  if (process == NULL || process->type != self->shown_type)
    {
      rebuild (self);
      return;
    }
  else
    {
      /* A new schema may reuse the old one's address: compare what it holds. */
      g_autofree char *schema = schema_signature (process);

      if (g_strcmp0 (schema, self->shown_schema) != 0)
        {
          rebuild (self);
          return;
        }
    }

  show_header (self, process);
  for (guint i = 0; i < self->rows->len; i++)
    {
      ParamRow *row = g_ptr_array_index (self->rows, i);

      row_update_range (row, self);
      row_show_value (row, process);
    }
  rebuild_connections (self, process);
  if (self->rule_editor != NULL && bsl_process_get_learning_rule (process) != NULL)
    basalt_rule_editor_set_rule (BASALT_RULE_EDITOR (self->rule_editor),
                                 bsl_process_get_learning_rule (process));
  /* New parameter values change the trace at once. */
  update_preview (self);
}

void
basalt_inspector_set_tag (BasaltInspector *self,
                          BslTag           tag)
{
  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  if (self->tag == tag)
    return;
  self->tag = tag;
  for (guint i = 0; i < self->rows->len; i++)
    row_update_range (g_ptr_array_index (self->rows, i), self);
  if (self->rule_editor != NULL && current_process (self) != NULL)
    basalt_rule_editor_set_fixed_pt (BASALT_RULE_EDITOR (self->rule_editor),
                                     effective_tag (self, current_process (self)) == BSL_TAG_FIXED_PT);
}

void
basalt_inspector_focus_name (BasaltInspector *self)
{
  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  if (current_process (self) != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

static ParamRow *
find_row (BasaltInspector *self,
          const char      *var)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      ParamRow *row = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (row->spec->name, var) == 0)
        return row;
    }
  return NULL;
}

char *
basalt_inspector_dup_param_text (BasaltInspector *self,
                                 const char      *var)
{
  ParamRow *row;

  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  if ((row = find_row (self, var)) == NULL)
    return NULL;
  if (row->dropdown != NULL)
    return g_strdup (row->spec->enum_names[gtk_drop_down_get_selected (GTK_DROP_DOWN (row->dropdown))]);
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (row->entry)));
}

void
basalt_inspector_show_param_error (BasaltInspector *self,
                                   const char      *var,
                                   const char      *message)
{
  ParamRow *row;

  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  if ((row = find_row (self, var)) == NULL)
    return;
  row_set_error (row, message);
  gtk_widget_grab_focus (row->entry != NULL ? row->entry : row->dropdown);
}

char *
basalt_inspector_dup_param_hint (BasaltInspector *self,
                                 const char      *var)
{
  ParamRow *row;

  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  if ((row = find_row (self, var)) == NULL)
    return NULL;
  return g_strdup (gtk_label_get_text (GTK_LABEL (row->range_label)));
}

gboolean
basalt_inspector_enter_param (BasaltInspector *self,
                              const char      *var,
                              const char      *text)
{
  ParamRow *row;

  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), FALSE);

  if ((row = find_row (self, var)) == NULL || row->entry == NULL)
    return FALSE;

  gtk_editable_set_text (GTK_EDITABLE (row->entry), text);
  g_signal_emit_by_name (row->entry, "activate");
  return row->error == NULL;
}

const char *
basalt_inspector_get_param_error (BasaltInspector *self,
                                  const char      *var)
{
  ParamRow *row;

  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  row = find_row (self, var);
  return row ? row->error : NULL;
}

void
basalt_inspector_enter_name (BasaltInspector *self,
                             const char      *text)
{
  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), text);
  g_signal_emit_by_name (self->name_entry, "activate");
}

void
basalt_inspector_enter_shape (BasaltInspector *self,
                              const char      *text)
{
  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  gtk_editable_set_text (GTK_EDITABLE (self->shape_entry), text);
  g_signal_emit_by_name (self->shape_entry, "activate");
}

const char *
basalt_inspector_get_header_error (BasaltInspector *self)
{
  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->header_error)))
    return NULL;
  return gtk_label_get_text (self->header_error);
}

gboolean
basalt_inspector_connect_port (BasaltInspector *self,
                               const char      *port,
                               const char      *other)
{
  BslProcess *process;
  g_autofree char *endpoint = NULL;

  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), FALSE);

  if ((process = current_process (self)) == NULL)
    return FALSE;
  endpoint = g_strdup_printf ("%s.%s", process->name, port);

  /* Find the port's drop-down, choose the other end in it, and press Connect. */
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->connections_box));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    for (GtkWidget *child = gtk_widget_get_first_child (row); child != NULL; child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_DROP_DOWN (child) && g_strcmp0 (gtk_widget_get_name (child), endpoint) == 0)
        {
          GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (child));

          for (guint i = 0; i < g_list_model_get_n_items (model); i++)
            {
              g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

              if (g_strcmp0 (gtk_string_object_get_string (item), other) == 0)
                {
                  gtk_drop_down_set_selected (GTK_DROP_DOWN (child), i);
                  g_signal_emit_by_name (gtk_widget_get_next_sibling (child), "clicked");
                  return TRUE;
                }
            }
          return FALSE;
        }

  return FALSE;
}

void
basalt_inspector_choose_model (BasaltInspector *self,
                               BslTag           tag)
{
  g_return_if_fail (BASALT_IS_INSPECTOR (self));

  gtk_drop_down_set_selected (self->model_dropdown, tag == BSL_TAG_NONE ? 0 : (guint) tag + 1);
}

gboolean
basalt_inspector_choose_equations_template (BasaltInspector *self,
                                            const char      *template_name)
{
  guint n_templates;
  const BslEquationsTemplate *templates = bsl_equations_templates (&n_templates);

  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), FALSE);

  if (self->eq_template == NULL)
    return FALSE;
  for (guint i = 0; i < n_templates; i++)
    if (g_strcmp0 (templates[i].name, template_name) == 0)
      {
        gtk_drop_down_set_selected (GTK_DROP_DOWN (self->eq_template), i + 1);
        return TRUE;
      }
  return FALSE;
}

gboolean
basalt_inspector_choose_preset (BasaltInspector *self,
                                const char      *preset)
{
  GtkWidget *dropdown = NULL;
  BslProcess *process;

  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), FALSE);

  if ((process = current_process (self)) == NULL)
    return FALSE;
  for (GtkWidget *box = gtk_widget_get_first_child (GTK_WIDGET (self->params_box)); box && !dropdown;
       box = gtk_widget_get_next_sibling (box))
    for (GtkWidget *child = gtk_widget_get_first_child (box); child; child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_DROP_DOWN (child) && g_strcmp0 (gtk_widget_get_name (child), "preset") == 0)
        dropdown = child;
  if (dropdown == NULL)
    return FALSE;

  for (guint i = 0; i < process->type->n_presets; i++)
    if (g_strcmp0 (process->type->presets[i].name, preset) == 0)
      {
        gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), i + 1);
        return TRUE;
      }
  return FALSE;
}

gboolean
basalt_inspector_enter_equations (BasaltInspector        *self,
                                  const BslEquationsText *text)
{
  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), FALSE);

  if (self->eq_model == NULL)
    return FALSE;

  if (text->model)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->eq_model)), text->model, -1);
  if (text->threshold)
    gtk_editable_set_text (GTK_EDITABLE (self->eq_threshold), text->threshold);
  if (text->reset)
    gtk_editable_set_text (GTK_EDITABLE (self->eq_reset), text->reset);
  if (text->refractory)
    gtk_editable_set_text (GTK_EDITABLE (self->eq_refractory), text->refractory);
  if (text->input)
    gtk_editable_set_text (GTK_EDITABLE (self->eq_input), text->input);
  for (guint i = 0; text->method && eq_methods[i]; i++)
    if (g_str_equal (eq_methods[i], text->method))
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->eq_method), i);
  return apply_equations (self);
}

GtkWidget *
basalt_inspector_get_equations_preview (BasaltInspector *self)
{
  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  return self->eq_preview;
}

GtkTextView *
basalt_inspector_get_equations_view (BasaltInspector *self)
{
  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  return self->eq_model ? GTK_TEXT_VIEW (self->eq_model) : NULL;
}

const char *
basalt_inspector_get_equations_error (BasaltInspector *self)
{
  g_return_val_if_fail (BASALT_IS_INSPECTOR (self), NULL);

  if (self->eq_error == NULL || !gtk_widget_get_visible (self->eq_error))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (self->eq_error));
}
