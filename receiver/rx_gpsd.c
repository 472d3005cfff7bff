/* The GPS receiver behind gpsd, through libgps (gpsd's JSON protocol, gpsd_json(5)).
 *
 * Debian 12 ships gpsd 3.22 (libgps API 11); every difference between libgps versions is
 * handled in this file.  The traps of 3.22 (DESIGN.md section 6): gps_data_t.set
 * accumulates unless cleared before each gps_read(); a TOFF message is decoded into
 * `pps` (with TOFF_SET, not PPS_SET: fixed upstream only in 3.25), so `pps` is read only
 * right after a message that set PPS_SET; qErr arrives only in PPS messages, which gpsd
 * sends only when it has a PPS source for the receiver; gps_waiting() takes microseconds;
 * a DEVICE message's fields that the next one omits are left from the one before.
 *
 * The sawtooth correction: a PPS message says which pulse it is about in `real` (the UTC
 * second the pulse marks) and carries gpsd's qErr for that pulse (for a u-blox, the qErr of
 * the last UBX-TIM-TP, which the receiver sends between pulses about the next one).
 * The site wants qErr as DESIGN.md section 3 defines it, how late the pulse is; u-blox's
 * TIM-TP qErr, which gpsd passes on unchanged, has the other sign: with a TIC started by
 * the reference and stopped by the receiver it is added (A. Wallin, "uBlox F9T qErr
 * correction", 2019, measured on a ZED-F9T).  Hence qerr_sign, -1 by default.
 * The driver keeps the last RING
 * (second, qErr) pairs and answers qerr() for the pulse of the second asked; a PPS whose
 * real time is not within 0.5 s of a whole second is not used.  A message of the second
 * asked that has not come yet is waited for (pps_wait ms) while PPS messages are flowing,
 * because the TIC's reading and gpsd's PPS message of one pulse race each other.  gpsd
 * writes no qErr (libgps then reads 0) when the receiver gave none, so 0 means unknown.
 *
 * gpsd gone or restarted: gps_read() fails, poll() returns -1 and the site reopens later.
 * gpsd up but the receiver silent for `stale` seconds: the state is NODATA.
 * A device added to gpsd after our watch (hotplug through gpsdctl, or gpsfake's device
 * when gpsfake is slower than our connection): gpsd without -n only stashes it and opens
 * stashed devices at a client's WATCH (gpsd.c, add_device), so it would stay shut for us.
 * gpsd says so with a DEVICE message naming no driver; while nothing comes from the
 * receiver, the driver answers it with its WATCH again, at most once a second.
 *
 * Usability: a position fix (2D, 3D, or gpsd's time-only status with one) gives its mode.
 * A timing receiver surveyed in that sends no position message (a u-blox with NAV-PVT and
 * NAV-SOL off: gpsd 3.22 reports TPV mode 0, "no fix") is in time mode all the same when
 * gpsd gives what timing needs: a TPV with the time, the leap seconds, and at least
 * RX_TIME_MIN_USED satellites used in the latest SKY -- the fix is then TIME. */
#include "config.h"

#include <errno.h>
#include <gps.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "receiver/receiver.h"
#include "receiver/rx_gpsd.h"

#if GPSD_API_MAJOR_VERSION < 10
#error "libgps API 10 (gpsd 3.20) or later is needed: fix.status, qErr in gps_data_t"
#endif

extern const struct receiver_driver rx_gpsd_driver;

#define RING 32
#define LINE_MAX_LIBGPS 4096 /* libgps's GPS_JSON_RESPONSE_MAX: its read buffer */
#define MAX_MSGS 500        /* per poll: a flood cannot hold the measuring loop */
#define PPS_LIVE_NS (3 * NS_PER_S)

