/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Groups of the document's network, as undoable edits. */

#include "config.h"

#include "bsl-error.h"

#include "basalt-document-private.h"

/* Groups: {"name", "members": [...], "collapsed", "x", "y"} objects in the graph's "groups"
 * array, which the engine keeps verbatim. */

static JsonArray *
groups_array (JsonNode *groups)
{
  return groups != NULL && JSON_NODE_HOLDS_ARRAY (groups) ? json_node_get_array (groups) : NULL;
}

static JsonObject *
find_group (JsonNode   *groups,
            const char *name)
{
  JsonArray *array = groups_array (groups);

  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element) &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (element), "name", NULL),
                     name) == 0)
        return json_node_get_object (element);
    }
  return NULL;
}

static JsonNode *
copy_groups (BasaltDocument *self)
{
  JsonNode *groups = bsl_graph_get_groups (self->graph);

  if (groups != NULL && JSON_NODE_HOLDS_ARRAY (groups))
    return _basalt_document_deep_copy (groups);
  return json_node_init_array (json_node_alloc (), json_array_new ());
}

/* An operation that replaces the groups with after (taken), applied now; NULL when nothing
 * changes. */
static Op *
groups_op (BasaltDocument *self,
           JsonNode       *after)
{
  JsonNode *before = bsl_graph_get_groups (self->graph);
  Op *op;

  if (before != NULL && json_node_equal (before, after))
    {
      json_node_unref (after);
      return NULL;
    }
  op = _basalt_document_op_new (OP_GROUPS);
  op->groups[0] = before != NULL ? _basalt_document_deep_copy (before) : NULL;
  op->groups[1] = after;
  _basalt_document_op_apply (self, op, TRUE);
  return op;
}

/* Members renamed (old_name -> new_name) or gone from the graph; groups left empty go too. */
Op *
_basalt_document_fix_groups (BasaltDocument *self,
                             const char     *old_name,
                             const char     *new_name)
{
  g_autoptr(JsonNode) fixed = NULL;
  JsonArray *array, *kept;

  if (groups_array (bsl_graph_get_groups (self->graph)) == NULL)
    return NULL;

  fixed = copy_groups (self);
  array = json_node_get_array (fixed);
  kept = json_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *group;
      JsonArray *members, *new_members;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      group = json_node_get_object (element);
      members = json_object_get_array_member (group, "members");
      new_members = json_array_new ();
      for (guint k = 0; members && k < json_array_get_length (members); k++)
        {
          const char *member = json_array_get_string_element (members, k);

          if (old_name != NULL && g_strcmp0 (member, old_name) == 0)
            member = new_name;
          if (member != NULL && bsl_graph_find_process (self->graph, member) != NULL)
            json_array_add_string_element (new_members, member);
        }
      if (json_array_get_length (new_members) == 0)
        {
          json_array_unref (new_members);
          continue;
        }
      json_object_set_array_member (group, "members", new_members);
      json_array_add_element (kept, _basalt_document_deep_copy (element));
    }

  return groups_op (self, json_node_init_array (json_node_alloc (), kept));
}

char *
basalt_document_dup_group_of (BasaltDocument *self,
                              const char     *process)
{
  JsonArray *array;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), NULL);

  array = groups_array (bsl_graph_get_groups (self->graph));
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonArray *members;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          (members = json_object_get_array_member (json_node_get_object (element), "members")) == NULL)
        continue;
      for (guint k = 0; k < json_array_get_length (members); k++)
        if (g_strcmp0 (json_array_get_string_element (members, k), process) == 0)
          return g_strdup (json_object_get_string_member_with_default (json_node_get_object (element),
                                                                       "name", NULL));
    }
  return NULL;
}

char **
basalt_document_dup_group_members (BasaltDocument *self,
                                   const char     *group)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonObject *object;
  JsonArray *members;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), NULL);

  builder = g_strv_builder_new ();
  if ((object = find_group (bsl_graph_get_groups (self->graph), group)) != NULL &&
      (members = json_object_get_array_member (object, "members")) != NULL)
    for (guint k = 0; k < json_array_get_length (members); k++)
      g_strv_builder_add (builder, json_array_get_string_element (members, k));
  return g_strv_builder_end (builder);
}

