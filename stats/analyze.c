/* A stability run: each statistic at each averaging factor, with its noise type and
 * confidence interval. */
#include "config.h"
#include "stats/stats.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

/* The noise type at one factor.  Where the autocorrelation method applies it depends only
 * on the family, Allan (0) or Hadamard (1), so it is found once for each. */
struct noise_cache {
  int known[2], alpha[2];
};

static int noise_type(const struct st_data *d, enum st_stat s, size_t m, struct noise_cache *c)
{
  int f = s == ST_HDEV || s == ST_OHDEV, alpha;
  if ((d->n - 1) / m >= ST_ACF_MIN_POINTS && c->known[f])
    return c->alpha[f];
  if (st_noise_id(d, s, m, &alpha) != 0)
    alpha = ST_NO_ALPHA;
  c->known[f] = 1;
  c->alpha[f] = alpha;
  return alpha;
}

/* The number of phase points that, without gaps, gives count terms of s at m: with gaps
 * the equivalent degrees of freedom follow the terms actually used. */
static size_t n_for_count(enum st_stat s, size_t count, size_t m)
{
  switch (s) {
  case ST_ADEV: return (count + 1) * m + 1;
  case ST_HDEV: return (count + 2) * m + 1;
  case ST_OADEV:
  case ST_GRADEV: return count + 2 * m;
  case ST_OHDEV: return count + 3 * m;
  case ST_MDEV:
  case ST_TDEV: return count + 3 * m - 1;
  default: return count + 2; /* TOTDEV */
  }
}

static int wanted(const struct st_data *d, unsigned mask, int limited, enum st_stat s, size_t m)
{
  return mask & (1u << s) && (!limited || m <= st_max_af(s, d->n));
}

/* MTIE at all its factors in one pass over the sparse table's levels. */
static void run_mtie(const struct st_data *d, struct st_data *spend, const size_t *afs,
                     size_t naf, int limited, struct st_result *out)
{
  size_t *ms = calloc(naf, sizeof *ms), *counts = malloc(sizeof *counts * naf), k = 0;
  double *v = malloc(sizeof *v * naf);
  if (!ms || !counts || !v)
    goto done;
  for (size_t j = 0; j < naf; j++)
    if (wanted(d, 1u << ST_MTIE, limited, ST_MTIE, afs[j]))
      ms[k++] = afs[j];
  if ((spend ? st_mtie_list_consume(spend, ms, k, v, counts)
             : st_mtie_list(d, ms, k, v, counts)) == 0)
    for (size_t j = 0, i = 0; j < naf && i < k; j++)
      if (afs[j] == ms[i]) {
        out[j * ST_NSTATS + ST_MTIE].dev = v[i];
        out[j * ST_NSTATS + ST_MTIE].count = counts[i++];
      }
done:
  free(ms);
  free(counts);
  free(v);
}

/* What a run needs to compute its rows: each row (one averaging factor) depends only on
 * the data, so the rows are shared out among threads, each taking the next row not yet
 * taken.  A row is the same doubles whichever thread computes it. */
struct rows_job {
  const struct st_data *d;
  unsigned mask;
  const size_t *afs;
  size_t naf;
  int limited, exact_ci;
  double conf;
  struct st_result *out;
  size_t next; /* the next row to take (atomic) */
};

/* Every statistic but MTIE at one factor. */
static void run_row(const struct rows_job *j, size_t k)
{
  const struct st_data *d = j->d;
  size_t m = j->afs[k];
  struct noise_cache nc = {{0}, {0}};
  struct st_result *row = j->out + k * ST_NSTATS;
  for (int s = 0; s < ST_NSTATS; s++) {
    struct st_result *res = &row[s];
    if (s == ST_MTIE || !wanted(d, j->mask, j->limited, (enum st_stat)s, m))
      continue;
    if (s == ST_TDEV && !isnan(row[ST_MDEV].dev)) {
      /* SP 1065 sec. 5.2.6: TDEV = tau / sqrt(3) MDEV, one pass for both. */
      res->dev = row[ST_MDEV].dev * (double)m * d->tau0 / sqrt(3.0);
      res->count = row[ST_MDEV].count;
    } else {
      res->dev = st_dev((enum st_stat)s, d, m, &res->count);
    }
    if (res->count == 0 || !st_stat_has_ci((enum st_stat)s) || j->conf <= 0.0)
      continue;
    res->alpha = noise_type(d, (enum st_stat)s, m, &nc);
    if (res->alpha == ST_NO_ALPHA)
      continue;
    res->edf = st_edf((enum st_stat)s, res->alpha, m,
                      d->ngap ? n_for_count((enum st_stat)s, res->count, m) : d->n);
    st_ci(res->dev, res->edf, j->conf, j->exact_ci, &res->lo, &res->hi);
  }
}

static void *rows_worker(void *arg)
{
  struct rows_job *j = arg;
  for (size_t k; (k = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED)) < j->naf;)
    run_row(j, k);
  return NULL;
}

static unsigned threads_wanted; /* st_set_threads; 0: one a processor */

void st_set_threads(unsigned n) { threads_wanted = n < ST_MAX_THREADS ? n : ST_MAX_THREADS; }

/* Threads for a run over n points: one unless the data are large enough to repay them (a
 * thread costs tens of microseconds; a row of 1e5 points, about a hundred). */
static unsigned threads_for(size_t n, size_t naf)
{
  unsigned t = threads_wanted;
  if (t == 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    t = n < 100000 ? 1 : cpus > 1 ? (unsigned)(cpus < 16 ? cpus : 16) : 1;
  }
  return naf < t ? (unsigned)(naf ? naf : 1) : t;
}

/* Every statistic but MTIE, the rows shared among threads.  A thread that cannot be started
 * leaves its share to the others: the caller's thread always works too. */
static void run_rows(const struct st_data *d, unsigned mask, const size_t *afs, size_t naf,
                     int limited, double conf, int exact_ci, struct st_result *out)
{
  struct rows_job j = {d, mask, afs, naf, limited, exact_ci, conf, out, 0};
  pthread_t tid[ST_MAX_THREADS - 1];
  unsigned nt = threads_for(d->n, naf), started = 0;
  for (unsigned t = 1; t < nt && t < ST_MAX_THREADS; t++)
    if (pthread_create(&tid[started], NULL, rows_worker, &j) == 0)
      started++;
  rows_worker(&j);
  for (unsigned t = 0; t < started; t++)
    pthread_join(tid[t], NULL);
}

void st_analyze(const struct st_data *d, unsigned mask, const size_t *afs, size_t naf,
                int limited, double conf, int exact_ci, struct st_result *out)
{
  for (size_t j = 0; j < naf * ST_NSTATS; j++)
    out[j] = (struct st_result){NAN, 0, ST_NO_ALPHA, NAN, NAN, NAN};
  if (mask & (1u << ST_MTIE))
    run_mtie(d, NULL, afs, naf, limited, out);
  run_rows(d, mask, afs, naf, limited, conf, exact_ci, out);
}

void st_analyze_consume(struct st_data *d, unsigned mask, const size_t *afs, size_t naf,
                        int limited, double conf, int exact_ci, struct st_result *out)
{
  for (size_t j = 0; j < naf * ST_NSTATS; j++)
    out[j] = (struct st_result){NAN, 0, ST_NO_ALPHA, NAN, NAN, NAN};
  run_rows(d, mask, afs, naf, limited, conf, exact_ci, out);
  if (mask & (1u << ST_MTIE))
    run_mtie(d, d, afs, naf, limited, out);
}