struct gpsd_rx {
  struct gps_data_t d;
  int connected;
  int broken;               /* the connection failed outside poll() */
  char host[200], port[16], device[200];
  int64_t stale_ns, pps_wait_ns;
  int qerr_sign;            /* -1 (u-blox through gpsd), 1, or 0 to ignore qErr */
  int64_t now;              /* service time of the last poll */
  int64_t last_pps_mono;
  struct {
    int64_t second;         /* UTC ns of the pulse */
    long ps;
  } ring[RING];
  int ring_next;
  int64_t newest;           /* latest second in the ring */
  long pps, toff;
  int was_stale;
  int rewatch;              /* a device was announced that gpsd has not opened */
  char announced[64];       /* its path */
  int64_t rewatched;        /* service time of the last WATCH sent again */
  int mode_fix;             /* the fix by gpsd's TPV mode and status alone */
  int time_valid;           /* the latest TPV carried the time */
};

/* Satellites used that make a receiver without a position fix a time source: four, as a
 * timing receiver's own integrity check (T-RAIM) wants. */
#define RX_TIME_MIN_USED 4

/* HOST, HOST:PORT, [V6ADDR] or [V6ADDR]:PORT (a bare V6ADDR has no port); default
 * localhost:2947. */
static int parse_address(struct gpsd_rx *g, const char *s, char *err, size_t errlen)
{
  snprintf(g->host, sizeof g->host, "localhost");
  snprintf(g->port, sizeof g->port, DEFAULT_GPSD_PORT);
  if (!*s)
    return 0;
  const char *host = s, *port = NULL, *end;
  if (s[0] == '[') {
    host = s + 1;
    end = strchr(host, ']');
    if (end && end[1] == ':')
      port = end + 2;
    else if (end && end[1])
      end = NULL;
  } else {
    end = strchr(s, ':');
    if (end && strchr(end + 1, ':'))
      end = NULL; /* a bare IPv6 address */
    port = end ? end + 1 : NULL;
    end = end ? end : s + strlen(s);
  }
  size_t hl = end ? (size_t)(end - host) : 0;
  if (hl == 0 || hl >= sizeof g->host) {
    snprintf(err, errlen, "bad gpsd address '%s' (HOST, HOST:PORT or [IPV6]:PORT)", s);
    return -1;
  }
  memcpy(g->host, host, hl);
  g->host[hl] = '\0';
  long long n;
  if (port && conf_int("gpsd port", port, 1, 65535, &n, err, errlen) != 0)
    return -1;
  if (port)
    snprintf(g->port, sizeof g->port, "%lld", n);
  return 0;
}

static int configure(struct gpsd_rx *g, const struct drvconf *c, char *err, size_t errlen)
{
  static const char *const keys[] = {"stale", "pps_wait", "qerr_sign", "device", NULL};
  double stale = 5, wait_ms = 300, sign = -1;
  if (drvconf_check_keys(c, keys, err, errlen) || parse_address(g, c->device, err, errlen) ||
      drvconf_double(c, "stale", 1, 3600, &stale, err, errlen) ||
      drvconf_double(c, "pps_wait", 0, 900, &wait_ms, err, errlen) ||
      drvconf_double(c, "qerr_sign", -1, 1, &sign, err, errlen))
    return -1;
  if (sign != 1 && sign != -1 && sign != 0) {
    snprintf(err, errlen, "qerr_sign must be 1, -1 or 0, not %g", sign);
    return -1;
  }
  const char *dev = drvconf_get(c, "device");
  snprintf(g->device, sizeof g->device, "%s", dev ? dev : "");
  g->stale_ns = (int64_t)(stale * 1e9);
  g->pps_wait_ns = (int64_t)(wait_ms * 1e6);
  g->qerr_sign = (int)sign;
  return 0;
}

static void gpsd_close(struct receiver *rx)
{
  struct gpsd_rx *g = rx->priv;
  if (g && g->connected) {
    gps_stream(&g->d, WATCH_DISABLE, NULL);
    gps_close(&g->d);
  }
  free(g);
  rx->priv = NULL;
}

/* The watch request: JSON reports and PPS messages, of one device if one is named. */
static int watch(struct gpsd_rx *g)
{
  unsigned flags = WATCH_ENABLE | WATCH_JSON | WATCH_PPS;
  if (g->device[0])
    flags |= WATCH_DEVICE;
  return gps_stream(&g->d, flags, g->device[0] ? g->device : NULL);
}

