/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internal: the optimiser methods bsl_optimizer_run() dispatches to. Each runs on the state in
 * bsl-optimizer-private.h until the run stops. */
#pragma once

#include "bsl-optimizer-private.h"

G_BEGIN_DECLS

void     _bsl_optimizer_run_nelder_mead (BslOptimizer *opt);
void     _bsl_optimizer_run_cma_es      (BslOptimizer *opt);
void     _bsl_optimizer_run_integer     (BslOptimizer *opt);

G_END_DECLS
