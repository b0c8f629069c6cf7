/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-model.h"
#include "bsl-runtime.h"
#include "bsl-workers.h"

G_BEGIN_DECLS

struct _BslRuntime
{
  BslRunConfig     *config;
  BslProcRuntime  **procs;      /* graph order */
  guint             n_procs;
  BslProcRuntime  **order;      /* schedule within a step */
  BslProcRuntime  **delayed;    /* send last step's result first */
  guint             n_delayed;
  GPtrArray        *probes;
  gint64            time;
  BslWorkers       *workers;
};

struct _BslProbe
{
  char         *target;
  char         *process;
  char         *var;
  BslProbeMode  mode;
  gsize         size;           /* values per step: the Var's, or those of elements */
  gsize        *elements;       /* NULL: every element; else the indices into the Var recorded */
  gsize         source_size;    /* elements of the Var */
  gboolean      is_int;
  BslRtVar     *source_var;
  BslRtPort    *source_port;
  gsize         capacity;       /* 0: unlimited */
  GArray       *rows;           /* unlimited: every step */
  double       *ring;           /* capped: capacity rows */
  gsize         ring_start;
  gsize         n_held;
  gint64        first_step;
  guint64      *counts;
  guint64       total;
};

BslProcRuntime *_bsl_runtime_find_proc (const BslRuntime *runtime,
                                        const char       *name);
BslProbe       *_bsl_probe_new         (BslProcRuntime   *pr,
                                        const char       *var,
                                        BslProbeMode      mode,
                                        gsize             capacity,
                                        const gsize      *elements,
                                        gsize             n_elements,
                                        GError          **error);
void            _bsl_probe_free        (BslProbe         *probe);
void            _bsl_probe_record      (BslProbe         *probe,
                                        gint64            t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslProbe, _bsl_probe_free)

G_END_DECLS
