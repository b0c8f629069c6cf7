/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-model.h"

G_BEGIN_DECLS

/* Pieces of the standalone C program for a LearningDense (process index k). */
void _bsl_c_export_learning_storage (GString              *s,
                                     guint                 k,
                                     const BslProcRuntime *pr);
void _bsl_c_export_learning_build   (GString              *s,
                                     guint                 k,
                                     const BslProcRuntime *pr);
void _bsl_c_export_learning_step    (GString              *s,
                                     guint                 k,
                                     const BslProcRuntime *pr);

G_END_DECLS
