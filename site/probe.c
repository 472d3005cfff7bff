/* cvd site --probe: talks to each configured instrument for a few seconds and says what
 * it found, so that a site can be diagnosed before it runs.  Exit status 0 only if the
 * TIC, the receiver and the oscillator are all usable. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "site/probe.h"
#include "site/hostclock.h"
#include "site/core.h"
#include "db/db.h"
#include "db/spool.h"
#include "osc/osc.h"
#include "receiver/receiver.h"
#include "sim/site.h"
#include "tic/tic.h"

static const char *verdict(int ok) { return ok ? "OK" : "NOT USABLE"; }

static int probe_tic(const struct site_conf *c, struct sim_site *sim, int seconds)
{
  struct tic t;
  struct drvconf dc = c->tic;
  char err[256];
  dc.ctx = sim;
  if (tic_open(&t, &dc, err, sizeof err) != 0) {
    printf("tic        %s: %s  %s\n", c->tic.driver, err, verdict(0));
    return 0;
  }
  /* An instrument may take a while to start (the TICC's menu window after its reset):
   * readings are awaited for up to 30 s more than asked, and judged from the first on. */
  int n = 0;
  double sum = 0, ss = 0;
  int64_t first = 0, last = 0, end = clk_now() + (int64_t)(seconds + 30) * NS_PER_S;
  while (clk_now() < end && n < seconds) {
    struct tic_reading r;
    int rc = tic_read(&t, &r, end, err, sizeof err);
    if (rc < 0) {
      printf("tic        %s%s%s: %s after %d readings  %s\n", c->tic.driver,
             c->tic.device[0] ? " " : "", c->tic.device, err, n, verdict(0));
      tic_close(&t);
      return 0;
    }
    if (rc == 1) {
      if (!n)
        first = r.t;
      last = r.t;
      n++;
      sum += r.ns;
      ss += r.ns * r.ns;
    }
  }
  double mean = n ? sum / n : NAN, sd = n > 1 ? sqrt(fmax(0, (ss - n * mean * mean) / (n - 1))) : NAN;
  int span = n ? (int)((last - first) / NS_PER_S) + 1 : 0;
  /* One missing second is allowed; more, and the instrument is not delivering. */
  int ok = n >= 2 && n >= span - 1;
  printf("tic        %s%s%s: %d readings in %d s; LOCAL - GPS %+.2f ns, spread %.2f ns (raw, before "
         "sawtooth and delays); %ld wrapped, %ld duplicated, %ld out of order, %ld late, %ld "
         "garbage  %s\n",
         c->tic.driver, c->tic.device[0] ? " " : "", c->tic.device, n, span, mean, sd,
         t.counts.wrapped, t.counts.duplicates, t.counts.out_of_order, t.counts.late,
         t.counts.garbage,
         verdict(ok));
  tic_close(&t);
  return ok;
}

static int probe_rx(const struct site_conf *c, struct sim_site *sim, int seconds)
{
  struct receiver rx;
  struct drvconf dc = c->receiver;
  char err[256];
  dc.ctx = sim;
  if (rx_open(&rx, &dc, err, sizeof err) != 0) {
    printf("receiver   %s: %s  %s\n", c->receiver.driver, err, verdict(0));
    return 0;
  }
  int64_t start = clk_now(), end = start + (int64_t)seconds * NS_PER_S;
  int qerr = 0, pulses = 0, alive = 1;
  for (int64_t s = (start / NS_PER_S + 1) * NS_PER_S; s <= end && alive; s += NS_PER_S) {
    clk_sleep_until(s, NULL);
    if (rx_poll(&rx, s, err, sizeof err) != 0)
      alive = 0;
    int64_t ps;
    pulses++;
    qerr += rx_qerr(&rx, s - NS_PER_S, &ps) == 1;
  }
  const struct rx_state *st = &rx.state;
  int ok = alive && st->fix >= RX_FIX_2D;
  printf("receiver   %s%s%s: %s; fix %s; %d satellites in view, %d used; leap seconds %s%d; "
         "qErr for %d of %d pulses%s%s  %s\n",
         c->receiver.driver, c->receiver.device[0] ? " " : "", c->receiver.device,
         st->model[0] ? st->model : "model unknown", rx_fix_name(st->fix), st->sats_visible,
         st->sats_used, st->leap_seconds < 0 ? "unknown " : "",
         st->leap_seconds < 0 ? 0 : st->leap_seconds, qerr, pulses, alive ? "" : "; ",
         alive ? "" : err, verdict(ok));
  if (st->have_offset)
    printf("host clock %+.3f s from the receiver's UTC (0 to 1 s is in time: a time message "
           "comes within the second after the one it names)%s\n",
           (double)st->host_offset_ns / 1e9,
           st->host_offset_ns < HOSTCLOCK_MIN_NS || st->host_offset_ns > HOSTCLOCK_MAX_NS
               ? ": the site would refuse its TIC readings"
               : "");
  rx_close(&rx);
  return ok;
}

static int probe_osc(const struct site_conf *c, struct sim_site *sim)
{
  struct osc o;
  struct drvconf dc = c->osc;
  struct track_osc rep;
  char err[256];
  dc.ctx = sim;
  if (osc_open(&o, &dc, &c->proc.limits, err, sizeof err) != 0) {
    printf("oscillator %s: %s  %s\n", c->osc.driver, err, verdict(0));
    return 0;
  }
  osc_report(&o, &rep);
  char res[64];
  if (o.drv->resolution > 0)
    snprintf(res, sizeof res, "set in steps of %.0e", o.drv->resolution);
  else
    snprintf(res, sizeof res, "continuous setting");
  printf("oscillator %s%s%s: %s; %s; %s%s  %s\n", c->osc.driver, c->osc.device[0] ? " " : "",
         c->osc.device, rep.status[0] ? rep.status : "no status",
         o.drv->steerable ? "steerable" : "not steered", res,
         rep.can_step ? ", takes phase steps" : ", no phase steps", verdict(1));
  osc_close(&o);
  return 1;
}

int site_probe(const struct site_conf *c, int seconds)
{
  struct sim_site *sim = NULL;
  char err[1200];
  if (c->has_sim && !(sim = site_sim_open(c, err, sizeof err))) {
    printf("simulation: %s  %s\n", err, verdict(0));
    return 1;
  }
  printf("cvd site --probe: %s, %d s per instrument\n", c->name, seconds);
  int ok = probe_tic(c, sim, seconds);
  ok &= probe_rx(c, sim, seconds);
  ok &= probe_osc(c, sim);
  sqlite3 *db = db_open(c->spool, DB_SPOOL, err, sizeof err);
  if (db) {
    printf("spool      %s: %d tracks waiting to be sent  OK\n", c->spool, spool_count_unacked(db));
    db_close(db);
  } else {
    printf("spool      %s  %s\n", err, verdict(0));
    ok = 0;
  }
  printf("%s\n", ok ? "all usable" : "not all usable");
  site_sim_close(sim);
  return ok ? 0 : 1;
}
