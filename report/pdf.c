/* The monthly report as a PDF, what an auditor files: drawn by plot/ (cairo and pango) as a
 * flowing A4 document, then signed: the signer's key and the signature go in comment lines
 * after the PDF's end (report/sign.h), its fingerprint in every page's footer. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "plot/doc.h"
#include "report/figs.h"
#include "report/out.h"
#include "report/pdftab.h"
#include "report/reportint.h"

static void summary(struct doc *d, const struct report_month *r)
{
  struct tab t = {.ncols = 2};
  char s[TAB_CELL];
  tab_row(&t), tab_puts(&t, 0, "reference (UTC(k))"), tab_puts(&t, 1, r->ref);
  snprintf(s, sizeof s, "%d of %d", r->ntracks, r->nslots);
  tab_row(&t), tab_puts(&t, 0, "tracks (10-minute slots)"), tab_puts(&t, 1, s);
  tab_row(&t), tab_puts(&t, 0, "time LOCKED"), tab_put(&t, 1, "%.2f %%", r->locked_pct);
  tab_row(&t), tab_puts(&t, 0, "time in holdover"), tab_put(&t, 1, "%.2f %%", r->holdover_pct);
  tab_row(&t), tab_puts(&t, 0, "daily mean: U (k = 2)"), tab_put(&t, 1, "%.2f ns", r->U_ns);
  tab_row(&t), tab_puts(&t, 0, "TDEV at 1 day"), tab_put(&t, 1, "%.3f ns", r->tdev_1d_ns);
  tab_row(&t), tab_puts(&t, 0, "frequency at 1 day: MDEV"), tab_put(&t, 1, "%.2e", r->mdev_1d);
  tab_row(&t), tab_puts(&t, 0, "  its 68 % upper bound"), tab_put(&t, 1, "%.2e", r->mdev_1d_hi);
  tab_row(&t), tab_puts(&t, 0, "holdovers"), tab_put(&t, 1, "%.0f", r->nholds);
  tab_row(&t), tab_puts(&t, 0, "re-acquisitions"), tab_put(&t, 1, "%.0f", r->reacquisitions);
  tab_row(&t), tab_puts(&t, 0, "faults and alarms"), tab_put(&t, 1, "%.0f", r->faults);
  tab_row(&t), tab_puts(&t, 0, "outliers set aside"), tab_put(&t, 1, "%.0f", r->outliers);
  snprintf(s, sizeof s, "%d issued, %d never shown held", r->commands, r->commands_not_held);
  tab_row(&t), tab_puts(&t, 0, "steering commands"), tab_puts(&t, 1, s);
  static const char *const head[] = {"quantity", "value"};
  tab_done(d, &t, head);
}

/* The daily means with their U as bars (report/figs.h), and x every 10 minutes from the
 * first lock on. */
static void figures(struct doc *d, const struct report_month *r)
{
  struct report_fig g;
  if (report_fig_daily(r, &g) == 0)
    doc_figure(d, 230, &g.f);
  report_fig_free(&g);
  double *sx = calloc((size_t)r->nslots + 1, sizeof *sx);
  int a = r->first_lock < r->nslots ? r->first_lock : 0;
  for (int i = a; sx && i < r->nslots; i++)
    sx[i - a] = (double)((r->from + i * SLOT_NS + SLOT_NS / 2) / NS_PER_S);
  struct plot_series xs = {"x, one value a 10-minute slot", PLOT_LINE, (size_t)(r->nslots - a),
                           sx, r->slot_x + a, NULL, NULL};
  struct plot_fig f = {"x every 10 minutes (after the first lock)", "UTC date", "x / ns", 0, 0,
                       1, &xs, 1, NULL};
  if (sx)
    doc_figure(d, 200, &f);
  free(sx);
}

