/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal: how a process type's model plugs into the runtime. */
#pragma once

#include "bsl-clones.h"
#include "bsl-proc-type.h"
#include "bsl-runtime.h"

G_BEGIN_DECLS


typedef struct
{
  const BslVarSpec *spec;
  guint             ndim;
  gsize             dims[BSL_MAX_DIMS];
  gsize             n;
  gboolean          is_int;     /* stored as int32 (integer Vars under fixed_pt) */
  double           *f;
  gint32           *i;
  BslArray         *initial;    /* full-shape value at compile time: what reset returns to */
} BslRtVar;

typedef struct _BslRtPort BslRtPort;
struct _BslRtPort
{
  const BslPortSpec *spec;
  BslProcRuntime    *owner;
  gsize              n;
  gboolean           is_int;
  double            *f;         /* out: what was sent this step; in: the summed input */
  gint32            *i;
  double            *own_f;     /* storage (in-ports may alias a single source's buffer instead) */
  gint32            *own_i;
  BslRtPort        **sources;   /* in-ports: connected out-ports */
  guint              n_sources;
};

struct _BslModel
{
  BslTag    tag;
  /* Connection processes send what they computed in the previous step before receiving
   * (Lava's Dense: one step of synaptic delay). */
  gboolean  delayed_output;
  /* Out-ports carry doubles even under fixed_pt (sources); receivers truncate toward zero. */
  gboolean  float_output;
  /* step() may be split over [begin, end) ranges of work items on several threads. */
  gboolean  splittable;
  gboolean (*prepare)     (BslProcRuntime *pr,
                           GError        **error);
  void     (*begin_step)  (BslProcRuntime *pr,
                           gint64          t);
  void     (*step)        (BslProcRuntime *pr,
                           gint64          t,
                           gsize           begin,
                           gsize           end);
  /* Items step() runs over this step (after begin_step); NULL: the population size. */
  gsize    (*work_items)  (BslProcRuntime *pr);
  void     (*emit)        (BslProcRuntime *pr);
  void     (*var_changed) (BslProcRuntime *pr,
                           guint           var_index);
  void     (*reset)       (BslProcRuntime *pr);
  void     (*free_priv)   (gpointer        priv);
};

struct _BslProcRuntime
{
  BslRuntime        *runtime;
  const BslProcType *type;
  const BslModel    *model;
  BslTag             tag;
  char              *name;
  guint              ndim;
  gsize              dims[BSL_MAX_DIMS];
  gsize              size;        /* neurons, or n_out for connections */
  BslRtVar          *vars;        /* in the type's Var order */
  BslRtPort         *ports;       /* in the type's port order */
  guint64            seed_key;    /* run seed mixed with the process name */
  struct _BslLearningRule *learning_rule;   /* plastic connections: the process's rule (a copy) */
  gpointer           priv;
};

static inline double *
bsl_pr_f (BslProcRuntime *pr, guint var)
{
  return pr->vars[var].f;
}

static inline gint32 *
bsl_pr_i (BslProcRuntime *pr, guint var)
{
  return pr->vars[var].i;
}

static inline BslRtPort *
bsl_pr_port (BslProcRuntime *pr, guint port)
{
  return &pr->ports[port];
}

/* The indices of the non-zero values of an in-port (ascending): this step's spikes. */
gsize bsl_rt_port_collect_active (const BslRtPort *port,
                                  guint32         *active);

/* Registered by engine/procs/ (each file exports its types). */
extern const BslProcType bsl_proc_type_lif;
extern const BslProcType bsl_proc_type_lif_reset;
extern const BslProcType bsl_proc_type_lif_refractory;
extern const BslProcType bsl_proc_type_ternary_lif;
extern const BslProcType bsl_proc_type_atrlif;
extern const BslProcType bsl_proc_type_rf;
extern const BslProcType bsl_proc_type_sigma_delta;
extern const BslProcType bsl_proc_type_izhikevich;
extern const BslProcType bsl_proc_type_adex;
extern const BslProcType bsl_proc_type_cond_lif;
extern const BslProcType bsl_proc_type_dense;
extern const BslProcType bsl_proc_type_sparse;
extern const BslProcType bsl_proc_type_random_sparse;
extern const BslProcType bsl_proc_type_delay_dense;
extern const BslProcType bsl_proc_type_learning_dense;
extern const BslProcType bsl_proc_type_ring_buffer;
extern const BslProcType bsl_proc_type_spiker;
extern const BslProcType bsl_proc_type_poisson_source;
extern const BslProcType bsl_proc_type_current_source;
extern const BslProcType bsl_proc_type_monitor;

G_END_DECLS
