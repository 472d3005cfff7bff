/* A Keysight 53230A on a loopback TCP port, for tests: the SCPI its Programmer's Reference
 * gives for what cvd's driver sends, on the raw socket (one client at a time; commands end
 * with LF, ';' chains them; replies end with LF).  Keywords are taken in their short or
 * long forms, in any case.
 *   *IDN? *RST *CLS  CONF:TINT (@1),(@2)  INP{1|2}:COUP AC|DC  INP{1|2}:IMP 50|1E6
 *   INP{1|2}:LEV:AUTO ON|OFF  INP{1|2}:LEV V (|V| <= 5)  INP{1|2}:SLOP POS|NEG
 *   SYST:TIM S (0.01 to 2000, or INF)  SYST:ERR?  READ?
 * Errors go to the error queue as the reference lists them: -113 "Undefined header",
 * -222 "Data out of range", -221 "Settings conflict"; SYST:ERR? answers +0,"No error" once
 * it is empty.  READ? measures the next pair of pulses (ticemu.h) from channel 1 to
 * channel 2 and replies when the measurement ends, in the counter's format
 * (+1.01040000000000E-008); nearly 1 s when the channel 2 edge came first, or, with
 * --negative, the signed interval; 9.91E37 when no measurement ends within SYST:TIM.
 *
 * Faults at second K: garbage@K (a garbled reply), late@K:MS, drop@K (the connection is
 * closed instead of the reply: a disconnect; the emulator listens on), nopulse@K:N (no
 * pulses for N seconds), exit@K; reject@HEADER (e.g. reject@INP2:IMP: -221). */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "tests/ticemu.h"

#define MS 1000000LL

struct counter {
  struct ticemu e;
  int lfd, cfd;
  int negative;
  double timeout_s;
  char errq[20][64];
  int nerr;
  int pending;
  int64_t reply_at;
  char reply[64];
  int drop;
};

static void push_error(struct counter *c, const char *e)
{
  if (c->nerr < 20)
    snprintf(c->errq[c->nerr++], sizeof c->errq[0], "%s", e);
}

static void send_line(struct counter *c, const char *text)
{
  char out[96];
  snprintf(out, sizeof out, "%s\n", text);
  if (c->cfd >= 0)
    ticemu_write(c->cfd, out);
}

/* The counter's number format: sign, 15 digits, a three-digit exponent. */
static void format_nr3(char *buf, size_t n, double v)
{
  char tmp[40];
  snprintf(tmp, sizeof tmp, "%+.14E", v);
  char *e = strchr(tmp, 'E');
  int ex = atoi(e + 1);
  *e = '\0';
  snprintf(buf, n, "%sE%c%03d", tmp, ex < 0 ? '-' : '+', ex < 0 ? -ex : ex);
}

/* Long keywords to short ones, the rest upper-cased as they come. */
static void normalize(const char *in, char *out, size_t n)
{
  static const char *const longs[][2] = {
      {"CONFIGURE", "CONF"}, {"TINTERVAL", "TINT"}, {"INPUT", "INP"}, {"COUPLING", "COUP"},
      {"IMPEDANCE", "IMP"},  {"LEVEL", "LEV"},      {"SLOPE", "SLOP"}, {"SYSTEM", "SYST"},
      {"TIMEOUT", "TIM"},    {"ERROR", "ERR"}};
  char up[64];
  size_t i;
  for (i = 0; in[i] && i < sizeof up - 1; i++)
    up[i] = (char)toupper((unsigned char)in[i]);
  up[i] = '\0';
  for (size_t k = 0; k < sizeof longs / sizeof longs[0]; k++) {
    char *p = strstr(up, longs[k][0]);
    if (p) {
      size_t ll = strlen(longs[k][0]), sl = strlen(longs[k][1]);
      memcpy(p, longs[k][1], sl);
      memmove(p + sl, p + ll, strlen(p + ll) + 1);
    }
  }
  /* LEV1 is LEV (the first threshold). */
  char *l1 = strstr(up, "LEV1");
  if (l1)
    memmove(l1 + 3, l1 + 4, strlen(l1 + 4) + 1);
  snprintf(out, n, "%s", up);
}

static void read_query(struct counter *c, int64_t now)
{
  int64_t ps, n, end;
  int64_t timeout = (int64_t)(c->timeout_s * 1e9);
  int ok = ticemu_measure(&c->e, now + MS, c->negative, timeout, &ps, &n, &end);
  long k = ticemu_index(&c->e, ok ? n : end), arg;
  if (ticemu_fault(&c->e, "exit", k, NULL)) {
    ticemu_log(&c->e, "exit at second %ld", k);
    exit(0);
  }
  c->pending = 1;
  c->drop = ok && ticemu_fault(&c->e, "drop", k, NULL);
  c->reply_at = end + 2 * MS + (ticemu_fault(&c->e, "late", k, &arg) ? arg * MS : 0);
  if (!ok)
    format_nr3(c->reply, sizeof c->reply, 9.91e37);
  else if (ticemu_fault(&c->e, "garbage", k, NULL))
    snprintf(c->reply, sizeof c->reply, "+1.0#E-0@8");
  else
    format_nr3(c->reply, sizeof c->reply, (double)ps / 1e12);
}