static void budget(struct doc *d, const struct report_month *r)
{
  struct tab t = {.ncols = 4};
  for (int i = 0; i < r->nitems; i++) {
    tab_row(&t);
    tab_puts(&t, 0, r->items[i].name);
    tab_puts(&t, 1, r->items[i].type == 'A' ? "A" : "B");
    tab_put(&t, 2, "%.3f", r->items[i].u_ns);
    tab_puts(&t, 3, r->items[i].source);
  }
  tab_row(&t), tab_puts(&t, 0, "combined standard uncertainty u_c"), tab_put(&t, 2, "%.3f", r->u_c_ns);
  tab_puts(&t, 3, "quadrature sum (JCGM 100 5.1.2)");
  tab_row(&t), tab_puts(&t, 0, "expanded uncertainty U, k = 2"), tab_put(&t, 2, "%.3f", r->U_ns);
  tab_puts(&t, 3, "about 95 % coverage (JCGM 100 6.3)");
  static const char *const head[] = {"component", "type", "u / ns", "source"};
  tab_done(d, &t, head);
}

static void daily(struct doc *d, const struct report_month *r)
{
  struct tab t = {.ncols = 6};
  for (int i = 0; i < r->ndays; i++) {
    const struct report_day *y = &r->days[i];
    tab_row(&t);
    tab_puts(&t, 0, y->date);
    tab_put(&t, 1, "%+.3f", y->mean_ns);
    tab_put(&t, 2, "%.3f", y->U_ns);
    tab_put(&t, 3, "%.3f", y->u_a_ns);
    tab_put(&t, 4, "%.0f", y->n);
    tab_put(&t, 5, "%.2f", y->max_abs_ns);
  }
  static const char *const head[] = {"date",       "mean x / ns", "U (k = 2) / ns",
                                     "u_A / ns",   "tracks",      "max |x| / ns"};
  tab_done(d, &t, head);
}

static void stability(struct doc *d, const struct report_month *r)
{
  struct report_stabfig g;
  struct tab t = {.ncols = 6};
  report_fig_stab(r, &g);
  for (int i = 0; i < r->ntau; i++) {
    tab_row(&t);
    tab_put(&t, 0, "%.0f", r->tdev[i].tau);
    tab_put(&t, 1, "%.3f", r->tdev[i].dev);
    snprintf(t.text[(t.nrows - 1) * t.ncols + 2], TAB_CELL, "%.3f - %.3f", r->tdev[i].lo, r->tdev[i].hi);
    tab_put(&t, 3, "%.2e", r->mdev[i].dev);
    snprintf(t.text[(t.nrows - 1) * t.ncols + 4], TAB_CELL, "%.2e - %.2e", r->mdev[i].lo, r->mdev[i].hi);
    tab_puts(&t, 5, r->tdev[i].noise);
  }
  doc_stabfigure(d, 250, "TDEV of x (68 % confidence)", &g.st[0], 1);
  doc_stabfigure(d, 250, "MDEV of x (68 % confidence)", &g.st[1], 1);
  static const char *const head[] = {"tau / s", "TDEV / ns", "68 % interval", "MDEV",
                                     "68 % interval", "noise"};
  tab_done(d, &t, head);
}

static void record(struct doc *d, const struct report_month *r)
{
  char a[40];
  struct tab h = {.ncols = 5}, e = {.ncols = 3};
  for (int i = 0; i < r->nholds; i++) {
    tab_row(&h);
    tab_puts(&h, 0, report_time(r->holds[i].start, a, sizeof a));
    tab_puts(&h, 1, report_time(r->holds[i].end, a, sizeof a));
    tab_put(&h, 2, "%.2f", r->holds[i].hours);
    tab_put(&h, 3, "%.1f", r->holds[i].max_pred_abs_x_ns);
    tab_put(&h, 4, "%.1f", r->holds[i].max_bound95_ns);
  }
  static const char *const hh[] = {"start", "end", "hours", "largest predicted |x| / ns",
                                   "95 % bound / ns"};
  doc_heading(d, 2, "Holdovers");
  if (r->nholds)
    tab_done(d, &h, hh);
  else
    doc_text(d, "No holdover this month.");
  for (int i = 0; i < r->nevents; i++) {
    tab_row(&e);
    tab_puts(&e, 0, report_time(r->events[i].t, a, sizeof a));
    tab_puts(&e, 1, r->events[i].kind);
    tab_puts(&e, 2, r->events[i].text);
  }
  static const char *const eh[] = {"time", "kind", "what"};
  doc_heading(d, 2, "Re-acquisitions, faults and events");
  if (r->nevents)
    tab_done(d, &e, eh);
  else
    doc_text(d, "None this month.");
}

