/* plot internals shared by plot.c, series.c, output.c, stabplot.c and doc.c: text with
 * pango, the series' styles, the frame's coordinate mapping and the file surfaces.
 * Units are points of the cairo user space. */
#ifndef CVD_PLOTINT_H
#define CVD_PLOTINT_H

#include <pango/pangocairo.h>

#include "plot/plot.h"

#define PLOT_FONT "DejaVu Sans"

/* ---- text (text.c) ---- */
/* A layout of plain text (never markup) at size_pt, bold or not; g_object_unref it. */
PangoLayout *plot_text(cairo_t *cr, const char *text, double size_pt, int bold);
void plot_text_size(PangoLayout *l, double *w, double *h);
/* Draws l with its anchor (ax, ay) in [0, 1] x [0, 1] of its box at (x, y). */
void plot_text_at(cairo_t *cr, PangoLayout *l, double x, double y, double ax, double ay);
/* Both at once: makes, draws and frees a layout; returns its height. */
double plot_text_draw(cairo_t *cr, const char *text, double size_pt, int bold, double x,
                      double y, double ax, double ay);

/* ---- styles (series.c) ---- */
/* Colour i of the Okabe-Ito palette (B. Wong, Nature Methods 8, 441, 2011), cycling. */
void plot_set_colour(cairo_t *cr, size_t i, double alpha);
/* Dash pattern i (solid, dashed, dotted, dash-dot, ...), cycling at a different period
 * from the colours, so two series never share both. */
void plot_set_dash(cairo_t *cr, size_t i);
/* Marker i (circle, square, triangle, diamond, cross, open circle, inverted triangle,
 * plus; cycling) of radius r at (x, y). */
void plot_marker(cairo_t *cr, size_t i, double x, double y, double r);

/* ---- the frame (plot.c) ---- */
struct plot_frame {
  double px, py, pw, ph; /* the plot area */
  struct plot_ticks xt, yt;
  int logx, logy;
};
/* Device x or y of a data value; NaN when it cannot be drawn (gap, or <= 0 on log). */
double plot_fx(const struct plot_frame *fr, double x);
double plot_fy(const struct plot_frame *fr, double y);

/* Extras for figures built on plot_draw (stabplot.c). */
struct plot_opts {
  int connect; /* PLOT_ERRBARS and PLOT_POINTS joined by a thin line of the series' dash */
  /* Called with the plot area clipped, after the series are drawn. */
  void (*annotate)(cairo_t *cr, const struct plot_frame *fr, void *ctx);
  void *ctx;
};
int plot_draw_ex(cairo_t *cr, double x, double y, double w, double h, const struct plot_fig *f,
                 const struct plot_opts *o, char *err, size_t errlen);

/* Draws series s as style number idx into the frame (series.c). */
void plot_series_draw(cairo_t *cr, const struct plot_frame *fr, const struct plot_series *s,
                      size_t idx, int connect);
/* The legend's sample of series style idx in the box (x, y, w, h), as plot_series_draw
 * draws it with connect. */
void plot_series_swatch(cairo_t *cr, enum plot_style st, size_t idx, double x, double y,
                        double w, double h, int connect);

/* ---- files (output.c) ---- */
enum plot_format { PLOT_PNG, PLOT_SVG, PLOT_PDF };
/* The format of path by its extension (any case), or -1 with err naming it. */
int plot_format_of(const char *path, char *err, size_t errlen);
/* A surface for path, w x h points, painted white, and a context on it scaled to points. */
cairo_t *plot_file_begin(const char *path, double w, double h, enum plot_format *fmt,
                         char *err, size_t errlen);
/* Finishes the file (writes the PNG), frees cr and its surface; 0 or -1 with err. */
int plot_file_end(cairo_t *cr, const char *path, enum plot_format fmt, char *err,
                  size_t errlen);
/* Draws into a new file of w x h points with draw(cr, w, h, ctx, err, errlen); a file whose
 * drawing failed is removed.  0 or -1 with err. */
typedef int (*plot_drawer)(cairo_t *cr, double w, double h, const void *ctx, char *err,
                           size_t errlen);
int plot_file_with(const char *path, double w, double h, plot_drawer draw, const void *ctx,
                   char *err, size_t errlen);

#endif
