/* The gpsd receiver driver (receiver/rx_gpsd.c) against gpsd's JSON as a client receives
 * it, served from a loopback port by the test (gpsfake cannot make PPS messages): a
 * session written in gpsd 3.22's format (tests/data/gpsd/pps-session.json) read through
 * libgps's gps_read(), which parses each line with gps_unpack(): fix, satellites, leap
 * seconds, model, the qErr of each pulse matched to its second past the TOFF trap and a
 * glitched pulse, the wait for a PPS message still on its way, NODATA after silence, and
 * gpsd gone.  Then a sawtoothed TIC series whose qErr comes the same way: applying it
 * lowers the TDEV at 1 to 100 s.  And the libgps 3.22 behaviour the driver is built
 * around, pinned on the recorded lines through gps_unpack() itself. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <gps.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "receiver/receiver.h"
#include "receiver/rx_gpsd.h"
#include "stats/stats.h"
#include "tests/testutil.h"
#include "track/calib.h"

#define S0 ((int64_t)1735689610) /* 2025-01-01T00:00:10Z, the session's first pulse */

struct fakegpsd {
  int lfd, fd, port;
  char watch[512];
};

static void fg_listen(struct fakegpsd *f)
{
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  f->lfd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert(f->lfd >= 0);
  ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&a, sizeof a), 0);
  ck_assert_int_eq(listen(f->lfd, 1), 0);
  ck_assert_int_eq(getsockname(f->lfd, (struct sockaddr *)&a, &len), 0);
  f->port = ntohs(a.sin_port);
}

/* The driver's connection has completed in the backlog: take it and its watch request. */
static void fg_accept(struct fakegpsd *f)
{
  f->fd = accept(f->lfd, NULL, NULL);
  ck_assert(f->fd >= 0);
  size_t n = 0;
  while (n < sizeof f->watch - 1 && !strchr(f->watch, '\n')) {
    ssize_t r = read(f->fd, f->watch + n, sizeof f->watch - 1 - n);
    ck_assert(r > 0);
    n += (size_t)r;
    f->watch[n] = '\0';
  }
}

static void fg_send(struct fakegpsd *f, const char *text)
{
  size_t n = strlen(text);
  ck_assert(write(f->fd, text, n) == (ssize_t)n);
}

static void fg_close(struct fakegpsd *f)
{
  if (f->fd >= 0)
    close(f->fd);
  close(f->lfd);
  f->fd = f->lfd = -1;
}

static void open_rx(struct receiver *rx, int port, const char *opts)
{
  char addr[64], err[256];
  snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
  char *argv[8] = {"gpsd", addr};
  int argc = 2;
  char copy[256];
  snprintf(copy, sizeof copy, "%s", opts);
  for (char *t = strtok(copy, " "); t && argc < 8; t = strtok(NULL, " "))
    argv[argc++] = t;
  struct drvconf c;
  ck_assert_int_eq(drvconf_parse(argc, argv, &c, err, sizeof err), 0);
  ck_assert_msg(rx_open(rx, &c, err, sizeof err) == 0, "%s", err);
}

static int64_t sec(int64_t k) { return (S0 + k) * NS_PER_S; }

static int qerr(struct receiver *rx, int64_t k, int64_t *ps)
{
  *ps = 0;
  return rx_qerr(rx, sec(k), ps);
}

struct late_pps {
  struct fakegpsd *f;
  char line[256];
  pid_t waiter; /* the thread that waits for it */
  int sent;
};

/* 1 once thread tid of this process sleeps in the kernel (the driver's wait), 0 after
 * timeout_s. */
static int blocked(pid_t tid, double timeout_s)
{
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
  for (double end = th_now() + th_hang(timeout_s); th_now() < end; th_sleep(0.001)) {
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
      fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    if (p && p[1] == ' ' && p[2] == 'S')
      return 1;
  }
  return 0;
}

/* Sends the PPS message once the driver waits for it: it is still on its way. */
static void *send_late(void *arg)
{
  struct late_pps *l = arg;
  if (blocked(l->waiter, 10)) {
    fg_send(l->f, l->line);
    l->sent = 1;
  }
  return NULL;
}

