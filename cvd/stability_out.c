/* cvd stability's output: one table a statistic, or one JSON object on one line, and the
 * plot of --plot; each says what the reading and preprocessing did. */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "cvd/cmd.h"
#include "cvd/stability.h"
#include "plot/stabplot.h"

/* TDEV, TIE rms and MTIE are times: in the unit of the phase. */
static int is_time(int s) { return s == ST_TDEV || s == ST_TIERMS || s == ST_MTIE; }

void stab_print_tables(const struct opts *o, const struct st_data *d, const size_t *afs,
                       size_t naf, const struct st_result *res, double tscale)
{
  static const char *const titles[ST_NSTATS] = {
      "Allan deviation",       "overlapping Allan deviation", "modified Allan deviation",
      "time deviation",        "Hadamard deviation",          "overlapping Hadamard deviation",
      "total deviation",       "TIE rms",                     "MTIE",
      "gap-resistant overlapping Allan deviation"};
  if (o->freq)
    printf("# %s: %zu frequency points (%zu phase points), tau0 %g s\n", o->path, d->n - 1,
           d->n, o->tau0);
  else
    printf("# %s: %zu phase points, tau0 %g s\n", o->path, d->n, o->tau0);
  const struct gapinfo *g = &o->gi;
  printf("# read as %s; %zu gap%s kept (%zu of them missing times), %zu trimmed from the "
         "ends\n",
         g->format, g->gaps, g->gaps == 1 ? "" : "s", g->missing, g->trimmed);
  if (o->outliers > 0.0)
    printf("# outliers (--outliers %g): %zu removed as gaps, |y - median| > %g robust sigma; "
           "median y %.6e, robust sigma (MAD / 0.6745) %.6e; %zu phase steps left in\n",
           o->outliers, o->out.removed, o->outliers, o->out.median, o->out.mad,
           o->out.steps);
  if (o->drift == ST_DRIFT_LOG)
    printf("# drift removed (--remove-drift log): y = a ln(b t + 1), a %.6e, b %.6e /s; "
           "%.6e a day at the end\n",
           o->dfit.coef[0], o->dfit.coef[1], o->dfit.rate_per_day);
  else if (o->drift != ST_DRIFT_NONE)
    printf("# drift removed (--remove-drift %s): %.6e a day at the end; dy/dt %.6e /s at the "
           "start, d2y/dt2 / 2 %.6e /s^2\n",
           st_drift_name(o->drift), o->dfit.rate_per_day, o->dfit.coef[0], o->dfit.coef[1]);
  for (int s = 0; s < ST_NSTATS; s++) {
    if (!(o->mask & (1u << s)))
      continue;
    int ci = st_stat_has_ci((enum st_stat)s);
    printf("#\n# %s (%s)%s", titles[s], st_stat_name((enum st_stat)s),
           is_time(s) ? (o->ns ? ", ns" : ", s") : "");
    if (ci)
      printf(", confidence %.1f %%", 100.0 * o->conf);
    printf("\n#%9s %12s %10s%s\n", "AF", "tau", "n",
           ci ? "  alpha          min        value          max" : "        value");
    size_t shown = 0;
    for (size_t k = 0; k < naf; k++) {
      const struct st_result *r = &res[k * ST_NSTATS + s];
      if (isnan(r->dev))
        continue;
      shown++;
      double f = is_time(s) ? tscale : 1.0;
      printf("%10zu %12.4e %10zu", afs[k], (double)afs[k] * o->tau0, r->count);
      if (ci && r->alpha != ST_NO_ALPHA)
        printf(" %6d %12.5e %12.5e %12.5e\n", r->alpha, r->lo * f, r->dev * f, r->hi * f);
      else if (ci)
        printf(" %6s %12s %12.5e %12s\n", "-", "-", r->dev * f, "-");
      else
        printf(" %12.5e\n", r->dev * f);
    }
    if (shown == 0)
      printf("#   (none: too few points for these averaging times)\n");
  }
}

static void set_key(json_t *row, const char *stat, const char *suffix, json_t *v)
{
  char key[32];
  snprintf(key, sizeof key, "%s%s", stat, suffix);
  json_object_set_new(row, key, v);
}

