/* The traceability statement as a signed PDF (report/trace.h), its numbers read from the
 * statement's own JSON so that every format says the same. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/timeutil.h"
#include "report/out.h"
#include "report/pdftab.h"
#include "report/reportint.h"

static double num(const json_t *o, const char *k)
{
  const json_t *v = json_object_get(o, k);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str(const json_t *o, const char *k)
{
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

static void statement(struct doc *d, const json_t *j)
{
  const json_t *s = json_object_get(j, "summary");
  char t[1200];
  snprintf(t, sizeof t, "From %s to %s the clock %s was compared with the lab's UTC(k) (site "
           "%s) by GPS common view every 10 minutes.  Its largest time error to UTC(k) was "
           "%.1f ns with an expanded uncertainty of %.1f ns (k = 2).  A 10-minute slot counts "
           "as within a limit when |x| plus the expanded uncertainty of one track is under it.",
           str(j, "from"), str(j, "to"), str(j, "site"), str(j, "reference"),
           num(s, "max_abs_x_ns"), num(s, "U_ns"));
  doc_text(d, t);
  struct tab tb = {.ncols = 7};
  tab_row(&tb);
  tab_put(&tb, 0, "%.3f %%", num(s, "within_100us_pct"));
  tab_put(&tb, 1, "%.3f %%", num(s, "within_1us_pct"));
  tab_put(&tb, 2, "%.3f %%", num(s, "within_50ns_pct"));
  tab_put(&tb, 3, "%.1f", num(s, "max_abs_remote_minus_utc_ns"));
  tab_put(&tb, 4, "%.1f", num(s, "U_remote_minus_utc_ns"));
  tab_put(&tb, 5, "%.0f", num(s, "tracks"));
  tab_put(&tb, 6, "%.0f", num(s, "slots"));
  static const char *const head[] = {"within 100 us", "within 1 us", "within 50 ns",
                                     "max |REMOTE - UTC| / ns", "U / ns", "tracks", "slots"};
  tab_done(d, &tb, head);
}

static void chain(struct doc *d, const json_t *j)
{
  size_t i;
  const json_t *row;
  struct tab c = {.ncols = 2}, b = {.ncols = 3};
  json_array_foreach(json_object_get(j, "chain"), i, row)
  {
    tab_row(&c);
    tab_puts(&c, 0, str(row, "link"));
    tab_puts(&c, 1, str(row, "source"));
  }
  static const char *const ch[] = {"link", "source"};
  doc_heading(d, 2, "Traceability chain: UTC -> UTC(k) -> remote clock");
  tab_done(d, &c, ch);
  json_array_foreach(json_object_get(j, "budget"), i, row)
  {
    tab_row(&b);
    tab_puts(&b, 0, str(row, "name"));
    tab_put(&b, 1, "%.3f", num(row, "u_ns"));
    tab_puts(&b, 2, str(row, "source"));
  }
  static const char *const bh[] = {"Type B component", "u / ns", "source"};
  tab_done(d, &b, bh);
}

static void days(struct doc *d, const json_t *j)
{
  size_t i, n = json_array_size(json_object_get(j, "daily"));
  const json_t *row;
  struct tab t = {.ncols = 8};
  double *x = calloc(n + 1, sizeof *x), *y = calloc(n + 1, sizeof *y);
  double *lo = calloc(n + 1, sizeof *lo), *hi = calloc(n + 1, sizeof *hi);
  json_array_foreach(json_object_get(j, "daily"), i, row)
  {
    tab_row(&t);
    tab_puts(&t, 0, str(row, "date"));
    tab_put(&t, 1, "%.2f", num(row, "max_abs_x_ns"));
    tab_put(&t, 2, "%.2f", num(row, "U_ns"));
    tab_put(&t, 3, "%+.2f", num(row, "utc_minus_utck_ns"));
    tab_put(&t, 4, "%.2f", num(row, "max_abs_remote_minus_utc_ns"));
    tab_put(&t, 5, "%.2f", num(row, "within_1us_pct"));
    tab_put(&t, 6, "%.2f", num(row, "within_50ns_pct"));
    tab_put(&t, 7, "%.1f", num(row, "coverage_pct"));
    int64_t day;
    char iso[40];
    snprintf(iso, sizeof iso, "%.10sT12:00:00Z", str(row, "date"));
    if (x && y && lo && hi && tu_parse(iso, &day) == 0) {
      x[i] = (double)(day / NS_PER_S);
      y[i] = num(row, "max_abs_x_ns");
      lo[i] = y[i] - num(row, "U_ns");
      hi[i] = y[i] + num(row, "U_ns");
    }
  }
  if (x && y && lo && hi) {
    struct plot_series s = {"largest |x| of the day with one track's U (k = 2)", PLOT_ERRBARS,
                            n, x, y, lo, hi};
    struct plot_fig f = {"Largest |x| = |REMOTE - UTC(k)| each day", "UTC date", "ns", 0, 0, 1,
                         &s, 1, NULL};
    doc_figure(d, 220, &f);
  }
  free(x);
  free(y);
  free(lo);
  free(hi);
  static const char *const head[] = {"date",        "max |x| / ns", "U / ns",      "UTC - UTC(k)",
                                     "max |REMOTE - UTC|", "1 us %",  "50 ns %", "measured %"};
  doc_heading(d, 2, "Per day");
  tab_done(d, &t, head);
}

int report_trace_pdf(const struct report_month *r, const struct report_circt *c,
                     const struct report_trace_day *dd, const char *path,
                     const struct rsign_key *k, char *err, size_t errlen)
{
  char pub[RSIGN_KEY_HEX + 1], fp[RSIGN_KEY_HEX + 1], s[1024];
  rsign_key_public(k, pub, fp);
  json_t *j = report_trace_json(r, c, dd);
  snprintf(s, sizeof s, "%s: traceability to UTC (cvd)", r->site);
  struct doc *d = j ? doc_open(path, s, err, errlen) : NULL;
  if (!d) {
    json_decref(j);
    return -1;
  }
  snprintf(s, sizeof s, "cvd traceability statement %s %.10s to %.10s - signed Ed25519, key %.16s",
           r->site, str(j, "from"), str(j, "to"), fp);
  doc_footer(d, s);
  snprintf(s, sizeof s, "Traceability to UTC: %s", r->site);
  doc_heading(d, 1, s);
  statement(d, j);
  chain(d, j);
  days(d, j);
  report_pdf_signature(d, pub, fp);
  json_decref(j);
  int rc = doc_close(d, err, errlen);
  plot_font_cleanup();
  return rc != 0 ? -1 : report_pdf_sign(path, k, pub, err, errlen);
}
