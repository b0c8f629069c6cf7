/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "bsl-array.h"
#include "bsl-equations-type.h"
#include "bsl-learning-rule.h"

G_BEGIN_DECLS

/* Engine values as the typed parameters of the Designer's actions: the widgets that request a
 * change build them, the page that owns the network reads them back. Each reading gives what
 * was written, exactly. */

/* A parameter's value, or nothing for "back to the default": (shape, elements, the
 * initializer object as JSON text when the value came from one). */
#define BASALT_VARIANT_TYPE_PARAM_VALUE "m(atadms)"
/* An Equations process's texts: model, threshold, reset, refractory, input, method. */
#define BASALT_VARIANT_TYPE_EQUATIONS   "(msmsmsmsmsms)"
/* A learning rule's fields: kind, learning_rate, A_plus, A_minus, tau_plus, tau_minus, the dw, dd
 * and dt strings, trace impulses and taus, t_epoch, has_rng_seed, rng_seed. */
#define BASALT_VARIANT_TYPE_LEARNING_RULE "(udddddamsadadxbx)"

GVariant        *basalt_variant_new_param_value     (const BslArray         *value);
/* NULL for nothing. */
BslArray        *basalt_variant_dup_param_value     (GVariant               *variant);

GVariant        *basalt_variant_new_equations       (const BslEquationsText *text);
/* The strings are borrowed from the variant. */
void             basalt_variant_get_equations       (GVariant               *variant,
                                                     BslEquationsText       *text);

GVariant        *basalt_variant_new_learning_rule   (const BslLearningRule  *rule);
BslLearningRule *basalt_variant_dup_learning_rule   (GVariant               *variant);

G_END_DECLS
