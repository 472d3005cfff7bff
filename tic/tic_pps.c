/* Linux PPS inputs through the RFC 2783 API (pps-tools' sys/timepps.h: time_pps_create,
 * time_pps_getcap, time_pps_setparams, time_pps_fetch).  The kernel stamps each edge with
 * the system clock as it happens, so the stamps, not the time they are fetched, name the
 * second: a reading fetched late is still labelled right.
 *
 *   tic pps GPS_DEVICE local=LOCAL_DEVICE
 *     Two inputs: the GPS 1PPS and the local 1PPS.  The edges of one second pair up
 *     (edgepair.h); the reading is GPS edge - local edge, which is LOCAL - GPS as a TIC
 *     started by the local pulse reads (DESIGN.md section 3), labelled with the system
 *     second nearest the GPS edge.  Its resolution is the kernel's timestamping (interrupt
 *     latency, microseconds), not a counter's.
 *   tic pps GPS_DEVICE
 *     One input against the system clock: the reading is the GPS edge's stamp minus the
 *     nearest whole second, i.e. SYSTEM - GPS: how far the host's clock is from GPS time
 *     (the host's system clock plays the local clock).
 *
 * Stamps are system time, so the driver runs only with the real clock source. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_SYS_TIMEPPS_H
#include <sys/timepps.h>
#endif

#include "core/clock.h"
#include "core/timeutil.h"
#include "tic/edgepair.h"
#include "tic/tic.h"
#include "tic/ticutil.h"

#ifdef HAVE_SYS_TIMEPPS_H

/* How often the inputs are looked at; the stamps do not depend on it. */
#define PPS_POLL_NS (20 * 1000000LL)

struct ppsin {
  int fd;
  pps_handle_t h;
  unsigned long seq;
  char path[256];
};

struct pps {
  struct ppsin in[2]; /* [EDGE_GPS] always; [EDGE_LOCAL] with local= */
  int two;
  int clear_edge;
  struct edgepair pair;
};

static int input_open(struct ppsin *p, const char *path, int clear, char *err, size_t errlen)
{
  snprintf(p->path, sizeof p->path, "%s", path);
  p->fd = open(path, O_RDWR | O_CLOEXEC);
  if (p->fd < 0) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  int caps, want = clear ? PPS_CAPTURECLEAR : PPS_CAPTUREASSERT;
  pps_params_t params;
  pps_info_t info;
  struct timespec zero = {0, 0};
  if (time_pps_create(p->fd, &p->h) != 0 || time_pps_getcap(p->h, &caps) != 0) {
    snprintf(err, errlen, "%s: not a PPS device: %s", path, strerror(errno));
    close(p->fd);
    return -1;
  }
  if (!(caps & want) || !(caps & PPS_TSFMT_TSPEC)) {
    snprintf(err, errlen, "%s cannot capture the %s edge", path, clear ? "clear" : "assert");
    goto fail;
  }
  if (time_pps_getparams(p->h, &params) != 0)
    goto sys;
  params.mode |= want | PPS_TSFMT_TSPEC;
  if (time_pps_setparams(p->h, &params) != 0 ||
      time_pps_fetch(p->h, PPS_TSFMT_TSPEC, &info, &zero) != 0)
    goto sys;
  /* Edges from before the open belong to no reading of ours. */
  p->seq = clear ? info.clear_sequence : info.assert_sequence;
  return 0;
sys:
  snprintf(err, errlen, "%s: %s", path, strerror(errno));
fail:
  time_pps_destroy(p->h);
  close(p->fd);
  return -1;
}

static void input_close(struct ppsin *p)
{
  time_pps_destroy(p->h);
  close(p->fd);
}

