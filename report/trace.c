/* The traceability statement's numbers and its JSON (report/trace.h). */
#include "config.h"
#include "report/trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/timeutil.h"
#include "report/reportint.h"

static const double limits_ns[3] = {100000, 1000, 50};
static const char *const limit_keys[3] = {"within_100us_pct", "within_1us_pct",
                                          "within_50ns_pct"};

int report_circt_read(const char *path, struct report_circt *c, char *err, size_t errlen)
{
  FILE *f = fopen(path, "r");
  memset(c, 0, sizeof *c);
  if (!f) {
    snprintf(err, errlen, "--circular-t %s: cannot be read", path);
    return -1;
  }
  snprintf(c->source, sizeof c->source, "%s", path);
  char line[512];
  int ln = 0;
  while (fgets(line, sizeof line, f)) {
    ln++;
    char *hash = strchr(line, '#');
    if (hash)
      *hash = '\0';
    int mjd, used = 0;
    double v, u;
    char rest[2];
    if (sscanf(line, " %1s", rest) != 1)
      continue;
    if (sscanf(line, "%d %lf %lf %n", &mjd, &v, &u, &used) != 3 || line[used] != '\0' ||
        mjd < 40587 || mjd > 100000 || !isfinite(v) || fabs(v) > 1e9 || !(u >= 0 && u < 1e6) ||
        (c->n && mjd <= c->mjd[c->n - 1]) || c->n >= CIRCT_MAX) {
      snprintf(err, errlen, "%s:%d: want 'MJD UTC-UTC(k)/ns u/ns', MJDs rising (at most %d "
               "lines)", path, ln, CIRCT_MAX);
      fclose(f);
      return -1;
    }
    c->mjd[c->n] = mjd;
    c->v_ns[c->n] = v;
    c->u_ns[c->n++] = u;
  }
  fclose(f);
  if (!c->n) {
    snprintf(err, errlen, "%s: no values", path);
    return -1;
  }
  return 0;
}

/* UTC - UTC(k) at MJD m (linear between the dates that bracket it; NAN outside them: a
 * value is never extrapolated past what BIPM published), its u the larger of the two. */
static void utc_at(const struct report_circt *c, double m, double *v, double *u)
{
  *v = *u = NAN;
  for (int i = 0; c && i < c->n; i++) {
    if (c->mjd[i] == m) {
      *v = c->v_ns[i];
      *u = c->u_ns[i];
      return;
    }
    if (i + 1 < c->n && c->mjd[i] < m && m < c->mjd[i + 1]) {
      double w = (m - c->mjd[i]) / (c->mjd[i + 1] - c->mjd[i]);
      *v = c->v_ns[i] + w * (c->v_ns[i + 1] - c->v_ns[i]);
      *u = fmax(c->u_ns[i], c->u_ns[i + 1]);
      return;
    }
  }
}

int report_trace_days(const struct report_month *r, const struct report_circt *c,
                      struct report_trace_day **out)
{
  *out = calloc((size_t)r->ndays + 1, sizeof **out);
  if (!*out)
    return -1;
  for (int d = 0; d < r->ndays; d++) {
    struct report_trace_day *t = &(*out)[d];
    const struct report_day *day = &r->days[d];
    const double *x = r->slot_x + d * 144;
    /* One track's U: its white noise and the Type B, k = 2 (JCGM 100:2008 section 6). */
    double w = isfinite(day->white_ns) ? day->white_ns : 0;
    t->U_utck_ns = 2 * sqrt(w * w + r->u_b_ns * r->u_b_ns);
    utc_at(c, tu_mjd(day->start) + 0.5, &t->utc_ns, &t->u_utc_ns);
    t->U_utc_ns = sqrt(t->U_utck_ns * t->U_utck_ns + 4 * t->u_utc_ns * t->u_utc_ns);
    t->max_utck_ns = t->max_utc_ns = NAN;
    int in[3] = {0}, n = 0;
    for (int i = 0; i < 144; i++) {
      if (!isfinite(x[i]))
        continue;
      n++;
      t->max_utck_ns = fmax(fabs(x[i]), isfinite(t->max_utck_ns) ? t->max_utck_ns : 0);
      if (isfinite(t->utc_ns))
        t->max_utc_ns = fmax(fabs(x[i] - t->utc_ns), isfinite(t->max_utc_ns) ? t->max_utc_ns : 0);
      for (int k = 0; k < 3; k++)
        in[k] += fabs(x[i]) + t->U_utck_ns < limits_ns[k];
    }
    t->coverage_pct = 100.0 * n / 144;
    for (int k = 0; k < 3; k++)
      t->within_pct[k] = n ? 100.0 * in[k] / n : NAN;
  }
  return 0;
}

