/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Synapse equations in Brian2's syntax: per-synapse variables, exponential (event-driven)
 * traces and the on_pre / on_post statements, parsed into small programs run per synapse. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BslSynapsesCode BslSynapsesCode;

/* What one event of a synapse reads and writes: the per-synapse variables (arrays indexed by
 * synapse), the lastupdate times, the parameters' values, the time of the event (s), and the
 * post-synaptic sums that statements on the post variable add to (indexed by output). */
typedef struct
{
  double *const *vars;
  double        *lastupdate;
  const double  *params;
  double        *post_sums;
  double        *stack;        /* bsl_synapses_code_get_stack_size() doubles */
  double         t;
} BslSynapsesEvent;

/* Errors are BSL_ERROR_PARSE and name the text ("model", "on_pre", "on_post"), its line and
 * column, and quote the line. */
BslSynapsesCode *bsl_synapses_code_new   (const char  *model,
                                          const char  *on_pre,
                                          const char  *on_post,
                                          GError     **error);
void             bsl_synapses_code_free  (BslSynapsesCode *code);

guint        bsl_synapses_code_get_n_vars      (const BslSynapsesCode *code);
const char  *bsl_synapses_code_get_var_name    (const BslSynapsesCode *code,
                                                guint                  k);
const char  *bsl_synapses_code_get_var_unit    (const BslSynapsesCode *code,
                                                guint                  k);
gboolean     bsl_synapses_code_get_var_traced  (const BslSynapsesCode *code,
                                                guint                  k);
guint        bsl_synapses_code_get_n_params    (const BslSynapsesCode *code);
const char  *bsl_synapses_code_get_param_name  (const BslSynapsesCode *code,
                                                guint                  k);
/* The post-synaptic variable on_pre adds to ("ge" for "ge += w"), or NULL. */
const char  *bsl_synapses_code_get_post_target (const BslSynapsesCode *code);
gsize        bsl_synapses_code_get_stack_size  (const BslSynapsesCode *code);

/* Runs on_pre (pre = TRUE) or on_post for synapse s, whose output is post: the traces decay
 * from lastupdate[s] to t, the statements run in order, lastupdate[s] becomes t. */
void         bsl_synapses_code_run_event       (const BslSynapsesCode  *code,
                                                gboolean                pre,
                                                const BslSynapsesEvent *event,
                                                gsize                   s,
                                                gsize                   post);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslSynapsesCode, bsl_synapses_code_free)

G_END_DECLS
