/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BASALT_TYPE_WEIGHT_MAP (basalt_weight_map_get_type ())

G_DECLARE_FINAL_TYPE (BasaltWeightMap, basalt_weight_map, BASALT, WEIGHT_MAP, GtkWidget)

/* The weight matrix of a connection as a heat map: a row per post-synaptic neuron (row 0 on
 * top), a column per pre-synaptic one, and a colour scale with the weight range beside it.
 * However large the matrix, it is drawn as one image of at most the widget's size in device
 * pixels (a pixel shows the mean of the synapses it covers), so a 1000 x 1000 matrix costs one
 * pass over its values per update and nothing per frame. The colour range only widens while
 * the shape stays, so that colours stay comparable as the weights learn; signed weights get a
 * diverging scale centred on 0. */
GtkWidget *basalt_weight_map_new            (void);
/* Copies the weights (n_post rows of n_pre values) recorded after the step. */
void       basalt_weight_map_set_weights    (BasaltWeightMap *self,
                                             const double    *weights,
                                             gsize            n_post,
                                             gsize            n_pre,
                                             gint64           step);
/* Forgets the weights (and the range): the map says there is nothing to show. */
void       basalt_weight_map_clear          (BasaltWeightMap *self);
gboolean   basalt_weight_map_has_weights    (BasaltWeightMap *self);
gint64     basalt_weight_map_get_step       (BasaltWeightMap *self);
/* The range the colour scale spans. */
void       basalt_weight_map_get_range      (BasaltWeightMap *self,
                                             double          *lowest,
                                             double          *highest);
/* The weight of a synapse as shown now (NAN outside the matrix). */
double     basalt_weight_map_get_weight     (BasaltWeightMap *self,
                                             gsize            post,
                                             gsize            pre);
/* How long the last image of the matrix took to make, in milliseconds. */
double     basalt_weight_map_get_last_image_ms (BasaltWeightMap *self);

G_END_DECLS