/* 1 with the stamp of a new edge, 0 when none came since the last look, -1. */
static int input_fetch(struct ppsin *p, int clear, int64_t *stamp, char *err, size_t errlen)
{
  pps_info_t info;
  struct timespec zero = {0, 0};
  if (time_pps_fetch(p->h, PPS_TSFMT_TSPEC, &info, &zero) != 0) {
    snprintf(err, errlen, "%s: %s", p->path, strerror(errno));
    return -1;
  }
  unsigned long seq = clear ? info.clear_sequence : info.assert_sequence;
  struct timespec ts = clear ? info.clear_timestamp : info.assert_timestamp;
  if (seq == p->seq)
    return 0;
  p->seq = seq;
  *stamp = (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
  return 1;
}

static int pps_open(struct tic *t, char *err, size_t errlen)
{
  static const char *const keys[] = {"local", "edge", NULL};
  static const char *const edges[] = {"assert", "clear", NULL};
  int clear;
  if (drvconf_check_keys(&t->conf, keys, err, errlen) ||
      tic_opt_choice(&t->conf, "edge", edges, 0, &clear, err, errlen))
    return -1;
  if (!t->conf.device[0]) {
    snprintf(err, errlen, "the pps driver needs the GPS 1PPS device, e.g. /dev/pps0");
    return -1;
  }
  if (clk_config()->kind != CLK_REAL) {
    snprintf(err, errlen, "the pps driver needs 'clock real': PPS stamps are system time");
    return -1;
  }
  struct pps *p = calloc(1, sizeof *p);
  if (!p) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  p->clear_edge = clear;
  const char *local = drvconf_get(&t->conf, "local");
  if (input_open(&p->in[EDGE_GPS], t->conf.device, clear, err, errlen) != 0) {
    free(p);
    return -1;
  }
  if (local && input_open(&p->in[EDGE_LOCAL], local, clear, err, errlen) != 0) {
    input_close(&p->in[EDGE_GPS]);
    free(p);
    return -1;
  }
  p->two = local != NULL;
  edgepair_init(&p->pair, NS_PER_S / 2);
  t->priv = p;
  return 0;
}

static int pps_read(struct tic *t, struct tic_reading *r, int64_t deadline, char *err,
                    size_t errlen)
{
  struct pps *p = t->priv;
  for (;;) {
    for (int i = 0; i <= p->two; i++) {
      enum edge_input in = i == 0 ? EDGE_GPS : EDGE_LOCAL;
      int64_t stamp, local, gps;
      int rc = input_fetch(&p->in[in], p->clear_edge, &stamp, err, errlen);
      if (rc < 0)
        return -1;
      if (rc == 0)
        continue;
      if (!p->two) {
        r->raw_s = edge_offset_from_second(stamp, &r->t);
        return 1;
      }
      if (edgepair_add(&p->pair, in, stamp, &local, &gps)) {
        edge_offset_from_second(gps, &r->t);
        r->raw_s = (double)(gps - local) / 1e9;
        return 1;
      }
    }
    int64_t now = clk_now();
    if (now >= deadline)
      return 0;
    clk_sleep_until(now + (deadline - now < PPS_POLL_NS ? deadline - now : PPS_POLL_NS), NULL);
  }
}

static void pps_close(struct tic *t)
{
  struct pps *p = t->priv;
  if (p) {
    input_close(&p->in[EDGE_GPS]);
    if (p->two)
      input_close(&p->in[EDGE_LOCAL]);
    free(p);
  }
  t->priv = NULL;
}

#else /* no sys/timepps.h */

static int pps_open(struct tic *t, char *err, size_t errlen)
{
  (void)t;
  snprintf(err, errlen, "cvd was built without sys/timepps.h (Debian: pps-tools)");
  return -1;
}

static int pps_read(struct tic *t, struct tic_reading *r, int64_t deadline, char *err,
                    size_t errlen)
{
  (void)t, (void)r, (void)deadline;
  snprintf(err, errlen, "no PPS support");
  return -1;
}

static void pps_close(struct tic *t) { (void)t; }

#endif

const struct tic_driver tic_pps_driver = {
    .name = "pps",
    .summary = "Linux PPS (RFC 2783): GPS and local 1PPS inputs, or GPS against the system clock",
    .open = pps_open,
    .read = pps_read,
    .close = pps_close,
};
