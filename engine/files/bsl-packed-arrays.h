/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "bsl-array.h"

G_BEGIN_DECLS

/* Lists of numbers with at least this many elements are read straight into doubles. */
#define BSL_PACKED_ARRAY_MIN 256

/* The large lists of numbers of a .basalt text, read before json-glib sees the text: a JSON tree
 * costs about a hundred bytes per number, a packed list eight. Only the values of parameters
 * ("processes"[i]."params".NAME, a nested list of numbers) and the "index" and "value" lists of
 * their initializer objects are packed; each is replaced in the text by a string that
 * bsl_packed_arrays_lookup() recognizes. A list is packed only when json-glib would read it as
 * the same numbers (every element a plain JSON number, a finite double, the nested lists
 * rectangular); anything else stays in the text, so that json-glib reports its errors as
 * before. */
typedef struct _BslPackedArrays BslPackedArrays;

typedef struct
{
  guint   ndim;
  gsize   dims[BSL_MAX_DIMS];
  gsize   n;
  double *values;
  /* The first element written with a fraction or an exponent (json-glib reads those as doubles,
   * the others as integers); n when there is none. */
  gsize   first_fraction;
} BslPackedArray;

/* Packs every list of at least @min_numbers numbers at a parameter's place in @data. Returns the
 * text to hand to json-glib (@data with each packed list replaced, lines and the columns after it
 * kept for json-glib's messages) in @text, and in @structure the number of JSON values left in
 * that text (for the size of its tree). @data must have passed the plain-JSON check. */
BslPackedArrays      *bsl_packed_arrays_extract   (const char             *data,
                                                   gsize                   length,
                                                   gsize                   min_numbers,
                                                   GString               **text,
                                                   guint64                *structure);
void                  bsl_packed_arrays_free      (BslPackedArrays        *arrays);
/* The bytes of the packed numbers. */
guint64               bsl_packed_arrays_bytes     (const BslPackedArrays  *arrays);
/* The packed list @node stands for, or NULL when it is not a placeholder of @arrays (which may
 * be NULL). */
BslPackedArray       *bsl_packed_arrays_lookup    (const BslPackedArrays  *arrays,
                                                   JsonNode               *node);
/* Whether a member of @object stands for a packed list. */
gboolean              bsl_packed_arrays_in_object (const BslPackedArrays  *arrays,
                                                   JsonObject             *object);
/* The list as an array of its shape; its values move into the array. NULL when it was taken
 * before. */
BslArray             *bsl_packed_array_take       (BslPackedArray         *packed);

/* bsl_initializer_expand() for an initializer whose "index" and "value" lists may be packed. */
BslArray             *_bsl_initializer_expand_packed (JsonNode              *init,
                                                      guint                  ndim,
                                                      const gsize           *dims,
                                                      const char            *base_dir,
                                                      const BslPackedArrays *packed,
                                                      GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BslPackedArrays, bsl_packed_arrays_free)

G_END_DECLS