START_TEST(test_json_session)
{
  struct fakegpsd f;
  struct receiver rx;
  char err[256], path[512];
  int64_t ps;
  fg_listen(&f);
  open_rx(&rx, f.port, "stale=2 pps_wait=900");
  fg_accept(&f);
  /* PPS messages asked for: without "pps":true gpsd sends none. */
  ck_assert_msg(strstr(f.watch, "\"pps\":true") && strstr(f.watch, "\"json\":true"), "%s",
                f.watch);
  snprintf(path, sizeof path, "%s/tests/data/gpsd/pps-session.json", th_srcdir());
  char *session = th_read_file(path);
  ck_assert_ptr_nonnull(session);
  fg_send(&f, session);
  free(session);
  /* Everything taken in: the last pulse's qErr is there (or waited for). */
  ck_assert_int_eq(rx_poll(&rx, sec(9), err, sizeof err), 0);
  ck_assert_int_eq(qerr(&rx, 9, &ps), 1);
  ck_assert_int_eq(ps, 3333);
  ck_assert_int_eq(rx_poll(&rx, sec(9), err, sizeof err), 0);
  struct rx_state *s = &rx.state;
  ck_assert_int_eq(s->fix, RX_FIX_TIME);
  ck_assert_int_eq(s->leap_seconds, 18);
  ck_assert_str_eq(s->model, "u-blox ZED-F9T");
  ck_assert_int_eq(s->sats_visible, 9);
  ck_assert_int_eq(s->sats_used, 7);
  ck_assert_str_eq(s->sats[4].gnss, "GAL");
  ck_assert_int_eq(s->sats[4].prn, 3);
  ck_assert(s->sats[4].elevation == 55 && s->sats[4].azimuth == 150 && s->sats[4].snr == 42);
  ck_assert_int_eq(s->sats[4].used, 1);
  ck_assert_str_eq(s->sats[6].gnss, "GLO");
  ck_assert_str_eq(s->sats[7].gnss, "BDS");
  ck_assert_int_eq(s->sats[7].prn, 19);
  ck_assert_str_eq(s->sats[8].gnss, "SBAS");
  ck_assert_int_eq(s->sats[8].used, 0);
  ck_assert_str_eq(s->sats[3].gnss, "GPS");
  ck_assert_int_eq(s->sats[3].used, 0);
  /* Each pulse's qErr, though a TOFF (decoded into `pps` by libgps 3.22) follows each;
   * a pulse without qErr is unknown; a PPS at x.437 s is not a pulse of second x.  The
   * recorded values are u-blox's (positive: the pulse is early), delivered as lateness. */
  static const long want[10] = {1234, -2210, 4875, -731, 2999, 0, -4020, 610, -1505, 3333};
  for (int k = 0; k < 10; k++) {
    ck_assert_int_eq(qerr(&rx, k, &ps), want[k] != 0);
    ck_assert_int_eq(ps, want[k]);
  }
  ck_assert_int_eq(qerr(&rx, -1, &ps), 0);
  /* A pulse whose message is still on its way: waited for. */
  struct late_pps late = {.f = &f, .waiter = (pid_t)syscall(SYS_gettid)};
  snprintf(late.line, sizeof late.line,
           "{\"class\":\"PPS\",\"device\":\"/dev/pps0\",\"real_sec\":%lld,\"real_nsec\":0,"
           "\"clock_sec\":%lld,\"clock_nsec\":91000,\"precision\":-20,\"qErr\":777}\n",
           (long long)S0 + 10, (long long)S0 + 10);
  pthread_t th;
  pthread_create(&th, NULL, send_late, &late);
  ck_assert_int_eq(qerr(&rx, 10, &ps), 1);
  ck_assert_int_eq(ps, -777);
  pthread_join(th, NULL);
  ck_assert(late.sent);
  /* None comes: the wait ends at pps_wait (wall time: at least that long). */
  double t = th_now();
  ck_assert_int_eq(qerr(&rx, 11, &ps), 0);
  ck_assert(th_now() - t > 0.85 && th_now() - t < 30);
  /* The receiver silent for over `stale` seconds: NODATA. */
  ck_assert_int_eq(rx_poll(&rx, sec(11), err, sizeof err), 0);
  ck_assert_int_eq(s->fix, RX_FIX_TIME);
  ck_assert_int_eq(rx_poll(&rx, sec(12), err, sizeof err), 0);
  ck_assert_int_eq(s->fix, RX_FIX_NODATA);
  ck_assert_int_eq(s->sats_used, 0);
  /* gpsd gone. */
  fg_close(&f);
  ck_assert_int_eq(rx_poll(&rx, sec(13), err, sizeof err), -1);
  ck_assert_msg(strstr(err, "closed the connection"), "%s", err);
  rx_close(&rx);
}
END_TEST

