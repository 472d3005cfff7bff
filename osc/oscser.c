#include "config.h"
#include "osc/oscser.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/conf.h"
#include "core/log.h"
#include "core/timeutil.h"

static int int_option(const struct drvconf *c, const char *key, long long lo, long long hi,
                      long long *out, char *err, size_t errlen)
{
  const char *v = drvconf_get(c, key);
  return v ? conf_int(key, v, lo, hi, out, err, errlen) : 0;
}

int oscser_configure(struct oscser *l, const struct drvconf *c, const char *name,
                     int default_baud, const char *eol, char *err, size_t errlen)
{
  memset(l, 0, sizeof *l);
  l->s.fd = -1;
  snprintf(l->name, sizeof l->name, "%s", name);
  if (!c->device[0]) {
    snprintf(err, errlen, "the %s driver needs the serial device (e.g. /dev/ttyUSB0)", name);
    return -1;
  }
  snprintf(l->path, sizeof l->path, "%s", c->device);
  long long baud = default_baud, timeout = 500, poll = 10, retry = 10;
  if (int_option(c, "baud", 1200, 230400, &baud, err, errlen) ||
      int_option(c, "timeout", 50, 10000, &timeout, err, errlen) ||
      int_option(c, "poll", 1, 3600, &poll, err, errlen) ||
      int_option(c, "retry", 1, 3600, &retry, err, errlen))
    return -1;
  l->baud = (int)baud;
  l->eol = eol;
  l->timeout_ms = (int)timeout;
  l->poll_ns = poll * NS_PER_S;
  l->retry_ns = retry * NS_PER_S;
  return 0;
}

int oscser_ensure(struct oscser *l, char *err, size_t errlen)
{
  if (serial_is_open(&l->s))
    return 0;
  int64_t now = clk_now();
  if (now < l->next_try) {
    snprintf(err, errlen, "%s on %s is down; next attempt in %.0f s", l->name, l->path,
             (double)(l->next_try - now) / 1e9);
    return -1;
  }
  if (serial_open(&l->s, l->path, l->baud, err, errlen) != 0) {
    l->next_try = clk_io_until(l->retry_ns);
    return -1;
  }
  l->fresh = 1;
  return 0;
}

int oscser_send(struct oscser *l, const char *cmd, char *err, size_t errlen)
{
  char line[128];
  snprintf(line, sizeof line, "%s%s", cmd, l->eol);
  if (serial_puts(&l->s, line, l->timeout_ms, err, errlen) != 0) {
    oscser_fail(l);
    return -1;
  }
  return 0;
}

/* Counts and drops the complete lines nobody asked for, then any partial one. */
static void drop_unasked(struct oscser *l)
{
  char line[SERIAL_LINE_MAX], e[64];
  while (serial_read_line(&l->s, line, sizeof line, 0, e, sizeof e) == 1)
    if (line[0])
      l->garbage++;
  serial_drain(&l->s);
}

/* Stray lines say something about the cable or the unit: logged, at most once a minute. */
static void log_garbage(struct oscser *l)
{
  int64_t now = tu_mono_ns();
  if (l->garbage == l->garbage_logged || now - l->garbage_log_at < 60 * NS_PER_S)
    return;
  LOGW("osc", "%s on %s: %ld stray lines so far (noise on the line, or the unit restarting)",
       l->name, l->path, l->garbage);
  l->garbage_logged = l->garbage;
  l->garbage_log_at = now;
}

int oscser_query(struct oscser *l, const char *cmd, oscser_accept_fn accept, char *reply,
                 size_t n, char *err, size_t errlen)
{
  log_garbage(l);
  drop_unasked(l);
  if (oscser_send(l, cmd, err, errlen) != 0)
    return -1;
  int64_t deadline = clk_io_until((int64_t)l->timeout_ms * 1000000);
  for (;;) {
    int r = serial_read_line(&l->s, reply, n, deadline, err, errlen);
    if (r == 1 && accept(reply))
      return 0;
    if (r == 1) {
      if (reply[0])
        l->garbage++;
      continue;
    }
    if (r == 0)
      snprintf(err, errlen, "%s on %s: no reply to %s within %d ms", l->name, l->path, cmd,
               l->timeout_ms);
    oscser_fail(l);
    return -1;
  }
}

void oscser_fail(struct oscser *l)
{
  if (serial_is_open(&l->s)) {
    serial_close(&l->s);
    l->failures++;
  }
  l->next_try = clk_io_until(l->retry_ns);
}

void oscser_close(struct oscser *l) { serial_close(&l->s); }

int oscser_poll_due(struct oscser *l)
{
  if (clk_now() < l->next_poll)
    return 0;
  l->next_poll = clk_io_until(l->poll_ns);
  return 1;
}
