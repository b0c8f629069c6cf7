/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "basalt-engine.h"

G_BEGIN_DECLS

/* Paths of the suite's own data (tests/data, BASALT_TEST_DATA_DIR) and of data/examples. */
char      *test_data_path       (const char *first, ...) G_GNUC_NULL_TERMINATED;
char      *test_examples_path   (const char *name);
/* Runs the basalt executable; returns the exit status and the captured output. */
int        test_run_basalt      (char      **out,
                                 char      **err,
                                 const char *first_arg,
                                 ...) G_GNUC_NULL_TERMINATED;
char      *test_tmp_dir         (void);
/* The network a reference trace (tests/data/reference/traces/KIND/NAME.json) describes: the
 * neuron "neuron", its drive "drive" (RingBuffer) and synapses "syn" (Dense), run for the
 * trace's steps under its tag (also returned in tag). */
BslGraph  *test_trace_network   (const char *json_path,
                                 BslTag     *tag);
/* One test case PREFIX/NAME per file of dir ending in suffix, in name order, given its path. */
void       test_add_dir_cases   (const char   *prefix,
                                 const char   *dir,
                                 const char   *suffix,
                                 GTestDataFunc func);
/* Writes @contents to @dir/@name; returns the path. */
char      *test_write_file      (const char *dir,
                                 const char *name,
                                 const char *contents);
/* Runs the reference nir package's interpreter on args (a script or "-c" code, then its
 * arguments): BASALT_NIR_PYTHON (else python3 on PATH) with PYTHONPATH = BASALT_NIR_PYTHONPATH.
 * When that variable is not set the test is skipped, saying why, and FALSE returned. *status is
 * the wait status. */
gboolean   test_run_nir_python  (const char *const *args,
                                 char             **out,
                                 char             **err,
                                 int               *status);
/* Removes a folder and everything below it (symbolic links, not what they point to). */
void       test_remove_tree     (const char *path);

/* The network of a Lava learning case (the "spec" of tests/data/learning/traces/NAME.json) as a
 * .basalt text: RingBuffer "pre" -> LearningDense "syn" -> LIF "post", post's s_out into
 * syn's s_in_bap. */
char      *test_learning_case_network (JsonObject *spec);
/* That network loaded, for the case tests/data/learning/traces/NAME.json. */
BslGraph  *test_learning_case_graph   (const char *name);

G_END_DECLS