static int connect_gpsd(struct gpsd_rx *g, char *err, size_t errlen)
{
  if (gps_open(g->host, g->port, &g->d) != 0) {
    snprintf(err, errlen, "cannot connect to gpsd at %s:%s: %s", g->host, g->port,
             gps_errstr(errno));
    return -1;
  }
  g->connected = 1;
  if (watch(g) != 0) {
    snprintf(err, errlen, "gpsd at %s:%s refused the watch request", g->host, g->port);
    return -1;
  }
  return 0;
}

/* The caller does not close a receiver that failed to open: this cleans up itself. */
static int gpsd_open(struct receiver *rx, char *err, size_t errlen)
{
  struct gpsd_rx *g = calloc(1, sizeof *g);
  if (!g) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  rx->priv = g;
  g->was_stale = 1; /* the first report is logged */
  if (configure(g, &rx->conf, err, errlen) != 0 || connect_gpsd(g, err, errlen) != 0) {
    gpsd_close(rx);
    return -1;
  }
  LOGI("receiver", "connected to gpsd at %s:%s%s%s", g->host, g->port,
       g->device[0] ? ", device " : "", g->device);
  return 0;
}

static enum rx_fix fix_of(const struct gps_fix_t *f)
{
#ifdef STATUS_TIME
  /* Time-only: a timing receiver surveyed in, or given its position. */
  if (f->status == STATUS_TIME && f->mode >= MODE_2D)
    return RX_FIX_TIME;
#endif
  switch (f->mode) {
  case MODE_NO_FIX: return RX_FIX_NONE;
  case MODE_2D: return RX_FIX_2D;
  case MODE_3D: return RX_FIX_3D;
  default: return RX_FIX_NODATA;
  }
}

static const char *gnss_name(int gnssid)
{
  static const char *const names[] = {"GPS", "SBAS", "GAL", "BDS", "IMES", "QZSS", "GLO", "IRNSS"};
  return gnssid >= 0 && gnssid < 8 ? names[gnssid] : "UNK";
}

static void take_sky(struct rx_state *s, const struct gps_data_t *d)
{
  int n = d->satellites_visible;
  if (n > RX_MAX_SATS)
    n = RX_MAX_SATS;
  s->n_sats = 0;
  s->sats_used = 0;
  for (int i = 0; i < n && i < MAXCHANNELS; i++) {
    const struct satellite_t *in = &d->skyview[i];
    struct rx_sat *o = &s->sats[s->n_sats++];
    /* gnssid:svid is the native numbering; without it (svid 0) gpsd's PRN stands. */
    snprintf(o->gnss, sizeof o->gnss, "%s", in->svid ? gnss_name(in->gnssid) : "UNK");
    o->prn = in->svid ? in->svid : in->PRN;
    o->elevation = in->elevation;
    o->azimuth = in->azimuth;
    o->snr = in->ss >= 0 ? in->ss : NAN;
    o->used = in->used;
    s->sats_used += in->used;
  }
  s->sats_visible = s->n_sats;
}

/* The driver and, when the receiver gave one, its module name (u-blox: "MOD=" in the
 * MON-VER extensions, which gpsd puts in subtype1), else gpsd's subtype. */
static void take_device(struct rx_state *s, const struct devconfig_t *dev)
{
  if (!dev->driver[0])
    return;
  const char *mod = strstr(dev->subtype1, "MOD=");
  const char *what = mod ? mod + 4 : dev->subtype;
  size_t len = mod ? strcspn(what, ",") : strlen(what);
  snprintf(s->model, sizeof s->model, "%.30s%s%.*s", dev->driver, len ? " " : "",
           (int)(len < 32 ? len : 32), what);
}

