/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-array.h"
#include "bsl-atomic-file.h"
#include "bsl-bench.h"
#include "bsl-equations-type.h"
#include "bsl-error.h"
#include "bsl-graph.h"
#include "bsl-limits.h"
#include "bsl-graph-probes.h"
#include "bsl-network-file.h"
#include "bsl-proc-type.h"
#include "bsl-runner.h"
#include "bsl-runtime.h"
#include "bsl-types.h"
