/* The monthly report's figures, shared by its formats: the daily means of x with their
 * expanded uncertainty as bars (plot/plot.h), drawn into the PDF (plot/doc.h) or as SVG
 * text that an HTML page holds inline (cairo's SVG surface on a memory stream). */
#ifndef CVD_REPORT_FIGS_H
#define CVD_REPORT_FIGS_H

#include "plot/plot.h"
#include "plot/stabplot.h"
#include "report/report.h"

struct report_fig {
  double *x, *y, *lo, *hi;  /* x: Unix seconds of each day's noon; y and U in ns */
  struct plot_series s;
  struct plot_fig f;
  char note[128];
};

/* The daily means from the first whole day after the first lock (the days of acquisition
 * would hide the rest: they are in the table).  0, or -1 when out of memory. */
int report_fig_daily(const struct report_month *r, struct report_fig *g);
void report_fig_free(struct report_fig *g);

/* TDEV (st[0], in seconds as stabplot takes it) and MDEV (st[1]) of the report with their
 * 68 % intervals and noise types, for stabplot. */
struct report_stabfig {
  double tau[REPORT_MAX_TAU], dev[2][REPORT_MAX_TAU], lo[2][REPORT_MAX_TAU], hi[2][REPORT_MAX_TAU];
  const char *noise[REPORT_MAX_TAU];
  struct stabplot_stat st[2];
};
void report_fig_stab(const struct report_month *r, struct report_stabfig *g);

/* f as an <svg> element of w_pt x h_pt points (no XML prolog): malloc'ed, or NULL. */
char *report_svg(const struct plot_fig *f, double w_pt, double h_pt);
/* A stability plot (stabplot_draw) likewise. */
char *report_svg_stab(const char *title, const struct stabplot_stat *s, size_t n, double w_pt,
                      double h_pt);

#endif
