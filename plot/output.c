/* Figures into files: PNG (2 pixels a point), SVG or PDF, chosen by the extension. */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "plot/plotint.h"

#define PNG_SCALE 2.0

int plot_format_of(const char *path, char *err, size_t errlen)
{
  const char *dot = path ? strrchr(path, '.') : NULL;
  if (dot && strchr(dot, '/'))
    dot = NULL;
  if (dot && !strcasecmp(dot, ".png"))
    return PLOT_PNG;
  if (dot && !strcasecmp(dot, ".svg"))
    return PLOT_SVG;
  if (dot && !strcasecmp(dot, ".pdf"))
    return PLOT_PDF;
  snprintf(err, errlen, "%s: unknown figure format '%s' (use .png, .svg or .pdf)",
           path ? path : "(no file)", dot ? dot : "no extension");
  return -1;
}

cairo_t *plot_file_begin(const char *path, double w, double h, enum plot_format *fmt,
                         char *err, size_t errlen)
{
  int f = plot_format_of(path, err, errlen);
  if (f < 0)
    return NULL;
  if (!(w >= 50 && h >= 50 && w <= 14400 && h <= 14400)) {
    snprintf(err, errlen, "%s: a figure of %g x %g pt (each side 50 to 14400)", path, w, h);
    return NULL;
  }
  cairo_surface_t *s;
  if (f == PLOT_PNG)
    s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)ceil(w * PNG_SCALE),
                                   (int)ceil(h * PNG_SCALE));
  else if (f == PLOT_SVG)
    s = cairo_svg_surface_create(path, w, h);
  else
    s = cairo_pdf_surface_create(path, w, h);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    snprintf(err, errlen, "%s: cannot write: %s", path,
             cairo_status_to_string(cairo_surface_status(s)));
    cairo_surface_destroy(s);
    return NULL;
  }
  cairo_t *cr = cairo_create(s);
  cairo_surface_destroy(s); /* cr holds it */
  if (f == PLOT_PNG)
    cairo_scale(cr, PNG_SCALE, PNG_SCALE);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  *fmt = (enum plot_format)f;
  return cr;
}

int plot_file_end(cairo_t *cr, const char *path, enum plot_format fmt, char *err,
                  size_t errlen)
{
  cairo_surface_t *s = cairo_get_target(cr);
  cairo_status_t st = cairo_status(cr);
  cairo_show_page(cr);
  if (fmt == PLOT_PNG && st == CAIRO_STATUS_SUCCESS)
    st = cairo_surface_write_to_png(s, path);
  cairo_surface_finish(s);
  if (st == CAIRO_STATUS_SUCCESS)
    st = cairo_surface_status(s);
  cairo_destroy(cr);
  if (st != CAIRO_STATUS_SUCCESS) {
    snprintf(err, errlen, "%s: cannot write: %s", path, cairo_status_to_string(st));
    return -1;
  }
  return 0;
}

int plot_file_with(const char *path, double w, double h, plot_drawer draw, const void *ctx,
                   char *err, size_t errlen)
{
  enum plot_format fmt;
  cairo_t *cr = plot_file_begin(path, w, h, &fmt, err, errlen);
  if (!cr)
    return -1;
  if (draw(cr, w, h, ctx, err, errlen) < 0) {
    char e2[16];
    plot_file_end(cr, path, fmt, e2, sizeof e2);
    remove(path); /* no half-drawn figure left behind */
    return -1;
  }
  return plot_file_end(cr, path, fmt, err, errlen);
}

static int draw_fig(cairo_t *cr, double w, double h, const void *ctx, char *err, size_t errlen)
{
  return plot_draw(cr, 0, 0, w, h, ctx, err, errlen);
}

int plot_file(const char *path, double w_pt, double h_pt, const struct plot_fig *f, char *err,
              size_t errlen)
{
  return plot_file_with(path, w_pt, h_pt, draw_fig, f, err, errlen);
}
