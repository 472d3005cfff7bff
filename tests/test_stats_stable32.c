/* stats/ against Stable32 on real data (../shared/data/stability/): PHASE.DAT (the SP 1065
 * 1000-point set as phase), a Keysight 53230A counter's noise floor and a 10 MHz OCXO, row
 * by row: every deviation, term count, noise type and confidence interval Stable32 printed.
 * Skips (exit 77) when ../shared is absent, as in a user's clone.
 *
 * Tolerances, from the printed digits:
 * - deviations, TIE rms and MTIE: half a unit of the 5th digit, plus 2 % of that for
 *   Stable32's own rounding (its MDEV of the OCXO at AF 1994, 6.9926e-12, is 6.99265014e-12:
 *   0.5001 units away);
 * - counts: exact;
 * - noise types: exact in the octave runs, where Stable32 also printed intervals.  In its
 *   all-tau runs (no intervals) at least 95 % of the rows identified by the lag-1
 *   autocorrelation (30 points or more) agree; the misses lie where the autocorrelation
 *   sits on its decision boundary.  Below 30 points the all-tau runs are only reported:
 *   there Stable32 contradicts its own octave runs (PHASE.DAT, white FM by construction:
 *   flicker PM at AF 127 and 129 in the all-tau ADEV run, white FM at AF 128 in the
 *   octave run, which we follow).  TOTDEV's column of an all-tau run is not compared:
 *   Stable32 prints 0 on every row (all 310 of the OCXO, whose ADEV spans four noise
 *   types), i.e. it identified nothing;
 * - intervals: half a unit of the 5th digit, or else within what Stable32's inputs to them
 *   allow: its unrounded deviation (known to us only to half a unit of the 5th digit); its
 *   equivalent degrees of freedom, which the printed bounds pin down to about 0.1 % and
 *   which agree with ours to that, except OADEV where Greenhall's table applies (J > 100):
 *   Stable32's are 0.08 % lower, and TOTDEV with flicker PM, for which SP 1065 has no
 *   edf (table 7 is for FM noise) and both take table 5's formula: Stable32's are 0.2 to
 *   0.5 % higher; and its chi-squared inverse, whose printed bounds fit a
 *   probability resolved to about 1e-4 (the worst, HDEV of PHASE.DAT at AF 128 with 2.9
 *   degrees of freedom, is 12 units of the 5th digit from the exact quantile). */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "tests/testutil.h"

struct s32row {
  size_t af, n;
  int alpha;
  double lo, dev, hi; /* lo = hi = 0: no interval printed */
};

/* Reads a Stable32 result file: "AF tau # alpha min sigma max" or "AF tau # value". */
static size_t read_s32(const char *path, struct s32row *rows, size_t cap, int *has_ci)
{
  FILE *f = fopen(path, "r");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  char line[512];
  size_t k = 0;
  *has_ci = 0;
  while (fgets(line, sizeof line, f) && k < cap) {
    if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
      continue;
    double af, tau, n, a, lo, dev, hi;
    int got = sscanf(line, "%lf %lf %lf %lf %lf %lf %lf", &af, &tau, &n, &a, &lo, &dev, &hi);
    ck_assert_msg(got == 7 || got == 4, "%s: bad row '%s'", path, line);
    rows[k] = (struct s32row){(size_t)af, (size_t)n, 0, 0.0, got == 4 ? a : dev, 0.0};
    if (got == 7) {
      rows[k].alpha = (int)a;
      rows[k].lo = lo;
      rows[k].hi = hi;
      *has_ci |= lo != 0.0;
    }
    k++;
  }
  fclose(f);
  return k;
}

static double unit5(double printed)
{
  return pow(10.0, floor(log10(fabs(printed))) - 4.0);
}

/* The printed bound b against ours: as printed, or inside the range that Stable32's inputs
 * allow: its deviation (printed dev +- half a unit), its edf (+- edf_tol) and its
 * chi-squared inverse (the probability within 1e-4 of 0.6827's, or its Wilson-Hilferty
 * form above 100 degrees of freedom). */
