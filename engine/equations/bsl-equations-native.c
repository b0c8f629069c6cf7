/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The step of a model as machine code: the C source of bsl_eq_c_source, built once per model
 * with the system's C compiler into the user's cache, then loaded. Without a compiler (or with
 * BASALT_EQUATIONS=interpreted) the instruction list is stepped as before. */
#include "config.h"

#include <dlfcn.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "bsl-error.h"
#include "bsl-equations-private.h"

#define SYMBOL "bsl_native_step"

/* The same floating-point rules as the engine's build, so that both give the same bits. */
static const char *const cc_flags[] = { "-O3", "-fPIC", "-shared", "-ffp-contract=off", NULL };

static gint native_enabled = -1;

void
bsl_equations_set_native_enabled (gboolean enabled)
{
  g_atomic_int_set (&native_enabled, enabled ? 1 : 0);
}

gboolean
bsl_equations_get_native_enabled (void)
{
  gint v = g_atomic_int_get (&native_enabled);

  if (v < 0)
    return g_strcmp0 (g_getenv ("BASALT_EQUATIONS"), "interpreted") != 0;
  return v != 0;
}

static char *
compiler (void)
{
  const char *cc = g_getenv ("CC");

  return g_find_program_in_path (cc != NULL && *cc != '\0' ? cc : "cc");
}

/* Builds source into the shared object at path (through a temporary name, so that another
 * process never loads half a file). */
static gboolean
build (const char  *cc,
       const char  *source,
       const char  *path,
       GError     **error)
{
  g_autofree char *c_path = g_strconcat (path, ".c", NULL);
  g_autofree char *tmp = g_strdup_printf ("%s.%d.tmp", path, (int) getpid ());
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_file_set_contents (c_path, source, -1, error))
    return FALSE;
  g_ptr_array_add (argv, (gpointer) cc);
  for (guint i = 0; cc_flags[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) cc_flags[i]);
  g_ptr_array_add (argv, (gpointer) "-o");
  g_ptr_array_add (argv, tmp);
  g_ptr_array_add (argv, c_path);
  g_ptr_array_add (argv, (gpointer) "-lm");
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "%s failed: %s", cc, err);
      g_unlink (tmp);
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "cannot write %s", path);
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

static gboolean
load (BslEquations  *eq,
      GError       **error)
{
  g_autofree char *cc = compiler ();
  g_autofree char *source = NULL;
  g_autofree char *dir = NULL, *path = NULL, *key = NULL, *name = NULL;
  g_autoptr (GString) keyed = NULL;
  void *module;

  if (!bsl_equations_get_native_enabled ())
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED, "interpreted as asked");
      return FALSE;
    }
  if (cc == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_UNSUPPORTED, "no C compiler (%s) found",
                   g_getenv ("CC") != NULL && *g_getenv ("CC") != '\0' ? g_getenv ("CC") : "cc");
      return FALSE;
    }
  source = bsl_eq_c_source (eq, "bsl_native", TRUE, error);
  if (source == NULL)
    return FALSE;
  keyed = g_string_new (source);
  g_string_append (keyed, cc);
  for (guint i = 0; cc_flags[i] != NULL; i++)
    g_string_append (keyed, cc_flags[i]);
  key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, keyed->str, -1);
  dir = g_build_filename (g_get_user_cache_dir (), "basalt", "equations", NULL);
  name = g_strconcat (key, ".so", NULL);
  path = g_build_filename (dir, name, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "cannot create %s", dir);
      return FALSE;
    }
  if (!g_file_test (path, G_FILE_TEST_EXISTS) && !build (cc, source, path, error))
    return FALSE;
  module = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  if (module == NULL || (eq->native = (BslEqNativeStep) dlsym (module, SYMBOL)) == NULL)
    {
      g_set_error (error, BSL_ERROR, BSL_ERROR_FAILED, "cannot load %s: %s", path, dlerror ());
      if (module != NULL)
        dlclose (module);
      return FALSE;
    }
  eq->native_module = module;
  return TRUE;
}

gboolean
bsl_equations_prepare_native (BslEquations *eq)
{
  gboolean ok;

  g_return_val_if_fail (eq != NULL, FALSE);

  g_mutex_lock (&eq->native_lock);
  if (!eq->native_tried)
    {
      g_autoptr (GError) error = NULL;

      eq->native_tried = TRUE;
      if (!load (eq, &error))
        eq->native_why = g_strdup (error->message);
    }
  ok = eq->native != NULL;
  g_mutex_unlock (&eq->native_lock);
  return ok;
}

const char *
bsl_equations_get_native_why (const BslEquations *eq)
{
  g_return_val_if_fail (eq != NULL, NULL);

  return eq->native_why;
}

void
bsl_eq_native_free (BslEquations *eq)
{
  if (eq->native_module != NULL)
    dlclose (eq->native_module);
  eq->native_module = NULL;
  eq->native = NULL;
  eq->native_tried = FALSE;
  g_clear_pointer (&eq->native_why, g_free);
}
