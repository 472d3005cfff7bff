/* The monthly report as one HTML page: every number as a table, nothing loaded from
 * elsewhere, the signer's key and the signature at the end (report/sign.h). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/figs.h"
#include "report/out.h"
#include "report/reportint.h"

void report_html_esc(FILE *f, const char *s)
{
  for (; s && *s; s++)
    switch (*s) {
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '&': fputs("&amp;", f); break;
    case '"': fputs("&quot;", f); break;
    default: fputc(*s, f);
    }
}

static void num(FILE *f, const char *fmt, double v)
{
  if (isfinite(v))
    fprintf(f, fmt, v);
  else
    fputs("&ndash;", f);
}

static void summary(FILE *f, const struct report_month *r)
{
  fputs("<h2>Summary</h2><table><tr><th>reference</th><td>", f);
  report_html_esc(f, r->ref);
  fprintf(f, " (UTC(k))</td></tr><tr><th>tracks</th><td>%d of %d slots</td></tr>"
             "<tr><th>time LOCKED</th><td>", r->ntracks, r->nslots);
  num(f, "%.2f %%", r->locked_pct);
  fputs("</td></tr><tr><th>time in holdover</th><td>", f);
  num(f, "%.2f %%", r->holdover_pct);
  fputs("</td></tr><tr><th>expanded uncertainty of a daily mean, U (k = 2)</th><td>", f);
  num(f, "%.2f ns", r->U_ns);
  fputs("</td></tr><tr><th>frequency uncertainty at 1 day (MDEV, 68 % upper bound)</th><td>", f);
  num(f, "%.2e", r->mdev_1d);
  fputs(" (", f);
  num(f, "%.2e", r->mdev_1d_hi);
  fprintf(f, ")</td></tr><tr><th>re-acquisitions, faults, outliers</th><td>%d, %d, %d</td></tr>"
             "<tr><th>commands issued, not shown held</th><td>%d, %d</td></tr></table>\n",
          r->reacquisitions, r->faults, r->outliers, r->commands, r->commands_not_held);
}

static void budget(FILE *f, const struct report_month *r)
{
  fputs("<h2>Uncertainty budget (JCGM 100:2008)</h2><table><tr><th>component</th><th>type</th>"
        "<th>u / ns</th><th>source</th></tr>\n", f);
  for (int i = 0; i < r->nitems; i++) {
    fputs("<tr><td>", f);
    report_html_esc(f, r->items[i].name);
    fprintf(f, "</td><td>%c</td><td>", r->items[i].type);
    num(f, "%.3f", r->items[i].u_ns);
    fputs("</td><td>", f);
    report_html_esc(f, r->items[i].source);
    fputs("</td></tr>\n", f);
  }
  fputs("<tr><th>combined u<sub>c</sub></th><td></td><td>", f);
  num(f, "%.3f", r->u_c_ns);
  fputs("</td><td>quadrature sum</td></tr><tr><th>expanded U (k = 2)</th><td></td><td>", f);
  num(f, "%.3f", r->U_ns);
  fputs("</td><td>about 95 % coverage</td></tr></table>\n", f);
}

static void daily(FILE *f, const struct report_month *r)
{
  struct report_fig g;
  char *svg = NULL;
  if (report_fig_daily(r, &g) == 0)
    svg = report_svg(&g.f, 640, 300);
  report_fig_free(&g);
  plot_font_cleanup(); /* this thread's fonts: a server's page thread draws no more */
  fputs("<h2>Daily means of x = REMOTE &minus; REF</h2>", f);
  if (svg)
    fprintf(f, "<figure id=\"daily-figure\">%s</figure>\n", svg);
  free(svg);
  fputs("<table id=\"daily\"><tr><th>date</th>"
        "<th>mean / ns</th><th>U (k = 2) / ns</th><th>tracks</th><th>max |x| / ns</th></tr>\n", f);
  for (int i = 0; i < r->ndays; i++) {
    const struct report_day *d = &r->days[i];
    fprintf(f, "<tr><td>%s</td><td>", d->date);
    num(f, "%+.3f", d->mean_ns);
    fputs("</td><td>", f);
    num(f, "%.3f", d->U_ns);
    fprintf(f, "</td><td>%d</td><td>", d->n);
    num(f, "%.2f", d->max_abs_ns);
    fputs("</td></tr>\n", f);
  }
  fputs("</table>\n", f);
}

static void stability(FILE *f, const struct report_month *r)
{
  struct report_stabfig g;
  report_fig_stab(r, &g);
  char *svg[2] = {report_svg_stab("TDEV of x (68 % confidence)", &g.st[0], 1, 480, 330),
                  report_svg_stab("MDEV of x (68 % confidence)", &g.st[1], 1, 480, 330)};
  plot_font_cleanup(); /* this thread's fonts: a server's page thread draws no more */
  fputs("<h2>Stability (68 % confidence intervals)</h2>", f);
  for (int k = 0; k < 2; k++)
    if (svg[k])
      fprintf(f, "<figure id=\"%s-figure\">%s</figure>\n", k ? "mdev" : "tdev", svg[k]);
  free(svg[0]);
  free(svg[1]);
  fputs("<table id=\"stability\"><tr><th>tau / s"
        "</th><th>TDEV / ns</th><th>interval</th><th>MDEV</th><th>interval</th><th>noise</th>"
        "</tr>\n", f);
  for (int i = 0; i < r->ntau; i++) {
    const struct report_stat *t = &r->tdev[i], *m = &r->mdev[i];
    fprintf(f, "<tr><td>%.0f</td><td>", t->tau);
    num(f, "%.3f", t->dev);
    fputs("</td><td>", f);
    num(f, "%.3f", t->lo);
    fputs(" &ndash; ", f);
    num(f, "%.3f", t->hi);
    fputs("</td><td>", f);
    num(f, "%.2e", m->dev);
    fputs("</td><td>", f);
    num(f, "%.2e", m->lo);
    fputs(" &ndash; ", f);
    num(f, "%.2e", m->hi);
    fprintf(f, "</td><td>%s</td></tr>\n", t->noise);
  }
  fputs("</table>\n", f);
}

