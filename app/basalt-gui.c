/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>

#include "basalt-application.h"
#include "basalt-gui.h"

int
basalt_gui_main (int    argc,
                 char **argv)
{
  g_autoptr(BasaltApplication) application = NULL;

  /* GTK sets the locale when it starts; the interface's strings (marked in the .ui files and
   * with _()) come from Basalt's catalogue. The command line keeps the C locale, so that the
   * numbers it writes read the same everywhere. */
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = basalt_application_new (G_APPLICATION_DEFAULT_FLAGS);
  g_set_application_name ("Basalt");
  return g_application_run (G_APPLICATION (application), argc, argv);
}
