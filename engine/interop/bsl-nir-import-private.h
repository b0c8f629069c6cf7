/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The NIR importer's working model, shared by its stages: reading the file into a flat list of
 * nodes (bsl-nir-import.c), checking their sizes and parameters (bsl-nir-params.c), folding
 * linear nodes into their consumers (bsl-nir-fold.c) and lowering the result to Basalt
 * processes (bsl-nir-lower.c). */

#include <hdf5.h>
#include <json-glib/json-glib.h>

#include "bsl-graph.h"
#include "bsl-interop-output.h"
#include "bsl-limits.h"

G_BEGIN_DECLS

typedef enum
{
  NODE_SOURCE,     /* top-level Input */
  NODE_SINK,       /* top-level Output */
  NODE_IDENTITY,   /* nested Input/Output, Flatten */
  NODE_LINEAR,     /* Affine, Linear, Scale */
  NODE_DELAY,
  NODE_NEURON,     /* I, LI, IF, LIF, CubaLI, CubaLIF, Threshold */
} NodeKind;

typedef struct _Node Node;

/* Per-neuron parameters of the equivalent Lava LIF, before the population is split into parts
 * that share du, dv (and the threshold where scaling cannot make it common). */
typedef struct
{
  gsize    n;
  gboolean spiking;
  double  *du, *dv;
  double  *gain;      /* input value -> a_in (before the per-neuron voltage scale k) */
  double  *bias;      /* constant added to v each step, in node units (before k) */
  double  *delta;     /* v_threshold - v_reset (spiking) */
  double  *v0;        /* NIR neurons start at v = 0, which is -v_reset in Basalt's units */
} Neuron;

typedef struct
{
  char     *name;     /* Basalt process name */
  gsize     n;
  gsize    *index;    /* node element of each part element */
  double    du, dv, vth;
  double   *k;        /* per-element voltage scale */
} Part;

typedef struct
{
  Node    *prod;      /* a source or a neuron node */
  double  *w;         /* rows x prod->n_out */
  int     *delay;     /* steps per entry, NULL when all 0 */
  char    *via;       /* the linear node that made this term, NULL when mixed or none */
} Term;

typedef struct
{
  gsize      n;
  GPtrArray *terms;   /* Term* */
  double    *bias;    /* n, NULL when none */
  char      *bias_via;
} Expr;

struct _Node
{
  char      *path;      /* "rnn/lif": for messages */
  char      *base;      /* what its Basalt name is made from: the path, less Basalt groups */
  char      *name;      /* sanitized, unique Basalt name */
  char      *type;
  NodeKind   kind;
  GHashTable *data;     /* dataset name -> BslArray* */
  gsize      n_in, n_out;
  GPtrArray *inputs;    /* Node*, one per incoming edge */
  GPtrArray *outputs;
  Neuron    *neuron;
  Node      *alias;     /* a Threshold fused into the non-spiking neuron before it */
  int        visit;
  Expr      *expr;      /* folded output expression of an identity/linear/delay node */
  GPtrArray *parts;     /* Part* (neurons, sources, sinks) */
  int        level;
  guint      ndim;      /* output shape, for convolution and pooling */
  gsize      shape[BSL_MAX_DIMS];
  double    *dense_w;   /* convolution or pooling as a dense (n_out, n_in) matrix */
  double    *dense_b;
  gboolean   has_pos;
  double     x, y;
};

/* What a name refers to inside one graph: a node, or a subgraph with its port nodes. */
typedef struct
{
  Node      *node;
  GPtrArray *sub_inputs;
  GPtrArray *sub_outputs;
} Entry;

typedef struct
{
  const char *path;      /* file path for messages */
  char       *display;   /* its basename */
  double      dt;
  GPtrArray  *nodes;     /* Node*, flat */
  GHashTable *names;     /* Basalt names taken */
  GPtrArray  *notes;
  GHashTable *layout;    /* node path -> double[2] from metadata */
  gboolean    flatten;   /* convolutions and pooling become dense weights */
  char       *name_prefix;   /* of nodes being read: the path less Basalt groups */
  GPtrArray  *groups;    /* Basalt groups found (GroupInfo*) */
  JsonObject *origin;    /* the graph being read, as recorded for the export (borrowed) */
} Ctx;

/* A nested NIRGraph that Basalt wrote for a designer group. */
typedef struct
{
  char    *name;
  double   x, y;
  gboolean collapsed;
  guint    first, last;   /* its nodes: ctx->nodes[first .. last) */
} GroupInfo;


#define note(ctx, ...) _bsl_interop_note ((ctx)->notes, __VA_ARGS__)

/* Dataset `name` of a node, NULL when it has none. */
const BslArray *_bsl_nir_node_array  (Node       *node,
                                      const char *name);
/* Element i of a parameter, with its default when it is optional and missing. */
double          _bsl_nir_param       (Node       *node,
                                      const char *ds,
                                      gsize       i,
                                      double      fallback);
/* A valid Basalt process name for a node path: [A-Za-z_][A-Za-z0-9_]*. */
char           *_bsl_nir_sanitize_name (const char *wanted);
/* The same, made unique among the processes created so far. */
char           *_bsl_nir_claim_name  (Ctx        *ctx,
                                      const char *wanted);

/* Names, sizes, edges and neuron parameters of every node read (bsl-nir-params.c). */
gboolean        _bsl_nir_check_nodes (Ctx        *ctx,
                                      GError    **error);

void            _bsl_nir_expr_free   (Expr       *e);
/* The sum of what arrives at a node over all its incoming edges, every linear node on the way
 * folded in. */
Expr           *_bsl_nir_fold_input  (Ctx        *ctx,
                                      Node       *node,
                                      GError    **error);

/* The Basalt network of the nodes read and checked: processes, connections, layout, groups. */
BslGraph       *_bsl_nir_lower       (Ctx        *ctx,
                                      GError    **error);

G_END_DECLS
