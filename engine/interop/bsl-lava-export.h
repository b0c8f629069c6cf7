/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"

G_BEGIN_DECLS

typedef struct
{
  BslTag       tag;      /* BSL_TAG_NONE: the network's run tag */
  gint64       steps;    /* default number of steps; < 0: the network's run steps */
  const char **probes;   /* NULL-terminated "proc.var" list probed with lava's Monitor */
} BslLavaExportOptions;

/* Writes a Python script that builds the network from Lava's process library with the same
 * parameters (integers under fixed_pt), runs it with Loihi2SimCfg(select_tag=TAG) and saves what
 * every Monitor received (through lava.proc.io.sink.RingBuffer) and every probe (through
 * lava.proc.monitor.Monitor) as .npy files and one CSV in the format of `basalt run --out`.
 * Basalt's own sources (Spiker, PoissonSource, CurrentSource) become source RingBuffers holding
 * exactly what the engine would send over the run; notes lists them. */
char     *bsl_lava_export_to_string (const BslGraph              *graph,
                                     const BslLavaExportOptions  *options,
                                     GPtrArray                   *notes,
                                     GError                     **error);
gboolean  bsl_lava_export_file      (const BslGraph              *graph,
                                     const char                  *path,
                                     const BslLavaExportOptions  *options,
                                     GPtrArray                   *notes,
                                     GError                     **error);

G_END_DECLS
