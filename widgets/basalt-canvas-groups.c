/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "basalt-canvas-groups.h"

static void
canvas_group_free (gpointer data)
{
  BasaltCanvasGroup *group = data;

  g_free (group->name);
  g_hash_table_unref (group->members);
  g_free (group);
}

static BasaltCanvasGroup *
canvas_group_new_from_json (JsonObject *object)
{
  BasaltCanvasGroup *group = g_new0 (BasaltCanvasGroup, 1);
  JsonArray *members;

  group->name = g_strdup (json_object_get_string_member (object, "name"));
  group->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  group->collapsed = json_object_get_boolean_member_with_default (object, "collapsed", FALSE);
  group->has_position = json_object_has_member (object, "x") && json_object_has_member (object, "y");
  group->x = json_object_get_double_member_with_default (object, "x", 0);
  group->y = json_object_get_double_member_with_default (object, "y", 0);
  members = json_object_get_array_member (object, "members");
  for (guint k = 0; members && k < json_array_get_length (members); k++)
    {
      const char *member = json_array_get_string_element (members, k);

      if (member != NULL)
        g_hash_table_add (group->members, g_strdup (member));
    }
  return group;
}

GPtrArray *
basalt_canvas_groups_new (const BslGraph *graph)
{
  GPtrArray *groups = g_ptr_array_new_with_free_func (canvas_group_free);
  JsonNode *stored = graph != NULL ? bsl_graph_get_groups (graph) : NULL;
  JsonArray *array;

  if (stored == NULL || !JSON_NODE_HOLDS_ARRAY (stored))
    return groups;

  array = json_node_get_array (stored);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      object = json_node_get_object (element);
      if (json_object_get_string_member_with_default (object, "name", NULL) == NULL)
        continue;
      g_ptr_array_add (groups, canvas_group_new_from_json (object));
    }
  return groups;
}

BasaltCanvasGroup *
basalt_canvas_groups_find (GPtrArray  *groups,
                           const char *name)
{
  g_return_val_if_fail (groups != NULL, NULL);

  for (guint i = 0; i < groups->len; i++)
    {
      BasaltCanvasGroup *group = g_ptr_array_index (groups, i);

      if (g_strcmp0 (group->name, name) == 0)
        return group;
    }
  return NULL;
}

BasaltCanvasGroup *
basalt_canvas_groups_find_hiding (GPtrArray  *groups,
                                  const char *process)
{
  g_return_val_if_fail (groups != NULL, NULL);

  for (guint i = 0; i < groups->len; i++)
    {
      BasaltCanvasGroup *group = g_ptr_array_index (groups, i);

      if (group->collapsed && g_hash_table_contains (group->members, process))
        return group;
    }
  return NULL;
}

void
basalt_canvas_group_ports (const BasaltCanvasGroup *group,
                           const BslGraph          *graph,
                           GPtrArray               *ins,
                           GPtrArray               *outs)
{
  g_return_if_fail (group != NULL);
  g_return_if_fail (ins != NULL && outs != NULL);

  for (guint i = 0; graph != NULL && i < bsl_graph_get_n_connections (graph); i++)
    {
      const BslConnection *c = bsl_graph_get_connection (graph, i);
      gboolean from_in = g_hash_table_contains (group->members, bsl_connection_get_from_process (c));
      gboolean to_in = g_hash_table_contains (group->members, bsl_connection_get_to_process (c));
      char *endpoint;

      if (from_in == to_in)
        continue;
      endpoint = from_in
                 ? g_strdup_printf ("%s.%s", bsl_connection_get_from_process (c), bsl_connection_get_from_port (c))
                 : g_strdup_printf ("%s.%s", bsl_connection_get_to_process (c), bsl_connection_get_to_port (c));
      if (!g_ptr_array_find_with_equal_func (from_in ? outs : ins, endpoint, g_str_equal, NULL))
        g_ptr_array_add (from_in ? outs : ins, endpoint);
      else
        g_free (endpoint);
    }
}
