/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "basalt-application.h"
#include "basalt-gui.h"

int
basalt_gui_main (int    argc,
                 char **argv)
{
  g_autoptr(BasaltApplication) application = basalt_application_new (G_APPLICATION_DEFAULT_FLAGS);

  g_set_application_name ("Basalt");
  return g_application_run (G_APPLICATION (application), argc, argv);
}
