#include "config.h"
#include "sim/score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/timeutil.h"
#include "stats/stats.h"

#define SLOTS_PER_DAY 144

int simscore_excluded(const struct scenario *sc, int k, int slot)
{
  int64_t s = sc->start + (int64_t)slot * SLOT_NS;
  for (int i = 0; i < sc->n_outages; i++) {
    const struct sim_outage *o = &sc->outages[i];
    if (o->site != SIM_ALL && o->site != SIM_REF && o->site != k)
      continue;
    int64_t a = sc->start + (int64_t)(o->start_h * 3600e9);
    int64_t b = sc->start + (int64_t)((o->start_h + o->dur_h) * 3600e9);
    if (s < b && s + SLOT_NS > a)
      return 1;
  }
  return 0;
}

double simscore_bound(const struct scenario *sc)
{
  const double T = 600;
  double q1 = sc->rb_adev_1s * sc->rb_adev_1s * 1.0;
  double q2 = 3 * (sc->rb_flicker_floor * sc->rb_flicker_floor / 1e4 +
                   sc->rb_rwfm_adev_1d * sc->rb_rwfm_adev_1d / 86400.0);
  double R = sc->cv_noise_ns * 1e-9 * sc->cv_noise_ns * 1e-9;
  double p00 = 1e-12, p01 = 0, p11 = 1e-20;
  /* Iterate the Riccati recursion to its fixed point. */
  for (int i = 0; i < 100000; i++) {
    double S = p00 + R, k0 = p00 / S, k1 = p01 / S;
    double u00 = (1 - k0) * p00, u01 = (1 - k0) * p01, u11 = p11 - k1 * p01;
    double n00 = u00 + 2 * T * u01 + T * T * u11 + q1 * T + q2 * T * T * T / 3;
    double n01 = u01 + T * u11 + q2 * T * T / 2;
    double n11 = u11 + q2 * T;
    int done = fabs(n00 - p00) <= 1e-15 * p00 && fabs(n11 - p11) <= 1e-15 * fabs(p11);
    p00 = n00;
    p01 = n01;
    p11 = n11;
    if (done && i > 100)
      break;
  }
  double d = sc->cv_diurnal_ns / M_SQRT2;
  return sqrt(p00 * 1e18 + d * d);
}

void simscore_compute(const struct scenario *sc, const struct sim_series *s, struct sim_score *o)
{
  memset(o, 0, sizeof *o);
  o->bound_rms_x_ns = simscore_bound(sc);
  int first = SLOTS_PER_DAY, n = s->n, used = 0, locked = 0;
  double ss = 0, mx = 0;
  for (int i = first; i < n; i++) {
    if (simscore_excluded(sc, s->index, i) || !isfinite(s->x[i]))
      continue;
    ss += s->x[i] * s->x[i];
    if (fabs(s->x[i]) > mx)
      mx = fabs(s->x[i]);
    locked += s->locked[i];
    used++;
  }
  o->rms_x_ns = used ? sqrt(ss / used) : NAN;
  o->max_abs_x_ns = used ? mx : NAN;
  o->time_locked_pct = used ? 100.0 * locked / used : NAN;

  /* Lock time: the end of the last slot, outside outages, with |x| at 50 ns or more. */
  int last_bad = -1;
  for (int i = 0; i < n; i++)
    if (!simscore_excluded(sc, s->index, i) && !(fabs(s->x[i]) < 50))
      last_bad = i;
  o->lock_time_h = last_bad == n - 1 ? NAN : (double)(last_bad + 1) * SLOT_S / 3600.0;

  /* Daily means from day 1 on, and the frequency between consecutive days. */
  int days = n / SLOTS_PER_DAY;
  double prev = NAN, fss = 0, dm = 0;
  int nf = 0, nd = 0;
  for (int d = 1; d < days; d++) {
    double sum = 0;
    int k = 0;
    for (int i = d * SLOTS_PER_DAY; i < (d + 1) * SLOTS_PER_DAY; i++)
      if (!simscore_excluded(sc, s->index, i) && isfinite(s->x[i])) {
        sum += s->x[i];
        k++;
      }
    double mean = k ? sum / k : NAN;
    if (isfinite(mean)) {
      if (fabs(mean) > dm)
        dm = fabs(mean);
      nd++;
      if (isfinite(prev)) {
        double f = (mean - prev) * 1e-9 / 86400.0;
        fss += f * f;
        nf++;
      }
    }
    prev = mean;
  }
  o->max_abs_daily_mean_ns = nd ? dm : NAN;
  o->freq_1d_rms = nf ? sqrt(fss / nf) : NAN;

  /* MDEV at one day (SP 1065 section 5.2.5) on the phase after day 1, the excluded slots
   * filled by straight lines between their neighbours. */
  o->mdev_1d = NAN;
  int m = n - first;
  if (m >= 3 * SLOTS_PER_DAY) {
    double *x = malloc(sizeof(double) * (size_t)m);
    int ok = x != NULL;
    for (int i = 0; ok && i < m; i++)
      x[i] = simscore_excluded(sc, s->index, first + i) ? NAN : s->x[first + i] * 1e-9;
    for (int i = 0; ok && i < m; i++) {
      if (isfinite(x[i]))
        continue;
      int a = i - 1, b = i;
      while (b < m && !isfinite(x[b]))
        b++;
      for (int j = i; j < b; j++)
        x[j] = a < 0 ? (b < m ? x[b] : 0)
                     : b >= m ? x[a] : x[a] + (x[b] - x[a]) * (double)(j - a) / (double)(b - a);
      i = b;
    }
    struct st_data d;
    char err[128];
    size_t cnt;
    if (ok && st_data_phase(&d, x, (size_t)m, SLOT_S, err, sizeof err) == 0) {
      o->mdev_1d = st_mdev(&d, SLOTS_PER_DAY, &cnt);
      st_data_free(&d);
    }
    free(x);
  }
}

