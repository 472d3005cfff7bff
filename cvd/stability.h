/* cvd stability's pieces (private to cvd/stability*.c): the options as read and what the
 * input's reading found, and the output (tables, JSON, plot). */
#ifndef CVD_CVD_STABILITY_H
#define CVD_CVD_STABILITY_H

#include <stddef.h>

#include "stats/preproc.h"
#include "stats/stats.h"

/* What the reader found besides the values. */
struct gapinfo {
  size_t gaps, missing, trimmed;
  const char *format;
};

struct opts {
  int freq, ns, json, exact_ci, tau0_given;
  double tau0, conf;
  const char *taus, *path;
  unsigned mask;
  struct st_load_opts load;
  struct gapinfo gi;
  double outliers;            /* --outliers K, 0 for none */
  enum st_drift drift;        /* --remove-drift */
  const char *store, *pair_a, *pair_b, *site; /* --store with --pair or --site */
  const char *plot;           /* --plot FILE */
  unsigned threads;           /* --threads N, 0 for one a processor */
  struct st_outliers out;     /* what they removed */
  struct st_driftfit dfit;
};

/* The tables, or the JSON object; tscale scales the time statistics (1e9 for ns). */
void stab_print_tables(const struct opts *o, const struct st_data *d, const size_t *afs,
                       size_t naf, const struct st_result *res, double tscale);
int stab_print_json(const struct opts *o, const struct st_data *d, const size_t *afs,
                    size_t naf, const struct st_result *res, double tscale);
/* The plot of --plot FILE; 0, or -1 with a message in err. */
int stab_plot(const struct opts *o, const size_t *afs, size_t naf, const struct st_result *res,
              double tscale, char *err, size_t errlen);

#endif
