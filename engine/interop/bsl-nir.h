/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Conventions the NIR importer and exporter share. */

/* The time step assumed when a NIR file has no numeric "dt" in its metadata: 1 ms. */
#define BSL_NIR_DEFAULT_DT 1e-3

/* Threshold given to the LIF that stands for a non-spiking NIR neuron (I, LI, CubaLI): its v is
 * the node's output and it never spikes. The exporter turns such a LIF back into I/LI/CubaLI. */
#define BSL_NIR_NONSPIKING_VTH 1e15