static int bound_ok(double ours, double b, double printed_dev, double edf, double edf_tol,
                    int upper)
{
  if (fabs(ours - b) <= 0.5 * unit5(b))
    return 1;
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  for (int i = -1; i <= 1; i += 2)
    for (int j = -1; j <= 1; j += 2)
      for (int q = 0; q < 3; q++) {
        double l, h, dev = printed_dev + 0.5 * i * unit5(printed_dev), e = edf * (1 + edf_tol * j);
        if (q == 2)
          st_ci(dev, e, 0.683, 0, &l, &h);
        else
          st_ci(dev, e, q ? 0.6829 : 0.6825, 1, &l, &h);
        lo = fmin(lo, upper ? h : l);
        hi = fmax(hi, upper ? h : l);
      }
  return b >= lo - 0.5 * unit5(b) && b <= hi + 0.5 * unit5(b);
}

struct tally {
  size_t rows, alpha_rows, alpha_ok, few_rows, few_ok, ci_rows, ci_exact;
};

static void compare_file(const struct st_data *d, enum st_stat s, const char *dir,
                         const char *file, struct tally *t)
{
  char path[1400];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  static struct s32row rows[512];
  int has_ci;
  size_t nr = read_s32(path, rows, 512, &has_ci);
  ck_assert_msg(nr > 0, "%s: no rows", path);
  size_t *afs = malloc(sizeof *afs * nr);
  struct st_result *res = malloc(sizeof *res * nr * ST_NSTATS);
  for (size_t k = 0; k < nr; k++)
    afs[k] = rows[k].af;
  st_analyze(d, 1u << s, afs, nr, 0, 0.683, 0, res);
  size_t alpha_rows = 0, alpha_ok = 0, few_rows = 0, few_ok = 0;
  for (size_t k = 0; k < nr; k++) {
    const struct s32row *w = &rows[k];
    const struct st_result *r = &res[k * ST_NSTATS + s];
    ck_assert_msg(fabs(r->dev - w->dev) <= 0.51 * unit5(w->dev), "%s AF %zu: %.6e, Stable32 %.4e",
                  file, w->af, r->dev, w->dev);
    ck_assert_msg(r->count == w->n, "%s AF %zu: %zu terms, Stable32 %zu", file, w->af, r->count,
                  w->n);
    if (!st_stat_has_ci(s) || (!has_ci && s == ST_TOTDEV))
      continue;
    ck_assert_msg(!has_ci || r->alpha == w->alpha, "%s AF %zu: alpha %d, Stable32 %d", file,
                  w->af, r->alpha, w->alpha);
    if (has_ci || (d->n - 1) / w->af >= ST_ACF_MIN_POINTS) {
      alpha_rows++;
      alpha_ok += r->alpha == w->alpha;
    } else {
      few_rows++;
      few_ok += r->alpha == w->alpha;
    }
    if (!has_ci)
      continue;
    t->ci_rows++;
    t->ci_exact += fabs(r->lo - w->lo) <= 0.5 * unit5(w->lo) &&
                   fabs(r->hi - w->hi) <= 0.5 * unit5(w->hi);
    double edf_tol = s == ST_TOTDEV && r->alpha > 0 ? 6e-3 : 2e-3;
    ck_assert_msg(bound_ok(r->lo, w->lo, w->dev, r->edf, edf_tol, 0) &&
                      bound_ok(r->hi, w->hi, w->dev, r->edf, edf_tol, 1),
                  "%s AF %zu: [%.5e, %.5e] (edf %.3f), Stable32 [%.4e, %.4e]", file, w->af,
                  r->lo, r->hi, r->edf, w->lo, w->hi);
  }
  ck_assert_msg(alpha_ok * 100 >= alpha_rows * 95, "%s: noise type agrees on %zu of %zu rows",
                file, alpha_ok, alpha_rows);
  printf("  %-28s %3zu rows; noise type %zu/%zu", file, nr, alpha_ok, alpha_rows);
  if (few_rows)
    printf(", under 30 points %zu/%zu", few_ok, few_rows);
  printf("%s\n", has_ci ? "; with intervals" : "");
  t->few_rows += few_rows;
  t->few_ok += few_ok;
  t->rows += nr;
  t->alpha_rows += alpha_rows;
  t->alpha_ok += alpha_ok;
  free(afs);
  free(res);
}

static void load(const char *file, int hz, struct st_data *d)
{
  char path[1400], err[512];
  snprintf(path, sizeof path, "%s/stability/%s", th_shared_data(), file);
  double *v;
  size_t n;
  ck_assert_msg(st_load(path, &v, &n, err, sizeof err) == 0, "%s", err);
  int rc;
  if (hz) {
    for (size_t i = 0; i < n; i++)
      v[i] = (v[i] - 1e7) / 1e7; /* y = f / 1e7 - 1, without losing digits */
    rc = st_data_freq(d, v, n, 1.0, err, sizeof err);
  } else {
    rc = st_data_phase(d, v, n, 1.0, err, sizeof err);
  }
  ck_assert_msg(rc == 0, "%s", err);
  free(v);
}

