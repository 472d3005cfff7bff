/* The series of a figure: styles (colour, dash, marker), lines with gaps, bands, points
 * and error bars. */
#include "config.h"

#include <math.h>

#include "plot/plotint.h"

/* Okabe-Ito, without its yellow (too pale on white): blue, vermillion, bluish green,
 * reddish purple, orange, sky blue, black. */
static const double palette[][3] = {
  {0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0}, {0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0},
  {0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0}, {0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0},
  {0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0}, {0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0},
  {0, 0, 0},
};
#define NCOLOURS (sizeof palette / sizeof palette[0])

void plot_set_colour(cairo_t *cr, size_t i, double alpha)
{
  const double *c = palette[i % NCOLOURS];
  cairo_set_source_rgba(cr, c[0], c[1], c[2], alpha);
}

void plot_set_dash(cairo_t *cr, size_t i)
{
  static const double dashes[][6] = {
    {0}, {5, 2.5}, {1.2, 2}, {6, 2, 1.2, 2}, {9, 3}, {5, 2, 1.2, 2, 1.2, 2},
  };
  static const int ndash[] = {0, 2, 2, 4, 2, 6};
  size_t k = i % (sizeof ndash / sizeof ndash[0]);
  cairo_set_dash(cr, dashes[k], ndash[k], 0);
}

void plot_marker(cairo_t *cr, size_t i, double x, double y, double r)
{
  cairo_new_path(cr);
  cairo_set_dash(cr, NULL, 0, 0);
  int filled = 1;
  switch (i % 8) { /* 8 shapes against 7 colours: series 0 and 7 differ in shape */
  case 0: cairo_arc(cr, x, y, r, 0, 2 * M_PI); break;
  case 1: cairo_rectangle(cr, x - r * 0.9, y - r * 0.9, 1.8 * r, 1.8 * r); break;
  case 2:
    cairo_move_to(cr, x, y - 1.2 * r);
    cairo_line_to(cr, x + 1.1 * r, y + 0.8 * r);
    cairo_line_to(cr, x - 1.1 * r, y + 0.8 * r);
    cairo_close_path(cr);
    break;
  case 3:
    cairo_move_to(cr, x, y - 1.3 * r);
    cairo_line_to(cr, x + 1.1 * r, y);
    cairo_line_to(cr, x, y + 1.3 * r);
    cairo_line_to(cr, x - 1.1 * r, y);
    cairo_close_path(cr);
    filled = 0;
    break;
  case 4:
    cairo_move_to(cr, x - r, y - r);
    cairo_line_to(cr, x + r, y + r);
    cairo_move_to(cr, x - r, y + r);
    cairo_line_to(cr, x + r, y - r);
    filled = -1;
    break;
  case 5: cairo_arc(cr, x, y, r, 0, 2 * M_PI); filled = 0; break;
  case 7:
    cairo_move_to(cr, x - 1.2 * r, y);
    cairo_line_to(cr, x + 1.2 * r, y);
    cairo_move_to(cr, x, y - 1.2 * r);
    cairo_line_to(cr, x, y + 1.2 * r);
    filled = -1;
    break;
  default:
    cairo_move_to(cr, x, y + 1.2 * r);
    cairo_line_to(cr, x + 1.1 * r, y - 0.8 * r);
    cairo_line_to(cr, x - 1.1 * r, y - 0.8 * r);
    cairo_close_path(cr);
    break;
  }
  cairo_save(cr);
  cairo_set_line_width(cr, filled < 0 ? 1.3 : 0.9);
  if (filled > 0)
    cairo_fill_preserve(cr);
  else if (filled == 0) {
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    cairo_restore(cr);
  }
  cairo_stroke(cr);
  cairo_restore(cr);
}

/* Many points, few columns: points that fall in one column of 1/COLUMNS pt are drawn as the
 * column's first, lowest, highest and last point.  The picture is the same, and the path a
 * few thousand segments however many points there are (cairo's stroker takes minutes over a
 * million). */
#define COLUMNS 4.0

