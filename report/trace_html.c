/* The traceability statement as one HTML page, from its JSON (report/trace.h), so the page
 * and the JSON cannot say different things. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/reportint.h"
#include "report/trace.h"

static const char *str(const json_t *o, const char *k)
{
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

/* The number at key k of o with fmt, or a dash for null. */
static void cell(FILE *f, const json_t *o, const char *k, const char *fmt)
{
  const json_t *v = json_object_get(o, k);
  fputs("<td>", f);
  if (json_is_number(v))
    fprintf(f, fmt, json_number_value(v));
  else
    fputs("&ndash;", f);
  fputs("</td>", f);
}

static void statement(FILE *f, const json_t *j)
{
  const json_t *s = json_object_get(j, "summary");
  fputs("<h2>Statement</h2><p>From ", f);
  report_html_esc(f, str(j, "from"));
  fputs(" to ", f);
  report_html_esc(f, str(j, "to"));
  fputs(", the clock ", f);
  report_html_esc(f, str(j, "site"));
  fputs(" was compared with the lab's UTC(k) (site ", f);
  report_html_esc(f, str(j, "reference"));
  fputs(") by GPS common view every 10 minutes.  Its largest time error to UTC(k) was", f);
  fprintf(f, " %.1f ns &plusmn; %.1f ns (k = 2).", json_number_value(json_object_get(s, "max_abs_x_ns")),
          json_number_value(json_object_get(s, "U_ns")));
  fputs("</p><table id=\"summary\"><tr><th>within 100 &micro;s</th><th>within 1 &micro;s</th>"
        "<th>within 50 ns</th><th>largest |REMOTE &minus; UTC| / ns</th><th>U / ns</th>"
        "<th>tracks</th><th>slots</th></tr><tr>", f);
  cell(f, s, "within_100us_pct", "%.3f %%");
  cell(f, s, "within_1us_pct", "%.3f %%");
  cell(f, s, "within_50ns_pct", "%.3f %%");
  cell(f, s, "max_abs_remote_minus_utc_ns", "%.1f");
  cell(f, s, "U_remote_minus_utc_ns", "%.1f");
  cell(f, s, "tracks", "%.0f");
  cell(f, s, "slots", "%.0f");
  fputs("</tr></table><p>A 10-minute slot counts as within a limit when |x| plus the expanded "
        "uncertainty of one track is under it.</p>\n", f);
}

static void chain(FILE *f, const json_t *j)
{
  size_t i;
  const json_t *row;
  fputs("<h2>Traceability chain: UTC &rarr; UTC(k) &rarr; remote clock</h2><table id=\"chain\">"
        "<tr><th>link</th><th>source</th></tr>\n", f);
  json_array_foreach(json_object_get(j, "chain"), i, row)
  {
    fputs("<tr><td>", f);
    report_html_esc(f, str(row, "link"));
    fputs("</td><td>", f);
    report_html_esc(f, str(row, "source"));
    fputs("</td></tr>\n", f);
  }
  fputs("</table><h3>Type B (standard uncertainties)</h3><table id=\"budget\">", f);
  json_array_foreach(json_object_get(j, "budget"), i, row)
  {
    fputs("<tr><td>", f);
    report_html_esc(f, str(row, "name"));
    fputs("</td>", f);
    cell(f, row, "u_ns", "%.3f ns");
    fputs("<td>", f);
    report_html_esc(f, str(row, "source"));
    fputs("</td></tr>\n", f);
  }
  fputs("</table>\n", f);
}

static void days(FILE *f, const json_t *j)
{
  size_t i;
  const json_t *d;
  fputs("<h2>Per day</h2><table id=\"daily\"><tr><th>date</th><th>max |x| / ns</th><th>U</th>"
        "<th>UTC &minus; UTC(k)</th><th>max |REMOTE &minus; UTC|</th><th>U</th><th>100 &micro;s"
        "</th><th>1 &micro;s</th><th>50 ns</th><th>measured</th></tr>\n", f);
  json_array_foreach(json_object_get(j, "daily"), i, d)
  {
    fprintf(f, "<tr><td>%s</td>", str(d, "date"));
    cell(f, d, "max_abs_x_ns", "%.2f");
    cell(f, d, "U_ns", "%.2f");
    cell(f, d, "utc_minus_utck_ns", "%+.2f");
    cell(f, d, "max_abs_remote_minus_utc_ns", "%.2f");
    cell(f, d, "U_remote_minus_utc_ns", "%.2f");
    cell(f, d, "within_100us_pct", "%.2f %%");
    cell(f, d, "within_1us_pct", "%.2f %%");
    cell(f, d, "within_50ns_pct", "%.2f %%");
    cell(f, d, "coverage_pct", "%.1f %%");
    fputs("</tr>\n", f);
  }
  fputs("</table>\n", f);
}

char *report_trace_html(const struct report_month *r, const struct report_circt *c,
                        const struct report_trace_day *d, const char *pub, const char *fp)
{
  json_t *j = report_trace_json(r, c, d);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = j ? open_memstream(&buf, &len) : NULL;
  if (!f) {
    json_decref(j);
    return NULL;
  }
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", f);
  report_html_esc(f, r->site);
  fputs(": traceability to UTC</title><style>body{font-family:sans-serif;max-width:60em;margin:"
        "1em auto}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;"
        "padding:2px 6px}code{word-break:break-all}</style></head><body>\n<h1>Traceability to "
        "UTC: ", f);
  report_html_esc(f, r->site);
  fputs("</h1>\n", f);
  statement(f, j);
  chain(f, j);
  days(f, j);
  report_html_signature(f, pub, fp);
  json_decref(j);
  if (fclose(f) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}
