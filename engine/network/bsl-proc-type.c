/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bsl-equations-type.h"
#include "bsl-model.h"
#include "bsl-proc-type.h"
#include "bsl-proc-synapses.h"

static const BslProcType *registry[] = {
  &bsl_proc_type_lif,
  &bsl_proc_type_lif_reset,
  &bsl_proc_type_lif_refractory,
  &bsl_proc_type_ternary_lif,
  &bsl_proc_type_atrlif,
  &bsl_proc_type_rf,
  &bsl_proc_type_sigma_delta,
  &bsl_proc_type_izhikevich,
  &bsl_proc_type_adex,
  &bsl_proc_type_cond_lif,
  &bsl_proc_type_equations,
  &bsl_proc_type_dense,
  &bsl_proc_type_sparse,
  &bsl_proc_type_random_sparse,
  &bsl_proc_type_delay_dense,
  &bsl_proc_type_learning_dense,
  &bsl_proc_type_synapses,
  &bsl_proc_type_ring_buffer,
  &bsl_proc_type_spiker,
  &bsl_proc_type_poisson_source,
  &bsl_proc_type_current_source,
  &bsl_proc_type_monitor,
};

const char *
bsl_tag_to_string (BslTag tag)
{
  switch (tag)
    {
    case BSL_TAG_FLOATING_PT:
      return "floating_pt";
    case BSL_TAG_FIXED_PT:
      return "fixed_pt";
    case BSL_N_TAGS:
    default:
      return "none";
    }
}

gboolean
bsl_tag_from_string (const char *text,
                     BslTag     *tag)
{
  if (g_strcmp0 (text, "floating_pt") == 0)
    *tag = BSL_TAG_FLOATING_PT;
  else if (g_strcmp0 (text, "fixed_pt") == 0 || g_strcmp0 (text, "bit_accurate_loihi") == 0)
    *tag = BSL_TAG_FIXED_PT;
  else
    return FALSE;
  return TRUE;
}

const char *
bsl_category_to_string (BslCategory category)
{
  static const char *names[] = { "Neurons", "Connections", "Inputs", "Monitors" };

  g_return_val_if_fail (category < BSL_N_CATEGORIES, "");
  return names[category];
}

const BslProcType *
bsl_proc_type_lookup (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (registry); i++)
    if (g_strcmp0 (registry[i]->name, name) == 0)
      return registry[i];
  return NULL;
}

const BslProcType **
bsl_proc_type_list (guint *n_types)
{
  if (n_types != NULL)
    *n_types = G_N_ELEMENTS (registry);
  return registry;
}

const BslPreset *
bsl_proc_type_find_preset (const BslProcType *type,
                           const char        *name)
{
  for (guint i = 0; i < type->n_presets; i++)
    if (g_strcmp0 (type->presets[i].name, name) == 0)
      return &type->presets[i];
  return NULL;
}

const BslVarSpec *
bsl_proc_type_find_var (const BslProcType *type,
                        const char        *name)
{
  for (guint i = 0; i < type->n_vars; i++)
    if (strcmp (type->vars[i].name, name) == 0)
      return &type->vars[i];
  return NULL;
}

const BslPortSpec *
bsl_proc_type_find_port (const BslProcType *type,
                         const char        *name)
{
  for (guint i = 0; i < type->n_ports; i++)
    if (strcmp (type->ports[i].name, name) == 0)
      return &type->ports[i];
  return NULL;
}

gboolean
bsl_proc_type_has_model (const BslProcType *type,
                         BslTag             tag)
{
  return tag < BSL_N_TAGS && type->models[tag] != NULL;
}

gboolean
bsl_proc_type_is_plastic (const BslProcType *type)
{
  return type == &bsl_proc_type_learning_dense;
}

gboolean
bsl_var_spec_shape (const BslVarSpec *spec,
                    guint             proc_ndim,
                    const gsize      *proc_dims,
                    guint            *ndim,
                    gsize            *dims)
{
  switch (spec->shape)
    {
    case BSL_SHAPE_POPULATION:
      *ndim = proc_ndim;
      for (guint i = 0; i < proc_ndim; i++)
        dims[i] = proc_dims[i];
      return TRUE;
    case BSL_SHAPE_SCALAR:
      *ndim = 0;
      return TRUE;
    case BSL_SHAPE_ROWS:
      *ndim = 1;
      dims[0] = proc_dims[0];
      return TRUE;
    case BSL_SHAPE_COLUMNS:
      *ndim = 1;
      dims[0] = proc_ndim > 1 ? proc_dims[1] : proc_dims[0];
      return TRUE;
    case BSL_SHAPE_TIME_SERIES:
    default:
      return FALSE;
    }
}

void
bsl_port_spec_shape (const BslPortSpec *spec,
                     guint              proc_ndim,
                     const gsize       *proc_dims,
                     guint             *ndim,
                     gsize             *dims)
{
  switch (spec->shape)
    {
    case BSL_PORT_SHAPE_ROWS:
      *ndim = 1;
      dims[0] = proc_dims[0];
      break;
    case BSL_PORT_SHAPE_COLUMNS:
      *ndim = 1;
      dims[0] = proc_ndim > 1 ? proc_dims[1] : proc_dims[0];
      break;
    case BSL_PORT_SHAPE_POPULATION:
    default:
      *ndim = proc_ndim;
      for (guint i = 0; i < proc_ndim; i++)
        dims[i] = proc_dims[i];
      break;
    }
}

gsize
bsl_port_spec_size (const BslPortSpec *spec,
                    guint              proc_ndim,
                    const gsize       *proc_dims)
{
  guint ndim;
  gsize dims[BSL_MAX_DIMS];
  gsize n = 1;

  bsl_port_spec_shape (spec, proc_ndim, proc_dims, &ndim, dims);
  for (guint i = 0; i < ndim; i++)
    n *= dims[i];
  return n;
}

const BslProcType *
bsl_proc_type_ref (const BslProcType *type)
{
  if (type != NULL && type->ref_type != NULL)
    type->ref_type (type);
  return type;
}

void
bsl_proc_type_unref (const BslProcType *type)
{
  if (type != NULL && type->unref_type != NULL)
    type->unref_type (type);
}
