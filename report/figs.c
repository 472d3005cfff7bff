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

void report_fig_stab(const struct report_month *r, struct report_stabfig *g)
{
  for (int i = 0; i < r->ntau; i++) {
    g->tau[i] = r->tdev[i].tau;
    g->dev[0][i] = r->tdev[i].dev * 1e-9; /* stabplot takes TDEV in seconds (stabplot.h) */
    g->lo[0][i] = r->tdev[i].lo * 1e-9;
    g->hi[0][i] = r->tdev[i].hi * 1e-9;
    g->dev[1][i] = r->mdev[i].dev;
    g->lo[1][i] = r->mdev[i].lo;
    g->hi[1][i] = r->mdev[i].hi;
    g->noise[i] = r->tdev[i].noise;
  }
  static const char *const names[2] = {"TDEV", "MDEV"};
  for (int k = 0; k < 2; k++)
    g->st[k] = (struct stabplot_stat){names[k], (size_t)r->ntau, g->tau, g->dev[k], g->lo[k],
                                      g->hi[k], g->noise};
}

/* svg with every id and reference to one prefixed by pre, so that several figures inline
 * in one page do not share cairo's ids (glyph0-1, clip1...).  malloc'ed, or NULL. */
static char *prefix_ids(const char *svg, const char *pre)
{
  static const char *const marks[] = {"id=\"", "href=\"#", "url(#"};
  char *out = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&out, &len);
  if (!m)
    return NULL;
  for (const char *p = svg; *p;) {
    int hit = -1;
    for (int k = 0; k < 3 && hit < 0; k++)
      if (strncmp(p, marks[k], strlen(marks[k])) == 0)
        hit = k;
    if (hit < 0) {
      fputc(*p++, m);
      continue;
    }
    fputs(marks[hit], m);
    fputs(pre, m);
    p += strlen(marks[hit]);
  }
  if (fclose(m) != 0) {
    free(out);
    return NULL;
  }
  return out;
}

/* One drawing onto an SVG surface that writes into memory: plot (f) or stability (s). */
static char *svg_raw(const struct plot_fig *f, const char *title, const struct stabplot_stat *s,
                     size_t n, double w_pt, double h_pt)
{
  char *buf = NULL, err[256];
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  if (!m)
    return NULL;
  cairo_surface_t *sf = cairo_svg_surface_create_for_stream(to_stream, m, w_pt, h_pt);
  cairo_t *cr = cairo_create(sf);
  int rc = f ? plot_draw(cr, 0, 0, w_pt, h_pt, f, err, sizeof err)
             : stabplot_draw(cr, 0, 0, w_pt, h_pt, title, s, n, err, sizeof err);
  cairo_destroy(cr);
  cairo_surface_finish(sf);
  rc = cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS ? -1 : rc;
  cairo_surface_destroy(sf);
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

static char *svg_of(const struct plot_fig *f, const char *title, const struct stabplot_stat *s,
                    size_t n, double w_pt, double h_pt)
{
  static int serial; /* ids of one process's figures never meet: a page and its parts */
  char pre[24];
  snprintf(pre, sizeof pre, "f%d-", __atomic_add_fetch(&serial, 1, __ATOMIC_RELAXED));
  char *raw = svg_raw(f, title, s, n, w_pt, h_pt);
  char *svg = raw ? prefix_ids(raw, pre) : NULL;
  free(raw);
  return svg;
}

char *report_svg(const struct plot_fig *f, double w_pt, double h_pt)
{
  return svg_of(f, NULL, NULL, 0, w_pt, h_pt);
}

char *report_svg_stab(const char *title, const struct stabplot_stat *s, size_t n, double w_pt,
                      double h_pt)
{
  return svg_of(NULL, title, s, n, w_pt, h_pt);
}
