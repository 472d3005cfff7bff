/* Text for the figures and documents: pango layouts of plain text. */
#include "config.h"

#include "plot/plotint.h"

PangoLayout *plot_text(cairo_t *cr, const char *text, double size_pt, int bold)
{
  PangoLayout *l = pango_cairo_create_layout(cr);
  PangoFontDescription *fd = pango_font_description_from_string(PLOT_FONT);
  pango_font_description_set_absolute_size(fd, size_pt * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description(l, fd);
  pango_font_description_free(fd);
  /* set_text, not set_markup: "<" and "&" in data print as themselves. */
  pango_layout_set_text(l, text ? text : "", -1);
  return l;
}

void plot_text_size(PangoLayout *l, double *w, double *h)
{
  int iw, ih;
  pango_layout_get_size(l, &iw, &ih);
  if (w)
    *w = (double)iw / PANGO_SCALE;
  if (h)
    *h = (double)ih / PANGO_SCALE;
}

void plot_text_at(cairo_t *cr, PangoLayout *l, double x, double y, double ax, double ay)
{
  double w, h;
  plot_text_size(l, &w, &h);
  cairo_move_to(cr, x - ax * w, y - ay * h);
  pango_cairo_show_layout(cr, l);
}

double plot_text_draw(cairo_t *cr, const char *text, double size_pt, int bold, double x,
                      double y, double ax, double ay)
{
  PangoLayout *l = plot_text(cr, text, size_pt, bold);
  double h;
  plot_text_size(l, NULL, &h);
  plot_text_at(cr, l, x, y, ax, ay);
  g_object_unref(l);
  return h;
}

void plot_font_cleanup(void)
{
  pango_cairo_font_map_set_default(NULL);
}