char *
basalt_document_group (BasaltDocument     *self,
                       const char *const  *names,
                       double              x,
                       double              y,
                       GError            **error)
{
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;
  JsonNode *after;
  JsonObject *group;
  JsonArray *members;
  Op *op;

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), NULL);

  if (!_basalt_document_check_names (self, names, error))
    return NULL;
  if (names == NULL || names[0] == NULL)
    {
      g_set_error_literal (error, BSL_ERROR, BSL_ERROR_NAME, "select the processes to group first");
      return NULL;
    }

  /* A process belongs to one group at most: grouping takes it out of any other. */
  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *other = basalt_document_dup_group_of (self, names[i]);

      if (other != NULL)
        {
          g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "'%s' is already in group '%s'; ungroup it first",
                       names[i], other);
          return NULL;
        }
    }

  for (guint k = 1; name == NULL; k++)
    {
      char *candidate = g_strdup_printf ("group%u", k);

      if (find_group (bsl_graph_get_groups (self->graph), candidate) == NULL)
        name = candidate;
      else
        g_free (candidate);
    }

  after = copy_groups (self);
  group = json_object_new ();
  members = json_array_new ();
  for (guint i = 0; names[i]; i++)
    json_array_add_string_element (members, names[i]);
  json_object_set_string_member (group, "name", name);
  json_object_set_array_member (group, "members", members);
  json_object_set_boolean_member (group, "collapsed", TRUE);
  json_object_set_double_member (group, "x", x);
  json_object_set_double_member (group, "y", y);
  json_array_add_object_element (json_node_get_array (after), group);

  op = groups_op (self, after);
  label = g_strdup_printf ("Group %u processes", g_strv_length ((char **) names));
  _basalt_document_push_op (self, label, op);
  return g_steal_pointer (&name);
}

static gboolean
change_group (BasaltDocument  *self,
              const char      *name,
              const char      *label,
              gboolean         remove,
              int              collapsed,
              gboolean         move,
              double           x,
              double           y,
              GError         **error)
{
  JsonNode *after;
  JsonArray *array;
  Op *op;

  if (find_group (bsl_graph_get_groups (self->graph), name) == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_NAME, "there is no group named '%s'", name);
      return FALSE;
    }

  after = copy_groups (self);
  array = json_node_get_array (after);
  for (guint i = json_array_get_length (array); i > 0; i--)
    {
      JsonNode *element = json_array_get_element (array, i - 1);
      JsonObject *group;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      group = json_node_get_object (element);
      if (g_strcmp0 (json_object_get_string_member_with_default (group, "name", NULL), name) != 0)
        continue;
      if (remove)
        json_array_remove_element (array, i - 1);
      else
        {
          if (collapsed >= 0)
            json_object_set_boolean_member (group, "collapsed", collapsed);
          if (move)
            {
              json_object_set_double_member (group, "x", x);
              json_object_set_double_member (group, "y", y);
            }
        }
    }

  if ((op = groups_op (self, after)) != NULL)
    _basalt_document_push_op (self, label, op);
  return TRUE;
}

gboolean
basalt_document_ungroup (BasaltDocument  *self,
                         const char      *name,
                         GError         **error)
{
  g_autofree char *label = g_strdup_printf ("Ungroup %s", name);

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  return change_group (self, name, label, TRUE, -1, FALSE, 0, 0, error);
}

gboolean
basalt_document_set_group_collapsed (BasaltDocument  *self,
                                     const char      *name,
                                     gboolean         collapsed,
                                     GError         **error)
{
  g_autofree char *label = g_strdup_printf (collapsed ? "Close %s" : "Open %s", name);

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  return change_group (self, name, label, FALSE, !!collapsed, FALSE, 0, 0, error);
}

gboolean
basalt_document_move_group (BasaltDocument  *self,
                            const char      *name,
                            double           x,
                            double           y,
                            GError         **error)
{
  g_autofree char *label = g_strdup_printf ("Move %s", name);

  g_return_val_if_fail (BASALT_IS_DOCUMENT (self), FALSE);

  return change_group (self, name, label, FALSE, -1, TRUE, x, y, error);
}