struct column {
  int open;
  size_t count;
  double key, x0, y0, x1, y1, ymin, ymax;
};

static void column_flush(cairo_t *cr, struct column *c, int *down)
{
  if (!c->open)
    return;
  if (*down)
    cairo_line_to(cr, c->x0, c->y0);
  else
    cairo_move_to(cr, c->x0, c->y0);
  if (c->count > 2) {
    cairo_line_to(cr, c->x0, c->ymin);
    cairo_line_to(cr, c->x0, c->ymax);
  }
  if (c->count > 1)
    cairo_line_to(cr, c->x1, c->y1);
  *down = 1;
  c->open = 0;
}

static void column_add(cairo_t *cr, struct column *c, int *down, double px, double py)
{
  double key = floor(px * COLUMNS);
  if (c->open && key == c->key) {
    c->count++;
    c->x1 = px;
    c->y1 = py;
    c->ymin = fmin(c->ymin, py);
    c->ymax = fmax(c->ymax, py);
    return;
  }
  column_flush(cr, c, down);
  *c = (struct column){1, 1, key, px, py, px, py, py, py};
}

/* A polyline through (x, v), broken at every point that cannot be drawn. */
static void polyline(cairo_t *cr, const struct plot_frame *fr, size_t n, const double *x,
                     const double *v)
{
  int down = 0;
  struct column c = {0};
  cairo_new_path(cr);
  for (size_t i = 0; i < n; i++) {
    double px = plot_fx(fr, x[i]), py = plot_fy(fr, v[i]);
    if (isnan(px) || isnan(py)) {
      column_flush(cr, &c, &down);
      down = 0;
      continue;
    }
    column_add(cr, &c, &down, px, py);
  }
  column_flush(cr, &c, &down);
  cairo_stroke(cr);
}

/* One edge of a band, points a..b-1 forward (or backward), as the outer envelope of each
 * column: its highest (or lowest) value at the column's first and last x. */
static void band_edge(cairo_t *cr, const struct plot_frame *fr, const double *x,
                      const double *v, size_t a, size_t b, int backward)
{
  double key = NAN, x0 = 0, x1 = 0, ext = 0;
  for (size_t k = 0; k <= b - a; k++) {
    size_t i = backward ? b - 1 - k : a + k;
    double px = k < b - a ? plot_fx(fr, x[i]) : NAN, py = k < b - a ? plot_fy(fr, v[i]) : NAN;
    if (k < b - a && floor(px * COLUMNS) == key) {
      x1 = px;
      ext = backward ? fmax(ext, py) : fmin(ext, py); /* device y grows downwards */
      continue;
    }
    if (k > 0) {
      cairo_line_to(cr, x0, ext);
      cairo_line_to(cr, x1, ext);
    }
    key = floor(px * COLUMNS);
    x0 = x1 = px;
    ext = py;
  }
}

/* The shaded lo..hi band, one polygon per run of drawable points. */
static void band(cairo_t *cr, const struct plot_frame *fr, const struct plot_series *s)
{
  size_t i = 0;
  while (i < s->n) {
    size_t a = i;
    while (i < s->n && !isnan(plot_fx(fr, s->x[i])) && !isnan(plot_fy(fr, s->lo[i])) &&
           !isnan(plot_fy(fr, s->hi[i])))
      i++;
    if (i - a >= 1) {
      cairo_new_path(cr);
      band_edge(cr, fr, s->x, s->hi, a, i, 0);
      band_edge(cr, fr, s->x, s->lo, a, i, 1);
      cairo_close_path(cr);
      if (i - a == 1) { /* a lone point: a short bar */
        cairo_set_line_width(cr, 3);
        cairo_stroke(cr);
      } else
        cairo_fill(cr);
    }
    if (i == a)
      i++;
  }
}

