/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The GTK application; argv as given to main(). Returns the exit status. */
int basalt_gui_main (int    argc,
                     char **argv);
