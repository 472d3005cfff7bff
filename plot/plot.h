/* plot: one figure drawn with cairo and pango, onto any cairo context or into a PNG, SVG or
 * PDF file.  The reports' figures and `cvd stability --plot` use it.
 *
 * What the module promises:
 * - Units: sizes and positions are PostScript points (1/72 inch) in the context's user space;
 *   a PNG file is rendered at 2 pixels a point (for screens), so its IHDR is 2w x 2h.
 * - Data: a point whose x or y is NaN or infinite is a gap (a line breaks there, a band stops);
 *   on a log axis non-positive values are skipped the same way.  A figure with no plottable
 *   point is drawn as an empty frame that says "no data"; it is not an error.
 * - Axes: "nice" ticks: round steps of 1, 2 or 5 times a power of ten on linear axes (labels
 *   with just the digits the step needs), decades labelled 1e-15 with minor ticks at 2..9 on
 *   log axes, and UTC times and dates on a time axis (x in Unix seconds, ISO 8601 labels).
 * - Series are told apart by colour (the Okabe-Ito palette, safe for colour-blind readers)
 *   AND by dash pattern and marker shape, so colour is never the only signal; a legend
 *   under the plot names each labelled series.
 * - Errors as 0 / -1 with a message in err naming what was wrong (a series without x or y,
 *   a band without lo/hi, a box too small, a file extension that is not .png/.svg/.pdf). */
#ifndef CVD_PLOT_H
#define CVD_PLOT_H

#include <cairo.h>
#include <stddef.h>

enum plot_style {
  PLOT_LINE,
  PLOT_POINTS,
  PLOT_BAND,   /* shaded lo..hi (and the line of y when y is given) */
  PLOT_ERRBARS /* points with lo..hi bars */
};

struct plot_series {
  const char *label; /* NULL or "": not in the legend */
  enum plot_style style;
  size_t n;
  const double *x, *y, *lo, *hi; /* lo and hi only for PLOT_BAND and PLOT_ERRBARS */
};

struct plot_fig {
  const char *title, *xlabel, *ylabel;
  int logx, logy;
  int xtime; /* x are Unix seconds: UTC date/time axis */
  const struct plot_series *series;
  size_t nseries;
  const char *note; /* small text in a corner, may be NULL */
};

/* Draws f in the box (x, y, w, h) of cr (points).  The context's state is saved and
 * restored.  0, or -1 with err set (nothing useful drawn). */
int plot_draw(cairo_t *cr, double x, double y, double w, double h, const struct plot_fig *f,
              char *err, size_t errlen);

/* Writes f to path, w_pt x h_pt points: .png (at 2x for screens), .svg or .pdf by the
 * extension (any case); anything else is an error naming it. */
int plot_file(const char *path, double w_pt, double h_pt, const struct plot_fig *f, char *err,
              size_t errlen);

/* Frees pango's default font map (its fonts and caches), which otherwise lives until exit
 * and which LeakSanitizer reports.  Call it at the end of a program or of a forked test,
 * when no drawing is under way; drawing after it starts afresh.  What is left is a few
 * hundred bytes inside fontconfig (FcFini would free them but asserts while cairo still
 * holds fonts): a program under LeakSanitizer suppresses "leak:libfontconfig.so" (see
 * tests/test_plot.c's __lsan_default_suppressions). */
void plot_font_cleanup(void);
/* (pango's default font map belongs to the thread that uses it: each thread that draws has
 * its own, and plot_font_cleanup frees the calling thread's.) */

/* ---- Ticks (exposed for tests and for other drawings) ---- */

enum plot_axis_kind { PLOT_AXIS_LINEAR, PLOT_AXIS_LOG, PLOT_AXIS_TIME };

#define PLOT_MAX_TICKS 32
#define PLOT_MAX_MINOR 160

struct plot_ticks {
  double lo, hi;             /* the axis range (a linear range is widened to whole steps,
                              * a log range to whole decades only when it holds none; a
                              * time range is kept) */
  double step;               /* linear and time: seconds or units between majors; log:
                              * decades between majors */
  size_t n;                  /* major ticks */
  double v[PLOT_MAX_TICKS];  /* their values, ascending */
  char label[PLOT_MAX_TICKS][40]; /* "0.25", "1e-13", "12:00", "2025-01-03"; a time label
                              * may carry the date on a second line ("00:00\n2025-01-02") */
  size_t nminor;
  double minor[PLOT_MAX_MINOR];
};

/* Ticks for data in [lo, hi] with at most maxticks labelled ticks (at least 2 are asked
 * for).  lo == hi (to 12 digits) is widened around the value.  0, or -1 if lo or hi is not
 * finite, lo > hi, hi - lo overflows, (log) lo <= 0, or (time) a date outside the years 1 to
 * 9999. */
int plot_ticks(enum plot_axis_kind kind, double lo, double hi, int maxticks,
               struct plot_ticks *t);

#endif
