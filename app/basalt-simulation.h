/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "bsl-runner.h"

#include "basalt-probe.h"

G_BEGIN_DECLS

typedef enum
{
  BASALT_SIMULATION_STOPPED,   /* nothing compiled, the network changed since, or stopped */
  BASALT_SIMULATION_RUNNING,
  BASALT_SIMULATION_PAUSED,
} BasaltSimulationState;

#define BASALT_TYPE_SIMULATION_STATE (basalt_simulation_state_get_type ())
GType basalt_simulation_state_get_type (void) G_GNUC_CONST;

#define BASALT_TYPE_SIMULATION (basalt_simulation_get_type ())

G_DECLARE_FINAL_TYPE (BasaltSimulation, basalt_simulation, BASALT, SIMULATION, GObject)

/* A run of the open network on the engine's worker thread, and the probes it records (each a
 * BasaltProbe that views draw). While the run goes on, what the engine recorded is brought over
 * to the probes about 30 times a second, and the properties "state", "time" and "rate" follow
 * it; basalt_simulation_sync() does the same at once. "speed" is the pace asked for.
 *
 * Signals: "probe-added" (BasaltProbe *probe), "probe-removed" (same), "probes-cleared" (). */

BasaltSimulation      *basalt_simulation_new            (void);
BasaltSimulationState  basalt_simulation_get_state      (BasaltSimulation  *self);
gint64                 basalt_simulation_get_time       (BasaltSimulation  *self);
double                 basalt_simulation_get_rate       (BasaltSimulation  *self);
gboolean               basalt_simulation_is_compiled    (BasaltSimulation  *self);

/* Compiles the graph (dropping any earlier run) so that start/step run it. */
gboolean               basalt_simulation_compile        (BasaltSimulation  *self,
                                                         const BslGraph    *graph,
                                                         BslTag             tag,
                                                         GError           **error);
/* The network changed shape: the current run can no longer continue. Plots keep their data. */
void                   basalt_simulation_invalidate     (BasaltSimulation  *self);
void                   basalt_simulation_start          (BasaltSimulation  *self,
                                                         gint64             n_steps);
void                   basalt_simulation_pause          (BasaltSimulation  *self);
/* Ends the run where it is: its data stays (plots, CSV export), but it cannot continue; the
 * next run compiles the network again. */
void                   basalt_simulation_stop           (BasaltSimulation  *self);
void                   basalt_simulation_step           (BasaltSimulation  *self);
void                   basalt_simulation_reset          (BasaltSimulation  *self);
/* Blocks until a run of n_steps has finished (tests, scripts). */
void                   basalt_simulation_wait           (BasaltSimulation  *self);
/* 0 = as fast as possible. */
void                   basalt_simulation_set_speed      (BasaltSimulation  *self,
                                                         double             steps_per_second);
double                 basalt_simulation_get_speed      (BasaltSimulation  *self);

/* Queued for the next step of the running network. */
gboolean               basalt_simulation_set_var        (BasaltSimulation  *self,
                                                         const char        *process,
                                                         const char        *var,
                                                         const BslArray    *value,
                                                         GError           **error);

/* "proc.s_out" (raster) or "proc.v" (trace). Added to the running network when there is one. */
gboolean               basalt_simulation_add_probe      (BasaltSimulation  *self,
                                                         const BslGraph    *graph,
                                                         const char        *target,
                                                         GError           **error);
gboolean               basalt_simulation_remove_probe   (BasaltSimulation  *self,
                                                         const char        *target);
/* Which neurons a trace probe shows (at most 8); for a Var with an element per synapse, which
 * synapses (row-major indices post * n_pre + pre). A Var of more than 4096 elements (a large
 * connection's weights) records only the elements shown: newly chosen ones from then on. */
gboolean               basalt_simulation_set_trace_neurons (BasaltSimulation *self,
                                                         const char        *target,
                                                         const gsize       *indices,
                                                         guint              n_indices,
                                                         GError           **error);
/* Fills indices (room for 8) and returns how many there are. */
guint                  basalt_simulation_get_trace_neurons (BasaltSimulation *self,
                                                         const char        *target,
                                                         gsize             *indices);
/* For a Var with an element per synapse, the number of pre-synaptic neurons; else 0. */
gsize                  basalt_simulation_get_columns    (BasaltSimulation  *self,
                                                         const char        *target);
gboolean               basalt_simulation_has_probe      (BasaltSimulation  *self,
                                                         const char        *target);
guint                  basalt_simulation_get_n_probes   (BasaltSimulation  *self);
BasaltProbe           *basalt_simulation_get_probe      (BasaltSimulation  *self,
                                                         guint              index);
const char            *basalt_simulation_get_target     (BasaltSimulation  *self,
                                                         guint              index);
void                   basalt_simulation_clear_probes   (BasaltSimulation  *self);
/* Names of the processes that have a probe (NULL-terminated, owned by the caller). */
char                 **basalt_simulation_dup_probed     (BasaltSimulation  *self);

/* A Var of the running network as it is now, and the steps made so far (NULL without a run). */
BslArray              *basalt_simulation_dup_var        (BasaltSimulation  *self,
                                                         const char        *process,
                                                         const char        *var,
                                                         gint64            *step,
                                                         GError           **error);

void                   basalt_simulation_sync           (BasaltSimulation  *self);
gboolean               basalt_simulation_write_csv      (BasaltSimulation  *self,
                                                         const char        *path,
                                                         GError           **error);

G_END_DECLS
