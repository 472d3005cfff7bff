/* Common view of two CGGTTS files (diff.h). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cggtts/diff.h"

void cggtts_mean_sd(const double *v, size_t n, double *mean, double *sd)
{
  *mean = *sd = NAN;
  if (n == 0)
    return;
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += v[i];
  *mean = s / (double)n;
  if (n < 2)
    return;
  double q = 0;
  for (size_t i = 0; i < n; i++)
    q += (v[i] - *mean) * (v[i] - *mean);
  *sd = sqrt(q / (double)(n - 1));
}

static int key_cmp(const struct cggtts_track *x, const struct cggtts_track *y, int with_frc)
{
  if (x->mjd != y->mjd)
    return x->mjd < y->mjd ? -1 : 1;
  if (x->sttime != y->sttime)
    return x->sttime < y->sttime ? -1 : 1;
  int c = strcmp(x->sat, y->sat);
  if (c || !with_frc)
    return c;
  return strcmp(x->frc, y->frc);
}

static int cmp_frc(const void *x, const void *y)
{
  return key_cmp(*(const struct cggtts_track *const *)x,
                 *(const struct cggtts_track *const *)y, 1);
}

static int cmp_nofrc(const void *x, const void *y)
{
  return key_cmp(*(const struct cggtts_track *const *)x,
                 *(const struct cggtts_track *const *)y, 0);
}

static int by_line(const void *x, const void *y)
{
  unsigned a = (*(const struct cggtts_track *const *)x)->line,
           b = (*(const struct cggtts_track *const *)y)->line;
  return (a > b) - (a < b);
}

static int cmp_frc_line(const void *x, const void *y)
{
  int c = cmp_frc(x, y);
  return c ? c : by_line(x, y);
}

static int cmp_nofrc_line(const void *x, const void *y)
{
  int c = cmp_nofrc(x, y);
  return c ? c : by_line(x, y);
}

static int wanted(const struct cggtts_track *t, const char *frc)
{
  return t->trkl == CGGTTS_FULL_TRKL && cggtts_usable(t) && (!frc || !strcmp(t->frc, frc));
}

/* The file's usable full-length tracks of signal frc, sorted by key. */
static const struct cggtts_track **select_tracks(const struct cggtts_file *f, const char *frc,
                                                 int with_frc, size_t *n)
{
  const struct cggtts_track **v = malloc((f->n ? f->n : 1) * sizeof *v);
  if (!v)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < f->n; i++)
    if (wanted(&f->trk[i], frc))
      v[k++] = &f->trk[i];
  /* Sorted by key and then by line, so that of tracks with one key (a file that repeats
   * a satellite's epoch) the first in the file is kept, whatever qsort does. */
  qsort(v, k, sizeof *v, with_frc ? cmp_frc_line : cmp_nofrc_line);
  size_t u = 0;
  for (size_t i = 0; i < k; i++)
    if (u == 0 || key_cmp(v[u - 1], v[i], with_frc) != 0)
      v[u++] = v[i];
  *n = u;
  return v;
}

static int has_frc(const struct cggtts_file *f)
{
  for (size_t i = 0; i < f->n; i++)
    if (f->trk[i].frc[0])
      return 1;
  return 0;
}

static int epochs(struct cggtts_diff *d)
{
  d->epoch = malloc((d->matched ? d->matched : 1) * sizeof *d->epoch);
  double *v = malloc((d->matched ? d->matched : 1) * sizeof *v);
  if (!d->epoch || !v) {
    free(v);
    return -1;
  }
  for (size_t i = 0; i < d->matched;) {
    size_t j = i;
    double s = 0;
    while (j < d->matched && d->pair[j].mjd == d->pair[i].mjd &&
           d->pair[j].sttime == d->pair[i].sttime)
      s += d->pair[j++].d_ns;
    d->epoch[d->epochs] = (struct cggtts_epoch){.mjd = d->pair[i].mjd,
                                                .sttime = d->pair[i].sttime,
                                                .n = (int)(j - i),
                                                .mean_ns = s / (double)(j - i)};
    v[d->epochs] = d->epoch[d->epochs].mean_ns;
    d->epochs++;
    i = j;
  }
  cggtts_mean_sd(v, d->epochs, &d->mean_epoch_ns, &d->sd_epoch_ns);
  for (size_t i = 0; i < d->matched; i++)
    v[i] = d->pair[i].d_ns;
  cggtts_mean_sd(v, d->matched, &d->mean_ns, &d->sd_ns);
  free(v);
  return 0;
}

