/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses of the command-line verbs. */
#define BASALT_EXIT_OK        0
#define BASALT_EXIT_FAILURE   1
#define BASALT_EXIT_BAD_INPUT 2

/* Each verb takes argv without the program name (argv[0] is the verb) and returns an exit status.
 * They use engine/ only. */
typedef int (*BasaltCliVerb) (int argc, char **argv);

gboolean basalt_cli_is_verb     (const char *word);
int      basalt_cli_dispatch    (int argc, char **argv);

int      basalt_cli_run         (int argc, char **argv);
int      basalt_cli_bench       (int argc, char **argv);
int      basalt_cli_export      (int argc, char **argv);
int      basalt_cli_import      (int argc, char **argv);
int      basalt_cli_fit         (int argc, char **argv);

/* basalt fit on a LearningDense: its rule fitted to a weight trajectory. */
typedef struct
{
  const char *network_path;
  const char *process;
  const char *reference;
  const char *probe;            /* --var: the probe of the reference to read */
  const char *params;
  const char *tag;
  const char *method;
  gint64      seed;
  gint64      max_evaluations;
  const char *out;              /* result JSON ("-": stdout) */
  const char *save;             /* the network with the fitted rule */
  const char *step_errors;      /* step,max_abs_error,rmse */
  const char *history;          /* every candidate, sorted by value */
} BasaltCliRuleFit;

int      basalt_cli_fit_rule    (const BasaltCliRuleFit *options);

/* --threads: FALSE (after a message) when negative; more than four per core are clamped. */
gboolean basalt_cli_threads     (const char *verb,
                                 int         threads,
                                 guint      *n_threads);

/* Prints "basalt VERB: message" to stderr and returns the status the error calls for
 * (2 for bad input, 1 otherwise). */
int      basalt_cli_fail        (const char   *verb,
                                 const GError *error);

/* Prints "basalt VERB: message" to stderr and returns 2 (bad input). */
int      basalt_cli_fail_input  (const char   *verb,
                                 const char   *format,
                                 ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
