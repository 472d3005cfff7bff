/* The monthly report as one JSON object (cvd-report(1) lists its keys). */
#include "config.h"

#include <math.h>

#include "core/jsonx.h"
#include "report/reportint.h"

static json_t *iso(int64_t t)
{
  char buf[40];
  return json_string(report_time(t, buf, sizeof buf));
}

static json_t *stat_rows(const struct report_stat *s, int n, const char *key)
{
  json_t *a = json_array();
  for (int i = 0; i < n; i++)
    json_array_append_new(a, json_pack("{s:f,s:o,s:o,s:o,s:s}", "tau", s[i].tau, key,
                                       jx_real(s[i].dev), "lo", jx_real(s[i].lo), "hi",
                                       jx_real(s[i].hi), "noise", s[i].noise));
  return a;
}

static json_t *days_json(const struct report_month *r)
{
  json_t *a = json_array();
  for (int i = 0; i < r->ndays; i++) {
    const struct report_day *d = &r->days[i];
    json_array_append_new(a, json_pack("{s:s,s:o,s:o,s:i,s:o,s:o,s:o}", "date", d->date,
                                       "mean_ns", jx_real(d->mean_ns), "U_ns", jx_real(d->U_ns),
                                       "n", d->n, "u_a_ns", jx_real(d->u_a_ns), "white_ns",
                                       jx_real(d->white_ns), "max_abs_ns",
                                       jx_real(d->max_abs_ns)));
  }
  return a;
}

static json_t *budget_json(const struct report_month *r)
{
  json_t *a = json_array();
  for (int i = 0; i < r->nitems; i++) {
    const struct report_item *it = &r->items[i];
    char type[2] = {it->type, 0};
    json_array_append_new(a, json_pack("{s:s,s:s,s:o,s:s}", "name", it->name, "type", type,
                                       "u_ns", jx_real(it->u_ns), "source", it->source));
  }
  return a;
}

static json_t *log_json(const struct report_month *r, json_t **events)
{
  json_t *h = json_array();
  for (int i = 0; i < r->nholds; i++)
    json_array_append_new(h, json_pack("{s:o,s:o,s:f,s:o,s:o}", "start", iso(r->holds[i].start),
                                       "end", iso(r->holds[i].end), "hours", r->holds[i].hours,
                                       "max_pred_abs_x_ns", jx_real(r->holds[i].max_pred_abs_x_ns),
                                       "max_bound95_ns", jx_real(r->holds[i].max_bound95_ns)));
  *events = json_array();
  for (int i = 0; i < r->nevents; i++)
    json_array_append_new(*events, json_pack("{s:o,s:s,s:s}", "time", iso(r->events[i].t),
                                             "kind", r->events[i].kind, "message",
                                             r->events[i].text));
  return h;
}

static json_t *calibration_json(const struct report_month *r)
{
  json_t *cals = json_array(), *del = json_array();
  for (int i = 0; i < r->ncals; i++)
    json_array_append_new(cals, json_pack("{s:s,s:s,s:o,s:o}", "date", r->cals[i].date, "source",
                                          r->cals[i].source, "ref_minus_dut_ns",
                                          jx_real(r->cals[i].delay_ns), "u_ns",
                                          jx_real(r->cals[i].u_ns)));
  for (int i = 0; i < r->ndelays; i++) {
    const struct report_delays *d = &r->delays[i];
    json_array_append_new(del, json_pack("{s:s,s:o,s:f,s:f,s:f,s:f}", "site", d->site, "from",
                                         iso(d->from), "intdly_ns", d->intdly, "cabdly_ns",
                                         d->cabdly, "ppsdly_ns", d->ppsdly, "refdly_ns",
                                         d->refdly));
  }
  return json_pack("{s:o,s:o}", "calibrations", cals, "delays_applied", del);
}

json_t *report_month_json(const struct report_month *r)
{
  json_t *events, *holds = log_json(r, &events);
  json_t *j = json_pack(
      "{s:s,s:s,s:s,s:o,s:o,s:i,s:i,s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:f,s:o,s:o,s:o}",
      "report", "monthly", "site", r->site, "month", r->month, "from", iso(r->from), "to",
      iso(r->to), "slots", r->nslots, "tracks", r->ntracks, "filled", r->filled, "daily",
      days_json(r), "locked_pct", jx_real(r->locked_pct), "holdover_pct",
      jx_real(r->holdover_pct), "u_a_ns", jx_real(r->u_a_ns), "u_b_ns", jx_real(r->u_b_ns),
      "u_c_ns", jx_real(r->u_c_ns), "U_ns", jx_real(r->U_ns), "k", 2.0, "budget",
      budget_json(r), "tdev", stat_rows(r->tdev, r->ntau, "tdev"), "mdev",
      stat_rows(r->mdev, r->ntau, "mdev"));
  json_object_set_new(j, "reference", json_string(r->ref));
  json_object_set_new(j, "tdev_1d_ns", jx_real(r->tdev_1d_ns));
  /* The frequency uncertainty at 1 day: MDEV at 1 day (SP 1065 section 5.2.5) and the
   * upper end of its 68 % interval. */
  json_object_set_new(j, "freq_1d", json_pack("{s:o,s:o}", "mdev", jx_real(r->mdev_1d),
                                              "hi", jx_real(r->mdev_1d_hi)));
  json_object_set_new(j, "holdover", holds);
  json_object_set_new(j, "reacquisitions", json_integer(r->reacquisitions));
  json_object_set_new(j, "faults", json_integer(r->faults));
  json_object_set_new(j, "outliers", json_integer(r->outliers));
  json_object_set_new(j, "commands", json_integer(r->commands));
  json_object_set_new(j, "commands_not_held", json_integer(r->commands_not_held));
  json_object_set_new(j, "events", events);
  json_object_set_new(j, "calibration", calibration_json(r));
  return j;
}
