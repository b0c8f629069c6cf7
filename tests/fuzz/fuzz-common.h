/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stdint.h>

/* Called once before the first input: a small memory budget (so that a huge shape is refused
 * quickly rather than allocated), and no data files outside the scratch folder. */
void        fuzz_setup           (void);
/* A scratch folder of this process, for inputs that must be files. */
const char *fuzz_scratch_dir     (void);
/* Writes the input to a file of the scratch folder named @name; returns its path. */
char       *fuzz_write_input     (const char    *name,
                                  const uint8_t *data,
                                  size_t         size);
/* A refusal must be a bad-input error (exit 2) that names @display; anything else aborts, so
 * that libFuzzer reports it. */
void        fuzz_check_refusal   (const GError  *error,
                                  const char    *display);

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