static void ring_put(struct gpsd_rx *g, const struct timedelta_t *pps, long qerr)
{
  long nsec = pps->real.tv_nsec;
  int64_t sec = (int64_t)pps->real.tv_sec + (nsec >= 500000000 ? 1 : 0);
  if (nsec > 1000000 && nsec < 999000000) {
    LOGD("receiver", "PPS at %lld.%09ld is not at a whole second: not used",
         (long long)pps->real.tv_sec, nsec);
    return;
  }
  int slot = g->ring_next;
  for (int i = 0; i < RING; i++) /* a second reported again: the later message holds */
    if (g->ring[i].second == sec * NS_PER_S)
      slot = i;
  if (slot == g->ring_next)
    g->ring_next = (g->ring_next + 1) % RING;
  g->ring[slot].second = sec * NS_PER_S;
  g->ring[slot].ps = qerr;
  if (sec * NS_PER_S > g->newest)
    g->newest = sec * NS_PER_S;
  g->last_pps_mono = tu_mono_ns();
  g->pps++;
}

/* The rule above: time mode without a position from gpsd. */
static enum rx_fix fix_now(const struct gpsd_rx *g, const struct rx_state *s)
{
  if (g->mode_fix >= RX_FIX_2D)
    return (enum rx_fix)g->mode_fix;
  if (g->time_valid && s->leap_seconds >= 0 && s->sats_used >= RX_TIME_MIN_USED)
    return RX_FIX_TIME;
  return (enum rx_fix)g->mode_fix;
}

/* The host clock against the time of a TPV as it arrives (rx_state.host_offset_ns). */
static void take_time(struct rx_state *s, const struct timespec *t, int valid)
{
  if (!valid || t->tv_sec >= INT64_MAX / NS_PER_S - 1)
    return;
  s->have_offset = 1;
  s->host_offset_ns = clk_now() - ((int64_t)t->tv_sec * NS_PER_S + t->tv_nsec);
}

/* What one message changed. */
static void take(struct receiver *rx, struct gpsd_rx *g)
{
  gps_mask_t set = g->d.set;
  struct rx_state *s = &rx->state;
  if (set & ERROR_SET)
    LOGW("receiver", "gpsd: %s", g->d.error);
  if (set & TOFF_SET)
    g->toff++; /* its times are in d.pps now: not a pulse */
  else if (set & PPS_SET)
    ring_put(g, &g->d.pps, g->d.qErr);
  if (set & (MODE_SET | STATUS_SET)) {
    g->mode_fix = (int)fix_of(&g->d.fix);
    g->time_valid = (set & TIME_SET) && g->d.fix.time.tv_sec > 0;
    take_time(s, &g->d.fix.time, g->time_valid);
    s->updated = g->now;
    if (g->d.leap_seconds > 0) /* libgps reads 0 when a TPV has no leapseconds */
      s->leap_seconds = g->d.leap_seconds;
  }
  if (set & SATELLITE_SET) {
    take_sky(s, &g->d);
    s->updated = g->now;
  }
  if (set & (MODE_SET | STATUS_SET | SATELLITE_SET))
    s->fix = fix_now(g, s);
  if (set & DEVICE_SET) {
    take_device(s, &g->d.dev);
    /* Added, not opened: gpsd's notice of a stashed device names no driver. */
    if (!g->d.dev.driver[0] && g->d.dev.activated.tv_sec > 0) {
      g->rewatch = 1;
      snprintf(g->announced, sizeof g->announced, "%s", g->d.dev.path);
    }
  } else if ((set & DEVICELIST_SET) && g->d.devices.ndevices > 0 && !s->model[0])
    take_device(s, &g->d.devices.list[0]);
}

/* Reads one message; -1 when the connection is gone. */
static int read_one(struct receiver *rx, struct gpsd_rx *g)
{
  g->d.set = 0; /* libgps 3.22 accumulates it otherwise */
  /* ... and keeps what a DEVICE message omits from the one before (a driver, say). */
  memset(&g->d.dev, 0, sizeof g->d.dev);
  errno = 0;
  if (gps_read(&g->d, NULL, 0) < 0) {
    g->broken = 1;
    return -1;
  }
  take(rx, g);
  return 0;
}

