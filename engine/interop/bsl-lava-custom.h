/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-graph.h"

G_BEGIN_DECLS

/* Izhikevich, AdEx, CondLIF and Equations processes: written into the Lava script as processes
 * of its own (see bsl-lava-custom.c). */
gboolean  _bsl_lava_custom_supported  (const BslProcess *process);
char     *_bsl_lava_custom_class_name (const BslProcess *process);
/* The imports, helpers and classes for these processes (BslProcess*), and CUSTOM_MODELS, the
 * map from each class to its model; nothing when there are none. run_seed keys the random
 * draws of Equations processes as the engine does. */
gboolean  _bsl_lava_custom_classes    (GString          *s,
                                       const GPtrArray  *processes,
                                       guint64           run_seed,
                                       GError          **error);

G_END_DECLS
