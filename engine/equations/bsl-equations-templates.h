/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bsl-equations-type.h"

G_BEGIN_DECLS

/* Ready-made equations for an Equations process: a model to start from in the model editor,
 * with parameter and initial values (SI units) that make it run as it is. */
typedef struct
{
  const char             *name;         /* stable identifier */
  const char             *title;        /* what the model editor shows */
  const char             *description;
  const BslEquationsText *text;
  const BslPresetValue   *values;       /* terminated by { NULL, 0 } */
} BslEquationsTemplate;

/* In the order the model editor offers them; the first is what a new Equations process gets. */
const BslEquationsTemplate *bsl_equations_templates        (guint                       *n_templates);
const BslEquationsTemplate *bsl_equations_template_find    (const char                  *name);

/* Gives the process the template's equations and values; on error the process is unchanged. */
gboolean                    bsl_process_apply_equations_template (BslProcess                 *process,
                                                                  const BslEquationsTemplate *tmpl,
                                                                  GError                    **error);

/* Two equation texts alike but for spacing (NULL reads as ""). */
gboolean                    bsl_equations_same_text              (const char                 *a,
                                                                  const char                 *b);
/* Whether an Equations process has the template's texts (spacing aside): what exporters ask
 * before writing it as the model the template stands for. */
gboolean                    bsl_process_has_equations_template   (const BslProcess           *process,
                                                                  const BslEquationsTemplate *tmpl);

/* Whether an Equations process is Lava's floating LIF (the lava_lif template) with one du, dv
 * and vth for all its neurons, as Lava's LIF has: what exporters write as a LIF. When it is the
 * template but a value differs between neurons, FALSE with the reason in error. */
gboolean                    bsl_process_is_lava_lif              (const BslProcess           *process,
                                                                  GError                    **error);

G_END_DECLS