/* The markers of a series, each one skipped that would land on the one before. */
static void markers(cairo_t *cr, const struct plot_frame *fr, const struct plot_series *s,
                    size_t idx, double r)
{
  double lx = NAN, ly = NAN;
  for (size_t i = 0; s->y && i < s->n; i++) {
    double px = plot_fx(fr, s->x[i]), py = plot_fy(fr, s->y[i]);
    if (isnan(px) || isnan(py) || (fabs(px - lx) < 0.25 && fabs(py - ly) < 0.25))
      continue;
    plot_marker(cr, idx, px, py, r);
    lx = px;
    ly = py;
  }
}

static void errbars(cairo_t *cr, const struct plot_frame *fr, const struct plot_series *s,
                    size_t idx)
{
  cairo_set_dash(cr, NULL, 0, 0);
  cairo_set_line_width(cr, 0.8);
  for (size_t i = 0; i < s->n; i++) {
    double px = plot_fx(fr, s->x[i]), lo = plot_fy(fr, s->lo[i]), hi = plot_fy(fr, s->hi[i]);
    if (isnan(px) || isnan(hi) || isnan(s->lo[i]))
      continue;
    if (isnan(lo)) /* lo <= 0 on a log axis: the bar goes down out of the frame */
      lo = fr->py + fr->ph + 10;
    cairo_move_to(cr, px, lo);
    cairo_line_to(cr, px, hi);
    cairo_move_to(cr, px - 2, lo);
    cairo_line_to(cr, px + 2, lo);
    cairo_move_to(cr, px - 2, hi);
    cairo_line_to(cr, px + 2, hi);
    cairo_stroke(cr);
  }
  markers(cr, fr, s, idx, 2.6);
}

void plot_series_draw(cairo_t *cr, const struct plot_frame *fr, const struct plot_series *s,
                      size_t idx, int connect)
{
  cairo_save(cr);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width(cr, 1.3);
  if (s->style == PLOT_BAND) {
    plot_set_colour(cr, idx, 0.22);
    band(cr, fr, s);
  }
  plot_set_colour(cr, idx, 1);
  plot_set_dash(cr, idx);
  if (s->y && (s->style == PLOT_LINE || s->style == PLOT_BAND))
    polyline(cr, fr, s->n, s->x, s->y);
  if (s->y && (s->style == PLOT_ERRBARS || s->style == PLOT_POINTS) && connect) {
    cairo_set_line_width(cr, 0.8);
    polyline(cr, fr, s->n, s->x, s->y);
  }
  if (s->style == PLOT_ERRBARS)
    errbars(cr, fr, s, idx);
  if (s->style == PLOT_POINTS)
    markers(cr, fr, s, idx, 2.4);
  cairo_restore(cr);
}

void plot_series_swatch(cairo_t *cr, enum plot_style st, size_t idx, double x, double y,
                        double w, double h, int connect)
{
  cairo_save(cr);
  double my = y + h / 2;
  if (st == PLOT_BAND) {
    plot_set_colour(cr, idx, 0.22);
    cairo_rectangle(cr, x, y + 1, w, h - 2);
    cairo_fill(cr);
  }
  plot_set_colour(cr, idx, 1);
  plot_set_dash(cr, idx);
  cairo_set_line_width(cr, st == PLOT_ERRBARS ? 0.8 : 1.3);
  if (st == PLOT_LINE || st == PLOT_BAND || connect) {
    cairo_move_to(cr, x, my);
    cairo_line_to(cr, x + w, my);
    cairo_stroke(cr);
  }
  if (st == PLOT_ERRBARS) { /* a bar with its caps */
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_move_to(cr, x + w / 2, y);
    cairo_line_to(cr, x + w / 2, y + h);
    cairo_move_to(cr, x + w / 2 - 2, y);
    cairo_line_to(cr, x + w / 2 + 2, y);
    cairo_move_to(cr, x + w / 2 - 2, y + h);
    cairo_line_to(cr, x + w / 2 + 2, y + h);
    cairo_stroke(cr);
  }
  if (st == PLOT_POINTS || st == PLOT_ERRBARS)
    plot_marker(cr, idx, x + w / 2, my, 2.6);
  cairo_restore(cr);
}
