/* One figure: checks the figure, finds the data's range, lays out the title, axes, labels
 * and legend around the plot area, and draws them (series.c draws the data). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot/plotint.h"

#define PAD 5.0
#define FS_TICK 7.5
#define FS_LABEL 8.5
#define FS_TITLE 10.5
#define FS_NOTE 7.0
#define FS_LEGEND 8.0
#define SWATCH_W 22.0

static double map(double v, double lo, double hi, int log)
{
  if (!isfinite(v) || (log && v <= 0))
    return NAN;
  return log ? (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) : (v - lo) / (hi - lo);
}

double plot_fx(const struct plot_frame *fr, double x)
{
  return fr->px + fr->pw * map(x, fr->xt.lo, fr->xt.hi, fr->logx);
}

double plot_fy(const struct plot_frame *fr, double y)
{
  return fr->py + fr->ph * (1 - map(y, fr->yt.lo, fr->yt.hi, fr->logy));
}

static int check_fig(const struct plot_fig *f, char *err, size_t errlen)
{
  if (!f) {
    snprintf(err, errlen, "plot: no figure");
    return -1;
  }
  if (f->nseries && !f->series) {
    snprintf(err, errlen, "plot '%s': %zu series but no array", f->title ? f->title : "",
             f->nseries);
    return -1;
  }
  for (size_t i = 0; i < f->nseries; i++) {
    const struct plot_series *s = &f->series[i];
    const char *name = s->label && *s->label ? s->label : "(unlabelled)";
    int ranged = s->style == PLOT_BAND || s->style == PLOT_ERRBARS;
    const char *what = NULL;
    if ((int)s->style < PLOT_LINE || s->style > PLOT_ERRBARS)
      what = "an unknown style";
    else if (s->n && !s->x)
      what = "no x values";
    else if (s->n && !s->y && s->style != PLOT_BAND)
      what = "no y values";
    else if (s->n && ranged && (!s->lo || !s->hi))
      what = "no lo/hi values (a band or error bars need both)";
    if (what) {
      snprintf(err, errlen, "plot: series %zu '%s' has %s", i + 1, name, what);
      return -1;
    }
  }
  return 0;
}

static void extend(double v, int log, double *lo, double *hi)
{
  if (!isfinite(v) || (log && v <= 0))
    return;
  *lo = fmin(*lo, v);
  *hi = fmax(*hi, v);
}

/* The range of the drawable data on each axis; 0 if there is none. */
static int data_range(const struct plot_fig *f, double r[4])
{
  r[0] = r[2] = INFINITY;
  r[1] = r[3] = -INFINITY;
  int logx = f->logx && !f->xtime;
  for (size_t k = 0; k < f->nseries; k++) {
    const struct plot_series *s = &f->series[k];
    for (size_t i = 0; i < s->n; i++) {
      double x = s->x[i];
      if (!isfinite(x) || (logx && x <= 0))
        continue;
      const double *col[3] = {s->y, s->lo, s->hi};
      int ok = 0;
      for (int c = 0; c < 3; c++)
        if (col[c] && (c == 0 || s->style == PLOT_BAND || s->style == PLOT_ERRBARS) &&
            isfinite(col[c][i]) && !(f->logy && col[c][i] <= 0)) {
          extend(col[c][i], f->logy, &r[2], &r[3]);
          ok = 1;
        }
      if (ok)
        extend(x, logx, &r[0], &r[1]);
    }
  }
  return r[0] <= r[1] && r[2] <= r[3];
}

/* A margin around the data, so that no point sits on the frame: 3 % of the span on linear
 * and time axes, 4 % of the decades (at least 0.04 decade) on log axes. */
static void pad_range(const struct plot_fig *f, double r[4])
{
  for (int a = 0; a < 2; a++) {
    double *lo = &r[2 * a], *hi = &r[2 * a + 1];
    int log = a ? f->logy : f->logx && !f->xtime;
    if (log) {
      double m = pow(10, fmax(0.04, 0.04 * log10(*hi / *lo)));
      *lo /= m;
      *hi *= m;
    } else if (*hi > *lo) {
      double m = 0.03 * (*hi - *lo);
      *lo -= m;
      *hi += m;
    }
  }
}

/* The legend's entries flowed into rows of width w: returns the height it takes and,
 * when draw is set, draws it with its top left at (x, y). */
