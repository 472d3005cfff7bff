/* An SRS PRS10 on a pseudo-terminal, for tests: the commands cvd's driver uses, as the
 * PRS10 manual's RS-232 chapter gives them (two letters, argument, CR; queries answered by
 * a line ended by CR; settings not answered; a bad command only sets status byte 6 bit 5
 * (syntax) or bit 6 (parameter), cleared when ST? is read).
 *   ID?  LO?  ST?  SF?  SF n (-2000..2000)  PL?  PL n (0, 1)  PP n (|n| < 1e9 ns)
 * PP n moves the 1PPS output later by n ns: the sign cvd's driver states (osc_prs10.c);
 * the state file's pp is the net delay.
 * Control lines besides oscemu.h's:
 *   reset       a power cycle: SF 0, PL 1 (as the EEPROM has it), unlocked, status byte 6
 *               bit 7 set, and line noise from the UART
 *   lock N      LO? answers N
 *   refuse CMD  answer the setting CMD (e.g. PP) as a bad parameter from now on
 * State file: sf, pl, pp, lo, st6, sf_sets (SF settings taken). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/oscemu.h"

struct prs10 {
  long sf, pl, pp, lo;
  int st6;
  long sf_sets;
  char refuse[8];
};

#define ST6_BAD_SYNTAX 0x20
#define ST6_BAD_PARAM 0x40
#define ST6_RESET 0x80

/* Parses a whole decimal argument; 0 or -1. */
static int arg_long(const char *s, long *v)
{
  char *end;
  while (*s == ' ')
    s++;
  *v = strtol(s, &end, 10);
  return end != s && *end == '\0' ? 0 : -1;
}

static void query(struct oscemu *e, struct prs10 *u, const char *cmd)
{
  if (!strcmp(cmd, "ID"))
    oscemu_reply(e, "PRS10_3.24_SN_19957");
  else if (!strcmp(cmd, "LO"))
    oscemu_reply(e, "%ld", u->lo);
  else if (!strcmp(cmd, "SF"))
    oscemu_reply(e, "%ld", u->sf);
  else if (!strcmp(cmd, "PL"))
    oscemu_reply(e, "%ld", u->pl);
  else if (!strcmp(cmd, "ST")) {
    /* Byte 5: bit 0 "1pps PLL disabled", bit 1 "fewer than 256 good 1pps inputs". */
    oscemu_reply(e, "0,0,0,%d,%d,%d", u->lo ? 0 : 1, u->pl ? 2 : 1, u->st6);
    u->st6 = 0;
  } else
    u->st6 |= ST6_BAD_SYNTAX; /* an unknown query is not answered */
}

static void setting(struct prs10 *u, const char *cmd, const char *arg)
{
  long v;
  if (arg_long(arg, &v) != 0) {
    u->st6 |= ST6_BAD_SYNTAX;
    return;
  }
  if (!strcmp(cmd, u->refuse))
    u->st6 |= ST6_BAD_PARAM;
  else if (!strcmp(cmd, "SF") && v >= -2000 && v <= 2000) {
    u->sf = v;
    u->sf_sets++;
  } else if (!strcmp(cmd, "PL") && (v == 0 || v == 1))
    u->pl = v;
  else if (!strcmp(cmd, "PP") && v > -1000000000 && v < 1000000000)
    u->pp += v;
  else if (!strcmp(cmd, "SF") || !strcmp(cmd, "PL") || !strcmp(cmd, "PP"))
    u->st6 |= ST6_BAD_PARAM;
  else
    u->st6 |= ST6_BAD_SYNTAX;
}

static void on_line(struct oscemu *e, const char *line, void *ctx)
{
  struct prs10 *u = ctx;
  char cmd[3] = {0};
  if (!isupper((unsigned char)line[0]) || !isupper((unsigned char)line[1])) {
    u->st6 |= ST6_BAD_SYNTAX;
    return;
  }
  memcpy(cmd, line, 2);
  if (!strcmp(line + 2, "?"))
    query(e, u, cmd);
  else
    setting(u, cmd, line + 2);
}

static int on_ctl(struct oscemu *e, const char *c, void *ctx)
{
  struct prs10 *u = ctx;
  (void)e;
  if (!strcmp(c, "reset")) {
    u->sf = 0;
    u->pl = 1;
    u->lo = 0;
    u->st6 |= ST6_RESET;
    e->noise = 1;
  } else if (!strncmp(c, "lock ", 5))
    u->lo = atol(c + 5);
  else if (!strncmp(c, "refuse ", 7))
    snprintf(u->refuse, sizeof u->refuse, "%s", c + 7);
  else
    return -1;
  return 0;
}

static void write_state(char *buf, size_t n, void *ctx)
{
  struct prs10 *u = ctx;
  snprintf(buf, n, "sf=%ld\npl=%ld\npp=%ld\nlo=%ld\nst6=%d\nsf_sets=%ld\n", u->sf, u->pl, u->pp,
           u->lo, u->st6, u->sf_sets);
}

int main(int argc, char **argv)
{
  struct oscemu e;
  if (oscemu_open(&e, argc, argv, "\r") != 0)
    return 2;
  /* A unit plugged in again keeps what it held; a new one starts as from the factory. */
  struct prs10 u = {.pl = 1, .lo = 1, .st6 = ST6_RESET};
  long long v;
  if (e.restore_path && oscemu_saved(e.restore_path, "sf", &v) == 0) {
    u.sf = (long)v;
    oscemu_saved(e.restore_path, "pl", &v);
    u.pl = (long)v;
    oscemu_saved(e.restore_path, "pp", &v);
    u.pp = (long)v;
    u.st6 = 0;
  }
  static const struct oscemu_ops ops = {on_line, on_ctl, write_state};
  return oscemu_run(&e, &ops, &u);
}
