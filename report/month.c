/* The monthly report's measurements: x per slot, the daily means and their uncertainty,
 * the budget (JCGM 100:2008, the GUM). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/timeutil.h"
#include "report/reportint.h"

void report_opts_default(struct report_opts *o)
{
  memset(o, 0, sizeof *o);
  o->u_cal_ns = 5;
}

int report_parse_month(const char *s, int *year, int *month, char *err, size_t errlen)
{
  char tail;
  if (strlen(s) != 7 || sscanf(s, "%4d-%2d%c", year, month, &tail) != 2 || s[4] != '-' ||
      *month < 1 || *month > 12 || *year < 1970 || *year > 2200) {
    snprintf(err, errlen, "--month '%s': want YYYY-MM (e.g. 2025-01)", s);
    return -1;
  }
  return 0;
}

const char *report_time(int64_t t, char *buf, size_t len)
{
  return tu_format(t, buf, len, 0);
}

void report_item(struct report_month *r, char type, const char *name, double u_ns,
                 const char *source)
{
  if (r->nitems >= REPORT_MAX_ITEMS)
    return;
  struct report_item *it = &r->items[r->nitems++];
  it->type = type;
  it->u_ns = u_ns;
  snprintf(it->name, sizeof it->name, "%s", name);
  snprintf(it->source, sizeof it->source, "%.255s", source);
}

int report_cal_read(const char *path, struct report_cal *c, char *err, size_t errlen)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "--calibration %s: cannot be read", path);
    return -1;
  }
  char line[8192], last[8192] = "";
  while (fgets(line, sizeof line, f))
    if (line[0] == '{')
      snprintf(last, sizeof last, "%s", line);
  fclose(f);
  json_error_t je;
  json_t *j = json_loads(last, 0, &je);
  char e[256], to[64] = "";
  memset(c, 0, sizeof *c);
  if (!j) {
    snprintf(err, errlen, "--calibration %s: no JSON line of cvd calibrate --json", path);
    return -1;
  }
  int rc = 0;
  if (jx_double(j, "u_ns", JX_REQUIRED, 0, 1e6, &c->u_ns, e, sizeof e) != 0 ||
      jx_double(j, "ref_minus_dut_ns", JX_REQUIRED, -1e9, 1e9, &c->delay_ns, e, sizeof e) != 0 ||
      jx_string(j, "to", JX_REQUIRED, to, sizeof to, e, sizeof e) != 0) {
    snprintf(err, errlen, "--calibration %s: %s", path, e);
    rc = -1;
  }
  int64_t t;
  if (rc == 0 && tu_parse(to, &t) != 0) {
    snprintf(err, errlen, "--calibration %s: to: '%s' is not a UTC time", path, to);
    rc = -1;
  }
  snprintf(c->date, sizeof c->date, "%s", to);
  snprintf(c->source, sizeof c->source, "%s", path);
  json_decref(j);
  return rc;
}

/* One day's mean and its Type A.  The white noise of one track is estimated from the
 * differences of consecutive tracks (var(x[i+1] - x[i]) = 2 sigma^2 for white PM, which a
 * clock that moves slowly over 10 min hardly changes: the Allan-variance idea, NIST SP
 * 1065 section 5.2.2); sigma / sqrt(n) is the Type A for independent tracks.  Correlated
 * noise (flicker PM, diurnal delays) averages down more slowly: TDEV at 1 day is the rms
 * time error of day-long averages (ITU-T G.810 appendix II, SP 1065 section 5.2.6), scaled
 * by sqrt(144 / n) for a day with fewer tracks.  The larger of the two is the Type A
 * (JCGM 100:2008 section 4.2); TDEV also holds the clock's own wander, so it errs large. */
