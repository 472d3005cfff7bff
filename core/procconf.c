#include "config.h"
#include "core/procconf.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"

static int h_log_level(void *u, int argc, char **argv, char *err, size_t errlen)
{
  (void)argc;
  int lv = log_parse_level(argv[0]);
  if (lv < 0) {
    snprintf(err, errlen, "bad level '%s' (want error, warn, info or debug)", argv[0]);
    return -1;
  }
  ((struct proc_conf *)u)->log_level = lv;
  return 0;
}

static int h_clock(void *u, int argc, char **argv, char *err, size_t errlen)
{
  return clk_parse(argc, argv, &((struct proc_conf *)u)->clock, err, errlen);
}

const struct conf_item proc_items[] = {
    {.type = CONF_CUSTOM, .name = "log_level", .args = "LEVEL", .def = "info",
     .help = "the least severe messages logged: error, warn, info or debug", .min_args = 1,
     .max_args = 1, .parse = h_log_level},
    CONF_YESNO("syslog", struct proc_conf, use_syslog, "no",
               "log to syslog(3) instead of stderr"),
    {.type = CONF_CUSTOM, .name = "clock", .args = "real | simulated START SPEED [ANCHOR] | "
     "lockstep FILE", .def = "real",
     .help = "the clock source: the system's UTC clock; or simulated time from START running "
             "SPEED times faster, anchored at CLOCK_MONOTONIC ANCHOR ns (shared by cvd demo's "
             "processes); or simulated time shared through FILE that moves only when every "
             "process taking part waits (tests)",
     .min_args = 1, .max_args = 4, .parse = h_clock},
    CONF_INCL(cmd_limit_items, struct proc_conf, limits),
    {.type = CONF_END},
};

int proc_log_option(struct proc_conf *p, const char *level)
{
  if (!level)
    return 0;
  int lv = log_parse_level(level);
  if (lv < 0)
    return -1;
  p->log_level = lv;
  return 0;
}

int proc_start(const struct proc_conf *p, const char *ident, char *err, size_t errlen)
{
  log_open(ident, p->use_syslog);
  log_set_level((enum log_sev)p->log_level);
  return clk_configure_checked(&p->clock, err, errlen);
}
