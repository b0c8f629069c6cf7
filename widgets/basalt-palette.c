/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "bsl-proc-type.h"

#include "basalt-palette.h"

struct _BasaltPalette
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkSearchEntry *search_entry;
  GtkListBox     *list_box;

  char           *search;
};

G_DEFINE_FINAL_TYPE (BasaltPalette, basalt_palette, GTK_TYPE_WIDGET)

static const BslProcType *
row_get_type (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "basalt-proc-type");
}

/* The page that holds the palette adds the process. */
static void
request_process (BasaltPalette     *self,
                 const BslProcType *type)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "graph.add-process", "s", type->name);
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 GtkListBoxRow *row)
{
  const BslProcType *type = row_get_type (row);

  return gdk_content_provider_new_typed (G_TYPE_STRING, type->name);
}

static void
on_drag_begin (GtkDragSource *source,
               GdkDrag       *drag,
               GtkListBoxRow *row)
{
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (GTK_WIDGET (row));

  gtk_drag_source_set_icon (source, icon, 12, 12);
}

static GtkWidget *
create_row (const BslProcType *type)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (type->name);
  GtkWidget *description = gtk_label_new (type->description);
  GtkDragSource *source;

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_ellipsize (GTK_LABEL (description), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (description, "dim-label");
  gtk_widget_add_css_class (description, "caption");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), description);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, type->description);
  g_object_set_data (G_OBJECT (row), "basalt-proc-type", (gpointer) type);

  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare), row);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));

  return row;
}

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  const BslProcType *type = row_get_type (row);
  GtkWidget *label;

  if (before != NULL && row_get_type (before)->category == type->category)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  label = gtk_label_new (bsl_category_to_string (type->category));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "palette-header");
  gtk_widget_set_margin_start (label, 8);
  gtk_widget_set_margin_top (label, 8);
  gtk_widget_set_margin_bottom (label, 2);
  gtk_list_box_row_set_header (row, label);
}

static gboolean
matches (const BslProcType *type,
         const char        *search)
{
  g_autofree char *haystack = NULL;
  g_autofree char *folded = NULL;

  if (search == NULL || search[0] == '\0')
    return TRUE;

  haystack = g_strdup_printf ("%s %s %s", type->name, type->description ? type->description : "",
                              bsl_category_to_string (type->category));
  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, search) != NULL;
}

static gboolean
filter_func (GtkListBoxRow *row,
             gpointer       user_data)
{
  BasaltPalette *self = user_data;

  return matches (row_get_type (row), self->search);
}

static void
on_search_changed (GtkSearchEntry *entry,
                   BasaltPalette  *self)
{
  basalt_palette_set_search_text (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_search_activate (GtkSearchEntry *entry,
                    BasaltPalette  *self)
{
  basalt_palette_activate_first (self);
}

static void
on_row_activated (GtkListBox    *list_box,
                  GtkListBoxRow *row,
                  BasaltPalette *self)
{
  request_process (self, row_get_type (row));
}

static void
basalt_palette_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BASALT_TYPE_PALETTE);
  /* The template's top-level child is not a bound one. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (basalt_palette_parent_class)->dispose (object);
}

static void
basalt_palette_finalize (GObject *object)
{
  BasaltPalette *self = (BasaltPalette *) object;

  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (basalt_palette_parent_class)->finalize (object);
}

static void
basalt_palette_class_init (BasaltPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = basalt_palette_dispose;
  object_class->finalize = basalt_palette_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/basalt/Basalt/ui/basalt-palette.ui");
  gtk_widget_class_bind_template_child (widget_class, BasaltPalette, search_entry);
  gtk_widget_class_bind_template_child (widget_class, BasaltPalette, list_box);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "palette");
}

static void
basalt_palette_init (BasaltPalette *self)
{
  const BslProcType **types;
  guint n_types = 0;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The registry is in palette order; rows stay in it and headers mark category changes. */
  types = bsl_proc_type_list (&n_types);
  for (guint i = 0; i < n_types; i++)
    gtk_list_box_append (self->list_box, create_row (types[i]));

  gtk_list_box_set_header_func (self->list_box, header_func, NULL, NULL);
  gtk_list_box_set_filter_func (self->list_box, filter_func, self, NULL);
}

GtkWidget *
basalt_palette_new (void)
{
  return g_object_new (BASALT_TYPE_PALETTE, NULL);
}

void
basalt_palette_set_search_text (BasaltPalette *self,
                                const char    *text)
{
  g_autofree char *copy = g_strdup (text ? text : "");

  g_return_if_fail (BASALT_IS_PALETTE (self));

  /* Setting the entry's text passes through "" and may report that at once; the text asked
   * for is the one that counts. */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), copy) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), copy);

  g_free (self->search);
  self->search = copy[0] ? g_utf8_casefold (copy, -1) : NULL;
  gtk_list_box_invalidate_filter (self->list_box);
}

guint
basalt_palette_get_n_visible (BasaltPalette *self)
{
  guint n = 0;

  g_return_val_if_fail (BASALT_IS_PALETTE (self), 0);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && matches (row_get_type (GTK_LIST_BOX_ROW (child)), self->search))
      n++;

  return n;
}

gboolean
basalt_palette_activate_first (BasaltPalette *self)
{
  const BslProcType *first = NULL;

  g_return_val_if_fail (BASALT_IS_PALETTE (self), FALSE);

  /* A type whose name matches beats one whose description does. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const BslProcType *type;
      g_autofree char *folded = NULL;

      if (!GTK_IS_LIST_BOX_ROW (child))
        continue;
      type = row_get_type (GTK_LIST_BOX_ROW (child));
      if (!matches (type, self->search))
        continue;
      folded = g_utf8_casefold (type->name, -1);
      if (self->search == NULL || strstr (folded, self->search) != NULL)
        {
          first = type;
          break;
        }
      if (first == NULL)
        first = type;
    }

  if (first == NULL)
    return FALSE;
  request_process (self, first);
  return TRUE;
}

void
basalt_palette_focus_search (BasaltPalette *self)
{
  g_return_if_fail (BASALT_IS_PALETTE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
