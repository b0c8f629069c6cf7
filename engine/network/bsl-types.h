/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Lava's model tags: `floating_pt` computes in double precision, `fixed_pt` is bit-accurate Loihi 2. */
typedef enum
{
  BSL_TAG_FLOATING_PT = 0,
  BSL_TAG_FIXED_PT    = 1,
  BSL_N_TAGS
} BslTag;

#define BSL_TAG_NONE ((BslTag) -1)

const char *bsl_tag_to_string   (BslTag      tag);
gboolean    bsl_tag_from_string (const char *text,
                                 BslTag     *tag);

typedef struct _BslArray       BslArray;
typedef struct _BslProcType    BslProcType;
typedef struct _BslVarSpec     BslVarSpec;
typedef struct _BslPortSpec    BslPortSpec;
typedef struct _BslModel       BslModel;
typedef struct _BslProcess     BslProcess;
typedef struct _BslConnection  BslConnection;
typedef struct _BslGraph       BslGraph;
typedef struct _BslRunConfig   BslRunConfig;
typedef struct _BslRuntime     BslRuntime;
typedef struct _BslProcRuntime BslProcRuntime;
typedef struct _BslProbe       BslProbe;
typedef struct _BslRunner      BslRunner;

G_END_DECLS
