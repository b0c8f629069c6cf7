/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"

G_BEGIN_DECLS

/* The network model's fields, for engine sources only: everything else uses the accessors of
 * bsl-graph.h. */

/* A named process instance: Lava's Process with its parameters (Var initial values). */
struct _BslProcess
{
  char              *name;
  const BslProcType *type;
  guint              ndim;
  gsize              dims[BSL_MAX_DIMS];
  GHashTable        *params;       /* Var name -> BslArray*, only the ones that are set */
  BslTag             model;        /* per-process tag override, BSL_TAG_NONE when unset */
  gboolean           has_position;
  double             x, y;         /* layout on the canvas ("ui" in the file) */
  JsonObject        *ui;           /* the whole "ui" object, kept for the keys we do not know */
  JsonObject        *extra;        /* unknown keys of the process object, preserved on save */
  /* Plastic connections (LearningDense): the rule, never NULL for them, NULL for other types. */
  struct _BslLearningRule *learning_rule;
};

/* An OutPort -> InPort connection. Several connections into one InPort are summed. */
struct _BslConnection
{
  char *from_process;
  char *from_port;
  char *to_process;
  char *to_port;
};

struct _BslGraph
{
  gatomicrefcount  ref_count;
  GPtrArray       *processes;     /* BslProcess*, in insertion order */
  GPtrArray       *connections;   /* BslConnection* */
  /* The file's "run" object: defaults for a run of this network. */
  BslTag           run_tag;
  gint64           run_steps;
  guint64          run_seed;
  GPtrArray       *probes;        /* char* "proc.var": what a run records (bsl-graph-probes.h) */
  JsonNode        *groups;        /* designer-defined sub-networks, kept verbatim */
  JsonObject      *extra;         /* unknown top-level keys, preserved on save */
  char            *base_dir;      /* for initializer files relative to the network file */
};

/* Integer and range checks of one value for a tag; errors name process and parameter. */
gboolean _bsl_var_check_value (const BslProcess *process,
                               const BslVarSpec *spec,
                               const BslArray   *value,
                               BslTag            tag,
                               GError          **error);

/* Every connection's ends, directions and shapes (bsl_graph_validate without the processes). */
gboolean _bsl_graph_check_connections (const BslGraph *graph,
                                       GError        **error);

/* Keep the probe list in step with a removed or renamed process (bsl-graph-probes.c). */
void     _bsl_graph_drop_probes_of   (BslGraph   *graph,
                                      const char *process);
void     _bsl_graph_rename_probes_of (BslGraph   *graph,
                                      const char *old_name,
                                      const char *new_name);

G_END_DECLS