static double legend(cairo_t *cr, const struct plot_fig *f, double x, double y, double w,
                     int draw, int connect)
{
  double cx = 0, rows = 0, lh = 0;
  for (size_t i = 0; i < f->nseries; i++) {
    const struct plot_series *s = &f->series[i];
    if (!s->label || !*s->label)
      continue;
    PangoLayout *l = plot_text(cr, s->label, FS_LEGEND, 0);
    pango_layout_set_width(l, (int)(fmax(w - SWATCH_W - 18, 10) * PANGO_SCALE));
    pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    double tw, th;
    plot_text_size(l, &tw, &th);
    lh = fmax(lh, th);
    double ew = SWATCH_W + 4 + tw + 14;
    if (cx > 0 && cx + ew > w) {
      cx = 0;
      rows++;
    }
    if (draw) {
      double ey = y + rows * (th + 3);
      plot_series_swatch(cr, s->style, i, x + cx, ey, SWATCH_W, th, connect);
      cairo_set_source_rgb(cr, 0, 0, 0);
      plot_text_at(cr, l, x + cx + SWATCH_W + 4, ey, 0, 0);
    }
    g_object_unref(l);
    cx += ew;
  }
  return cx > 0 ? (rows + 1) * (lh + 3) : 0;
}

/* The largest width and height of a set of tick labels. */
static void labels_size(cairo_t *cr, const struct plot_ticks *t, double *w, double *h)
{
  *w = *h = 0;
  for (size_t i = 0; i < t->n; i++) {
    PangoLayout *l = plot_text(cr, t->label[i], FS_TICK, 0);
    double lw, lh;
    plot_text_size(l, &lw, &lh);
    *w = fmax(*w, lw);
    *h = fmax(*h, lh);
    g_object_unref(l);
  }
}

static void axis_lines(cairo_t *cr, const struct plot_frame *fr)
{
  const struct plot_ticks *xt = &fr->xt, *yt = &fr->yt;
  cairo_save(cr);
  cairo_set_line_width(cr, 0.4);
  cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
  for (size_t i = 0; fr->logy && i < yt->nminor; i++) {
    double y = plot_fy(fr, yt->minor[i]);
    cairo_move_to(cr, fr->px, y);
    cairo_line_to(cr, fr->px + fr->pw, y);
  }
  for (size_t i = 0; fr->logx && i < xt->nminor; i++) {
    double x = plot_fx(fr, xt->minor[i]);
    cairo_move_to(cr, x, fr->py);
    cairo_line_to(cr, x, fr->py + fr->ph);
  }
  cairo_stroke(cr);
  cairo_set_source_rgb(cr, 0.82, 0.82, 0.82);
  cairo_set_line_width(cr, 0.5);
  for (size_t i = 0; i < yt->n; i++) {
    cairo_move_to(cr, fr->px, plot_fy(fr, yt->v[i]));
    cairo_line_to(cr, fr->px + fr->pw, plot_fy(fr, yt->v[i]));
  }
  for (size_t i = 0; i < xt->n; i++) {
    cairo_move_to(cr, plot_fx(fr, xt->v[i]), fr->py);
    cairo_line_to(cr, plot_fx(fr, xt->v[i]), fr->py + fr->ph);
  }
  cairo_stroke(cr);
  /* Ticks inside the frame, on the bottom and left sides. */
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 0.6);
  double bot = fr->py + fr->ph;
  for (int minor = 0; minor < 2; minor++) {
    double len = minor ? 2 : 4;
    size_t nx = minor ? xt->nminor : xt->n, ny = minor ? yt->nminor : yt->n;
    for (size_t i = 0; i < nx; i++) {
      double x = plot_fx(fr, minor ? xt->minor[i] : xt->v[i]);
      cairo_move_to(cr, x, bot);
      cairo_line_to(cr, x, bot - len);
    }
    for (size_t i = 0; i < ny; i++) {
      double y = plot_fy(fr, minor ? yt->minor[i] : yt->v[i]);
      cairo_move_to(cr, fr->px, y);
      cairo_line_to(cr, fr->px + len, y);
    }
  }
  cairo_stroke(cr);
  cairo_set_line_width(cr, 0.9);
  cairo_rectangle(cr, fr->px, fr->py, fr->pw, fr->ph);
  cairo_stroke(cr);
  cairo_restore(cr);
}

