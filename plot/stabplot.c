/* The Stable32-style stability plot (W. J. Riley, Stable32 user manual, "Sigma plot"):
 * log-log, each statistic a series of points joined by a thin line, with its confidence
 * interval as a bar and its noise type written under the point. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plot/plotint.h"
#include "plot/stabplot.h"

#define FS_NOISE 6.0

struct rect {
  double x, y, w, h;
};

struct noise_ctx {
  const struct stabplot_stat *stats;
  size_t nstats;
  struct rect *placed; /* labels drawn so far, so that none covers another */
  size_t nplaced, cap;
};

static int overlaps(const struct noise_ctx *c, struct rect r)
{
  for (size_t i = 0; i < c->nplaced; i++) {
    const struct rect *p = &c->placed[i];
    if (r.x < p->x + p->w && p->x < r.x + r.w && r.y < p->y + p->h && p->y < r.y + r.h)
      return 1;
  }
  return 0;
}

/* One noise label: under the point's bar, else above it, else right or left of the point,
 * else left out.  Whether it was drawn. */
static int noise_label(cairo_t *cr, const struct plot_frame *fr, struct noise_ctx *c,
                        size_t k, size_t i)
{
  const struct stabplot_stat *s = &c->stats[k];
  double px = plot_fx(fr, s->tau[i]), py = plot_fy(fr, s->dev[i]);
  if (isnan(px) || isnan(py) || c->nplaced == c->cap)
    return 0;
  double ylo = s->lo ? plot_fy(fr, s->lo[i]) : NAN, yhi = s->hi ? plot_fy(fr, s->hi[i]) : NAN;
  double below = isnan(ylo) ? py + 3 : ylo + 1, above = isnan(yhi) ? py - 3 : yhi - 1;
  PangoLayout *l = plot_text(cr, s->noise[i], FS_NOISE, 0);
  double w, h;
  plot_text_size(l, &w, &h);
  const struct rect cand[4] = {{px - w / 2, below, w, h}, {px - w / 2, above - h, w, h},
                               {px + 5, py - h / 2, w, h}, {px - 5 - w, py - h / 2, w, h}};
  int placed = 0;
  for (int j = 0; j < 4 && !placed; j++) {
    struct rect r = cand[j];
    if (overlaps(c, r) || r.y < fr->py || r.y + h > fr->py + fr->ph || r.x < fr->px ||
        r.x + w > fr->px + fr->pw)
      continue;
    plot_set_colour(cr, k, 1);
    cairo_move_to(cr, r.x, r.y);
    pango_cairo_show_layout(cr, l);
    c->placed[c->nplaced++] = r;
    placed = 1;
  }
  g_object_unref(l);
  return placed;
}

static void annotate(cairo_t *cr, const struct plot_frame *fr, void *ctx)
{
  struct noise_ctx *c = ctx;
  /* The points' markers are obstacles too. */
  for (size_t k = 0; k < c->nstats; k++)
    for (size_t i = 0; i < c->stats[k].n && c->nplaced < c->cap; i++) {
      double px = plot_fx(fr, c->stats[k].tau[i]), py = plot_fy(fr, c->stats[k].dev[i]);
      if (!isnan(px) && !isnan(py))
        c->placed[c->nplaced++] = (struct rect){px - 3, py - 3, 6, 6};
    }
  /* With more than two statistics, each one's noise type only where it changes. */
  for (size_t k = 0; k < c->nstats; k++) {
    const char *const *nz = c->stats[k].noise;
    const char *last = NULL;
    for (size_t i = 0; nz && i < c->stats[k].n; i++) {
      if (!nz[i] || !*nz[i] || (c->nstats > 2 && last && !strcmp(last, nz[i])))
        continue;
      if (noise_label(cr, fr, c, k, i))
        last = nz[i];
    }
  }
}

