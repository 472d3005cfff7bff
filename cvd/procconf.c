#include "config.h"
#include "cvd/procconf.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"

void proc_conf_default(struct proc_conf *p)
{
  memset(p, 0, sizeof *p);
  p->log_level = -1;
  p->clock.kind = CLK_REAL;
  p->clock.speed = 1;
  cmd_limits_default(&p->limits);
}

#define PC ((struct proc_conf *)u)

int proc_h_log_level(void *u, int argc, char **argv, char *err, size_t errlen)
{
  (void)argc;
  PC->log_level = log_parse_level(argv[0]);
  if (PC->log_level < 0) {
    snprintf(err, errlen, "bad level '%s' (want error, warn, info or debug)", argv[0]);
    return -1;
  }
  return 0;
}

int proc_h_syslog(void *u, int argc, char **argv, char *err, size_t errlen)
{
  (void)argc;
  return conf_bool("syslog", argv[0], &PC->use_syslog, err, errlen);
}

int proc_h_clock(void *u, int argc, char **argv, char *err, size_t errlen)
{
  return clk_parse(argc, argv, &PC->clock, err, errlen);
}

#define LIMIT(fn, what, field, lo, hi)                                                      \
  int fn(void *u, int argc, char **argv, char *err, size_t errlen)                         \
  {                                                                                        \
    (void)argc;                                                                            \
    return conf_double(what, argv[0], lo, hi, &PC->limits.field, err, errlen);            \
  }
LIMIT(proc_h_max_freq, "max_freq", max_freq, 1e-15, 1e-6)
LIMIT(proc_h_step_acq, "max_freq_step_acquire", max_step_acquire, 1e-16, 1e-6)
LIMIT(proc_h_step_lock, "max_freq_step_locked", max_step_locked, 1e-16, 1e-6)
LIMIT(proc_h_max_phase, "max_phase_step_ns", max_phase_step_ns, 0, 1e9)
LIMIT(proc_h_max_slew, "max_slew_locked", max_slew_locked, 1e-16, 1e-6)
LIMIT(proc_h_max_slew_ph, "max_slew_phase_ns", max_slew_phase_ns, 0, 1e9)
LIMIT(proc_h_max_drift, "max_drift_per_day", max_drift_per_day, 0, 1e-6)

int proc_log_option(struct proc_conf *p, const char *level)
{
  if (!level)
    return 0;
  p->log_level = log_parse_level(level);
  return p->log_level < 0 ? -1 : 0;
}

void proc_start(const struct proc_conf *p, const char *ident)
{
  log_open(ident, p->use_syslog);
  if (p->log_level >= 0)
    log_set_level((enum log_sev)p->log_level);
  clk_configure(&p->clock);
}
