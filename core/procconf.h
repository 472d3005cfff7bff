/* What every daemon's configuration has: its logging, its clock source, and the bounds of
 * steering commands (which the server keeps its commands within and the site enforces,
 * core/command.h).  The site's and the server's tables include proc_items for a struct
 * proc_conf of theirs. */
#ifndef CVD_PROCCONF_H
#define CVD_PROCCONF_H

#include <stddef.h>

#include "core/clock.h"
#include "core/command.h"
#include "core/conf.h"

struct proc_conf {
  int log_level;         /* enum log_sev */
  int use_syslog;
  struct clk_conf clock;
  struct steer_limits limits;
};

/* log_level, syslog, clock and the command limits, with their defaults. */
extern const struct conf_item proc_items[];

/* Applies a --log-level option (NULL: none); -1 if it is not a level. */
int proc_log_option(struct proc_conf *p, const char *level);
/* Opens the log as ident, sets its level and the clock source.  0, or -1 with err when
 * the clock cannot be set up (a lockstep clock's file). */
int proc_start(const struct proc_conf *p, const char *ident, char *err, size_t errlen);

#endif
