/* A CGGTTS file as 10-minute tracks (slots.h). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cggtts/diff.h"
#include "cggtts/slots.h"
#include "core/timeutil.h"

static int by_epoch(const void *x, const void *y)
{
  const struct cggtts_track *a = *(const struct cggtts_track *const *)x,
                            *b = *(const struct cggtts_track *const *)y;
  if (a->mjd != b->mjd)
    return a->mjd < b->mjd ? -1 : 1;
  if (a->sttime != b->sttime)
    return a->sttime < b->sttime ? -1 : 1;
  return a->line < b->line ? -1 : a->line > b->line;
}

static int usable_gps(const struct cggtts_track *t)
{
  return t->sat[0] == 'G' && t->trkl == CGGTTS_FULL_TRKL && cggtts_usable(t);
}

/* One epoch's tracks e[0..n) as a track of the slot holding their midpoint; 0, or -1
 * when no sigma can be given. */
static int epoch_track(const struct cggtts_track *const *e, size_t n, const char *site,
                       const struct cggtts_file *f, struct track *t)
{
  double v[64] = {0}, s[64] = {0};
  size_t k = 0, ks = 0;
  for (size_t i = 0; i < n && k < 64; i++) {
    v[k++] = e[i]->refsys_ns;
    if (!isnan(e[i]->srsys_ps_s))
      s[ks++] = e[i]->srsys_ps_s;
  }
  double mean, sd, srsys = 0, unused;
  cggtts_mean_sd(v, k, &mean, &sd);
  if (ks)
    cggtts_mean_sd(s, ks, &srsys, &unused);
  if (k == 1)
    sd = e[0]->dsg_ns;
  if (!isfinite(sd))
    return -1;
  /* CGGTTS V2E: REFSYS is at the track's midpoint, SRSYS its slope (0.1 ps/s in the file,
   * ps/s here). */
  int64_t mid = tu_from_mjd_sod(e[0]->mjd, e[0]->sttime) + CGGTTS_FULL_TRKL / 2 * NS_PER_S;
  track_init(t, site, mid);
  double dt_s = (double)(tu_slot_mid(t->slot) - mid) / 1e9;
  t->value_ns = mean + srsys * 1e-3 * dt_s;
  t->sigma_ns = sd;
  t->slope_ns_s = srsys * 1e-3;
  t->n_used = (int)k;
  t->sats_visible = t->sats_used = (int)k;
  snprintf(t->rx_state, sizeof t->rx_state, "TIME");
  t->cabdly = isnan(f->cab_dly_ns) ? 0 : f->cab_dly_ns;
  t->refdly = isnan(f->ref_dly_ns) ? 0 : f->ref_dly_ns;
  snprintf(t->osc.status, sizeof t->osc.status, "CGGTTS %s", e[0]->frc);
  return 0;
}

static const char *first_frc(const struct cggtts_file *f)
{
  for (size_t i = 0; i < f->n; i++)
    if (usable_gps(&f->trk[i]))
      return f->trk[i].frc;
  return NULL;
}

int cggtts_slots(const struct cggtts_file *f, const char *site, struct cggtts_slots *out,
                 char *err, size_t errlen)
{
  memset(out, 0, sizeof *out);
  const char *frc = first_frc(f);
  if (!frc) {
    snprintf(err, errlen, "%s: no full-length (TRKL 780) GPS track with REFSYS known: "
             "nothing to compare with the reference's tracks (LOCAL - GPS)", f->name);
    return -1;
  }
  snprintf(out->frc, sizeof out->frc, "%s", frc);
  const struct cggtts_track **v = malloc(f->n * sizeof *v);
  out->tr = malloc(f->n * sizeof *out->tr);
  if (!v || !out->tr) {
    free(v);
    cggtts_slots_free(out);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  size_t k = 0;
  for (size_t i = 0; i < f->n; i++)
    if (usable_gps(&f->trk[i]) && !strcmp(f->trk[i].frc, out->frc))
      v[k++] = &f->trk[i];
  qsort(v, k, sizeof *v, by_epoch);
  for (size_t i = 0, j; i < k; i = j) {
    for (j = i; j < k && v[j]->mjd == v[i]->mjd && v[j]->sttime == v[i]->sttime; j++)
      ;
    out->epochs++;
    struct track *t = &out->tr[out->n];
    if (epoch_track(v + i, j - i, site, f, t) != 0 ||
        (out->n > 0 && out->tr[out->n - 1].slot >= t->slot)) {
      out->skipped++;
      continue;
    }
    out->n++;
  }
  free(v);
  return 0;
}

void cggtts_slots_free(struct cggtts_slots *s)
{
  free(s->tr);
  s->tr = NULL;
  s->n = 0;
}