/* The period: its largest |x| with that day's U, and the shares over all measured slots. */
static json_t *summary_json(const struct report_month *r, const struct report_trace_day *d)
{
  double mx = NAN, U = NAN, mu = NAN, Uu = NAN, in[3] = {0};
  int n = 0;
  for (int i = 0; i < r->ndays; i++) {
    if (isfinite(d[i].max_utck_ns) && !(d[i].max_utck_ns <= mx)) {
      mx = d[i].max_utck_ns;
      U = d[i].U_utck_ns;
    }
    if (isfinite(d[i].max_utc_ns) && !(d[i].max_utc_ns <= mu)) {
      mu = d[i].max_utc_ns;
      Uu = d[i].U_utc_ns;
    }
    for (int k = 0; k < 3 && r->days[i].n; k++)
      in[k] += d[i].within_pct[k] * r->days[i].n;
    n += r->days[i].n;
  }
  json_t *j = json_pack("{s:o,s:o,s:o,s:o,s:i,s:i}", "max_abs_x_ns", jx_real(mx), "U_ns",
                        jx_real(U), "max_abs_remote_minus_utc_ns", jx_real(mu),
                        "U_remote_minus_utc_ns", jx_real(Uu), "tracks", n, "slots", r->nslots);
  for (int k = 0; k < 3; k++)
    json_object_set_new(j, limit_keys[k], jx_real(n ? in[k] / n : NAN));
  return j;
}

json_t *report_trace_json(const struct report_month *r, const struct report_circt *c,
                          const struct report_trace_day *d)
{
  char a[40], b[40];
  json_t *days = json_array();
  for (int i = 0; i < r->ndays; i++) {
    json_t *row = json_pack("{s:s,s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "date", r->days[i].date,
                            "n", r->days[i].n, "max_abs_x_ns", jx_real(d[i].max_utck_ns),
                            "U_ns", jx_real(d[i].U_utck_ns), "utc_minus_utck_ns",
                            jx_real(d[i].utc_ns), "u_utc_minus_utck_ns", jx_real(d[i].u_utc_ns),
                            "max_abs_remote_minus_utc_ns", jx_real(d[i].max_utc_ns),
                            "U_remote_minus_utc_ns", jx_real(d[i].U_utc_ns), "coverage_pct",
                            jx_real(d[i].coverage_pct));
    for (int k = 0; k < 3; k++)
      json_object_set_new(row, limit_keys[k], jx_real(d[i].within_pct[k]));
    json_array_append_new(days, row);
  }
  json_t *chain = json_pack("[{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "link", "UTC - UTC(k)", "source",
                            c ? c->source : "not given (--circular-t): the chain ends at UTC(k)",
                            "link", "UTC(k) - reference site", "source",
                            "the lab's reference clock is UTC(k) (its site's REFDLY, --u-ref)",
                            "link", "remote - reference", "source",
                            "GPS common view through the server's store, Type B from the "
                            "calibration and delays");
  json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:f,s:o,s:o}", "report", "traceability",
                        "site", r->site, "reference", r->ref, "from",
                        report_time(r->from, a, sizeof a), "to", report_time(r->to, b, sizeof b),
                        "u_b_ns", jx_real(r->u_b_ns), "budget", json_array(), "chain", chain,
                        "k", 2.0, "daily", days, "circular_t", json_array());
  json_t *budget = json_object_get(j, "budget");
  for (int i = 0; i < r->nitems; i++)
    if (r->items[i].type == 'B')
      json_array_append_new(budget, json_pack("{s:s,s:o,s:s}", "name", r->items[i].name, "u_ns",
                                              jx_real(r->items[i].u_ns), "source",
                                              r->items[i].source));
  json_object_set_new(j, "summary", summary_json(r, d));
  for (int i = 0; c && i < c->n; i++)
    json_array_append_new(json_object_get(j, "circular_t"),
                          json_pack("{s:i,s:f,s:f}", "mjd", c->mjd[i], "utc_minus_utck_ns",
                                    c->v_ns[i], "u_ns", c->u_ns[i]));
  return j;
}
