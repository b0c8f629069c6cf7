/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The open network: its graph, file and undo history. Its edits are in basalt-document-edits.c and
 * -params.c (operations in -ops.c, history in -history.c), its files in -files.c. */

#include "config.h"

#include "basalt-document-private.h"

G_DEFINE_FINAL_TYPE (BasaltDocument, basalt_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIRTY,
  PROP_FILE,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Notifies "dirty", "can-undo" and "can-redo" after the history or the saved point moved. */
void
_basalt_document_update_state (BasaltDocument *self)
{
  gboolean dirty = _basalt_document_current_serial (self) != self->saved_serial;

  if (dirty != self->dirty)
    {
      self->dirty = dirty;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

void
_basalt_document_notify_file (BasaltDocument *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

void
_basalt_document_emit_changed (BasaltDocument *self,
                               guint           flags,
                               const char     *process,
                               const char     *var)
{
  self->change_count++;
  g_signal_emit (self, signals[CHANGED], 0, flags, process, var);
}

guint64
basalt_document_get_serial (BasaltDocument *self)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), 0);

  /* Every edit, undo and redo makes a new one: the top of the undo stack alone would repeat
   * after undo then a new edit. */
  return self->change_count;
}

BslGraph *
basalt_document_get_graph (BasaltDocument *self)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), NULL);

  return self->graph;
}

GFile *
basalt_document_get_file (BasaltDocument *self)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), NULL);

  return self->file;
}

gboolean
basalt_document_get_dirty (BasaltDocument *self)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  return self->dirty;
}

char *
basalt_document_dup_title (BasaltDocument *self)
{
  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), NULL);

  if (self->file == NULL)
    return g_strdup ("Untitled network");
  return g_file_get_basename (self->file);
}

/* GObject */

static void
basalt_document_dispose (GObject *object)
{
  BasaltDocument *self = (BasaltDocument *) object;

  g_clear_object (&self->file);
  g_clear_pointer (&self->graph, bsl_graph_unref);

  G_OBJECT_CLASS (basalt_document_parent_class)->dispose (object);
}

static void
basalt_document_finalize (GObject *object)
{
  BasaltDocument *self = (BasaltDocument *) object;

  g_clear_pointer (&self->undo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->redo_stack, g_ptr_array_unref);

  G_OBJECT_CLASS (basalt_document_parent_class)->finalize (object);
}

static void
basalt_document_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BasaltDocument *self = BASALT_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_DIRTY:
      g_value_set_boolean (value, self->dirty);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_CAN_UNDO:
      g_value_set_boolean (value, basalt_document_can_undo (self));
      break;

    case PROP_CAN_REDO:
      g_value_set_boolean (value, basalt_document_can_redo (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
basalt_document_class_init (BasaltDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = basalt_document_dispose;
  object_class->finalize = basalt_document_finalize;
  object_class->get_property = basalt_document_get_property;

  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_STRING);
}

static void
basalt_document_init (BasaltDocument *self)
{
  self->graph = bsl_graph_new ();
  self->undo_stack = g_ptr_array_new_with_free_func (_basalt_document_command_free);
  self->redo_stack = g_ptr_array_new_with_free_func (_basalt_document_command_free);
}

BasaltDocument *
basalt_document_new (void)
{
  return g_object_new (BASALT_TYPE_DOCUMENT, NULL);
}