static void day_stats(struct report_month *r, struct report_day *d, const double *x, int n)
{
  double s = 0, s2 = 0, dd = 0, mx = 0;
  int k = 0, pairs = 0;
  for (int i = 0; i < n; i++) {
    if (!isfinite(x[i]))
      continue;
    s += x[i];
    k++;
    mx = fmax(mx, fabs(x[i]));
    if (i + 1 < n && isfinite(x[i + 1])) {
      dd += (x[i + 1] - x[i]) * (x[i + 1] - x[i]);
      pairs++;
    }
  }
  d->n = k;
  d->mean_ns = k ? s / k : NAN;
  d->max_abs_ns = k ? mx : NAN;
  for (int i = 0; i < n; i++)
    if (isfinite(x[i]))
      s2 += (x[i] - d->mean_ns) * (x[i] - d->mean_ns);
  d->sd_ns = k > 1 ? sqrt(s2 / (k - 1)) : NAN;
  d->white_ns = pairs ? sqrt(dd / (2.0 * pairs)) : NAN;
  double u_white = k ? d->white_ns / sqrt(k) : NAN;
  double u_corr = k && isfinite(r->tdev_1d_ns) ? r->tdev_1d_ns * sqrt(144.0 / k) : NAN;
  d->u_a_ns = isfinite(u_corr) && (!isfinite(u_white) || u_corr > u_white) ? u_corr : u_white;
  if (k == 1 && !isfinite(d->u_a_ns))
    d->u_a_ns = d->max_abs_ns; /* one track and nothing to judge it by: as large as itself */
}

static int load_x(struct dbc *db, struct report_month *r)
{
  int64_t *slots;
  double *x;
  int n = reportq_x(db, r->site, r->ref, r->from, r->to, &slots, &x);
  if (n < 0)
    return -1;
  r->slot_x = malloc((size_t)r->nslots * sizeof *r->slot_x);
  if (!r->slot_x) {
    free(slots);
    free(x);
    return -1;
  }
  for (int i = 0; i < r->nslots; i++)
    r->slot_x[i] = NAN;
  for (int i = 0; i < n; i++) {
    int64_t k = (slots[i] - r->from) / SLOT_NS;
    if (k >= 0 && k < r->nslots && isfinite(x[i])) {
      r->slot_x[k] = x[i];
      r->ntracks++;
    }
  }
  free(slots);
  free(x);
  return 0;
}

/* Type B (JCGM 100:2008 section 4.3): what the lab states, each with its source. */
static void budget_b(struct report_month *r, const struct report_opts *o)
{
  char src[512];
  if (o->ncals > 0) {
    const struct report_cal *c = &o->cals[o->ncals - 1];
    snprintf(src, sizeof src, "cvd calibrate run ending %.32s (%.150s), REF - DUT %.2f ns",
             c->date, c->source, c->delay_ns);
    report_item(r, 'B', "delay calibration", c->u_ns, src);
  } else
    report_item(r, 'B', "delay calibration", o->u_cal_ns,
                "no calibration given (--calibration): the value of --u-cal assumed");
  report_item(r, 'B', "site delays apart from the calibration", o->u_delays_ns,
              "--u-delays: cables, PPSDLY and REFDLY measured since the calibration");
  report_item(r, 'B', "reference point", o->u_ref_ns,
              "--u-ref: UTC(k) to the reference site's TIC start input");
  double b2 = 0;
  for (int i = 0; i < r->nitems; i++)
    if (r->items[i].type == 'B')
      b2 += r->items[i].u_ns * r->items[i].u_ns;
  r->u_b_ns = sqrt(b2);
}

/* The month's Type A: the rms of the daily ones over the days after the first lock (a
 * day of acquisition measures the clock's own steps, not the link's noise). */
static void days_and_budget(struct report_month *r, const struct report_opts *o, int first)
{
  budget_b(r, o);
  r->ndays = r->nslots / 144;
  double a2 = 0;
  int na = 0;
  for (int d = 0; d < r->ndays; d++) {
    struct report_day *day = &r->days[d];
    day->start = r->from + d * NS_PER_DAY;
    char iso[40];
    snprintf(day->date, sizeof day->date, "%.10s", report_time(day->start, iso, sizeof iso));
    day_stats(r, day, r->slot_x + d * 144, 144);
    /* JCGM 100:2008 section 5.1.2 (uncorrelated inputs) and 6.3: k = 2. */
    day->U_ns = 2 * sqrt(day->u_a_ns * day->u_a_ns + r->u_b_ns * r->u_b_ns);
    if (isfinite(day->u_a_ns) && (d * 144 >= first || first >= r->nslots)) {
      a2 += day->u_a_ns * day->u_a_ns;
      na++;
    }
  }
  r->u_a_ns = na ? sqrt(a2 / na) : NAN;
  char src[256];
  snprintf(src, sizeof src, "rms over the %d days after the first lock of each daily "
           "mean's Type A: the larger of one track's white noise / sqrt(n) and TDEV at 1 day",
           na);
  memmove(r->items + 1, r->items, (size_t)r->nitems * sizeof *r->items);
  r->nitems++;
  r->items[0] = (struct report_item){.type = 'A', .u_ns = r->u_a_ns};
  snprintf(r->items[0].name, sizeof r->items[0].name, "daily mean of x (data)");
  snprintf(r->items[0].source, sizeof r->items[0].source, "%s", src);
  r->u_c_ns = sqrt(r->u_a_ns * r->u_a_ns + r->u_b_ns * r->u_b_ns);
  r->U_ns = 2 * r->u_c_ns;
}