static void record(FILE *f, const struct report_month *r)
{
  char a[40], b[40];
  fputs("<h2>Holdovers</h2><table id=\"holdover\"><tr><th>start</th><th>end</th><th>hours</th>"
        "<th>largest predicted |x| / ns</th><th>its 95 % bound / ns</th></tr>\n", f);
  for (int i = 0; i < r->nholds; i++) {
    const struct report_holdover *h = &r->holds[i];
    fprintf(f, "<tr><td>%s</td><td>%s</td><td>%.2f</td><td>", report_time(h->start, a, sizeof a),
            report_time(h->end, b, sizeof b), h->hours);
    num(f, "%.1f", h->max_pred_abs_x_ns);
    fputs("</td><td>", f);
    num(f, "%.1f", h->max_bound95_ns);
    fputs("</td></tr>\n", f);
  }
  if (!r->nholds)
    fputs("<tr><td colspan=\"5\">No holdover this month.</td></tr>\n", f);
  fputs("</table><h2>Re-acquisitions, faults and events</h2><table id=\"events\"><tr><th>time"
        "</th><th>kind</th><th>what</th></tr>\n", f);
  for (int i = 0; i < r->nevents; i++) {
    fprintf(f, "<tr><td>%s</td><td>", report_time(r->events[i].t, a, sizeof a));
    report_html_esc(f, r->events[i].kind);
    fputs("</td><td>", f);
    report_html_esc(f, r->events[i].text);
    fputs("</td></tr>\n", f);
  }
  if (!r->nevents)
    fputs("<tr><td colspan=\"3\">None this month.</td></tr>\n", f);
  fputs("</table>\n", f);
}

static void calibration(FILE *f, const struct report_month *r)
{
  char a[40];
  fputs("<h2>Calibration history</h2><table id=\"calibrations\"><tr><th>run ending</th>"
        "<th>REF &minus; DUT / ns</th><th>u / ns</th><th>source</th></tr>\n", f);
  for (int i = 0; i < r->ncals; i++) {
    fprintf(f, "<tr><td>%s</td><td>%.3f</td><td>%.3f</td><td>", r->cals[i].date,
            r->cals[i].delay_ns, r->cals[i].u_ns);
    report_html_esc(f, r->cals[i].source);
    fputs("</td></tr>\n", f);
  }
  if (!r->ncals)
    fputs("<tr><td colspan=\"4\">No calibration given.</td></tr>\n", f);
  fputs("</table><table id=\"delays\"><tr><th>site</th><th>from</th><th>INTDLY</th><th>CABDLY"
        "</th><th>PPSDLY</th><th>REFDLY / ns</th></tr>\n", f);
  for (int i = 0; i < r->ndelays; i++) {
    const struct report_delays *d = &r->delays[i];
    fputs("<tr><td>", f);
    report_html_esc(f, d->site);
    fprintf(f, "</td><td>%s</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>\n",
            report_time(d->from, a, sizeof a), d->intdly, d->cabdly, d->ppsdly, d->refdly);
  }
  fputs("</table>\n", f);
}

void report_html_signature(FILE *f, const char *pub, const char *fp)
{
  fprintf(f, "<h2>Signature</h2><p>Ed25519 over every byte of this file with the signature's "
             "digits read as 0; check it with <code>cvd report verify FILE</code>.</p>"
             "<p>Public key: <code id=\"public-key\">%s</code><br>Fingerprint (SHA-256): "
             "<code id=\"fingerprint\">%s</code><br>Signature: <code id=\"signature\">%s</code>"
             "</p>\n</body></html>\n", pub, fp, RSIGN_PLACEHOLDER);
}

char *report_month_html(const struct report_month *r, const char *pub, const char *fp)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f)
    return NULL;
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", f);
  report_html_esc(f, r->site);
  fprintf(f, " %s: monthly report</title><style>body{font-family:sans-serif;max-width:60em;"
             "margin:1em auto}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px "
             "solid #bbb;padding:2px 6px;text-align:left}code{word-break:break-all}</style>"
             "</head><body>\n<h1>Monthly report: ", r->month);
  report_html_esc(f, r->site);
  fprintf(f, ", %s</h1>\n<p>x = REMOTE &minus; REF, where REF is the lab's UTC(k); daily means "
             "over UTC days with their expanded uncertainty (k = 2).</p>\n", r->month);
  summary(f, r);
  budget(f, r);
  daily(f, r);
  stability(f, r);
  record(f, r);
  calibration(f, r);
  report_html_signature(f, pub, fp);
  if (fclose(f) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}
