/* The TAPR TICC (github.com/TAPR/TICC; manual "TICC Operation"), on its USB serial port
 * at 115200 8N1.  The board only talks: this driver never writes to it.  Opening the port
 * raises DTR, which resets the board unless JP1 is fitted; it then prints its banner and
 * waits about 6 s for any character to enter its configuration menu ("# Type any
 * character for config menu", UserConfig() in config.cpp).  A byte sent then would stop
 * the measurements, so the mode and channels are set on the board by the operator, and
 * the driver only reads.
 *
 * Readings (ticcline.h):
 * - Time Interval mode: "x TI(A->B)", B - A of the pulses of one second, printed once
 *   both have come.  Labelled by arrival (ticlabel.h); a line read while a newer line was
 *   already waiting behind it sat in a buffer and is refused as late.
 * - Timestamp mode: "x chA" / "x chB", each edge on the board's own timebase.  The two
 *   edges of a second are paired (edgepair.h) and labelled by that timebase, locked to
 *   UTC by the GPS edges (struct ticlabel_lock): a line that arrives late still gets its
 *   true second.  TimeLab mode prints the same two lines plus a derived chC, ignored.
 * By default (local=A) channel A carries the local 1PPS and B the GPS 1PPS, so
 * TI(A->B) = GPS - LOCAL reads LOCAL - GPS as DESIGN.md section 3 wants. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/serial.h"
#include "core/timeutil.h"
#include "tic/edgepair.h"
#include "tic/tic.h"
#include "tic/ticcline.h"
#include "tic/ticlabel.h"
#include "tic/ticutil.h"

/* A board that prints nothing for this long (wall time, clk_io_until) is reported: longer
 * than its start-up (banner and ~6 s menu window). */
#define TICC_SILENCE_NS (20 * NS_PER_S)

enum ticc_mode { MODE_AUTO = 0, MODE_INTERVAL, MODE_TIMESTAMP };

struct ticc {
  struct serial port;
  enum ticc_mode mode;
  int local_is_b;
  double latency_s;
  char next[SERIAL_LINE_MAX]; /* a line read ahead to see whether the last one was stale */
  int has_next;
  int64_t next_arrival;
  int64_t silent_at;          /* service time at which the board has been silent too long */
  struct edgepair pair;
  struct ticlabel_lock lock;
};

static int ticc_open(struct tic *t, char *err, size_t errlen)
{
  static const char *const keys[] = {"mode", "local", "baud", "latency", NULL};
  static const char *const modes[] = {"auto", "interval", "timestamp", NULL};
  static const char *const chans[] = {"A", "B", NULL};
  if (!t->conf.device[0]) {
    snprintf(err, errlen, "the ticc driver needs the serial device, e.g. /dev/ttyACM0");
    return -1;
  }
  struct ticc *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  int mode, baud;
  if (drvconf_check_keys(&t->conf, keys, err, errlen) ||
      tic_opt_choice(&t->conf, "mode", modes, MODE_AUTO, &mode, err, errlen) ||
      tic_opt_choice(&t->conf, "local", chans, 0, &c->local_is_b, err, errlen) ||
      tic_opt_baud(&t->conf, 115200, &baud, err, errlen) ||
      ticlabel_latency_option(&t->conf, &c->latency_s, err, errlen) ||
      serial_open(&c->port, t->conf.device, baud, err, errlen)) {
    free(c);
    return -1;
  }
  c->mode = (enum ticc_mode)mode;
  /* What the port held from before this open belongs to no second we can name, nor
   * does the rest of a line the drain cut (the banner's "# " of the menu window's dots). */
  serial_drain_stream(&c->port);
  c->silent_at = clk_io_until(TICC_SILENCE_NS);
  edgepair_init(&c->pair, 500000000000LL);
  ticlabel_lock_init(&c->lock, 1000000000000LL);
  t->priv = c;
  LOGI("tic", "ticc on %s: sending nothing while the board starts (about 6 s menu window)",
       t->conf.device);
  return 0;
}

/* The next line, from the read-ahead slot or the port.  1, 0 at the deadline, -1. */
static int next_line(struct ticc *c, char *line, size_t n, int64_t *arrival, int64_t until,
                     char *err, size_t errlen)
{
  if (c->has_next) {
    snprintf(line, n, "%s", c->next);
    *arrival = c->next_arrival;
    c->has_next = 0;
    return 1;
  }
  int rc = serial_read_line(&c->port, line, n, until, err, errlen);
  if (rc == 1) {
    *arrival = clk_now();
    c->silent_at = clk_io_until(TICC_SILENCE_NS);
  }
  return rc;
}

/* 1 when another complete line has already arrived behind the one just read.  TimeLab
 * mode's derived chC line follows its pair at once and is ignored anyway: it does not
 * count. */
static int stale(struct ticc *c, int64_t arrival)
{
  char e[8];
  int64_t ps;
  while (!c->has_next &&
         serial_read_line(&c->port, c->next, sizeof c->next, 0, e, sizeof e) == 1) {
    if (ticc_parse_line(c->next, &ps) == TICC_CHAN_C)
      continue;
    c->has_next = 1;
    c->next_arrival = arrival;
  }
  return c->has_next;
}