static void tick_labels(cairo_t *cr, const struct plot_frame *fr)
{
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (size_t i = 0; i < fr->xt.n; i++) {
    PangoLayout *l = plot_text(cr, fr->xt.label[i], FS_TICK, 0);
    pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
    plot_text_at(cr, l, plot_fx(fr, fr->xt.v[i]), fr->py + fr->ph + 3, 0.5, 0);
    g_object_unref(l);
  }
  for (size_t i = 0; i < fr->yt.n; i++)
    plot_text_draw(cr, fr->yt.label[i], FS_TICK, 0, fr->px - 4, plot_fy(fr, fr->yt.v[i]), 1,
                   0.5);
}

/* x ticks for the plot width: as many as fit with room between their labels. */
static void x_ticks(cairo_t *cr, enum plot_axis_kind kind, double lo, double hi, double pw,
                    struct plot_ticks *t)
{
  for (int max = (int)(pw / 36) + 1; max >= 2; max--) {
    if (plot_ticks(kind, lo, hi, max, t) < 0)
      continue;
    double lw, lh;
    labels_size(cr, t, &lw, &lh);
    if (t->n < 2 || (lw + 10) * (double)t->n <= pw)
      return;
  }
  plot_ticks(kind, lo, hi, 2, t);
}

/* Title, and the note on its right or on a line of its own; returns the height used. */
static double heading(cairo_t *cr, const struct plot_fig *f, double x, double y, double w)
{
  double th = 0, tw = 0, nw = 0, nh = 0;
  PangoLayout *t = f->title && *f->title ? plot_text(cr, f->title, FS_TITLE, 1) : NULL;
  if (t) { /* a title longer than the box ends in an ellipsis */
    pango_layout_set_width(t, (int)(w * PANGO_SCALE));
    pango_layout_set_ellipsize(t, PANGO_ELLIPSIZE_END);
  }
  PangoLayout *n = f->note && *f->note ? plot_text(cr, f->note, FS_NOTE, 0) : NULL;
  if (t)
    plot_text_size(t, &tw, &th);
  if (n)
    plot_text_size(n, &nw, &nh);
  cairo_set_source_rgb(cr, 0, 0, 0);
  if (t)
    plot_text_at(cr, t, x, y, 0, 0);
  double used = th;
  if (n) {
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    if (!t || tw + nw + 12 <= w)
      plot_text_at(cr, n, x + w, y + th - (t ? 2 : 0), 1, t ? 1 : 0);
    else
      plot_text_at(cr, n, x + w, y + th + 1, 1, 0);
    used = t && tw + nw + 12 > w ? th + nh + 1 : fmax(th, nh);
    g_object_unref(n);
  }
  if (t)
    g_object_unref(t);
  return used > 0 ? used + PAD : 0;
}

static double text_h(cairo_t *cr, const char *s, double fs)
{
  if (!s || !*s)
    return 0;
  PangoLayout *l = plot_text(cr, s, fs, 0);
  double h;
  plot_text_size(l, NULL, &h);
  g_object_unref(l);
  return h;
}

/* Lays out the frame in the box; 0, -1 when the box is too small for a plot, -2 or -3
 * when the y or x range has no ticks (see plot_ticks). */
static int layout(cairo_t *cr, const struct plot_fig *f, const double r[4], double x, double y,
                  double w, double h, double top, struct plot_frame *fr)
{
  enum plot_axis_kind kx = f->xtime ? PLOT_AXIS_TIME : f->logx ? PLOT_AXIS_LOG
                                                                : PLOT_AXIS_LINEAR;
  enum plot_axis_kind ky = f->logy ? PLOT_AXIS_LOG : PLOT_AXIS_LINEAR;
  double tickh = text_h(cr, f->xtime ? "0\n0" : "0", FS_TICK);
  double xl = text_h(cr, f->xlabel, FS_LABEL), yl = text_h(cr, f->ylabel, FS_LABEL);
  double leg = legend(cr, f, 0, 0, w - 2 * PAD, 0, 0);
  double bottom = 3 + tickh + (xl ? 3 + xl : 0) + (leg ? 6 + leg : 0) + PAD;
  fr->py = y + top + PAD;
  fr->ph = h - top - PAD - bottom;
  if (fr->ph < 30 || w < 80)
    return -1;
  if (plot_ticks(ky, r[2], r[3], (int)(fr->ph / (text_h(cr, "0", FS_TICK) * 2.2)) + 1,
                 &fr->yt) < 0)
    return -2;
  double lw, lh;
  labels_size(cr, &fr->yt, &lw, &lh);
  fr->px = x + PAD + (yl ? yl + 4 : 0) + lw + 4;
  fr->pw = x + w - PAD - 14 - fr->px;
  if (fr->pw < 30)
    return -1;
  x_ticks(cr, kx, r[0], r[1], fr->pw, &fr->xt);
  fr->logx = kx == PLOT_AXIS_LOG;
  fr->logy = f->logy;
  return fr->xt.n ? 0 : -3;
}