static int channel_cmd(const char *h, const char *want)
{
  return (h[3] == '1' || h[3] == '2') && !strcmp(h + 4, want);
}

static void command(struct counter *c, char *cmd, int64_t now)
{
  while (*cmd == ' ')
    cmd++;
  char *arg = cmd + strcspn(cmd, " ");
  if (*arg)
    *arg++ = '\0';
  while (*arg == ' ')
    arg++;
  char h[64];
  normalize(cmd, h, sizeof h);
  double v = strtod(arg, NULL);
  if (ticemu_fault_text(&c->e, "reject", h)) {
    push_error(c, "-221,\"Settings conflict\"");
    return;
  }
  if (!strcmp(h, "*IDN?"))
    send_line(c, "Agilent Technologies,53230A,MY50001234,02.05-1519.666-1.19-4.15-127-155-35");
  else if (!strcmp(h, "*RST") || !strcmp(h, "*CLS")) {
    if (h[1] == 'C')
      c->nerr = 0;
  } else if (!strcmp(h, "SYST:ERR?")) {
    if (c->nerr == 0) {
      send_line(c, "+0,\"No error\"");
      return;
    }
    send_line(c, c->errq[0]);
    memmove(c->errq, c->errq + 1, sizeof c->errq[0] * (size_t)--c->nerr);
  } else if (!strcmp(h, "READ?"))
    read_query(c, now);
  else if (!strcmp(h, "CONF:TINT"))
    ;
  else if (!strncmp(h, "INP", 3) && channel_cmd(h, ":COUP")) {
    if (strcasecmp(arg, "DC") && strcasecmp(arg, "AC"))
      push_error(c, "-224,\"Illegal parameter value\"");
  } else if (!strncmp(h, "INP", 3) && channel_cmd(h, ":IMP")) {
    if (v != 50 && v != 1e6)
      push_error(c, "-222,\"Data out of range\"");
  } else if (!strncmp(h, "INP", 3) && channel_cmd(h, ":LEV:AUTO")) {
    if (strcasecmp(arg, "ON") && strcasecmp(arg, "OFF") && strcmp(arg, "0") && strcmp(arg, "1"))
      push_error(c, "-224,\"Illegal parameter value\"");
  } else if (!strncmp(h, "INP", 3) && channel_cmd(h, ":LEV")) {
    if (!*arg || v < -5 || v > 5)
      push_error(c, "-222,\"Data out of range\"");
  } else if (!strncmp(h, "INP", 3) && channel_cmd(h, ":SLOP")) {
    if (strcasecmp(arg, "POS") && strcasecmp(arg, "NEG"))
      push_error(c, "-224,\"Illegal parameter value\"");
  } else if (!strcmp(h, "SYST:TIM")) {
    if (!strcasecmp(arg, "INF"))
      c->timeout_s = 1e9;
    else if (v >= 0.01 && v <= 2000)
      c->timeout_s = v;
    else
      push_error(c, "-222,\"Data out of range\"");
  } else
    push_error(c, "-113,\"Undefined header\"");
}

static int listen_on(int port)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0)
    return -1;
  return fd;
}

static void hang_up(struct counter *c)
{
  close(c->cfd);
  c->cfd = -1;
  c->pending = 0;
}

int main(int argc, char **argv)
{
  struct counter c = {.e = {.name = "emu_53230a"}, .cfd = -1, .timeout_s = 1e9};
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--negative")) {
      c.negative = 1;
      continue;
    }
    if (i + 1 >= argc || ticemu_arg(&c.e, argv[i], argv[i + 1]) != 1) {
      fprintf(stderr, "emu_53230a: bad argument %s\n", argv[i]);
      return 2;
    }
    i++;
  }
  ticemu_args_done(&c.e);
  c.lfd = listen_on(atoi(c.e.port));
  if (c.lfd < 0) {
    perror("emu_53230a: listen");
    return 1;
  }
  char buf[1024];
  size_t len = 0;
  for (;;) {
    if (c.pending && clk_now() >= c.reply_at) {
      if (c.drop) {
        ticemu_log(&c.e, "dropping the connection");
        hang_up(&c);
        continue;
      }
      send_line(&c, c.reply);
      c.pending = 0;
    }
    if (!ticemu_wait(c.cfd >= 0 ? c.cfd : c.lfd, c.pending ? c.reply_at : INT64_MAX))
      continue;
    if (c.cfd < 0) {
      c.cfd = accept(c.lfd, NULL, NULL);
      len = 0;
      continue;
    }
    ssize_t r = clk_io_read(c.cfd, buf + len, sizeof buf - len - 1);
    if (r <= 0) {
      hang_up(&c);
      continue;
    }
    len += (size_t)r;
    buf[len] = '\0';
    char *eol;
    while ((eol = strchr(buf, '\n'))) {
      *eol = '\0';
      for (char *save = NULL, *cmd = strtok_r(buf, ";\r", &save); cmd;
           cmd = strtok_r(NULL, ";\r", &save))
        command(&c, cmd, clk_now());
      len -= (size_t)(eol + 1 - buf);
      memmove(buf, eol + 1, len + 1);
    }
    if (len == sizeof buf - 1)
      len = 0;
  }
}
