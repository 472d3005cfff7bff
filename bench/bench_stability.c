/* Benchmark of `cvd stability`'s engine on 1e5, 1e6 and 1e7 points of white FM phase noise,
 * at every octave averaging factor: OADEV, MDEV and TDEV together (without, then with the
 * noise identification and confidence intervals), and MTIE.  Prints the time and points
 * per second of each; never run as a test. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/rng.h"
#include "stats/stats.h"

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One octave run of the statistics in mask; returns the seconds taken. */
static double run(const struct st_data *d, unsigned mask, double conf, size_t *naf)
{
  size_t *afs;
  int limited;
  char err[256];
  if (st_taus("octave", d->n, d->tau0, mask, &afs, naf, &limited, err, sizeof err) != 0) {
    fprintf(stderr, "bench_stability: %s\n", err);
    exit(1);
  }
  struct st_result *out = malloc(sizeof *out * *naf * ST_NSTATS);
  if (!out) {
    fprintf(stderr, "bench_stability: out of memory\n");
    exit(1);
  }
  double t0 = now();
  st_analyze(d, mask, afs, *naf, limited, conf, 0, out);
  double t = now() - t0;
  free(out);
  free(afs);
  return t;
}

int main(void)
{
  static const struct {
    const char *name;
    unsigned mask;
    double conf;
  } sets[] = {
      {"oadev+mdev+tdev", 1u << ST_OADEV | 1u << ST_MDEV | 1u << ST_TDEV, 0.0},
      {"oadev+mdev+tdev, CIs", 1u << ST_OADEV | 1u << ST_MDEV | 1u << ST_TDEV, 0.683},
      {"mtie", 1u << ST_MTIE, 0.0},
  };
  printf("%-10s %-22s %8s %9s %12s\n", "points", "statistics", "factors", "seconds",
         "points/s");
  for (size_t n = 100000; n <= 10000000; n *= 10) {
    double *x = malloc(sizeof(double) * n);
    if (!x) {
      fprintf(stderr, "bench_stability: out of memory\n");
      return 1;
    }
    struct rng r;
    rng_seed(&r, 42, 1);
    x[0] = 0.0;
    for (size_t i = 1; i < n; i++)
      x[i] = x[i - 1] + 1e-11 * rng_normal(&r);
    struct st_data d;
    char err[256];
    if (st_data_phase(&d, x, n, 1.0, err, sizeof err) != 0) {
      fprintf(stderr, "bench_stability: %s\n", err);
      return 1;
    }
    free(x);
    for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
      size_t naf;
      double t = run(&d, sets[k].mask, sets[k].conf, &naf);
      printf("%-10zu %-22s %8zu %9.3f %12.3e\n", n, sets[k].name, naf, t, (double)n / t);
    }
    st_data_free(&d);
  }
  return 0;
}