static void axis_titles(cairo_t *cr, const struct plot_fig *f, const struct plot_frame *fr,
                        double x, double *below)
{
  double tickh = 0, dummy;
  labels_size(cr, &fr->xt, &dummy, &tickh);
  *below = fr->py + fr->ph + 3 + tickh;
  cairo_set_source_rgb(cr, 0, 0, 0);
  if (f->xlabel && *f->xlabel)
    *below += 3 + plot_text_draw(cr, f->xlabel, FS_LABEL, 0, fr->px + fr->pw / 2, *below + 3,
                                 0.5, 0);
  if (f->ylabel && *f->ylabel) {
    cairo_save(cr);
    cairo_translate(cr, x + PAD, fr->py + fr->ph / 2);
    cairo_rotate(cr, -M_PI / 2);
    plot_text_draw(cr, f->ylabel, FS_LABEL, 0, 0, 0, 0.5, 0);
    cairo_restore(cr);
  }
}

int plot_draw_ex(cairo_t *cr, double x, double y, double w, double h, const struct plot_fig *f,
                 const struct plot_opts *o, char *err, size_t errlen)
{
  if (check_fig(f, err, errlen) < 0)
    return -1;
  if (!cr || cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    snprintf(err, errlen, "plot '%s': no usable cairo context", f->title ? f->title : "");
    return -1;
  }
  double r[4];
  int have = data_range(f, r);
  if (!have) { /* an empty frame over a default range */
    r[0] = f->xtime ? 0 : f->logx ? 1 : 0;
    r[1] = f->xtime ? 86400 : f->logx ? 10 : 1;
    r[2] = f->logy ? 1 : 0;
    r[3] = f->logy ? 10 : 1;
  }
  pad_range(f, r);
  cairo_save(cr);
  double top = heading(cr, f, x + PAD, y + PAD, w - 2 * PAD);
  struct plot_frame fr;
  memset(&fr, 0, sizeof fr);
  int lr = layout(cr, f, r, x, y, w, h, top, &fr);
  if (lr < 0) {
    cairo_restore(cr);
    if (lr == -1)
      snprintf(err, errlen, "plot '%s': a box of %.0f x %.0f pt is too small for the figure",
               f->title ? f->title : "", w, h);
    else
      snprintf(err, errlen, "plot '%s': no axis for the %s range %g to %g%s",
               f->title ? f->title : "", lr == -2 ? "y" : "x", r[lr == -2 ? 2 : 0],
               r[lr == -2 ? 3 : 1], lr == -3 && f->xtime ? " (Unix seconds, years 1-9999)" : "");
    return -1;
  }
  axis_lines(cr, &fr);
  tick_labels(cr, &fr);
  double below;
  axis_titles(cr, f, &fr, x, &below);
  legend(cr, f, x + PAD, below + 6, w - 2 * PAD, 1, o && o->connect);
  cairo_save(cr);
  cairo_rectangle(cr, fr.px, fr.py, fr.pw, fr.ph);
  cairo_clip(cr);
  for (size_t i = 0; i < f->nseries; i++)
    plot_series_draw(cr, &fr, &f->series[i], i, o && o->connect);
  if (o && o->annotate)
    o->annotate(cr, &fr, o->ctx);
  if (!have) {
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    plot_text_draw(cr, "no data", FS_LABEL + 2, 0, fr.px + fr.pw / 2, fr.py + fr.ph / 2, 0.5,
                   0.5);
  }
  cairo_restore(cr);
  cairo_restore(cr);
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    snprintf(err, errlen, "plot '%s': cairo: %s", f->title ? f->title : "",
             cairo_status_to_string(cairo_status(cr)));
    return -1;
  }
  return 0;
}

int plot_draw(cairo_t *cr, double x, double y, double w, double h, const struct plot_fig *f,
              char *err, size_t errlen)
{
  return plot_draw_ex(cr, x, y, w, h, f, NULL, err, errlen);
}