/* What the driver has written to gpsd since the last call, waiting at most wait_s for a
 * first byte (0: only what is there already). */
static void fg_take(struct fakegpsd *f, double wait_s, char *out, size_t n)
{
  size_t got = 0;
  struct pollfd p = {.fd = f->fd, .events = POLLIN};
  out[0] = '\0';
  while (got < n - 1 && poll(&p, 1, got ? 0 : (int)(th_hang(wait_s) * 1000)) == 1) {
    ssize_t r = read(f->fd, out + got, n - 1 - got);
    if (r <= 0)
      break;
    got += (size_t)r;
    out[got] = '\0';
  }
}

/* Polls at service time now until the driver has written a watch request to gpsd, or
 * for wait_s; 1 if it did, with what it wrote in sent. */
static int watched_again(struct receiver *rx, struct fakegpsd *f, int64_t now, double wait_s,
                         char *sent, size_t n)
{
  char err[256];
  for (double end = th_now() + th_hang(wait_s); th_now() < end;) {
    ck_assert_int_eq(rx_poll(rx, now, err, sizeof err), 0);
    fg_take(f, 0.02, sent, n);
    if (strstr(sent, "?WATCH="))
      return 1;
  }
  return 0;
}

#define STASHED(dev, t)                                                                   \
  "{\"class\":\"DEVICE\",\"path\":\"" dev "\",\"activated\":\"2025-01-01T00:00:" t \
  ".000Z\"}\n"

/* A device added to gpsd after the driver's watch (gpsd without -n, hotplug or gpsfake):
 * gpsd only stashes it, announces it with a DEVICE naming no driver, and opens it at a
 * client's next WATCH.  The driver watches again at once, not more than once a second
 * while nothing comes, and not at all once data flows. */
START_TEST(test_device_added_after_watch)
{
  struct fakegpsd f;
  struct receiver rx;
  char err[256], path[512], sent[1024];
  fg_listen(&f);
  open_rx(&rx, f.port, "stale=2");
  fg_accept(&f);
  /* gpsd 3.22's answer to a watch with no device yet, then its notice of one added. */
  fg_send(&f, "{\"class\":\"VERSION\",\"release\":\"3.22\",\"rev\":\"3.22\","
              "\"proto_major\":3,\"proto_minor\":14}\n"
              "{\"class\":\"DEVICES\",\"devices\":[]}\n"
              "{\"class\":\"WATCH\",\"enable\":true,\"json\":true,\"pps\":true}\n"
              STASHED("/dev/ttyACM0", "09"));
  ck_assert_msg(watched_again(&rx, &f, sec(0), 5, sent, sizeof sent), "no second watch");
  ck_assert_msg(strstr(sent, "\"pps\":true"), "%s", sent);
  ck_assert_int_eq(rx.state.fix, RX_FIX_NODATA);
  /* Another notice within the second: not answered before the second is over. */
  fg_send(&f, STASHED("/dev/ttyACM1", "09"));
  ck_assert_msg(!watched_again(&rx, &f, sec(0) + NS_PER_S / 2, 0.3, sent, sizeof sent),
                "watched again within a second: %s", sent);
  ck_assert(watched_again(&rx, &f, sec(1), 5, sent, sizeof sent));
  /* gpsd opens the device: the session comes, the fix with it. */
  snprintf(path, sizeof path, "%s/tests/data/gpsd/pps-session.json", th_srcdir());
  char *session = th_read_file(path);
  ck_assert_ptr_nonnull(session);
  fg_send(&f, session);
  free(session);
  for (double end = th_now() + th_hang(5); rx.state.fix != RX_FIX_TIME && th_now() < end;
       th_sleep(0.01))
    ck_assert_int_eq(rx_poll(&rx, sec(9), err, sizeof err), 0);
  ck_assert_int_eq(rx.state.fix, RX_FIX_TIME);
  ck_assert_str_eq(rx.state.model, "u-blox ZED-F9T");
  /* A device announced while data flows: no watch again. */
  fg_send(&f, STASHED("/dev/ttyACM2", "19"));
  ck_assert_msg(!watched_again(&rx, &f, sec(9), 0.3, sent, sizeof sent),
                "watched again with data flowing: %s", sent);
  fg_close(&f);
  rx_close(&rx);
}
END_TEST