static int gpsd_poll(struct receiver *rx, int64_t now, char *err, size_t errlen)
{
  struct gpsd_rx *g = rx->priv;
  g->now = now;
  for (int n = 0; g->connected && !g->broken && n < MAX_MSGS && gps_waiting(&g->d, 0); n++)
    read_one(rx, g);
  if (g->broken) {
    snprintf(err, errlen, "gpsd at %s:%s closed the connection or failed (%s)", g->host, g->port,
             errno ? strerror(errno) : "end of file");
    return -1;
  }
  struct rx_state *s = &rx->state;
  int stale = s->updated == 0 || now - s->updated > g->stale_ns;
  if (!stale)
    g->rewatch = 0; /* data comes: whatever gpsd announced is not what we wait for */
  if (g->rewatch && (g->rewatched == 0 || now - g->rewatched >= NS_PER_S)) {
    LOGI("receiver", "gpsd announced %s without opening it: watching again, so that it does",
         g->announced[0] ? g->announced : "a device");
    g->rewatched = now;
    if (watch(g) != 0) {
      snprintf(err, errlen, "gpsd at %s:%s: the watch request could not be sent again",
               g->host, g->port);
      g->broken = 1;
      return -1;
    }
    g->rewatch = 0;
  }
  if (stale && s->updated && !g->was_stale)
    LOGW("receiver", "nothing from the receiver through gpsd for %.0f s: NODATA",
         (double)(now - s->updated) / 1e9);
  else if (!stale && g->was_stale)
    LOGI("receiver", "%s reporting through gpsd: fix %s", s->model[0] ? s->model : "receiver",
         rx_fix_name(s->fix));
  g->was_stale = stale;
  if (stale) {
    s->fix = RX_FIX_NODATA;
    s->sats_visible = s->sats_used = s->n_sats = 0;
  }
  return 0;
}

static int ring_find(const struct gpsd_rx *g, int64_t second, long *ps)
{
  for (int i = 0; i < RING; i++)
    if (g->ring[i].second == second) {
      *ps = g->ring[i].ps;
      return 1;
    }
  return 0;
}

static int gpsd_qerr(struct receiver *rx, int64_t second, int64_t *ps)
{
  struct gpsd_rx *g = rx->priv;
  long q = 0;
  int found = ring_find(g, second, &q);
  /* The PPS message of this pulse may still be on its way while the pulses flow. */
  int64_t end = tu_mono_ns() + g->pps_wait_ns;
  while (!found && g->connected && !g->broken && second > g->newest && g->last_pps_mono &&
         tu_mono_ns() - g->last_pps_mono < PPS_LIVE_NS) {
    int64_t left = end - tu_mono_ns();
    if (left <= 0 || !gps_waiting(&g->d, (int)(left / 1000)))
      break;
    if (read_one(rx, g) == 0)
      found = ring_find(g, second, &q);
  }
  if (!found || q == 0 || g->qerr_sign == 0)
    return 0;
  *ps = (int64_t)g->qerr_sign * q;
  return 1;
}

int rx_gpsd_open_offline(struct receiver *rx, const struct drvconf *c, char *err, size_t errlen)
{
  memset(rx, 0, sizeof *rx);
  rx->state.leap_seconds = -1;
  rx->drv = &rx_gpsd_driver;
  rx->conf = *c;
  struct gpsd_rx *g = calloc(1, sizeof *g);
  if (!g) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  rx->priv = g;
  g->was_stale = 1;
  if (configure(g, &rx->conf, err, errlen) != 0) {
    gpsd_close(rx);
    return -1;
  }
  return 0;
}

int rx_gpsd_feed(struct receiver *rx, const char *line, int64_t now)
{
  struct gpsd_rx *g = rx->priv;
  char buf[LINE_MAX_LIBGPS];
  size_t n = strlen(line);
  if (n >= sizeof buf)
    return -1;
  memcpy(buf, line, n + 1);
  g->now = now;
  g->d.set = 0;
  if (gps_unpack(buf, &g->d) != 0)
    return -1;
  take(rx, g);
  return 0;
}

const struct receiver_driver rx_gpsd_driver = {
    .name = "gpsd",
    .summary = "GPS receiver behind gpsd (libgps): fix, satellites, leap seconds, qErr",
    .open = gpsd_open,
    .poll = gpsd_poll,
    .qerr = gpsd_qerr,
    .close = gpsd_close,
};