static int month_range(struct report_month *r, const struct report_opts *o, char *err,
                       size_t errlen)
{
  char a[40], b[40];
  if (o->to > o->from) {
    r->from = o->from;
    r->to = o->to;
    snprintf(r->month, sizeof r->month, "%.7s", report_time(o->from, a, sizeof a));
    r->nslots = (int)((r->to - r->from) / SLOT_NS);
    return 0;
  }
  snprintf(a, sizeof a, "%04d-%02d-01T00:00:00Z", o->year, o->month);
  snprintf(b, sizeof b, "%04d-%02d-01T00:00:00Z", o->year + (o->month == 12),
           o->month == 12 ? 1 : o->month + 1);
  if (tu_parse(a, &r->from) != 0 || tu_parse(b, &r->to) != 0) {
    snprintf(err, errlen, "--month %04d-%02d is out of range", o->year, o->month);
    return -1;
  }
  snprintf(r->month, sizeof r->month, "%04d-%02d", o->year, o->month);
  r->nslots = (int)((r->to - r->from) / SLOT_NS);
  return 0;
}

static int find_ref(struct dbc *db, struct report_month *r, const struct report_opts *o,
                    int *bad, char *err, size_t errlen)
{
  int known = reportq_site_known(db, o->site);
  if (known <= 0) {
    *bad = known == 0;
    snprintf(err, errlen, known ? "the store cannot be read" : "site '%s' has no tracks in the "
             "store", o->site);
    return -1;
  }
  snprintf(r->site, sizeof r->site, "%s", o->site);
  if (o->ref) {
    snprintf(r->ref, sizeof r->ref, "%s", o->ref);
    return 0;
  }
  int nref = reportq_reference(db, o->site, r->ref, sizeof r->ref);
  if (nref == 1)
    return 0;
  *bad = nref >= 0;
  snprintf(err, errlen, nref < 0 ? "the store cannot be read"
                        : nref == 0 ? "site '%s' is not a steered remote with a reference "
                                      "(no common view with an unsteered site); name it "
                                      "with --ref"
                                    : "site '%s' has common view with several unsteered "
                                      "sites: name the reference with --ref",
           o->site);
  return -1;
}

int report_month_build(struct dbc *db, const struct report_opts *o, struct report_month *r,
                       int *bad, char *err, size_t errlen)
{
  memset(r, 0, sizeof *r);
  *bad = 1;
  if (month_range(r, o, err, errlen) != 0 || find_ref(db, r, o, bad, err, errlen) != 0)
    return -1;
  *bad = 0;
  struct reportq_state *st = NULL;
  int first = r->nslots, nst;
  if (load_x(db, r) != 0 || (nst = reportq_states(db, r->site, r->from, r->to, &st)) < 0 ||
      report_log(db, r, st, nst, &first) != 0 || report_delays(db, r) != 0) {
    free(st);
    snprintf(err, errlen, "the store cannot be read");
    return -1;
  }
  free(st);
  if (r->ntracks == 0) {
    *bad = 1;
    snprintf(err, errlen, "site '%s' has no common view with '%s' in %s", r->site, r->ref,
             r->month);
    return -1;
  }
  r->tdev_1d_ns = r->mdev_1d = r->mdev_1d_hi = NAN;
  r->first_lock = first;
  report_stability(r, first);
  r->days = calloc((size_t)(r->nslots / 144 + 1), sizeof *r->days);
  if (!r->days) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  days_and_budget(r, o, first);
  r->ncals = o->ncals;
  memcpy(r->cals, o->cals, sizeof r->cals);
  return 0;
}

void report_month_free(struct report_month *r)
{
  free(r->days);
  free(r->holds);
  free(r->events);
  free(r->delays);
  free(r->slot_x);
  memset(r, 0, sizeof *r);
}
