/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"

G_BEGIN_DECLS

/* The "Synapses" process type: a connection whose synapses carry variables and run statements
 * at pre- and post-synaptic spikes, in Brian2's syntax (Brian2's Synapses with on_pre and
 * on_post). Each such process has its own schema made from its texts: the per-synapse
 * variables (shape (n_out, n_in)) and the parameters the statements read (scalars), plus `dt`
 * (seconds per step). Ports: s_in (pre spikes), s_in_post (post spikes), a_out (what on_pre
 * adds to the post-synaptic variable, delivered at the next step). */

typedef struct
{
  const char *model;      /* "w : 1\ndApre/dt = -Apre/taupre : 1 (event-driven)" */
  const char *on_pre;     /* "ge += w\nApre += dApre\n..." */
  const char *on_post;
} BslSynapsesText;

extern const BslProcType bsl_proc_type_synapses;

gboolean bsl_proc_type_is_synapses   (const BslProcType     *type);
/* The texts of a Synapses process (borrowed), or FALSE for other types. */
gboolean bsl_process_get_synapses    (const BslProcess      *process,
                                      BslSynapsesText       *text);
/* Parses the texts (errors name the process, the text, its line and column) and gives the
 * process the schema they define; values whose names survive are kept. */
gboolean bsl_process_set_synapses    (BslProcess            *process,
                                      const BslSynapsesText *text,
                                      GError               **error);

/* What a new Synapses process starts with: Brian2's STDP example's synapses. */
extern const BslSynapsesText bsl_synapses_default_text;

/* The .basalt file's "synapses" object, {"model": ..., "on_pre": ..., "on_post": ...}. */
typedef struct _JsonNode JsonNode;
typedef struct _JsonObject JsonObject;
gboolean    bsl_process_read_synapses_json (BslProcess       *process,
                                            JsonNode         *node,
                                            GError          **error);
/* NULL for a process of another type. */
JsonObject *bsl_process_synapses_to_json   (const BslProcess *process);

G_END_DECLS