int cggtts_diff(const struct cggtts_file *a, const struct cggtts_file *b,
                const struct cggtts_diff_opt *o, struct cggtts_diff *d, char *err,
                size_t errlen)
{
  memset(d, 0, sizeof *d);
  int with_frc = !o->frc_a && !o->frc_b && has_frc(a) && has_frc(b);
  const struct cggtts_track **ta = select_tracks(a, o->frc_a, with_frc, &d->a_full);
  const struct cggtts_track **tb = select_tracks(b, o->frc_b, with_frc, &d->b_full);
  d->pair = malloc((d->a_full ? d->a_full : 1) * sizeof *d->pair);
  int rc = -1;
  if (!ta || !tb || !d->pair)
    goto out;
  for (size_t i = 0; i < d->a_full; i++) {
    const struct cggtts_track **m =
        bsearch(&ta[i], tb, d->b_full, sizeof *tb, with_frc ? cmp_frc : cmp_nofrc);
    if (!m)
      continue;
    const struct cggtts_track *x = ta[i], *y = *m;
    struct cggtts_pair *p = &d->pair[d->matched++];
    *p = (struct cggtts_pair){.mjd = x->mjd, .sttime = x->sttime, .a_ns = x->refsys_ns,
                              .b_ns = y->refsys_ns, .d_ns = x->refsys_ns - y->refsys_ns};
    memcpy(p->sat, x->sat, sizeof p->sat);
    memcpy(p->frc_a, x->frc, sizeof p->frc_a);
    memcpy(p->frc_b, y->frc, sizeof p->frc_b);
  }
  rc = epochs(d);
out:
  free(ta);
  free(tb);
  if (rc != 0) {
    cggtts_diff_free(d);
    snprintf(err, errlen, "out of memory");
  }
  return rc;
}

void cggtts_diff_free(struct cggtts_diff *d)
{
  free(d->pair);
  free(d->epoch);
  d->pair = NULL;
  d->epoch = NULL;
  d->matched = d->epochs = 0;
}

/* One file's epoch means over its selected tracks v[0..n) (sorted by MJD, STTIME). */
static size_t epoch_means(const struct cggtts_track **v, size_t n, struct cggtts_epoch *out)
{
  size_t k = 0;
  for (size_t i = 0, j; i < n; i = j) {
    double s = 0;
    for (j = i; j < n && v[j]->mjd == v[i]->mjd && v[j]->sttime == v[i]->sttime; j++)
      s += v[j]->refsys_ns;
    out[k++] = (struct cggtts_epoch){.mjd = v[i]->mjd, .sttime = v[i]->sttime,
                                     .n = (int)(j - i), .mean_ns = s / (double)(j - i)};
  }
  return k;
}

static const char *first_frc(const struct cggtts_file *f)
{
  for (size_t i = 0; i < f->n; i++)
    if (wanted(&f->trk[i], NULL) && f->trk[i].frc[0])
      return f->trk[i].frc;
  return NULL;
}

int cggtts_diff_aiv(const struct cggtts_file *a, const struct cggtts_file *b,
                    const struct cggtts_diff_opt *o, struct cggtts_diff *d, char *err,
                    size_t errlen)
{
  memset(d, 0, sizeof *d);
  const char *fa = o->frc_a ? o->frc_a : first_frc(a), *fb = o->frc_b ? o->frc_b : first_frc(b);
  const struct cggtts_track **ta = select_tracks(a, fa, 0, &d->a_full);
  const struct cggtts_track **tb = select_tracks(b, fb, 0, &d->b_full);
  struct cggtts_epoch *ea = malloc((d->a_full + 1) * sizeof *ea),
                      *eb = malloc((d->b_full + 1) * sizeof *eb);
  d->pair = malloc((d->a_full + 1) * sizeof *d->pair);
  int rc = -1;
  if (!ta || !tb || !ea || !eb || !d->pair)
    goto out;
  size_t na = epoch_means(ta, d->a_full, ea), nb = epoch_means(tb, d->b_full, eb);
  for (size_t i = 0, j = 0; i < na && j < nb;) {
    long long ka = (long long)ea[i].mjd * 86400 + ea[i].sttime,
              kb = (long long)eb[j].mjd * 86400 + eb[j].sttime;
    if (ka != kb) {
      ka < kb ? i++ : j++;
      continue;
    }
    struct cggtts_pair *p = &d->pair[d->matched++];
    *p = (struct cggtts_pair){.mjd = ea[i].mjd, .sttime = ea[i].sttime,
                              .a_ns = ea[i].mean_ns, .b_ns = eb[j].mean_ns,
                              .d_ns = ea[i].mean_ns - eb[j].mean_ns};
    snprintf(p->frc_a, sizeof p->frc_a, "%s", fa ? fa : "");
    snprintf(p->frc_b, sizeof p->frc_b, "%s", fb ? fb : "");
    i++;
    j++;
  }
  rc = epochs(d);
  /* An epoch's n: the satellites averaged, in A and B together. */
  for (size_t i = 0, ia = 0, ib = 0; rc == 0 && i < d->epochs; i++) {
    while (ea[ia].mjd != d->epoch[i].mjd || ea[ia].sttime != d->epoch[i].sttime)
      ia++;
    while (eb[ib].mjd != d->epoch[i].mjd || eb[ib].sttime != d->epoch[i].sttime)
      ib++;
    d->epoch[i].n = ea[ia].n + eb[ib].n;
  }
out:
  free(ta);
  free(tb);
  free(ea);
  free(eb);
  if (rc != 0) {
    cggtts_diff_free(d);
    snprintf(err, errlen, "out of memory");
  }
  return rc;
}
