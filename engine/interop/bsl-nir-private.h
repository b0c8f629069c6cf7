/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the NIR reader and writer. */

/* Group under the top-level graph's metadata holding one (x, y) float64 pair per node name:
 * the canvas layout, which NIR itself has no place for. */
#define BSL_NIR_LAYOUT_GROUP "basalt_layout"

/* The version string written to "/version": the NIR release whose layout Basalt writes. */
#define BSL_NIR_VERSION "1.0.7"

/* Metadata dataset marking a nested NIRGraph that stands for a designer group (its value is the
 * group's name): its nodes keep their own names on import and the group comes back. */
#define BSL_NIR_GROUP_MARK "basalt_group"
