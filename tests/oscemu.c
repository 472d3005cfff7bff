#include "config.h"
#include "tests/oscemu.h"

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

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
  (void)sig;
  stop = 1;
  clk_interrupt(); /* ends a wait on the clock */
}

/* Takes part in the lockstep clock at path.  0 or -1. */
static int join_clock(const char *prog, const char *path)
{
  struct clk_conf c = {.kind = CLK_LOCKSTEP};
  char err[600];
  snprintf(c.path, sizeof c.path, "%s", path);
  if (clk_configure_checked(&c, err, sizeof err) == 0)
    return 0;
  fprintf(stderr, "%s: %s\n", prog, err);
  return -1;
}

int oscemu_open(struct oscemu *e, int argc, char **argv, const char *eol)
{
  const char *tty = NULL, *ctl = NULL, *clock = NULL;
  memset(e, 0, sizeof *e);
  e->eol = eol;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--tty"))
      tty = argv[i + 1];
    else if (!strcmp(argv[i], "--ctl"))
      ctl = argv[i + 1];
    else if (!strcmp(argv[i], "--state"))
      e->state_path = argv[i + 1];
    else if (!strcmp(argv[i], "--restore"))
      e->restore_path = argv[i + 1];
    else if (!strcmp(argv[i], "--clock"))
      clock = argv[i + 1];
  }
  if (clock && join_clock(argv[0], clock) != 0)
    return -1;
  if (!tty || !ctl || !e->state_path) {
    fprintf(stderr, "usage: %s --tty PTY --ctl FIFO --state FILE [--restore OLDSTATE] "
                    "[--clock FILE]\n",
            argv[0]);
    return -1;
  }
  e->fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK);
  /* O_RDWR: the FIFO never reads end-of-file when the test's writer closes it. */
  e->ctl = open(ctl, O_RDWR | O_NONBLOCK);
  if (e->fd < 0 || e->ctl < 0) {
    fprintf(stderr, "%s: cannot open %s or %s: %s\n", argv[0], tty, ctl, strerror(errno));
    return -1;
  }
  struct termios t;
  if (tcgetattr(e->fd, &t) == 0) {
    cfmakeraw(&t);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(e->fd, TCSANOW, &t);
  }
  signal(SIGTERM, on_term);
  signal(SIGPIPE, SIG_IGN);
  return 0;
}

static void send_raw(struct oscemu *e, const char *s)
{
  size_t n = strlen(s), off = 0;
  while (off < n) {
    ssize_t w = clk_io_write(e->fd, s + off, n - off);
    if (w > 0)
      off += (size_t)w;
    else if (w < 0 && errno != EAGAIN && errno != EINTR)
      return;
  }
}

/* Line noise: what a unit's UART says while it powers up, or a bad cable. */
static const char *garbage_line(struct oscemu *e, char *buf, size_t n)
{
  snprintf(buf, n, "\x83\xfe#%%!~\x1b[%d;%s", rand() % 100, e->eol);
  return buf;
}

static void hold(struct oscemu *e, const char *s)
{
  size_t n = strlen(s);
  if (e->out_len + n < sizeof e->out) {
    memcpy(e->out + e->out_len, s, n);
    e->out_len += n;
  }
}

void oscemu_reply(struct oscemu *e, const char *fmt, ...)
{
  char line[512];
  if (e->noise > 0) {
    e->noise--;
    hold(e, garbage_line(e, line, sizeof line));
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line - 4, fmt, ap);
  va_end(ap);
  strcat(line, e->eol);
  hold(e, line);
}

static void save_state(struct oscemu *e, const struct oscemu_ops *ops, void *ctx)
{
  char own[1024] = "", tmp[4200];
  ops->write_state(own, sizeof own, ctx);
  snprintf(tmp, sizeof tmp, "%s.tmp", e->state_path);
  FILE *f = fopen(tmp, "w");
  if (!f)
    return;
  fprintf(f, "%sctl=%ld\ncmds=%ld\nmute=%d\n", own, e->ctl_count, e->cmd_count, e->mute);
  fclose(f);
  rename(tmp, e->state_path);
}

int oscemu_saved(const char *state_path, const char *key, long long *v)
{
  FILE *f = fopen(state_path, "r");
  char line[256];
  size_t k = strlen(key);
  int found = 0;
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, key, k) && line[k] == '=') {
      *v = strtoll(line + k + 1, NULL, 10);
      found = 1;
    }
  if (f)
    fclose(f);
  return found ? 0 : -1;
}

/* Takes a complete line out of buf (ended by CR or LF; empty ones skipped). */
static int take(char *buf, size_t *len, char *line, size_t n)
{
  for (size_t i = 0; i < *len; i++) {
    if (buf[i] != '\r' && buf[i] != '\n')
      continue;
    size_t l = i < n - 1 ? i : n - 1;
    memcpy(line, buf, l);
    line[l] = '\0';
    memmove(buf, buf + i + 1, *len - i - 1);
    *len -= i + 1;
    if (l > 0)
      return 1;
    i = (size_t)-1;
  }
  return 0;
}

static int common_ctl(struct oscemu *e, const char *cmd)
{
  if (!strcmp(cmd, "mute"))
    e->mute = 1;
  else if (!strcmp(cmd, "unmute"))
    e->mute = 0;
  else if (!strncmp(cmd, "noise ", 6))
    e->noise = atoi(cmd + 6);
  else if (!strcmp(cmd, "garbage")) {
    char g[64];
    send_raw(e, garbage_line(e, g, sizeof g));
  } else
    return -1;
  return 0;
}

/* Reads what fd has into buf, counted when it is the line; -1 when the other end is gone. */
static int fill(int fd, int line, char *buf, size_t *len, size_t cap)
{
  ssize_t r = line ? clk_io_read(fd, buf + *len, cap - *len) : read(fd, buf + *len, cap - *len);
  if (r > 0)
    *len += (size_t)r;
  else if (r == 0 || (errno != EAGAIN && errno != EINTR))
    return -1;
  if (*len == cap) /* an overlong line: dropped */
    *len = 0;
  return 0;
}

int oscemu_run(struct oscemu *e, const struct oscemu_ops *ops, void *ctx)
{
  char line[1024];
  save_state(e, ops, ctx);
  while (!stop) {
    struct pollfd p[2] = {{.fd = e->fd, .events = POLLIN}, {.fd = e->ctl, .events = POLLIN}};
    if (clk_poll(p, 2, INT64_MAX) < 0)
      return stop ? 0 : 1;
    if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
        fill(e->fd, 1, e->in, &e->in_len, sizeof e->in) != 0)
      return 0; /* socat is gone */
    if (p[1].revents & POLLIN)
      fill(e->ctl, 0, e->cin, &e->cin_len, sizeof e->cin);
    while (take(e->cin, &e->cin_len, line, sizeof line)) {
      if (!strcmp(line, "quit"))
        return 0;
      if (common_ctl(e, line) != 0 && ops->on_ctl(e, line, ctx) != 0)
        fprintf(stderr, "emulator: unknown control '%s'\n", line);
      e->ctl_count++;
      save_state(e, ops, ctx);
    }
    while (take(e->in, &e->in_len, line, sizeof line)) {
      e->cmd_count++;
      if (!e->mute)
        ops->on_line(e, line, ctx);
      /* The state is saved before the reply goes out: once the driver has its answer,
       * the test reads what the instrument holds. */
      save_state(e, ops, ctx);
      e->out[e->out_len] = '\0';
      send_raw(e, e->out);
      e->out_len = 0;
    }
  }
  return 0;
}
