/* A Stanford Research SR620 on a pseudo-terminal, for tests: the commands of its manual's
 * "Programming Commands" chapter that cvd's driver uses, with their ranges.  Commands end
 * with LF or CR and may be chained with ';'; a query is answered with one line ended by
 * CR LF.  A command it does not know sets the command error bit (32) of the standard event
 * status register, a parameter out of range the execution error bit (16); *ESR? reads and
 * clears the register.
 *   *IDN? *CLS *RST *ESR?  MODE j (0-6)  SRCE j (0-3)  ARMM j (0-12)  SIZE n  AUTM j (0-1)
 *   LEVL i,x (i 0-2, |x| <= 3 V)  TSLP i,j (i 0-2, j 0-1)  TERM i,j (i 1-2, j 0-2)
 *   MEAS? j (0-3)  STRT  STOP
 * MEAS? measures the next pair of pulses (ticemu.h): in +-TIME arming (ARMM 0) a signed
 * interval, in +TIME (ARMM 1) from the next A edge to the next B edge, nearly 1 s when B
 * came first; the reply comes when the measurement ends.
 *
 * Faults at second K (the second the measurement starts in): garbage@K (a garbled reply),
 * silent@K (no reply at all), late@K:MS, exit@K (the emulator exits); reject@CMD (the
 * command CMD is refused as an execution error, e.g. reject@TERM). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "tests/ticemu.h"

#define MS 1000000LL

struct sr620 {
  struct ticemu e;
  int fd;
  int mode, armm, esr;
  int pending;
  int64_t reply_at;
  char reply[64];
};

static void reply(struct sr620 *c, const char *text)
{
  char out[96];
  snprintf(out, sizeof out, "%s\r\n", text);
  ticemu_write(c->fd, out);
}

/* Parses "a[,b]" integer/real parameters; returns how many. */
static int params(const char *s, double *p, int max)
{
  int n = 0;
  while (n < max) {
    char *end;
    p[n] = strtod(s, &end);
    if (end == s)
      break;
    n++;
    s = end;
    while (*s == ' ')
      s++;
    if (*s != ',')
      break;
    s++;
  }
  while (*s == ' ')
    s++;
  return *s ? -1 : n;
}

static int in(double v, double lo, double hi) { return v >= lo && v <= hi && v == (int)v; }

static void measure(struct sr620 *c, int64_t now)
{
  int64_t ps, n, end;
  if (!ticemu_measure(&c->e, now + MS, c->armm == 0, 30000 * MS, &ps, &n, &end))
    return;
  long k = ticemu_index(&c->e, n), arg;
  if (ticemu_fault(&c->e, "exit", k, NULL)) {
    ticemu_log(&c->e, "exit at second %ld", k);
    exit(0);
  }
  if (ticemu_fault(&c->e, "silent", k, NULL))
    return;
  c->pending = 1;
  c->reply_at = end + 2 * MS + (ticemu_fault(&c->e, "late", k, &arg) ? arg * MS : 0);
  if (ticemu_fault(&c->e, "garbage", k, NULL))
    snprintf(c->reply, sizeof c->reply, "1.23\x01" "4E-0#");
  else
    snprintf(c->reply, sizeof c->reply, "%.14E", (double)ps / 1e12);
}

static void command(struct sr620 *c, char *cmd, int64_t now)
{
  while (*cmd == ' ')
    cmd++;
  char mn[8] = "";
  int i = 0;
  while (i < 5 && (isalpha((unsigned char)cmd[i]) || cmd[i] == '*')) {
    mn[i] = (char)toupper((unsigned char)cmd[i]);
    i++;
  }
  mn[i] = '\0';
  int query = cmd[i] == '?';
  double p[2];
  int np = params(cmd + i + query, p, 2);
  if (ticemu_fault_text(&c->e, "reject", mn)) {
    c->esr |= 16;
    return;
  }
  if (!strcmp(mn, "*IDN") && query)
    reply(c, "StanfordResearchSystems,SR620,s/n02591,ver1.48");
  else if (!strcmp(mn, "*ESR") && query) {
    char v[16];
    snprintf(v, sizeof v, "%d", c->esr);
    reply(c, v);
    c->esr = 0;
  } else if (!strcmp(mn, "*CLS") && np == 0)
    c->esr = 0;
  else if (!strcmp(mn, "*RST") && np == 0)
    c->mode = c->armm = 0;
  else if (!strcmp(mn, "MODE") && np == 1)
    in(p[0], 0, 6) ? (void)(c->mode = (int)p[0]) : (void)(c->esr |= 16);
  else if (!strcmp(mn, "ARMM") && np == 1)
    in(p[0], 0, 12) ? (void)(c->armm = (int)p[0]) : (void)(c->esr |= 16);
  else if (!strcmp(mn, "SRCE") && np == 1)
    c->esr |= in(p[0], 0, 3) ? 0 : 16;
  else if (!strcmp(mn, "AUTM") && np == 1)
    c->esr |= in(p[0], 0, 1) ? 0 : 16;
  else if (!strcmp(mn, "SIZE") && np == 1)
    c->esr |= in(p[0], 1, 5e6) ? 0 : 16;
  else if (!strcmp(mn, "LEVL") && np == 2)
    c->esr |= in(p[0], 0, 2) && p[1] >= -3 && p[1] <= 3 ? 0 : 16;
  else if (!strcmp(mn, "TSLP") && np == 2)
    c->esr |= in(p[0], 0, 2) && in(p[1], 0, 1) ? 0 : 16;
  else if (!strcmp(mn, "TERM") && np == 2)
    c->esr |= in(p[0], 1, 2) && in(p[1], 0, 2) ? 0 : 16;
  else if (!strcmp(mn, "MEAS") && query && np == 1 && in(p[0], 0, 3) && c->mode == 0)
    measure(c, now);
  else if ((!strcmp(mn, "STRT") || !strcmp(mn, "STOP")) && np == 0)
    ;
  else
    c->esr |= 32;
}

int main(int argc, char **argv)
{
  struct sr620 c = {.e = {.name = "emu_sr620"}, .armm = 1};
  for (int i = 1; i + 1 < argc; i += 2)
    if (ticemu_arg(&c.e, argv[i], argv[i + 1]) != 1) {
      fprintf(stderr, "emu_sr620: bad argument %s %s\n", argv[i], argv[i + 1]);
      return 2;
    }
  ticemu_args_done(&c.e);
  c.fd = ticemu_open_pty(c.e.port);
  char buf[512];
  size_t len = 0;
  for (;;) {
    if (c.pending && clk_now() >= c.reply_at) {
      reply(&c, c.reply);
      c.pending = 0;
    }
    if (!ticemu_wait(c.fd, c.pending ? c.reply_at : INT64_MAX))
      continue;
    ssize_t r = ticemu_read_pty(&c.e, c.fd, buf + len, sizeof buf - len - 1);
    if (r <= 0)
      continue;
    len += (size_t)r;
    buf[len] = '\0';
    char *eol;
    while ((eol = strpbrk(buf, "\r\n"))) {
      *eol = '\0';
      for (char *save = NULL, *cmd = strtok_r(buf, ";", &save); cmd;
           cmd = strtok_r(NULL, ";", &save))
        command(&c, cmd, clk_now());
      len -= (size_t)(eol + 1 - buf);
      memmove(buf, eol + 1, len + 1);
    }
    if (len == sizeof buf - 1)
      len = 0;
  }
}