static int64_t outage_end(const struct scenario *sc, const struct sim_outage *o)
{
  return sc->start + (int64_t)llround((o->start_h + o->dur_h) * 3600.0) * NS_PER_S;
}

int simscore_outage_ends(const struct scenario *sc, const struct sim_outage *o, int k, int64_t t)
{
  return (o->site == SIM_ALL || o->site == SIM_REF || o->site == k) && t == outage_end(sc, o);
}

void simscore_holdover(const struct scenario *sc, struct sim_series *s, const struct sim_outage *o,
                       double true_x_ns, double predicted_x_ns, double predicted_sigma_ns)
{
  if (s->n_ho == SIM_MAX_EVENTS)
    return;
  struct sim_holdover *h = &s->ho[s->n_ho++];
  h->start_h = o->start_h;
  h->duration_h = o->dur_h;
  h->true_x_ns = true_x_ns;
  h->predicted_x_ns = predicted_x_ns;
  h->predicted_sigma_ns = predicted_sigma_ns;
  int64_t a = sc->start + (int64_t)(o->start_h * 3600e9), end = outage_end(sc, o);
  double mx = 0;
  for (int slot = 0; slot < s->n; slot++) {
    int64_t mid = sc->start + (int64_t)slot * SLOT_NS + SLOT_NS / 2;
    if (mid >= a && mid < end && isfinite(s->x[slot]) && fabs(s->x[slot]) > mx)
      mx = fabs(s->x[slot]);
  }
  h->max_abs_x_ns = mx;
}

json_t *simscore_json(const struct sim_series *s, const struct sim_score *o)
{
  json_t *ho = json_array();
  for (int i = 0; i < s->n_ho; i++) {
    const struct sim_holdover *h = &s->ho[i];
    json_array_append_new(ho, json_pack("{s:f,s:f,s:o,s:o,s:o,s:o}", "start_h", h->start_h,
                                        "duration_h", h->duration_h, "max_abs_x_ns",
                                        jx_real(h->max_abs_x_ns), "predicted_x_ns",
                                        jx_real(h->predicted_x_ns), "predicted_sigma_ns",
                                        jx_real(h->predicted_sigma_ns), "true_x_ns",
                                        jx_real(h->true_x_ns)));
  }
  json_t *j = json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "site", s->site,
                        "lock_time_h", jx_real(o->lock_time_h), "rms_x_ns", jx_real(o->rms_x_ns),
                        "max_abs_x_ns", jx_real(o->max_abs_x_ns), "max_abs_daily_mean_ns",
                        jx_real(o->max_abs_daily_mean_ns), "mdev_1d", jx_real(o->mdev_1d),
                        "freq_1d_rms", jx_real(o->freq_1d_rms), "bound_rms_x_ns",
                        jx_real(o->bound_rms_x_ns), "time_locked_pct",
                        jx_real(o->time_locked_pct), "holdover", ho);
  return j;
}
