#include "config.h"
#include "core/clock.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"

static struct clk_conf clk = {.kind = CLK_REAL, .speed = 1.0};
static _Atomic int64_t clk_manual_now;

void clk_configure(const struct clk_conf *c)
{
  clk = *c;
  if (clk.kind == CLK_SIM && clk.anchor_mono == 0)
    clk.anchor_mono = tu_mono_ns();
  if (clk.kind != CLK_SIM)
    clk.speed = 1.0;
  atomic_store(&clk_manual_now, c->start);
}

const struct clk_conf *clk_config(void) { return &clk; }

int64_t clk_now(void)
{
  switch (clk.kind) {
  case CLK_SIM:
    return clk.start + (int64_t)((double)(tu_mono_ns() - clk.anchor_mono) * clk.speed);
  case CLK_MANUAL:
    return atomic_load(&clk_manual_now);
  case CLK_REAL:
  default:
    return tu_wall_ns();
  }
}

void clk_set(int64_t t)
{
  if (t > atomic_load(&clk_manual_now))
    atomic_store(&clk_manual_now, t);
}

int64_t clk_wall_interval(int64_t dt)
{
  if (clk.kind == CLK_SIM)
    return (int64_t)((double)dt / clk.speed);
  return clk.kind == CLK_MANUAL ? 0 : dt;
}

int clk_sleep_until(int64_t t, const volatile sig_atomic_t *stop)
{
  if (clk.kind == CLK_MANUAL)
    return 0;
  for (;;) {
    if (stop && *stop)
      return 1;
    int64_t left = t - clk_now();
    if (left <= 0)
      return 0;
    int64_t wall = clk_wall_interval(left);
    if (wall > 100000000)
      wall = 100000000;
    if (wall < 1000)
      wall = 1000;
    struct timespec ts = {.tv_sec = wall / NS_PER_S, .tv_nsec = wall % NS_PER_S};
    nanosleep(&ts, NULL);
  }
}

int clk_parse(int argc, char **argv, struct clk_conf *out, char *err, size_t errlen)
{
  memset(out, 0, sizeof *out);
  out->speed = 1.0;
  if (argc == 1 && strcmp(argv[0], "real") == 0) {
    out->kind = CLK_REAL;
    return 0;
  }
  if ((argc == 3 || argc == 4) && strcmp(argv[0], "simulated") == 0) {
    char *end;
    out->kind = CLK_SIM;
    if (tu_parse(argv[1], &out->start) != 0) {
      snprintf(err, errlen, "bad start time '%s' (want YYYY-MM-DDTHH:MM:SSZ)", argv[1]);
      return -1;
    }
    errno = 0;
    out->speed = strtod(argv[2], &end);
    if (errno || *end || !(out->speed > 0) || out->speed > 1e7) {
      snprintf(err, errlen, "bad speed '%s' (want a number in (0, 1e7])", argv[2]);
      return -1;
    }
    if (argc == 4) {
      errno = 0;
      long long a = strtoll(argv[3], &end, 10);
      if (errno || *end || a <= 0) {
        snprintf(err, errlen, "bad anchor '%s' (want CLOCK_MONOTONIC nanoseconds)", argv[3]);
        return -1;
      }
      out->anchor_mono = a;
    }
    return 0;
  }
  snprintf(err, errlen, "want 'real' or 'simulated START SPEED [ANCHOR]'");
  return -1;
}
