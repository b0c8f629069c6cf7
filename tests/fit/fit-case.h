/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "basalt-engine.h"
#include "fit/bsl-reference.h"

G_BEGIN_DECLS

/* A case of tests/data/reference/traces/: the reference and the population that made it. */
typedef struct
{
  char         *name;
  char         *csv_path;
  BslTag        tag;
  BslProcess   *neuron;       /* with the case's true parameters */
  BslReference *ref;
  GPtrArray    *params;       /* names of the neuron parameters the case sets (char *) */
  JsonObject   *spec;         /* the case's "spec" object */
  JsonParser   *parser;
} FitCase;

/* Every case of traces/KIND (fixed or float), sorted by name. */
GPtrArray *fit_case_load_all (const char *kind);
void       fit_case_free     (FitCase    *fit_case);
/* The case's network: the drive of its JSON (a RingBuffer of currents, or a RingBuffer of
 * events through a Dense) wired to the population, as Lava ran it. */
BslGraph  *fit_case_network  (const FitCase *fit_case);

/* Removes the files of a test's temporary folder (keeping *.png screenshots when keep_png), and
 * the folder when it is then empty. */
void       fit_remove_tmp_dir (const char *dir,
                               gboolean    keep_png);

G_END_DECLS