/* Statistics in seconds (time deviations) rather than fractional frequency. */
static int is_time_stat(const char *name)
{
  return name && (!strcasecmp(name, "TDEV") || !strcasecmp(name, "TIE") ||
                  !strcasecmp(name, "MTIE") || !strcasecmp(name, "TIERMS") ||
                  !strcasecmp(name, "TIE rms"));
}

static const char *y_label(const struct stabplot_stat *stats, size_t n)
{
  size_t nt = 0;
  for (size_t i = 0; i < n; i++)
    nt += is_time_stat(stats[i].name) != 0;
  if (nt == n)
    return "time deviation (s)";
  if (nt == 0)
    return "fractional frequency deviation σ(τ)";
  return "σ(τ), dimensionless; TDEV, TIE, MTIE in s";
}

static int check_stats(const struct stabplot_stat *stats, size_t n, char *err, size_t errlen)
{
  if (n && !stats) {
    snprintf(err, errlen, "stability plot: %zu statistics but no array", n);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    const struct stabplot_stat *s = &stats[i];
    if (s->n && (!s->tau || !s->dev)) {
      snprintf(err, errlen, "stability plot: statistic %zu '%s' has no %s", i + 1,
               s->name ? s->name : "(unnamed)", s->tau ? "deviations" : "tau values");
      return -1;
    }
    if (s->n && !s->lo != !s->hi) {
      snprintf(err, errlen, "stability plot: statistic %zu '%s' has only one of lo and hi",
               i + 1, s->name ? s->name : "(unnamed)");
      return -1;
    }
  }
  return 0;
}

int stabplot_draw(cairo_t *cr, double x, double y, double w, double h, const char *title,
                  const struct stabplot_stat *stats, size_t nstats, char *err, size_t errlen)
{
  if (check_stats(stats, nstats, err, errlen) < 0)
    return -1;
  struct plot_series *ser = calloc(nstats ? nstats : 1, sizeof *ser);
  size_t npts = 0;
  int bars = 0, noise = 0;
  for (size_t i = 0; i < nstats; i++) {
    const struct stabplot_stat *s = &stats[i];
    ser[i] = (struct plot_series){s->name, s->lo ? PLOT_ERRBARS : PLOT_POINTS, s->n, s->tau,
                                  s->dev, s->lo, s->hi};
    npts += s->n;
    bars |= s->lo != NULL && s->n;
    noise |= s->noise != NULL && s->n;
  }
  struct noise_ctx c = {stats, nstats, calloc(2 * npts + 1, sizeof(struct rect)), 0,
                        2 * npts + 1};
  const char *note = bars && noise ? "bars: confidence intervals; labels: noise types"
                     : bars        ? "bars: confidence intervals"
                     : noise       ? "labels: noise types"
                                   : NULL;
  struct plot_fig f = {.title = title, .xlabel = "averaging time τ (s)",
                       .ylabel = y_label(stats, nstats), .logx = 1, .logy = 1,
                       .series = ser, .nseries = nstats, .note = note};
  struct plot_opts o = {.connect = 1, .annotate = annotate, .ctx = &c};
  int rc = -1;
  if (!ser || !c.placed)
    snprintf(err, errlen, "stability plot: out of memory");
  else
    rc = plot_draw_ex(cr, x, y, w, h, &f, &o, err, errlen);
  free(c.placed);
  free(ser);
  return rc;
}

struct stab_args {
  const char *title;
  const struct stabplot_stat *stats;
  size_t nstats;
};

static int draw_stab(cairo_t *cr, double w, double h, const void *ctx, char *err,
                     size_t errlen)
{
  const struct stab_args *a = ctx;
  return stabplot_draw(cr, 0, 0, w, h, a->title, a->stats, a->nstats, err, errlen);
}

int stabplot_file(const char *path, const char *title, const struct stabplot_stat *stats,
                  size_t nstats, char *err, size_t errlen)
{
  struct stab_args a = {title, stats, nstats};
  return plot_file_with(path, 540, 400, draw_stab, &a, err, errlen);
}
