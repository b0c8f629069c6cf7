/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "bsl-c-export.h"
#include "bsl-error.h"
#include "bsl-interop.h"
#include "bsl-lava-export.h"
#include "bsl-nir-export.h"

gboolean
bsl_export_format_from_string (const char      *text,
                               BslExportFormat *format)
{
  static const char *const names[] = { "nir", "c", "lava" };

  g_return_val_if_fail (format != NULL, FALSE);

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (text, names[i]) == 0)
      {
        *format = (BslExportFormat) i;
        return TRUE;
      }
  return FALSE;
}

const char *
bsl_export_format_extension (BslExportFormat format)
{
  switch (format)
    {
    case BSL_EXPORT_NIR:
      return "nir";
    case BSL_EXPORT_C:
      return "c";
    case BSL_EXPORT_LAVA:
      return "py";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
bsl_export_file (const BslGraph         *graph,
                 BslExportFormat         format,
                 const char             *path,
                 const BslExportOptions *options,
                 GPtrArray              *notes,
                 GError                **error)
{
  BslExportOptions defaults = { .tag = BSL_TAG_NONE, .steps = -1 };
  const BslExportOptions *o = options != NULL ? options : &defaults;

  g_return_val_if_fail (graph != NULL && path != NULL, FALSE);

  switch (format)
    {
    case BSL_EXPORT_NIR:
      {
        BslNirExportOptions nir = { .dt = o->dt, .tag = o->tag };
        return bsl_nir_export_file (graph, path, &nir, notes, error);
      }
    case BSL_EXPORT_C:
      {
        BslCExportOptions c = {
          .tag = o->tag, .steps = o->steps, .prefix = o->prefix, .probes = o->probes,
          .has_seed = o->has_seed, .seed = o->seed,
        };
        return bsl_c_export_file (graph, path, &c, error);
      }
    case BSL_EXPORT_LAVA:
      {
        BslLavaExportOptions lava = { .tag = o->tag, .steps = o->steps, .probes = o->probes };
        return bsl_lava_export_file (graph, path, &lava, notes, error);
      }
    default:
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED, "unknown export format %d", format);
      return FALSE;
    }
}
