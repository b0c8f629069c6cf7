/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "bsl-alloc.h"

/* Arrays at least this large are placed on 2 MiB pages where the kernel offers them on request:
 * a weight matrix of a few thousand neurons a side otherwise costs tens of thousands of page
 * faults to build and a TLB miss every few rows to read. */
#define LARGE_BYTES ((gsize) 8 << 20)
#define HUGE_PAGE   ((gsize) 2 << 20)

/* Zeroed memory for n_elements of element_size, released with g_free. */
gpointer
bsl_alloc_zeroed (gsize n_elements,
                  gsize element_size)
{
  gsize bytes;
  void *memory = NULL;

  if (n_elements == 0)
    n_elements = 1;
  if (!g_size_checked_mul (&bytes, n_elements, element_size))
    g_error ("%s: overflow allocating %" G_GSIZE_FORMAT " elements of %" G_GSIZE_FORMAT " bytes",
             G_STRLOC, n_elements, element_size);
  if (bytes < LARGE_BYTES)
    return g_malloc0 (bytes);
  if (posix_memalign (&memory, HUGE_PAGE, bytes) != 0)
    g_error ("%s: failed to allocate %" G_GSIZE_FORMAT " bytes", G_STRLOC, bytes);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  madvise (memory, bytes, MADV_HUGEPAGE);
#endif
  memset (memory, 0, bytes);
  return memory;
}
