#include "config.h"
#include "tests/ticemu.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/clock.h"

static int parse_fault(struct ticemu *e, const char *v)
{
  if (e->nf == TICEMU_MAX_FAULTS)
    return -1;
  struct ticemu_fault *f = &e->f[e->nf];
  const char *at = strchr(v, '@');
  if (!at || at == v || (size_t)(at - v) >= sizeof f->kind)
    return -1;
  memset(f, 0, sizeof *f);
  memcpy(f->kind, v, (size_t)(at - v));
  char *end;
  f->k = strtol(at + 1, &end, 10);
  if (end == at + 1) {
    snprintf(f->text, sizeof f->text, "%s", at + 1);
    f->k = -1;
  } else if (*end == ':') {
    f->arg = strtol(end + 1, &end, 10);
  }
  if (f->k >= 0 && *end)
    return -1;
  e->nf++;
  return 0;
}

int ticemu_arg(struct ticemu *e, const char *key, const char *val)
{
  if (strcmp(key, "--clock") == 0)
    e->clock = val;
  else if (strcmp(key, "--offset") == 0)
    e->offset_ps = strtoll(val, NULL, 10);
  else if (strcmp(key, "--port") == 0)
    e->port = val;
  else if (strcmp(key, "--fault") == 0)
    return parse_fault(e, val) == 0 ? 1 : -1;
  else
    return 0;
  return 1;
}

void ticemu_args_done(struct ticemu *e)
{
  struct clk_conf c = {.kind = CLK_LOCKSTEP};
  if (!e->port || !e->clock || strlen(e->clock) >= sizeof c.path) {
    fprintf(stderr, "%s: want --port and --clock FILE\n", e->name);
    exit(2);
  }
  strcpy(c.path, e->clock);
  clk_configure(&c); /* exits when it cannot */
  e->start = clk_config()->start;
  if (e->start % 1000000000LL) {
    fprintf(stderr, "%s: the clock does not start on a whole second\n", e->name);
    exit(2);
  }
  signal(SIGPIPE, SIG_IGN);
}

int ticemu_wait(int fd, int64_t until)
{
  struct pollfd p = {.fd = fd, .events = POLLIN};
  return clk_poll(&p, 1, until) > 0;
}

int64_t ticemu_second(const struct ticemu *e, long k) { return e->start + k * 1000000000LL; }

long ticemu_index(const struct ticemu *e, int64_t t)
{
  int64_t d = t - e->start;
  return (long)(d >= 0 ? d / 1000000000LL : -((-d + 999999999LL) / 1000000000LL));
}

int ticemu_fault(const struct ticemu *e, const char *kind, long k, long *arg)
{
  for (int i = 0; i < e->nf; i++)
    if (e->f[i].k == k && strcmp(e->f[i].kind, kind) == 0) {
      if (arg)
        *arg = e->f[i].arg;
      return 1;
    }
  return 0;
}

int ticemu_fault_text(const struct ticemu *e, const char *kind, const char *text)
{
  for (int i = 0; i < e->nf; i++)
    if (e->f[i].k < 0 && strcmp(e->f[i].kind, kind) == 0 && strcasecmp(e->f[i].text, text) == 0)
      return 1;
  return 0;
}

static int in_nopulse(const struct ticemu *e, long k)
{
  for (int i = 0; i < e->nf; i++)
    if (strcmp(e->f[i].kind, "nopulse") == 0 && k >= e->f[i].k && k < e->f[i].k + e->f[i].arg)
      return 1;
  return 0;
}

int ticemu_has_gps(const struct ticemu *e, int64_t second)
{
  long k = ticemu_index(e, second);
  return !in_nopulse(e, k) && !ticemu_fault(e, "skip", k, NULL);
}

int ticemu_has_local(const struct ticemu *e, int64_t second)
{
  return !in_nopulse(e, ticemu_index(e, second));
}

int ticemu_measure(const struct ticemu *e, int64_t arm, int signed_tic, int64_t timeout,
                   int64_t *ps, int64_t *second, int64_t *end)
{
  const int64_t S = 1000000000LL;
  for (int64_t n = (arm / S - 1) * S; n <= arm + timeout + S; n += S) {
    int64_t u = ticemu_u_ps(n, e->offset_ps), local = n - u / 1000;
    if (local < arm || !ticemu_has_local(e, n))
      continue;
    if (signed_tic) {
      if (n < arm || !ticemu_has_gps(e, n))
        continue;
      *ps = u;
      *end = local > n ? local : n;
    } else {
      int64_t m = u >= 0 ? n : n + S;
      while (!ticemu_has_gps(e, m) && m <= arm + timeout)
        m += S;
      *ps = (m - n) * 1000 + u;
      *end = m;
    }
    *second = n;
    if (*end > arm + timeout)
      break;
    return 1;
  }
  *end = arm + timeout;
  return 0;
}

int ticemu_open_pty(const char *path)
{
  int fd = open(path, O_RDWR | O_NOCTTY);
  if (fd < 0) {
    perror(path);
    exit(1);
  }
  struct termios tio;
  if (tcgetattr(fd, &tio) == 0) {
    cfmakeraw(&tio);
    tcsetattr(fd, TCSANOW, &tio);
  }
  return fd;
}

void ticemu_write(int fd, const char *s)
{
  size_t n = strlen(s), off = 0;
  while (off < n) {
    ssize_t w = clk_io_write(fd, s + off, n - off);
    if (w > 0)
      off += (size_t)w;
    else if (w < 0 && errno != EINTR && errno != EAGAIN)
      return;
  }
}

ssize_t ticemu_read_pty(const struct ticemu *e, int fd, char *buf, size_t n)
{
  ssize_t r = clk_io_read(fd, buf, n);
  if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
    ticemu_log(e, "the line is gone");
    exit(0);
  }
  return r;
}

void ticemu_log(const struct ticemu *e, const char *fmt, ...)
{
  char msg[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s: %s\n", e->name, msg);
}

void ticemu_format_ps(char *buf, size_t n, int64_t ps, int places)
{
  int64_t a = ps < 0 ? -ps : ps;
  char frac[16];
  snprintf(frac, sizeof frac, "%012lld", (long long)(a % 1000000000000LL));
  frac[places] = '\0';
  snprintf(buf, n, "%s%lld.%s", ps < 0 ? "-" : "", (long long)(a / 1000000000000LL), frac);
}
