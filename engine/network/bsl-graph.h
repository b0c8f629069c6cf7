/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "bsl-array.h"
#include "bsl-proc-type.h"

G_BEGIN_DECLS

/* A network: named processes (BslProcess) and the connections (BslConnection) between their
 * ports. The three types are opaque; their fields are the engine's (bsl-graph-private.h). */

BslGraph      *bsl_graph_new                 (void);
BslGraph      *bsl_graph_ref                 (BslGraph          *graph);
void           bsl_graph_unref               (BslGraph          *graph);
BslGraph      *bsl_graph_copy                (const BslGraph    *graph);

/* The network's processes, in insertion order (borrowed). */
guint          bsl_graph_get_n_processes     (const BslGraph    *graph);
BslProcess    *bsl_graph_get_process         (const BslGraph    *graph,
                                              guint              index);
/* Its connections, in the order they were made (borrowed); change them with connect/disconnect. */
guint          bsl_graph_get_n_connections   (const BslGraph    *graph);
const BslConnection *bsl_graph_get_connection (const BslGraph   *graph,
                                              guint              index);

/* The file's "run" object: the defaults of a run of this network. */
BslTag         bsl_graph_get_run_tag         (const BslGraph    *graph);
void           bsl_graph_set_run_tag         (BslGraph          *graph,
                                              BslTag             tag);
gint64         bsl_graph_get_run_steps       (const BslGraph    *graph);
void           bsl_graph_set_run_steps       (BslGraph          *graph,
                                              gint64             steps);
guint64        bsl_graph_get_run_seed        (const BslGraph    *graph);

/* The designer's sub-networks ("groups" in the file, kept verbatim; borrowed, NULL when none). */
JsonNode      *bsl_graph_get_groups          (const BslGraph    *graph);
/* Takes ownership of groups; NULL removes them. */
void           bsl_graph_set_groups          (BslGraph          *graph,
                                              JsonNode          *groups);
/* The file's top-level keys Basalt does not know, written back on save (borrowed, may be NULL). */
JsonObject    *bsl_graph_get_extra           (const BslGraph    *graph);
/* The folder of the file it was read from (initializer files are named relative to it); NULL when
 * it was not read from a file. */
const char    *bsl_graph_get_base_dir        (const BslGraph    *graph);

BslProcess    *bsl_graph_add_process         (BslGraph          *graph,
                                              const char        *type_name,
                                              const char        *name,
                                              guint              ndim,
                                              const gsize       *dims,
                                              GError           **error);
/* Takes ownership of process (e.g. one detached by bsl_graph_take_process for undo). */
gboolean       bsl_graph_insert_process      (BslGraph          *graph,
                                              BslProcess        *process,
                                              int                position,
                                              GError           **error);
/* Removes the process and every connection touching it; returns the process, owned by the caller. */
BslProcess    *bsl_graph_take_process        (BslGraph          *graph,
                                              const char        *name);
gboolean       bsl_graph_remove_process      (BslGraph          *graph,
                                              const char        *name);
gboolean       bsl_graph_rename_process      (BslGraph          *graph,
                                              const char        *old_name,
                                              const char        *new_name,
                                              GError           **error);
BslProcess    *bsl_graph_find_process        (const BslGraph    *graph,
                                              const char        *name);
int            bsl_graph_process_index       (const BslGraph    *graph,
                                              const char        *name);
/* A name "<prefix><k>" not yet used, e.g. "lif3". Newly allocated. */
char          *bsl_graph_unique_name         (const BslGraph    *graph,
                                              const char        *prefix);

/* Checks direction, existence and shape; errors name both ends. endpoints are "proc.port". */
BslConnection *bsl_graph_connect             (BslGraph          *graph,
                                              const char        *from,
                                              const char        *to,
                                              GError           **error);
BslConnection *bsl_graph_connect_ports       (BslGraph          *graph,
                                              const char        *from_process,
                                              const char        *from_port,
                                              const char        *to_process,
                                              const char        *to_port,
                                              GError           **error);
/* The check alone (for a canvas refusing a wire while it is dragged). */
gboolean       bsl_graph_can_connect         (const BslGraph    *graph,
                                              const char        *from_process,
                                              const char        *from_port,
                                              const char        *to_process,
                                              const char        *to_port,
                                              GError           **error);
gboolean       bsl_graph_disconnect          (BslGraph          *graph,
                                              const char        *from_process,
                                              const char        *from_port,
                                              const char        *to_process,
                                              const char        *to_port);
/* Checks every process (parameters, shapes) and every connection, as a load or compile would. */
gboolean       bsl_graph_validate            (const BslGraph    *graph,
                                              BslTag             tag,
                                              GError           **error);

BslProcess    *bsl_process_new               (const BslProcType *type,
                                              const char        *name,
                                              guint              ndim,
                                              const gsize       *dims);
