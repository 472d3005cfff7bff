/* What every daemon's configuration has: its logging and its clock source.  A daemon's
 * configuration struct begins with a struct proc_conf, so that the directives below
 * (log_level, syslog, clock) serve both the site's and the server's files. */
#ifndef CVD_PROCCONF_H
#define CVD_PROCCONF_H

#include <stddef.h>

#include "core/clock.h"
#include "core/conf.h"

struct proc_conf {
  int log_level;         /* -1: the default */
  int use_syslog;
  struct clk_conf clock;
};

void proc_conf_default(struct proc_conf *p);

/* Handlers for the directives log_level, syslog and clock; user points at a struct whose
 * first member is a struct proc_conf. */
int proc_h_log_level(void *u, int argc, char **argv, char *err, size_t errlen);
int proc_h_syslog(void *u, int argc, char **argv, char *err, size_t errlen);
int proc_h_clock(void *u, int argc, char **argv, char *err, size_t errlen);
#define PROC_CONF_DIRECTIVES                                                               \
  {"log_level", 1, 1, proc_h_log_level}, {"syslog", 1, 1, proc_h_syslog},                  \
      {"clock", 1, 4, proc_h_clock}

/* Applies a --log-level option (NULL: none); -1 if it is not a level. */
int proc_log_option(struct proc_conf *p, const char *level);
/* Opens the log as ident and sets the clock source. */
void proc_start(const struct proc_conf *p, const char *ident);

#endif