static void calibration(struct doc *d, const struct report_month *r)
{
  char a[40];
  struct tab c = {.ncols = 4}, l = {.ncols = 6};
  doc_heading(d, 2, "Calibration history");
  for (int i = 0; i < r->ncals; i++) {
    tab_row(&c);
    tab_puts(&c, 0, r->cals[i].date);
    tab_put(&c, 1, "%.3f", r->cals[i].delay_ns);
    tab_put(&c, 2, "%.3f", r->cals[i].u_ns);
    tab_puts(&c, 3, r->cals[i].source);
  }
  static const char *const ch[] = {"calibration run ending", "REF - DUT / ns", "u / ns", "source"};
  if (r->ncals)
    tab_done(d, &c, ch);
  else
    doc_text(d, "No calibration was given: the budget states the delay uncertainty assumed.");
  for (int i = 0; i < r->ndelays; i++) {
    tab_row(&l);
    tab_puts(&l, 0, r->delays[i].site);
    tab_puts(&l, 1, report_time(r->delays[i].from, a, sizeof a));
    tab_put(&l, 2, "%.3f", r->delays[i].intdly);
    tab_put(&l, 3, "%.3f", r->delays[i].cabdly);
    tab_put(&l, 4, "%.3f", r->delays[i].ppsdly);
    tab_put(&l, 5, "%.3f", r->delays[i].refdly);
  }
  static const char *const lh[] = {"site", "applied from", "INTDLY / ns", "CABDLY / ns",
                                   "PPSDLY / ns", "REFDLY / ns"};
  doc_text(d, "Delays the sites applied to their tracks (a row per change):");
  tab_done(d, &l, lh);
}

static void body(struct doc *d, const struct report_month *r, const char *pub, const char *fp)
{
  char s[1024];
  snprintf(s, sizeof s, "Monthly report: %s, %s", r->site, r->month);
  doc_heading(d, 1, s);
  snprintf(s, sizeof s, "x = REMOTE - REF is the time of the remote clock %s minus that of the "
           "lab's reference %s, whose clock is UTC(k), measured by GPS common view every 10 "
           "minutes.  Daily means are over UTC days; uncertainties follow the GUM (JCGM "
           "100:2008): Type A from the data, Type B from the calibration and the stated delay "
           "and reference uncertainties, combined in quadrature and expanded with k = 2.",
           r->site, r->ref);
  doc_text(d, s);
  summary(d, r);
  figures(d, r);
  doc_heading(d, 2, "Uncertainty budget of a daily mean");
  budget(d, r);
  doc_heading(d, 2, "Daily means");
  daily(d, r);
  doc_heading(d, 2, "Stability");
  stability(d, r);
  record(d, r);
  calibration(d, r);
  report_pdf_signature(d, pub, fp);
}

int report_month_pdf(const struct report_month *r, const char *path, const struct rsign_key *k,
                     char *err, size_t errlen)
{
  char pub[RSIGN_KEY_HEX + 1], fp[RSIGN_KEY_HEX + 1], s[256];
  rsign_key_public(k, pub, fp);
  snprintf(s, sizeof s, "%s %s: monthly report (cvd)", r->site, r->month);
  struct doc *d = doc_open(path, s, err, errlen);
  if (!d)
    return -1;
  snprintf(s, sizeof s, "cvd monthly report %s %s - signed Ed25519, key %.16s", r->site,
           r->month, fp);
  doc_footer(d, s);
  body(d, r, pub, fp);
  int rc = doc_close(d, err, errlen);
  plot_font_cleanup(); /* pango's fonts freed: nothing else draws in this process */
  if (rc != 0)
    return -1;
  return report_pdf_sign(path, k, pub, err, errlen);
}
