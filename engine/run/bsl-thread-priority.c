/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#ifdef __linux__
# include <sys/resource.h>
# include <sys/syscall.h>
# include <unistd.h>
#endif

#include "bsl-thread-priority.h"

/* Linux keeps a nice value per thread; elsewhere this does nothing. Best effort: on failure the
 * thread only competes at equal priority. A thread it starts later inherits the value. */
void
bsl_thread_lower_priority (int niceness)
{
#ifdef __linux__
  pid_t tid = (pid_t) syscall (SYS_gettid);

  (void) setpriority (PRIO_PROCESS, (id_t) tid, getpriority (PRIO_PROCESS, (id_t) tid) + niceness);
#else
  (void) niceness;
#endif
}
