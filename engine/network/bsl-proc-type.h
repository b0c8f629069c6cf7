/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-types.h"

G_BEGIN_DECLS

/* Which shape a Var must have, given the process shape. */
typedef enum
{
  BSL_SHAPE_POPULATION,   /* the process shape (neurons: (n,); Dense: (n_out, n_in)) */
  BSL_SHAPE_SCALAR,       /* one value for the whole process (Lava's shape-(1,) Vars) */
  BSL_SHAPE_ROWS,         /* (shape[0],), e.g. Dense a_buff, one per output */
  BSL_SHAPE_COLUMNS,      /* (shape[1],), e.g. LearningDense x1, one per input */
  BSL_SHAPE_TIME_SERIES,  /* (shape..., T) for any T >= 1, e.g. RingBuffer data */
} BslShapeRule;

/* Shape of a port, given the process shape. */
typedef enum
{
  BSL_PORT_SHAPE_POPULATION,  /* the process shape */
  BSL_PORT_SHAPE_ROWS,        /* (shape[0],): Dense a_out (n_out) */
  BSL_PORT_SHAPE_COLUMNS,     /* (shape[1],): Dense s_in (n_in) */
} BslPortShapeRule;

typedef enum
{
  BSL_VAR_INTEGER    = 1 << 0,  /* integer under fixed_pt */
  BSL_VAR_STATE      = 1 << 1,  /* changes while running (u, v, a_buff); may be probed */
  BSL_VAR_BROADCAST  = 1 << 2,  /* a scalar given for a population Var is broadcast */
  BSL_VAR_HIDDEN     = 1 << 3,  /* internal state, not shown in the inspector */
  BSL_VAR_FLOAT_ONLY = 1 << 4,  /* only meaningful under floating_pt */
  BSL_VAR_FIXED_ONLY = 1 << 5,  /* only meaningful under fixed_pt (e.g. bias_exp) */
  BSL_VAR_INIT_ONLY  = 1 << 6,  /* read once when the run starts (weight_exp, sign_mode) */
  BSL_VAR_ENUM       = 1 << 7,  /* one of enum_names, stored as its index */
  BSL_VAR_COUNT      = 1 << 8,  /* a whole number under every tag (steps, intervals) */
} BslVarFlags;

struct _BslVarSpec
{
  const char   *name;
  const char   *description;
  BslShapeRule  shape;
  BslVarFlags   flags;
  double        default_value;
  /* Range of valid values under fixed_pt (Loihi 2 precision) and floating_pt. */
  double        fixed_min, fixed_max;
  double        float_min, float_max;
  const char   *unit;             /* for display only, may be NULL */
  const char  **enum_names;       /* BSL_VAR_ENUM: NULL-terminated */
};

typedef enum
{
  BSL_PORT_IN,
  BSL_PORT_OUT,
} BslPortDirection;

struct _BslPortSpec
{
  const char       *name;
  BslPortDirection  direction;
  BslPortShapeRule  shape;
  const char       *description;
};

typedef enum
{
  BSL_CATEGORY_NEURONS,
  BSL_CATEGORY_CONNECTIONS,
  BSL_CATEGORY_INPUTS,
  BSL_CATEGORY_MONITORS,
  BSL_N_CATEGORIES
} BslCategory;

const char *bsl_category_to_string (BslCategory category);

/* How the process shape is given: neuron populations and sources are (n,), connection
 * matrices are (n_out, n_in) as in Lava. */
typedef enum
{
  BSL_SHAPE_KIND_VECTOR,
  BSL_SHAPE_KIND_MATRIX,
} BslShapeKind;

/* A named set of parameter values (e.g. Izhikevich's regular spiking). */
typedef struct
{
  const char *var;
  double      value;
} BslPresetValue;

typedef struct
{
  const char           *name;
  const char           *description;
  const BslPresetValue *values;      /* terminated by { NULL, 0 } */
} BslPreset;

struct _BslProcType
{
  const char        *name;            /* Lava's class name: "LIF", "Dense", ... */
  const char        *description;
  BslCategory        category;
  BslShapeKind       shape_kind;
  gsize              default_dims[2];
  const BslVarSpec  *vars;
  guint              n_vars;
  const BslPortSpec *ports;
  guint              n_ports;
  const BslModel    *models[BSL_N_TAGS];  /* NULL where Lava has no model for that tag */
  const BslPreset   *presets;
  guint              n_presets;
  /* Gives a new process of this type what it needs to run at once (NULL: nothing). */
  gboolean         (*init_process) (BslProcess  *process,
                                    GError     **error);
  /* Types made at run time (an Equations process's own schema) count their users. */
  void             (*ref_type)     (const BslProcType *type);
  void             (*unref_type)   (const BslProcType *type);
  /* A type that stores nothing per element of its matrix (RandomSparse draws its synapses when
   * the run starts): the bytes a run needs beyond the Vars. Its shape is limited per side only,
   * not in the product of the sides. */
  guint64          (*generated_memory) (const BslProcess *process);
};

/* Reference counting of per-process schemas (no-ops for built-in types). */
const BslProcType  *bsl_proc_type_ref         (const BslProcType *type);
void                bsl_proc_type_unref       (const BslProcType *type);


/* The registry: every built-in process type, in palette order. */
const BslProcType  *bsl_proc_type_lookup      (const char        *name);
const BslProcType **bsl_proc_type_list        (guint             *n_types);

const BslPreset    *bsl_proc_type_find_preset (const BslProcType *type,
                                               const char        *name);
const BslVarSpec   *bsl_proc_type_find_var    (const BslProcType *type,
                                               const char        *name);
const BslPortSpec  *bsl_proc_type_find_port   (const BslProcType *type,
                                               const char        *name);
gboolean            bsl_proc_type_has_model   (const BslProcType *type,
                                               BslTag             tag);
/* A connection whose synapses learn (LearningDense): it carries a learning rule. */
gboolean            bsl_proc_type_is_plastic  (const BslProcType *type);
/* Shape a Var or port takes in a process of the given shape; FALSE for time series. */
gboolean            bsl_var_spec_shape        (const BslVarSpec  *spec,
                                               guint              proc_ndim,
                                               const gsize       *proc_dims,
                                               guint             *ndim,
                                               gsize             *dims);
void                bsl_port_spec_shape       (const BslPortSpec *spec,
                                               guint              proc_ndim,
                                               const gsize       *proc_dims,
                                               guint             *ndim,
                                               gsize             *dims);
gsize               bsl_port_spec_size        (const BslPortSpec *spec,
                                               guint              proc_ndim,
                                               const gsize       *proc_dims);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslProcType, bsl_proc_type_unref)

G_END_DECLS