/* The traps of DESIGN.md section 6, as libgps shows them on the recorded session: if a
 * libgps upgrade changes them, this says so before the driver misreads anything. */
START_TEST(test_libgps_traps)
{
  char path[512], *save = NULL;
  snprintf(path, sizeof path, "%s/tests/data/gpsd/pps-session.json", th_srcdir());
  char *session = th_read_file(path);
  ck_assert_ptr_nonnull(session);
  struct gps_data_t d;
  memset(&d, 0, sizeof d);
  int pps = 0, toff = 0, tpv = 0;
  for (char *line = strtok_r(session, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    d.set = 0; /* as the driver does before each read */
    ck_assert_int_eq(gps_unpack(line, &d), 0);
    if (strstr(line, "\"class\":\"TOFF\"")) {
      toff++;
      ck_assert(d.set & TOFF_SET);
#if GPSD_API_MAJOR_VERSION < 14
      /* 3.22: a TOFF lands in `pps` (the serial message's time, 60 ms after the pulse). */
      ck_assert(d.pps.clock.tv_nsec > 50000000);
      ck_assert_int_eq(d.qErr, 0);
#endif
    } else if (strstr(line, "\"class\":\"PPS\"")) {
      pps++;
      ck_assert(d.set & PPS_SET);
      ck_assert(d.pps.real.tv_sec >= S0);
      /* qErr comes only with a PPS message; without the key it reads 0. */
      ck_assert_int_eq(d.qErr == 0, strstr(line, "qErr") == NULL);
    } else if (strstr(line, "\"class\":\"TPV\"")) {
      tpv++;
      ck_assert_int_eq(d.fix.mode, MODE_3D);
      ck_assert_int_eq(d.fix.status, STATUS_TIME);
      ck_assert_int_eq(d.leap_seconds, 18);
    }
  }
  ck_assert_int_eq(pps, 11);
  ck_assert_int_eq(toff, 10);
  ck_assert_int_eq(tpv, 10);
  free(session);
  /* Not cleared, set keeps bits of earlier messages: a SKY after a TPV says MODE_SET. */
  char tpv_line[] = "{\"class\":\"TPV\",\"device\":\"/dev/ttyACM0\",\"mode\":3}";
  char sky_line[] = "{\"class\":\"SKY\",\"device\":\"/dev/ttyACM0\",\"satellites\":[]}";
  memset(&d, 0, sizeof d);
  ck_assert_int_eq(gps_unpack(tpv_line, &d), 0);
  ck_assert_int_eq(gps_unpack(sky_line, &d), 0);
  ck_assert((d.set & SATELLITE_SET) && (d.set & MODE_SET));
}
END_TEST

START_TEST(test_open_errors)
{
  struct receiver rx;
  struct drvconf c;
  char err[256];
  char *bad_port[] = {"gpsd", "localhost:99999"};
  ck_assert_int_eq(drvconf_parse(2, bad_port, &c, err, sizeof err), 0);
  ck_assert_int_eq(rx_open(&rx, &c, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "gpsd port"), "%s", err);
  char *bad_v6[] = {"gpsd", "[::1:2947"};
  ck_assert_int_eq(drvconf_parse(2, bad_v6, &c, err, sizeof err), 0);
  ck_assert_int_eq(rx_open(&rx, &c, err, sizeof err), -1);
  ck_assert_str_eq(err, "bad gpsd address '[::1:2947' (HOST, HOST:PORT or [IPV6]:PORT)");
  char *bad_key[] = {"gpsd", "localhost", "speed=9600"};
  ck_assert_int_eq(drvconf_parse(3, bad_key, &c, err, sizeof err), 0);
  ck_assert_int_eq(rx_open(&rx, &c, err, sizeof err), -1);
  ck_assert_str_eq(err, "driver 'gpsd' has no option 'speed'");
  char *bad_sign[] = {"gpsd", "localhost", "qerr_sign=0.5"};
  ck_assert_int_eq(drvconf_parse(3, bad_sign, &c, err, sizeof err), 0);
  ck_assert_int_eq(rx_open(&rx, &c, err, sizeof err), -1);
  ck_assert_str_eq(err, "qerr_sign must be 1, -1 or 0, not 0.5");
  /* Nobody listening: refused at once. */
  char addr[64];
  snprintf(addr, sizeof addr, "127.0.0.1:%d", th_free_port());
  char *none[] = {"gpsd", addr};
  ck_assert_int_eq(drvconf_parse(2, none, &c, err, sizeof err), 0);
  ck_assert_int_eq(rx_open(&rx, &c, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "cannot connect to gpsd at 127.0.0.1:"), "%s", err);
}
END_TEST

/* A receiver's 1PPS comes on the edges of its own clock (here 48 MHz, 20.8 ns): its
 * error is a sawtooth, whose period follows the clock's frequency offset, reported as
 * qErr with each PPS message (with u-blox's sign).  The TIC reads LOCAL - GPS plus that
 * error; subtracting the qErr the driver delivers for each second leaves the TIC's own
 * 0.1 ns.  With the sign wrong the correction doubles the sawtooth: TDEV grows. */
START_TEST(test_qerr_lowers_tdev)
{
  enum { N = 3000 };
  static double raw[N], corrected[N], wrong[N];
  const double period = 1e3 / 48.0; /* ns */
  struct fakegpsd f;
  struct receiver rx;
  char err[256], line[512];
  fg_listen(&f);
  open_rx(&rx, f.port, "pps_wait=900");
  fg_accept(&f);
  srand(5);
  /* A first pulse, so that the driver knows PPS messages are flowing and waits for any
   * that lags behind its second's TIC reading. */
  snprintf(line, sizeof line,
           "{\"class\":\"PPS\",\"device\":\"/dev/pps0\",\"real_sec\":%lld,\"real_nsec\":0,"
           "\"clock_sec\":%lld,\"clock_nsec\":95000,\"precision\":-20,\"qErr\":1}\n",
           (long long)S0 - 1, (long long)S0 - 1);
  fg_send(&f, line);
  double phase = 0.3;
  int known = 0, nonzero = 0;
  for (int i = 0; i < N; i++) {
    /* The receiver clock's offset drifts: fast sawtooth, then a slow one near 0 (the
     * "hanging bridge" that hurts at long tau). */
    phase += 0.21 - 0.2 * i / N;
    double saw = period * (phase - floor(phase) - 0.5); /* how late the pulse is, ns */
    double tic_noise = 0.1 * ((rand() / (double)RAND_MAX) + (rand() / (double)RAND_MAX) - 1) *
                       sqrt(6.0);
    raw[i] = 25.0 + tic_noise + saw;
    long long q = -llround(saw * 1000); /* u-blox's sign: positive when early */
    nonzero += q != 0;                   /* gpsd's 0 is "no qErr" */
    snprintf(line, sizeof line,
             "{\"class\":\"PPS\",\"device\":\"/dev/pps0\",\"real_sec\":%lld,\"real_nsec\":0,"
             "\"clock_sec\":%lld,\"clock_nsec\":95000,\"precision\":-20,\"qErr\":%lld}\n"
             "{\"class\":\"TOFF\",\"device\":\"/dev/ttyACM0\",\"real_sec\":%lld,"
             "\"real_nsec\":0,\"clock_sec\":%lld,\"clock_nsec\":64000000,\"precision\":-1}\n",
             (long long)S0 + i, (long long)S0 + i, q, (long long)S0 + i, (long long)S0 + i);
    fg_send(&f, line);
    ck_assert_int_eq(rx_poll(&rx, sec(i), err, sizeof err), 0);
    int64_t ps = 0;
    int have = rx_qerr(&rx, sec(i), &ps);
    known += have;
    corrected[i] = have ? calib_apply_qerr(raw[i], ps) : raw[i];
    wrong[i] = have ? calib_apply_qerr(raw[i], -ps) : raw[i];
  }
  ck_assert_int_eq(known, nonzero);
  struct st_data dr, dc, dw;
  ck_assert_int_eq(st_data_phase(&dr, raw, N, 1.0, err, sizeof err), 0);
  ck_assert_int_eq(st_data_phase(&dc, corrected, N, 1.0, err, sizeof err), 0);
  ck_assert_int_eq(st_data_phase(&dw, wrong, N, 1.0, err, sizeof err), 0);
  static const size_t taus[] = {1, 2, 5, 10, 20, 50, 100};
  for (size_t k = 0; k < sizeof taus / sizeof taus[0]; k++) {
    size_t n;
    double tr = st_tdev(&dr, taus[k], &n), tc = st_tdev(&dc, taus[k], &n),
           tw = st_tdev(&dw, taus[k], &n);
    printf("TDEV(%3zu s): sawtoothed %.4f ns, qErr applied %.4f ns, with the wrong sign "
           "%.4f ns\n",
           taus[k], tr, tc, tw);
    ck_assert_msg(tc * 5 < tr, "tau %zu: %.4f vs %.4f ns", taus[k], tc, tr);
    ck_assert(tw > 1.5 * tr);
  }
  st_data_free(&dr);
  st_data_free(&dc);
  st_data_free(&dw);
  fg_close(&f);
  rx_close(&rx);
}
END_TEST

/* A TPV's time against the host clock as it arrives: the offset the site checks before it
 * labels a TIC reading (site/hostclock.h). */
START_TEST(test_host_offset_from_tpv)
{
  int64_t t0;
  ck_assert_int_eq(tu_parse("2025-03-01T12:00:00Z", &t0), 0);
  struct clk_conf cc = {.kind = CLK_MANUAL, .start = t0 + 300 * 1000000LL};
  clk_configure(&cc);
  char *argv[] = {"gpsd", "localhost"};
  struct drvconf c;
  struct receiver rx;
  char err[256];
  ck_assert_int_eq(drvconf_parse(2, argv, &c, err, sizeof err), 0);
  ck_assert_msg(rx_gpsd_open_offline(&rx, &c, err, sizeof err) == 0, "%s", err);
  ck_assert_int_eq(rx.state.have_offset, 0);
  ck_assert_int_eq(rx_gpsd_feed(&rx, "{\"class\":\"TPV\",\"mode\":3,\"status\":1,"
                                     "\"time\":\"2025-03-01T12:00:00.000Z\"}", clk_now()), 0);
  ck_assert_int_eq(rx.state.have_offset, 1);
  ck_assert_int_eq(rx.state.host_offset_ns, 300 * 1000000LL);
  /* The host an hour ahead: the next second's TPV, 0.3 s late, reads 3600.3 s. */
  clk_set(t0 + 3601 * NS_PER_S + 300 * 1000000LL);
  ck_assert_int_eq(rx_gpsd_feed(&rx, "{\"class\":\"TPV\",\"mode\":3,\"status\":1,"
                                     "\"time\":\"2025-03-01T12:00:01.000Z\"}", clk_now()), 0);
  ck_assert_int_eq(rx.state.host_offset_ns, 3600 * NS_PER_S + 300 * 1000000LL);
  rx_close(&rx);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("gpsd");
  TCase *tc = tcase_create("json");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_json_session);
  tcase_add_test(tc, test_device_added_after_watch);
  tcase_add_test(tc, test_open_errors);
  tcase_add_test(tc, test_libgps_traps);
  tcase_add_test(tc, test_host_offset_from_tpv);
  tcase_add_test(tc, test_qerr_lowers_tdev);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