BslProcess    *bsl_process_copy              (const BslProcess  *process);
void           bsl_process_free              (BslProcess        *process);
gboolean       bsl_process_set_shape         (BslProcess        *process,
                                              guint              ndim,
                                              const gsize       *dims,
                                              GError           **error);
/* Takes ownership of value. A scalar given for a population Var is kept as a scalar and broadcast
 * when the network is compiled. Checks the name and the shape. */
gboolean       bsl_process_set_param         (BslProcess        *process,
                                              const char        *name,
                                              BslArray          *value,
                                              GError           **error);
/* The rule of a plastic connection (borrowed), NULL for other types. */
const struct _BslLearningRule *bsl_process_get_learning_rule (const BslProcess *process);
/* Checks the rule as Lava does (errors name the string, column and reason), then keeps a copy. */
gboolean       bsl_process_set_learning_rule (BslProcess                    *process,
                                              const struct _BslLearningRule *rule,
                                              GError                       **error);
/* Sets every parameter a preset of the type names (e.g. "regular_spiking" for Izhikevich). */
gboolean       bsl_process_apply_preset      (BslProcess        *process,
                                              const char        *preset,
                                              GError           **error);
void           bsl_process_unset_param       (BslProcess        *process,
                                              const char        *name);
/* The value that is set, or NULL when the Var takes its default. */
const BslArray *bsl_process_get_param        (const BslProcess  *process,
                                              const char        *name);
/* The effective value at full shape (defaults and broadcast applied). */
BslArray      *bsl_process_dup_param_full    (const BslProcess  *process,
                                              const char        *name,
                                              GError           **error);
/* Checks ranges of every set parameter for the tag; errors name process and parameter. */
gboolean       bsl_process_validate          (const BslProcess  *process,
                                              BslTag             tag,
                                              GError           **error);
char          *bsl_process_dup_shape_string  (const BslProcess  *process);

const char    *bsl_process_get_name          (const BslProcess  *process);
/* Renames a process that is in no graph (a copy being made); bsl_graph_rename_process renames one
 * in a graph. */
void           bsl_process_set_name          (BslProcess        *process,
                                              const char        *name);
const BslProcType *bsl_process_get_proc_type (const BslProcess  *process);
guint          bsl_process_get_ndim          (const BslProcess  *process);
/* BSL_MAX_DIMS sizes, the ones past ndim 0 (borrowed). */
const gsize   *bsl_process_get_dims          (const BslProcess  *process);
/* How many Vars are set; the others take their defaults. */
guint          bsl_process_get_n_params      (const BslProcess  *process);
/* The process's own tag, BSL_TAG_NONE when it runs with the network's. */
BslTag         bsl_process_get_tag           (const BslProcess  *process);
void           bsl_process_set_tag           (BslProcess        *process,
                                              BslTag             tag);
/* The tag it runs with: its own, or run_tag when it has none. */
BslTag         bsl_process_resolve_tag       (const BslProcess  *process,
                                              BslTag             run_tag);
/* Its place on the canvas ("ui" in the file). FALSE when it has none; x and y (each may be NULL)
 * receive the stored coordinates either way. */
gboolean       bsl_process_get_position      (const BslProcess  *process,
                                              double            *x,
                                              double            *y);
gboolean       bsl_process_has_position      (const BslProcess  *process);
void           bsl_process_set_position      (BslProcess        *process,
                                              double             x,
                                              double             y);
/* Forgets the place (the file gets none, the canvas lays the node out); keeps the coordinates. */
void           bsl_process_unset_position    (BslProcess        *process);
/* Makes process a copy of source in place, so that pointers to it stay valid (undo of a change of
 * an Equations process's schema). */
void           bsl_process_assign            (BslProcess        *process,
                                              const BslProcess  *source);

gsize          bsl_process_port_size         (const BslProcess  *process,
                                              const char        *port);

BslConnection *bsl_connection_new            (const char        *from_process,
                                              const char        *from_port,
                                              const char        *to_process,
                                              const char        *to_port);
BslConnection *bsl_connection_copy           (const BslConnection *connection);
void           bsl_connection_free           (BslConnection     *connection);
const char    *bsl_connection_get_from_process (const BslConnection *connection);
const char    *bsl_connection_get_from_port  (const BslConnection *connection);
const char    *bsl_connection_get_to_process (const BslConnection *connection);
const char    *bsl_connection_get_to_port    (const BslConnection *connection);
/* Same four ends; FALSE when either is NULL. */
gboolean       bsl_connection_equal          (const BslConnection *a,
                                              const BslConnection *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslGraph, bsl_graph_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslProcess, bsl_process_free)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslConnection, bsl_connection_free)

G_END_DECLS
