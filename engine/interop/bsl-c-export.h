/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"

G_BEGIN_DECLS

typedef struct
{
  BslTag        tag;      /* BSL_TAG_NONE: the network's run tag (processes keep their "model") */
  guint64       seed;     /* default seed of the program (PoissonSource) */
  gboolean      has_seed; /* FALSE: the network's run seed */
  gint64        steps;    /* default --steps; < 0: the network's run steps */
  const char   *prefix;   /* C identifier for the library API; NULL: "net" */
  const char  **probes;   /* NULL-terminated "proc.var" list; NULL: what `basalt run` records */
} BslCExportOptions;

/* Produces one self-contained C file (libc and libm only) that steps the network exactly as the
 * engine does, with the engine's kernels compiled in. As a program (`cc -O2 net.c -lm`) it takes
 * --steps N [--seed S] [--probe PROC.VAR]... and prints the CSV of `basalt run --out`. Compiled
 * with -D<PREFIX>_NO_MAIN it is a library: <prefix>_init, _step, _reset, _time, _size, _read,
 * _write, _data, _set_seed (see the comment at the top of the generated file). The network is
 * compiled first, so every error a run would report is reported here. Returns the source. */
char     *bsl_c_export_to_string (const BslGraph           *graph,
                                  const BslCExportOptions  *options,
                                  GError                  **error);
/* The same, written to a temporary file beside path and renamed over it. */
gboolean  bsl_c_export_file      (const BslGraph           *graph,
                                  const char               *path,
                                  const BslCExportOptions  *options,
                                  GError                  **error);

G_END_DECLS
