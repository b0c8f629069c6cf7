/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BSL_ERROR (bsl_error_quark ())

/* Every code except BSL_ERROR_FAILED is "bad input": the command line exits with status 2. */
typedef enum
{
  BSL_ERROR_FAILED,          /* anything that is not the user's input */
  BSL_ERROR_PARSE,           /* malformed file */
  BSL_ERROR_VERSION,         /* file written by a newer Basalt */
  BSL_ERROR_UNKNOWN_TYPE,    /* process type not in the registry */
  BSL_ERROR_UNKNOWN_PARAM,   /* parameter, Var or port the type does not have */
  BSL_ERROR_SHAPE,           /* shapes that do not fit */
  BSL_ERROR_RANGE,           /* value outside its range (Loihi 2 range under fixed_pt), NaN */
  BSL_ERROR_NAME,            /* invalid or duplicate process name, unknown process */
  BSL_ERROR_CONNECTION,      /* wrong port direction, cycle without delay, ... */
  BSL_ERROR_UNSUPPORTED,     /* no model for the requested tag, unsupported feature */
  BSL_ERROR_NO_SPACE,        /* an output did not fit: a full disk, the quota, ulimit -f */
  BSL_ERROR_NEEDS_FLATTENING, /* a NIR convolution or pooling, imported only as dense weights */
} BslError;

GQuark   bsl_error_quark        (void);
gboolean bsl_error_is_bad_input (const GError *error);
/* The process and parameter a refusal names ("process 'lif' (LIF): parameter 'vth' = ..."), as
 * every message about a process's value is written; NULL for what the message does not name. */
void     bsl_error_dup_subject  (const GError  *error,
                                 char         **process,
                                 char         **param);

G_END_DECLS
