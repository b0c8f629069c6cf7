/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The NIR graph a network was imported from, kept with the network (the top-level member
 * "nir_origin" of the .basalt file, docs/file-format.md) so that exporting it to NIR again
 * writes the same node types, names, nesting and edges. The record holds the original graph
 * (every node's type and datasets, every graph's edges), the dt of the import, and a
 * fingerprint of every process and connection the import made: the record is used only while
 * those are unchanged. */

#include <hdf5.h>
#include <json-glib/json-glib.h>

#include "bsl-graph.h"

G_BEGIN_DECLS

#define BSL_NIR_ORIGIN_KEY "nir_origin"

/* Recording while a file is read: a graph object {"type": "NIRGraph", "nodes", "edges"}. */
JsonObject *_bsl_nir_origin_graph_new     (void);
/* A node of graph; for "NIRGraph" the returned object is the nested graph. */
JsonObject *_bsl_nir_origin_add_node      (JsonObject     *graph,
                                           const char     *name,
                                           const char     *type);
/* dtype is the stored number type: "f4", "f8", "i4", "i8", ... */
void        _bsl_nir_origin_add_dataset   (JsonObject     *node,
                                           const char     *name,
                                           const BslArray *value,
                                           const char     *dtype);
/* The n values of a recorded dataset into out; FALSE when its text is malformed. */
gboolean    _bsl_nir_origin_parse_values  (JsonObject     *set,
                                           gsize           n,
                                           double         *out);
void        _bsl_nir_origin_set_edges     (JsonObject     *graph,
                                           char          **ends,
                                           gsize           n_edges);
/* Stores graph_object (taken) as the origin of the freshly imported network. */
void        _bsl_nir_origin_attach        (BslGraph       *network,
                                           JsonObject     *graph_object,
                                           double          dt);

/* The recorded graph when the network still is what the import made of it, else NULL and
 * *why says what changed (NULL too when the network has no origin). dt <= 0: the export takes
 * the import's dt, which *dt_out receives. */
JsonObject *_bsl_nir_origin_still_valid   (const BslGraph *network,
                                           double          dt,
                                           double         *dt_out,
                                           char          **why);
/* The recorded graph, when the record is well formed (whether or not it still applies). */
JsonObject *_bsl_nir_origin_recorded_graph (const BslGraph *network);
/* A copy of the network without the processes the import made (origin_procs); NULL with *why
 * when one of the others has the name of a top-level node of graph_object. */
BslGraph   *_bsl_nir_origin_rest          (const BslGraph *network,
                                           GHashTable     *origin_procs,
                                           JsonObject     *graph_object,
                                           char          **why);
/* After a export made from the processes: one note saying why the recorded graph was not used,
 * then one per recorded node (graph_object may be NULL: none) that the file written under nodes does not have under its name
 * with its type. */
void        _bsl_nir_origin_report        (JsonObject     *graph_object,
                                           hid_t           nodes,
                                           const char     *why,
                                           GPtrArray      *notes);
/* Names of the processes the import made (a set). */
GHashTable *_bsl_nir_origin_processes     (const BslGraph *network);
/* Writes the nodes of graph_object under nodes and appends its edges (pairs of names, owned by
 * keep) to ends. */
gboolean    _bsl_nir_origin_write         (JsonObject     *graph_object,
                                           hid_t           nodes,
                                           GPtrArray      *ends,
                                           GPtrArray      *keep);
/* "name (Type)" of every recorded node, nested ones as "graph/name", for the report. */
void        _bsl_nir_origin_list_nodes    (JsonObject     *graph_object,
                                           const char     *prefix,
                                           GPtrArray      *out);

G_END_DECLS
