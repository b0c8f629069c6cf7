/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gpointer bsl_alloc_zeroed (gsize n_elements,
                           gsize element_size);

G_END_DECLS
