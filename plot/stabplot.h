/* stabplot: the frequency-stability plot as Stable32 draws it (NIST SP 1065 figures): a
 * log-log plot of each statistic against the averaging time tau, each point with its
 * confidence interval as a bar and, when known, its dominant noise type written beside it
 * (with more than two statistics, at the first point and wherever it changes; a label
 * that would cover another is left out).
 *
 * Units: tau in seconds; dev as the statistic gives it (OADEV, MDEV, HDEV... dimensionless
 * fractional frequency; TDEV, TIE rms, MTIE in seconds), lo <= dev <= hi its confidence
 * interval (lo and hi may be NULL, or NaN at a point: no bar there).  Points with a
 * non-positive or non-finite tau or dev are skipped (log axes).  The y axis says which
 * unit it carries.  Errors as in plot.h (0 / -1, err names the statistic at fault). */
#ifndef CVD_STABPLOT_H
#define CVD_STABPLOT_H

#include <cairo.h>
#include <stddef.h>

struct stabplot_stat {
  const char *name; /* "OADEV", "MDEV", "TDEV", ... */
  size_t n;
  const double *tau, *dev, *lo, *hi;
  const char *const *noise; /* per-tau noise type ("WPM", "FLFM", ...) or NULL */
};

/* Draws the plot in the box (x, y, w, h) of cr, in points. */
int stabplot_draw(cairo_t *cr, double x, double y, double w, double h, const char *title,
                  const struct stabplot_stat *stats, size_t nstats, char *err, size_t errlen);

/* Writes the plot to path (.png at 2x, .svg or .pdf by the extension), 540 x 400 points. */
int stabplot_file(const char *path, const char *title, const struct stabplot_stat *stats,
                  size_t nstats, char *err, size_t errlen);

#endif