int stab_print_json(const struct opts *o, const struct st_data *d, const size_t *afs,
                    size_t naf, const struct st_result *res, double tscale)
{
  json_t *top = json_object(), *rows = json_array();
  json_object_set_new(top, "n", json_integer((json_int_t)(o->freq ? d->n - 1 : d->n)));
  json_object_set_new(top, "points", json_integer((json_int_t)d->n));
  json_object_set_new(top, "tau0", json_real(o->tau0));
  json_object_set_new(top, "data", json_string(o->freq ? "freq" : "phase"));
  json_object_set_new(top, "unit", json_string(o->ns ? "ns" : "s"));
  json_object_set_new(top, "confidence", json_real(o->conf));
  json_object_set_new(top, "format", json_string(o->gi.format));
  json_object_set_new(top, "gaps", json_integer((json_int_t)o->gi.gaps));
  json_object_set_new(top, "missing_times", json_integer((json_int_t)o->gi.missing));
  json_object_set_new(top, "trimmed", json_integer((json_int_t)o->gi.trimmed));
  if (o->outliers > 0.0)
    json_object_set_new(top, "outliers",
                        json_pack("{s:f, s:I, s:I, s:o, s:o}", "k", o->outliers, "removed",
                                  (json_int_t)o->out.removed, "steps",
                                  (json_int_t)o->out.steps, "median", jx_real(o->out.median),
                                  "sigma", jx_real(o->out.mad)));
  if (o->drift != ST_DRIFT_NONE)
    json_object_set_new(top, "drift",
                        json_pack("{s:s, s:o, s:o, s:o}", "model", st_drift_name(o->drift),
                                  "rate_per_day", jx_real(o->dfit.rate_per_day), "b",
                                  jx_real(o->dfit.coef[o->drift == ST_DRIFT_LOG ? 1 : 0]),
                                  o->drift == ST_DRIFT_LOG ? "a" : "c",
                                  jx_real(o->dfit.coef[o->drift == ST_DRIFT_LOG ? 0 : 1])));
  for (size_t k = 0; k < naf; k++) {
    json_t *row = json_object();
    json_object_set_new(row, "tau", json_real((double)afs[k] * o->tau0));
    json_object_set_new(row, "af", json_integer((json_int_t)afs[k]));
    for (int s = 0; s < ST_NSTATS; s++) {
      if (!(o->mask & (1u << s)))
        continue;
      const struct st_result *r = &res[k * ST_NSTATS + s];
      const char *name = st_stat_name((enum st_stat)s);
      double f = is_time(s) ? tscale : 1.0;
      int ok = !isnan(r->dev);
      set_key(row, name, "", jx_real(r->dev * f));
      set_key(row, name, "_n", ok ? json_integer((json_int_t)r->count) : json_null());
      if (!st_stat_has_ci((enum st_stat)s))
        continue;
      set_key(row, name, "_lo", jx_real(r->lo * f));
      set_key(row, name, "_hi", jx_real(r->hi * f));
      set_key(row, name, "_alpha",
              ok && r->alpha != ST_NO_ALPHA ? json_integer(r->alpha) : json_null());
    }
    json_array_append_new(rows, row);
  }
  json_object_set_new(top, "rows", rows);
  char *text = jx_dump(top);
  json_decref(top);
  if (!text)
    return EXIT_RUNTIME;
  printf("%s\n", text);
  free(text);
  return 0;
}

/* The noise type's usual name from alpha (SP 1065 table 1); NULL when unknown. */
static const char *noise_name(int alpha)
{
  static const char *const names[] = {"RRFM", "FWFM", "RWFM", "FFM", "WFM", "FPM", "WPM"};
  return alpha >= -4 && alpha <= 2 ? names[alpha + 4] : NULL;
}

int stab_plot(const struct opts *o, const size_t *afs, size_t naf, const struct st_result *res,
              double tscale, char *err, size_t errlen)
{
  (void)tscale; /* stabplot takes the time statistics in seconds, as they are computed */
  struct stabplot_stat st[ST_NSTATS];
  char names[ST_NSTATS][16];
  size_t ns = 0;
  double *buf = malloc(sizeof(double) * 4 * naf * ST_NSTATS);
  const char **noise = malloc(sizeof *noise * naf * ST_NSTATS);
  if (!buf || !noise) {
    free(buf);
    free(noise);
    snprintf(err, errlen, "out of memory for the plot");
    return -1;
  }
  for (int s = 0; s < ST_NSTATS; s++) {
    if (!(o->mask & (1u << s)))
      continue;
    double *tau = buf + 4 * naf * ns, *dev = tau + naf, *lo = dev + naf, *hi = lo + naf;
    const char **nz = noise + naf * ns;
    size_t k = 0;
    for (size_t j = 0; j < naf; j++) {
      const struct st_result *r = &res[j * ST_NSTATS + s];
      if (isnan(r->dev))
        continue;
      tau[k] = (double)afs[j] * o->tau0;
      dev[k] = r->dev;
      lo[k] = r->lo;
      hi[k] = r->hi;
      nz[k++] = noise_name(r->alpha);
    }
    const char *name = st_stat_name((enum st_stat)s);
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof names[0]; i++)
      names[ns][i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
    names[ns][i] = '\0';
    st[ns] = (struct stabplot_stat){names[ns], k, tau, dev, lo, hi, nz};
    ns++;
  }
  char title[300];
  snprintf(title, sizeof title, "%s", o->path);
  int rc = stabplot_file(o->plot, title, st, ns, err, errlen);
  free(buf);
  free(noise);
  return rc;
}
