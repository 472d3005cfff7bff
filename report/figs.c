#include "config.h"
#include "report/figs.h"

#include <cairo-svg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

int report_fig_daily(const struct report_month *r, struct report_fig *g)
{
  int n = r->ndays, first = (r->first_lock + 143) / 144;
  memset(g, 0, sizeof *g);
  g->x = calloc((size_t)n + 1, sizeof *g->x);
  g->y = calloc((size_t)n + 1, sizeof *g->y);
  g->lo = calloc((size_t)n + 1, sizeof *g->lo);
  g->hi = calloc((size_t)n + 1, sizeof *g->hi);
  if (!g->x || !g->y || !g->lo || !g->hi) {
    report_fig_free(g);
    return -1;
  }
  int k = 0;
  for (int i = first; i < n; i++, k++) {
    g->x[k] = (double)(r->days[i].start / NS_PER_S) + 43200;
    g->y[k] = r->days[i].mean_ns;
    g->lo[k] = g->y[k] - r->days[i].U_ns;
    g->hi[k] = g->y[k] + r->days[i].U_ns;
  }
  g->s = (struct plot_series){"daily mean with U (k = 2)", PLOT_ERRBARS, (size_t)k, g->x,
                             g->y, g->lo, g->hi};
  snprintf(g->note, sizeof g->note, "from %s on (the days before: acquisition)",
           first < n ? r->days[first].date : "-");
  g->f = (struct plot_fig){"Daily mean of x = REMOTE - REF", "UTC date", "x / ns", 0, 0, 1,
                           &g->s, 1, first > 0 ? g->note : NULL};
  return 0;
}

void report_fig_free(struct report_fig *g)
{
  free(g->x);
  free(g->y);
  free(g->lo);
  free(g->hi);
  memset(g, 0, sizeof *g);
}

static cairo_status_t to_stream(void *closure, const unsigned char *data, unsigned int len)
{
  return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

char *report_svg(const struct plot_fig *f, double w_pt, double h_pt)
{
  char *buf = NULL, err[256];
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  if (!m)
    return NULL;
  cairo_surface_t *s = cairo_svg_surface_create_for_stream(to_stream, m, w_pt, h_pt);
  cairo_t *cr = cairo_create(s);
  int rc = plot_draw(cr, 0, 0, w_pt, h_pt, f, err, sizeof err);
  cairo_destroy(cr);
  cairo_surface_finish(s);
  rc = cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ? -1 : rc;
  cairo_surface_destroy(s);
  if (fclose(m) != 0 || rc != 0 || !buf) {
    free(buf);
    return NULL;
  }
  char *svg = strstr(buf, "<svg");
  if (!svg) {
    free(buf);
    return NULL;
  }
  memmove(buf, svg, strlen(svg) + 1);
  return buf;
}