static int mode_error(struct tic *t, const char *seen, char *err, size_t errlen)
{
  snprintf(err, errlen, "%s: the TICC prints %s but the driver is set to mode=%s",
           t->conf.device, seen, drvconf_get(&t->conf, "mode"));
  return -1;
}

/* A '#' line: follows the board's restarts and refuses modes that carry no readings. */
static int comment(struct tic *t, struct ticc *c, const char *line, char *err, size_t errlen)
{
  if (strstr(line, "TAPR TICC")) {
    LOGI("tic", "ticc on %s: the board restarted", t->conf.device);
    edgepair_init(&c->pair, c->pair.half);
    ticlabel_lock_init(&c->lock, c->lock.unit);
  }
  const char *m = ticc_header_mode(line);
  if (!m)
    return 0;
  if (strcmp(m, "period") == 0 || strcmp(m, "debug") == 0) {
    snprintf(err, errlen, "%s: the TICC is in %s mode; set it to Time Interval or "
                          "Timestamp in its menu", t->conf.device, m);
    return -1;
  }
  if (c->mode == MODE_INTERVAL && strcmp(m, "interval") != 0)
    return mode_error(t, "timestamps", err, errlen);
  if (c->mode == MODE_TIMESTAMP && strcmp(m, "interval") == 0)
    return mode_error(t, "time intervals", err, errlen);
  return 0;
}

static int interval(struct tic *t, struct ticc *c, int64_t ps, int64_t arrival,
                    struct tic_reading *r)
{
  double raw = (double)(c->local_is_b ? -ps : ps) / 1e12;
  if (stale(c, arrival)) {
    tic_late(t, "a TI line waited behind a newer one: its second is unknown");
    return 0;
  }
  if (!ticlabel_by_arrival(arrival, raw, c->latency_s, &r->t)) {
    tic_late(t, "a TI line came too late to name its second");
    return 0;
  }
  r->raw_s = raw;
  return 1;
}

static int edge(struct tic *t, struct ticc *c, enum ticc_line kind, int64_t ps,
                int64_t arrival, struct tic_reading *r)
{
  int is_b = kind == TICC_CHAN_B;
  enum edge_input in = is_b == c->local_is_b ? EDGE_LOCAL : EDGE_GPS;
  int64_t local, gps;
  if (!edgepair_add(&c->pair, in, ps, &local, &gps))
    return 0;
  double raw = (double)(gps - local) / 1e12;
  int64_t at = 0;
  /* The arrival vouches for a second only if nothing newer was already waiting. */
  int timely = !stale(c, arrival) && ticlabel_by_arrival(arrival, raw, c->latency_s, &at);
  if (ticlabel_lock_label(&c->lock, gps, timely, at, &r->t)) {
    r->raw_s = raw;
    return 1;
  }
  if (!timely)
    tic_late(t, "timestamps came too late to name their second before the board's "
                "timebase was locked to UTC");
  else
    LOGD("tic", "ticc: timestamps withheld until the board's timebase is locked to UTC");
  return 0;
}

static int ticc_read(struct tic *t, struct tic_reading *r, int64_t deadline, char *err,
                     size_t errlen)
{
  struct ticc *c = t->priv;
  char line[SERIAL_LINE_MAX];
  for (;;) {
    int64_t arrival = 0;
    int rc = next_line(c, line, sizeof line, &arrival, deadline, err, errlen);
    if (rc < 0)
      return -1;
    if (rc == 0) {
      if (clk_now() < c->silent_at)
        return 0;
      snprintf(err, errlen, "%s: the TICC has printed nothing for %lld s (no 10 MHz "
                            "reference, no pulses, or the board is in its menu)",
               t->conf.device, (long long)(TICC_SILENCE_NS / NS_PER_S));
      return -1;
    }
    int64_t ps;
    enum ticc_line kind = ticc_parse_line(line, &ps);
    switch (kind) {
    case TICC_COMMENT:
      if (comment(t, c, line, err, errlen) != 0)
        return -1;
      break;
    case TICC_GARBAGE:
      tic_skip(t, "garbage line '%.60s'", line);
      break;
    case TICC_CHAN_C:
      break;
    case TICC_INTERVAL:
      if (c->mode == MODE_TIMESTAMP)
        return mode_error(t, "time intervals", err, errlen);
      if (interval(t, c, ps, arrival, r))
        return 1;
      break;
    case TICC_CHAN_A:
    case TICC_CHAN_B:
      if (c->mode == MODE_INTERVAL)
        return mode_error(t, "timestamps", err, errlen);
      if (edge(t, c, kind, ps, arrival, r))
        return 1;
      break;
    }
  }
}

static void ticc_close(struct tic *t)
{
  struct ticc *c = t->priv;
  if (c) {
    serial_close(&c->port);
    free(c);
  }
  t->priv = NULL;
}

const struct tic_driver tic_ticc_driver = {
    .name = "ticc",
    .summary = "TAPR TICC on USB serial (Time Interval or Timestamp mode)",
    .open = ticc_open,
    .read = ticc_read,
    .close = ticc_close,
};
