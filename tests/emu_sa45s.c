/* A Microchip SA.45s CSAC on a pseudo-terminal, for tests, as its User Guide (revision D,
 * section 3.4) describes it: commands '!' ... CR LF, every one answered by a line ended by
 * CR LF, "?" for an unsupported or malformed command, "*" for one without the checksum the
 * mode register requires (bit 0x0040).
 *   !6  !^       telemetry header and values (Status,Alarm,SN,Mode,Contrast,LaserI,TCXO,
 *                HeatP,Sig,Temp,Steer,ATune,Phase,DiscOK,TOD,LTime,Ver)
 *   !FAn !FDn    absolute (|n| <= 2e9) and relative (|n| <= 2e7) frequency adjustment in
 *                1e-15, kept at the 1e-12 resolution, answered "Steer = m" (m in 1e-12)
 *   !F?          "Steer = m"
 *   !FL          latch the Steer as the power-up value (the guide gives no reply text:
 *                this one answers "Steer latched")
 *   !M?  !M<c>   mode register: A/a 0x0001 analog tuning, M/m 0x0004 phase measurement,
 *                S/s 0x0008 auto-sync, D/d 0x0010 discipline, U/u 0x0020 low power,
 *                C/c 0x0040 checksum; upper case sets, lower case clears; the 1PPS modes
 *                (M, S, D) exclude each other; answered with the register as 0x%04X
 * Control lines besides oscemu.h's:
 *   reset       a power cycle: Steer back to the latched value, status 8 (warm-up), TOD 0;
 *               the mode register is non-volatile and stays
 *   status N    the unit's status code (0 locked)
 *   mode HEX    set the mode register (a unit delivered configured to discipline itself)
 *   refuse F    answer "?" to the !F commands from now on ("refuse none" to stop)
 * State file: steer, mode, status, fa (absolute settings taken). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "tests/oscemu.h"

struct csac {
  long steer, latched;  /* 1e-12 */
  unsigned mode;
  int status;
  long fa;
  int64_t powered;      /* service time from which TOD counts */
  int refuse_f;         /* answer !F commands "?" */
};

static int arg_long(const char *s, long *v)
{
  char *end;
  *v = strtol(s, &end, 10);
  return end != s && *end == '\0' ? 0 : -1;
}

static void telemetry(struct oscemu *e, struct csac *u)
{
  oscemu_reply(e,
               "%d,0x%04X,1209CS00909,0x%04X,%d,0.86,1.573,17.62,0.990,35.21,%ld,---,---,0,"
               "%ld,%ld,1.09",
            u->status, u->status ? 0x0001 : 0, u->mode, u->status ? 12 : 4381, u->steer,
            (long)((clk_now() - u->powered) / NS_PER_S), u->status ? 0L : 600L);
}

static void frequency(struct oscemu *e, struct csac *u, const char *arg)
{
  long v;
  if (u->refuse_f)
    oscemu_reply(e, "?");
  else if (!strcmp(arg, "?"))
    oscemu_reply(e, "Steer = %ld", u->steer);
  else if (!strcmp(arg, "L")) {
    u->latched = u->steer;
    oscemu_reply(e, "Steer latched");
  } else if (arg[0] == 'A' && arg_long(arg + 1, &v) == 0 && labs(v) <= 2000000000L) {
    u->steer = (v >= 0 ? v + 500 : v - 500) / 1000;
    u->fa++;
    oscemu_reply(e, "Steer = %ld", u->steer);
  } else if (arg[0] == 'D' && arg_long(arg + 1, &v) == 0 && labs(v) <= 20000000L) {
    u->steer += (v >= 0 ? v + 500 : v - 500) / 1000;
    oscemu_reply(e, "Steer = %ld", u->steer);
  } else
    oscemu_reply(e, "?");
}

static void mode(struct oscemu *e, struct csac *u, char c)
{
  static const char letters[] = "AMSDUC";
  static const unsigned bits[] = {0x0001, 0x0004, 0x0008, 0x0010, 0x0020, 0x0040};
  const char *p = c ? strchr(letters, c >= 'a' ? c - 32 : c) : NULL;
  if (c == '?') {
    oscemu_reply(e, "0x%04X", u->mode);
    return;
  }
  if (!p) {
    oscemu_reply(e, "?");
    return;
  }
  unsigned bit = bits[p - letters];
  if (c >= 'a')
    u->mode &= ~bit;
  else {
    if (bit & 0x001c)
      u->mode &= ~0x001cu;
    u->mode |= bit;
  }
  oscemu_reply(e, "0x%04X", u->mode);
}

static void on_line(struct oscemu *e, const char *line, void *ctx)
{
  struct csac *u = ctx;
  if (line[0] != '!' || !line[1]) {
    oscemu_reply(e, "?");
    return;
  }
  if ((u->mode & 0x0040) && !strchr(line, '*')) {
    oscemu_reply(e, "*");
    return;
  }
  const char *c = line + 1;
  if (!strcmp(c, "6"))
    oscemu_reply(e, "Status,Alarm,SN,Mode,Contrast,LaserI,TCXO,HeatP,Sig,Temp,Steer,ATune,Phase,"
                 "DiscOK,TOD,LTime,Ver");
  else if (!strcmp(c, "^"))
    telemetry(e, u);
  else if (c[0] == 'F')
    frequency(e, u, c + 1);
  else if (c[0] == 'M' && c[1] && !c[2])
    mode(e, u, c[1]);
  else
    oscemu_reply(e, "?");
}

static int on_ctl(struct oscemu *e, const char *c, void *ctx)
{
  struct csac *u = ctx;
  (void)e;
  if (!strcmp(c, "reset")) {
    u->steer = u->latched;
    u->status = 8;
    u->powered = clk_now();
    e->noise = 1;
  } else if (!strncmp(c, "status ", 7))
    u->status = atoi(c + 7);
  else if (!strncmp(c, "mode ", 5))
    u->mode = (unsigned)strtoul(c + 5, NULL, 16);
  else if (!strncmp(c, "refuse ", 7))
    u->refuse_f = !strcmp(c + 7, "F");
  else
    return -1;
  return 0;
}

static void write_state(char *buf, size_t n, void *ctx)
{
  struct csac *u = ctx;
  snprintf(buf, n, "steer=%ld\nmode=%u\nstatus=%d\nfa=%ld\n", u->steer, u->mode, u->status,
           u->fa);
}

int main(int argc, char **argv)
{
  struct oscemu e;
  if (oscemu_open(&e, argc, argv, "\r\n") != 0)
    return 2;
  /* Delivered disciplining to an external 1PPS, as the evaluation board's example shows. */
  struct csac u = {.mode = 0x0010, .powered = clk_now() - 1000 * NS_PER_S};
  long long v;
  if (e.restore_path && oscemu_saved(e.restore_path, "steer", &v) == 0) {
    u.steer = (long)v;
    oscemu_saved(e.restore_path, "mode", &v);
    u.mode = (unsigned)v;
  }
  static const struct oscemu_ops ops = {on_line, on_ctl, write_state};
  return oscemu_run(&e, &ops, &u);
}
