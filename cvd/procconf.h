/* What every daemon's configuration has: its logging, its clock source, and the bounds of
 * steering commands (which the server keeps its commands within and the site enforces).
 * A daemon's configuration struct begins with a struct proc_conf, so that the directives
 * below serve both the site's and the server's files. */
#ifndef CVD_PROCCONF_H
#define CVD_PROCCONF_H

#include <stddef.h>

#include "core/clock.h"
#include "core/command.h"
#include "core/conf.h"

struct proc_conf {
  int log_level;         /* -1: the default */
  int use_syslog;
  struct clk_conf clock;
  struct steer_limits limits;
};

void proc_conf_default(struct proc_conf *p);

/* Handlers for the directives log_level, syslog and clock; user points at a struct whose
 * first member is a struct proc_conf. */
int proc_h_log_level(void *u, int argc, char **argv, char *err, size_t errlen);
int proc_h_syslog(void *u, int argc, char **argv, char *err, size_t errlen);
int proc_h_clock(void *u, int argc, char **argv, char *err, size_t errlen);
int proc_h_max_freq(void *u, int argc, char **argv, char *err, size_t errlen);
int proc_h_step_acq(void *u, int argc, char **argv, char *err, size_t errlen);
int proc_h_step_lock(void *u, int argc, char **argv, char *err, size_t errlen);
int proc_h_max_phase(void *u, int argc, char **argv, char *err, size_t errlen);
int proc_h_max_slew(void *u, int argc, char **argv, char *err, size_t errlen);
int proc_h_max_slew_ph(void *u, int argc, char **argv, char *err, size_t errlen);
int proc_h_max_drift(void *u, int argc, char **argv, char *err, size_t errlen);
#define PROC_CONF_DIRECTIVES                                                               \
  {"log_level", 1, 1, proc_h_log_level}, {"syslog", 1, 1, proc_h_syslog},                  \
      {"clock", 1, 4, proc_h_clock}, {"max_freq", 1, 1, proc_h_max_freq},                  \
      {"max_freq_step_acquire", 1, 1, proc_h_step_acq},                                    \
      {"max_freq_step_locked", 1, 1, proc_h_step_lock},                                    \
      {"max_phase_step_ns", 1, 1, proc_h_max_phase},                                       \
      {"max_slew_locked", 1, 1, proc_h_max_slew},                                          \
      {"max_slew_phase_ns", 1, 1, proc_h_max_slew_ph},                                     \
      {"max_drift_per_day", 1, 1, proc_h_max_drift}

/* Applies a --log-level option (NULL: none); -1 if it is not a level. */
int proc_log_option(struct proc_conf *p, const char *level);
/* Opens the log as ident and sets the clock source. */
void proc_start(const struct proc_conf *p, const char *ident);

#endif
