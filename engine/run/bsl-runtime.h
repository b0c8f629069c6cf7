/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>

#include "bsl-graph.h"

G_BEGIN_DECLS

struct _BslRunConfig
{
  BslTag      tag;          /* tag for the whole run */
  GHashTable *overrides;    /* process name -> GINT_TO_POINTER (tag + 1) */
  guint64     seed;
  guint       n_threads;    /* 0: all cores; results never depend on it */
};

BslRunConfig *bsl_run_config_new           (BslTag              tag);
BslRunConfig *bsl_run_config_copy          (const BslRunConfig *config);
void          bsl_run_config_free          (BslRunConfig       *config);
void          bsl_run_config_set_override  (BslRunConfig       *config,
                                            const char         *process,
                                            BslTag              tag);
/* The tag a process runs with: run override, then the process's own "model", then the run tag. */
BslTag        bsl_run_config_tag_for       (const BslRunConfig *config,
                                            const BslProcess   *process);

typedef enum
{
  BSL_PROBE_RECORD,         /* keep every value of every step (or the last `capacity` steps) */
  BSL_PROBE_COUNT_NONZERO,  /* count steps where each element was non-zero (spike counts) */
} BslProbeMode;

/* Compiles graph + config into a runtime: flat state arrays, a fixed schedule, preallocated
 * message buffers. The graph is not referenced afterwards. */
/* The key of a process's random streams: the run seed mixed with the process name (what
 * PoissonSource and the draws of an Equations process start from). */
guint64       bsl_runtime_seed_key         (guint64             run_seed,
                                            const char         *process_name);
BslRuntime   *bsl_runtime_new              (const BslGraph     *graph,
                                            const BslRunConfig *config,
                                            GError            **error);
void          bsl_runtime_free             (BslRuntime         *runtime);

void          bsl_runtime_step             (BslRuntime         *runtime);
void          bsl_runtime_run              (BslRuntime         *runtime,
                                            gint64              n_steps);
/* Steps completed so far; the next step is number time + 1 (Lava counts from 1). */
gint64        bsl_runtime_get_time         (const BslRuntime   *runtime);
/* Back to the initial state: state Vars return to their initial values, parameters keep their
 * current values; probes are cleared. */
void          bsl_runtime_reset            (BslRuntime         *runtime);
BslTag        bsl_runtime_get_process_tag  (const BslRuntime   *runtime,
                                            const char         *process);

/* Any Var (or OutPort: "s_out", "a_out") of any process, as doubles. */
BslArray     *bsl_runtime_get_var          (const BslRuntime   *runtime,
                                            const char         *process,
                                            const char         *var,
                                            GError            **error);
/* Between steps only. Checks shape and, under fixed_pt, integer values and Loihi 2 ranges. A
 * scalar is broadcast. A state Var (u, v, ...) set before the first step also becomes what
 * bsl_runtime_reset() returns to; parameters keep their new value across resets. */
/* The checks of bsl_runtime_set_var without setting anything. */
gboolean      bsl_runtime_check_var        (const BslRuntime   *runtime,
                                            const char         *process,
                                            const char         *var,
                                            const BslArray     *value,
                                            GError            **error);
gboolean      bsl_runtime_set_var          (BslRuntime         *runtime,
                                            const char         *process,
                                            const char         *var,
                                            const BslArray     *value,
                                            GError            **error);

/* target is "proc.var" or "proc.port". capacity 0 keeps every step. Owned by the runtime. */
BslProbe     *bsl_runtime_add_probe        (BslRuntime         *runtime,
                                            const char         *target,
                                            BslProbeMode        mode,
                                            gsize               capacity,
                                            GError            **error);
/* A probe that records only some elements of a Var (row-major indices into it, in this order),
 * e.g. a few synapses of a 1000 x 1000 connection; its CSV rows name them by those indices. */
BslProbe     *bsl_runtime_add_probe_elements (BslRuntime       *runtime,
                                            const char         *target,
                                            gsize               capacity,
                                            const gsize        *elements,
                                            gsize               n_elements,
                                            GError            **error);
guint         bsl_runtime_get_n_probes     (const BslRuntime   *runtime);
BslProbe     *bsl_runtime_get_probe        (const BslRuntime   *runtime,
                                            guint               index);
gboolean      bsl_runtime_remove_probe     (BslRuntime         *runtime,
                                            BslProbe           *probe);

const char   *bsl_probe_get_target         (const BslProbe     *probe);
const char   *bsl_probe_get_process        (const BslProbe     *probe);
const char   *bsl_probe_get_var            (const BslProbe     *probe);
BslProbeMode  bsl_probe_get_mode           (const BslProbe     *probe);
gsize         bsl_probe_get_size           (const BslProbe     *probe);    /* elements per step */
/* The index in the Var of the k-th value of a row (k itself unless the probe picks elements),
 * and the number of elements of the Var. */
gsize         bsl_probe_get_element        (const BslProbe     *probe,
                                            gsize               k);
gsize         bsl_probe_get_source_size    (const BslProbe     *probe);
gboolean      bsl_probe_is_integer         (const BslProbe     *probe);    /* fixed_pt values */
gsize         bsl_probe_get_n_steps        (const BslProbe     *probe);    /* steps held now */
gint64        bsl_probe_get_first_step     (const BslProbe     *probe);    /* Lava step number of the oldest held */
/* Row for one held step (0 = oldest held): size values. NULL when out of range. */
const double *bsl_probe_get_row            (const BslProbe     *probe,
                                            gsize               held_index);
/* COUNT_NONZERO: per-element counts, and their sum. */
const guint64 *bsl_probe_get_counts        (const BslProbe     *probe);
guint64       bsl_probe_get_total_count    (const BslProbe     *probe);
void          bsl_probe_clear              (BslProbe           *probe);
/* Writes the "step,probe,index,value" rows of one held step (integers for fixed_pt values,
 * %.17g otherwise), or with only_nonzero the rows of its non-zero values, and returns how many
 * values were non-zero. */
guint64       bsl_probe_write_csv_rows     (const BslProbe     *probe,
                                            FILE               *stream,
                                            gint64              step,
                                            gsize               held_index,
                                            gboolean            only_nonzero);

/* Writes "step,probe,index,value" rows for every probe (RECORD mode) to a temporary file and
 * renames it over path, so a failure leaves nothing behind. */
gboolean      bsl_runtime_write_csv        (const BslRuntime   *runtime,
                                            const char         *path,
                                            GError            **error);
gboolean      bsl_runtime_write_csv_stream (const BslRuntime   *runtime,
                                            FILE               *stream,
                                            GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslRunConfig, bsl_run_config_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslRuntime, bsl_runtime_free)

G_END_DECLS
