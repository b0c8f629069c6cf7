/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Background work (a run or a fit behind a window) lowers the calling thread's priority by
 * these nice steps, so that the window's thread and the renderer get the CPU first whenever
 * both want it: frames keep their pace on a machine with every core busy. */
#define BSL_BACKGROUND_NICENESS 10

void bsl_thread_lower_priority (int niceness);

G_END_DECLS