/* The data sets and the Stable32 runs of each. */
static const struct dataset {
  const char *title, *dir, *data;
  int hz; /* frequency in Hz of a 10 MHz oscillator, else phase */
  size_t points;
  struct {
    enum st_stat s;
    const char *file;
  } runs[20];
} sets[] = {
    {"PHASE.DAT",
     "phasedat",
     "PHASE.DAT",
     0,
     1001,
     {{ST_ADEV, "phase_dat_adev_octave.txt"},   {ST_ADEV, "phase_dat_adev.txt"},
      {ST_OADEV, "phase_dat_oadev_octave.txt"}, {ST_OADEV, "phase_dat_oadev.txt"},
      {ST_MDEV, "phase_dat_mdev_octave.txt"},   {ST_MDEV, "phase_dat_mdev.txt"},
      {ST_TDEV, "phase_dat_tdev_octave.txt"},   {ST_TDEV, "phase_dat_tdev.txt"},
      {ST_HDEV, "phase_dat_hdev_octave.txt"},   {ST_HDEV, "phase_dat_hdev.txt"},
      {ST_OHDEV, "phase_dat_ohdev_octave.txt"}, {ST_OHDEV, "phase_dat_ohdev.txt"},
      {ST_TOTDEV, "phase_dat_totdev_octave.txt"}, {ST_TOTDEV, "phase_dat_totdev.txt"},
      {ST_TIERMS, "phase_dat_tierms.txt"},      {ST_MTIE, "phase_dat_mtie.txt"}}},
    {"Keysight 53230A noise floor",
     "tic-noise-floor",
     "tic_phase.txt",
     0,
     55688,
     {{ST_ADEV, "tic_adev.txt"},
      {ST_OADEV, "tic_oadev.txt"},
      {ST_MDEV, "tic_mdev.txt"},
      {ST_TDEV, "tic_tdev.txt"},
      {ST_HDEV, "tic_hdev.txt"},
      {ST_OHDEV, "tic_ohdev.txt"},
      {ST_TOTDEV, "tic_totdev.txt"},
      {ST_TIERMS, "tic_tierms.txt"}}},
    {"OCXO",
     "ocxo",
     "ocxo_frequency.txt",
     1,
     19983,
     {{ST_ADEV, "stable32_adev_alltau.txt"},
      {ST_OADEV, "stable32_oadev_alltau.txt"},
      {ST_MDEV, "stable32_mdev_alltau.txt"},
      {ST_TDEV, "stable32_tdev_alltau.txt"},
      {ST_HDEV, "stable32_hdev_alltau.txt"},
      {ST_OHDEV, "stable32_ohdev_alltau.txt"},
      {ST_TOTDEV, "stable32_totdev_alltau.txt"}}},
};

START_TEST(test_dataset)
{
  const struct dataset *set = &sets[_i];
  char dir[1100], file[1200];
  snprintf(dir, sizeof dir, "%s/stability/%s", th_shared_data(), set->dir);
  snprintf(file, sizeof file, "%s/%s", set->dir, set->data);
  struct st_data d;
  load(file, set->hz, &d);
  ck_assert_uint_eq(d.n, set->points);
  struct tally t = {0};
  for (size_t k = 0; k < sizeof set->runs / sizeof set->runs[0] && set->runs[k].file; k++)
    compare_file(&d, set->runs[k].s, dir, set->runs[k].file, &t);
  printf("%s: %zu rows; noise type %zu/%zu (all-tau rows under 30 points: %zu/%zu); "
         "intervals %zu/%zu to the printed digit, the rest within Stable32's resolution\n",
         set->title, t.rows, t.alpha_ok, t.alpha_rows, t.few_ok, t.few_rows, t.ci_exact,
         t.ci_rows);
  st_data_free(&d);
}
END_TEST

int main(void)
{
  if (!th_shared_data()) {
    printf("test_stats_stable32: ../shared/data is absent (a user's clone): skipped\n");
    return 77;
  }
  Suite *s = suite_create("stats_stable32");
  TCase *tc = tcase_create("stable32");
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, test_dataset, 0, (int)(sizeof sets / sizeof sets[0]));
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
