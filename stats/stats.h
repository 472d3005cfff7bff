/* Frequency stability analysis: the deviations of NIST SP 1065 (W. J. Riley, "Handbook of
 * Frequency Stability Analysis", 2008), computed as Stable32 computes them.
 *
 * What the library promises:
 * - Definitions exactly as SP 1065 gives them (each estimator cites its section), with the
 *   number of terms counted as Stable32 counts them and Stable32's stop ratios for octave,
 *   decade and all-tau runs.
 * - Phase and frequency input give the same answer: everything works on phase, and a
 *   frequency series of n values is integrated into n + 1 phase points.
 * - Numerical robustness: the phase is kept as residuals from the straight line through its
 *   end points, so a large time or frequency offset costs no digits in the statistics that
 *   a line cannot change (all but TIE rms and MTIE, which add the line back exactly).
 * - Speed: OADEV, MDEV, TDEV, OHDEV, TOTDEV and TIE rms are O(N) at each averaging factor;
 *   MTIE over a list of windows builds one sparse table of running extremes, O(N log N)
 *   for all octave windows together and O(N) for each window beyond.
 * - Confidence intervals from the equivalent degrees of freedom (Greenhall and Riley 2003
 *   for the Allan and Hadamard families, SP 1065 table 7 for TOTDEV) and the chi-squared
 *   distribution, with the dominant power-law noise identified at each averaging factor by
 *   the lag-1 autocorrelation (Riley and Greenhall 2004), or for fewer than 30 points by the
 *   B1 ratio and R(n), as Stable32 does.
 * - Gaps (NaN values) are skipped as SP 1065 (its section on gaps, jumps and
 *   outliers) and Stable32 skip them (W. J. Riley, "Gaps, outliers, dead time, and uneven
 *   spacing in frequency stability data", Hamilton Technical Services): a
 *   term that needs a missing value is not counted, each count says how many terms were
 *   used, and the confidence intervals use those counts.  A missing phase point removes
 *   the terms that use that point; a missing frequency value leaves the phase across it
 *   unknown, so it removes every term whose span of phase covers it (frequency is never
 *   integrated across a gap as if it were not there).  MDEV, TDEV and MTIE use every point
 *   of their span, so for them a missing point removes every term over it.
 *
 * Units: phase in seconds (or any time unit: TDEV, TIE rms and MTIE come out in the unit of
 * the phase), frequency dimensionless, tau0 in seconds. */
#ifndef CVD_STATS_H
#define CVD_STATS_H

#include <stddef.h>

enum st_stat {
  ST_ADEV,
  ST_OADEV,
  ST_MDEV,
  ST_TDEV,
  ST_HDEV,
  ST_OHDEV,
  ST_TOTDEV,
  ST_TIERMS,
  ST_MTIE,
  ST_GRADEV, /* gap-resistant overlapping Allan deviation (Sesia et al. 2016) */
  ST_NSTATS
};

#define ST_ALL_STATS ((1u << ST_NSTATS) - 1u)
/* What `cvd stability` computes unless told: all but GRADEV, which without gaps is OADEV. */
#define ST_DEFAULT_STATS (ST_ALL_STATS & ~(1u << ST_GRADEV))

/* "adev", "oadev", ... as in `cvd stability --stats` and its JSON keys. */
const char *st_stat_name(enum st_stat s);
/* The statistic named s, or -1. */
int st_stat_parse(const char *s);
/* Whether the statistic has a confidence interval and a noise type. */
int st_stat_has_ci(enum st_stat s);

/* Phase data ready for analysis: x[i] = x0 + slope * i + r[i], i = 0 .. n-1. */
struct st_data {
  size_t n;
  double tau0;
  double *r;
  double x0;
  double slope;
  int from_freq; /* noise identification then uses averaged frequency, as Stable32 does */
  /* Gaps, ascending: for phase data the missing points (r[i] is NaN there); for frequency
   * data the missing values y[i], between phase points i and i + 1 (r is then continued
   * as if y[i] were the mean, and no term spanning the gap is counted). */
  size_t ngap;
  size_t *gap;
};

/* From n phase values or n fractional frequency values (which give n + 1 phase points),
 * NaN marking a gap.  Return 0, or -1 with a message in err: too few points (phase needs 2,
 * frequency 1), tau0 not positive and finite, an infinite value, a gap at either end ("trim
 * it"), or no memory. */
int st_data_phase(struct st_data *d, const double *x, size_t n, double tau0, char *err,
                  size_t errlen);
int st_data_freq(struct st_data *d, const double *y, size_t n, double tau0, char *err,
                 size_t errlen);
/* The same, taking x or y (malloc'ed) and turning it into the residuals in place (freed on
 * failure): no second copy, so the analysis holds 8 bytes a point. */
int st_data_phase_own(struct st_data *d, double *x, size_t n, double tau0, char *err,
                      size_t errlen);
int st_data_freq_own(struct st_data *d, double *y, size_t n, double tau0, char *err,
                     size_t errlen);
void st_data_free(struct st_data *d);
/* The phase at point i, the line added back. */
static inline double st_phase_at(const struct st_data *d, size_t i)
{
  return d->x0 + (d->slope * (double)i + d->r[i]);
}

/* The estimators at averaging factor m (tau = m tau0).  Each returns the deviation and
 * sets *count to the number of terms (Stable32's "#"); NaN and 0 when there are none. */
double st_adev(const struct st_data *d, size_t m, size_t *count);
double st_oadev(const struct st_data *d, size_t m, size_t *count);
double st_mdev(const struct st_data *d, size_t m, size_t *count);
double st_tdev(const struct st_data *d, size_t m, size_t *count);
double st_hdev(const struct st_data *d, size_t m, size_t *count);
double st_ohdev(const struct st_data *d, size_t m, size_t *count);
double st_totdev(const struct st_data *d, size_t m, size_t *count);
double st_tierms(const struct st_data *d, size_t m, size_t *count);
double st_mtie(const struct st_data *d, size_t m, size_t *count);
double st_gradev(const struct st_data *d, size_t m, size_t *count);
double st_dev(enum st_stat s, const struct st_data *d, size_t m, size_t *count);
/* MTIE at each of the k factors ms[] (ascending) in one pass over the data's levels:
 * O(N log N) for all octave windows.  Returns 0, or -1 when out of memory. */
int st_mtie_list(const struct st_data *d, const size_t *ms, size_t k, double *out,
                 size_t *counts);
/* The same, building its maxima in d->r: 8 bytes a point instead of 16, after which d->r
 * no longer holds the residuals (only st_data_free may follow). */
int st_mtie_list_consume(struct st_data *d, const size_t *ms, size_t k, double *out,
                         size_t *counts);

/* The number of terms of s at factor m on n phase points, as Stable32 counts them:
 * (N-1)/m - 1 for ADEV, (N-1)/m - 2 for HDEV (integer division), N - 2m for OADEV, N - 3m
 * for OHDEV, N - 3m + 1 for MDEV and TDEV, N - 2 for TOTDEV (m < N), N - m for TIE rms and
 * MTIE; 0 when s cannot be computed. */
size_t st_count(enum st_stat s, size_t n, size_t m);
/* Stable32's stop ratio for s: a run stops before the factor that leaves fewer than this
 * many tau in the record; st_max_af is that largest factor for n phase points. */
size_t st_stop_ratio(enum st_stat s);
size_t st_max_af(enum st_stat s, size_t n);

/* Averaging factors from "octave" (1, 2, 4, ...), "decade" (1, 2, 4, 10, 20, 40, ...), "all"
 * (every factor), each up to the stop limit of the statistics in mask, or a comma-separated
 * list of tau in seconds, each a whole multiple of tau0 (kept whatever the stop limits).
 * On success *afs is malloc'ed, ascending and without repeats; *limited is 1 for the
 * keywords (each statistic then stops at its own limit) and 0 for a list. Returns 0, or -1
 * with a message in err. */
int st_taus(const char *spec, size_t n, double tau0, unsigned mask, size_t **afs, size_t *naf,
            int *limited, char *err, size_t errlen);

/* Noise identification at averaging factor m for statistic s: sets *alpha, the exponent of
 * the dominant power-law frequency noise (2 white PM, 1 flicker PM, 0 white FM, -1 flicker
 * FM, -2 random walk FM, down to -4 for the Hadamard family). Returns 0, or -1 when the
 * data are too few. */
int st_noise_id(const struct st_data *d, enum st_stat s, size_t m, int *alpha);
/* With at least this many frequency averages ((n-1)/m) the noise is identified by the lag-1
 * autocorrelation, and the answer is the same for every statistic of a family (Allan:
 * ADEV, OADEV, MDEV, TDEV, TOTDEV; Hadamard: HDEV, OHDEV). */
#define ST_ACF_MIN_POINTS 30

/* Equivalent degrees of freedom of statistic s at factor m for noise alpha on n phase
 * points; NaN when no formula applies. */
double st_edf(enum st_stat s, int alpha, size_t m, size_t n);
/* Greenhall and Riley's combined algorithm: d = 2 Allan, 3 Hadamard; overlapping,
 * modified as the estimator is. NaN when n is too short or alpha + 2d <= 1. */
double st_edf_greenhall(int alpha, int d, size_t m, size_t n, int overlapping, int modified);

/* The regularized lower incomplete gamma function P(a, x), and the chi-squared quantile:
 * the x with P(nu/2, x/2) = p, for 0 < p < 1 and nu > 0. */
double st_gamma_p(double a, double x);
double st_chi2_quantile(double p, double nu);
/* The two-sided interval of confidence conf (e.g. 0.683) around dev for edf degrees of
 * freedom, from the exact chi-squared quantiles; except that without exact, conf 0.683
 * gives Stable32's one-sigma interval as it computes it (0.6827, and above 100 degrees of
 * freedom Wilson and Hilferty's approximation at the 16 % and 84 % points), to match its
 * printed digits.  Returns 0, or -1 (lo and hi NaN) when edf is not a positive number. */
int st_ci(double dev, double edf, double conf, int exact, double *lo, double *hi);

/* One statistic at one averaging factor. dev is NaN when not computed; alpha, edf, lo and
 * hi are set only for statistics with confidence intervals (NaN, alpha 99 otherwise). */
struct st_result {
  double dev;
  size_t count;
  int alpha;
  double edf, lo, hi;
};
#define ST_NO_ALPHA 99

/* Computes the statistics in mask at each factor, into out[k * ST_NSTATS + stat]. With
 * limited, a statistic stops at its st_max_af; otherwise it is computed wherever it has at
 * least one term.  conf and exact_ci as for st_ci; conf 0 skips noise identification and
 * confidence intervals. */
void st_analyze(const struct st_data *d, unsigned mask, const size_t *afs, size_t naf,
                int limited, double conf, int exact_ci, struct st_result *out);
/* The threads st_analyze shares its factors among: 0 (the default) for one a processor
 * (up to 16) when the data have 100,000 points or more, else one; n up to ST_MAX_THREADS
 * (more is taken as that).  The results are the same doubles whatever the number. */
#define ST_MAX_THREADS 64
void st_set_threads(unsigned n);
/* The same, MTIE last and in d->r's memory (st_mtie_list_consume), so a run holds at most
 * 16 bytes a point; d is spent afterwards (only st_data_free may follow). */
void st_analyze_consume(struct st_data *d, unsigned mask, const size_t *afs, size_t naf,
                        int limited, double conf, int exact_ci, struct st_result *out);

/* Reading a series from a text file (gzip-compressed or plain; "-" is stdin), in blocks.
 *
 * A line holds fields separated by blanks, a comma or a semicolon; blank lines, lines
 * starting with '#' and everything after a '#' are ignored.  The value is field `column`
 * (1-based).  A gap is a value written as nan (any case, as strtod reads it), an empty field
 * ("1,,3" or a line with fewer fields), or a field equal to gap_marker (as a number when it
 * is one: "0" marks the value 0, as Stable32 does).
 *
 * With time_column the times (seconds, MJD, or ISO 8601 UTC as 2025-01-01T00:00:00.5Z)
 * place each value on a grid of step tau0 (given, or the median of the first steps): a
 * missing time becomes a gap, a time that repeats the last one is counted (ndup) and
 * refused, a time going back is refused.  A TAPR TICC log is read as it writes it (auto
 * detected from its channel names): interval mode "x TI(A->B)" one value a line; timestamp
 * mode "t chA" and "t chB" as the phase B - A at chA's time, so a missing edge is a gap;
 * TimeLab mode "t A", "t B", "x chC (B - A)" as x at A's time. */
enum st_timefmt { ST_TIME_AUTO, ST_TIME_SEC, ST_TIME_MJD, ST_TIME_ISO };

struct st_load_opts {
  unsigned column;      /* the value's field, 1-based; 0 means 1 */
  unsigned time_column; /* the time's field, 1-based; 0: no time column */
  enum st_timefmt time_format;
  const char *gap_marker; /* NULL: only nan and empty fields are gaps */
  double tau0;            /* the grid step with times, seconds; 0 derives it */
};

struct st_series {
  double *v; /* n values, NaN at each gap */
  size_t n;
  size_t ngap;       /* NaNs in v */
  size_t nmissing;   /* of which times absent from the time grid */
  size_t nlines;     /* lines read */
  size_t first_gap_line; /* the line of the first gap (0: none, or a missing time) */
  double tau0;       /* derived from the times, or opts' (0 without times) */
  double t0;         /* the time of v[0] in seconds (Unix seconds for ISO, MJD * 86400) */
  const char *format; /* "plain", "ticc interval", "ticc timestamp", "ticc timelab" */
};

/* Returns 0, or -1 with "FILE:LINE: what" in err: not a number, a number beyond a double's
 * range or infinite, a bad or repeated or backward time, no data, an I/O error. */
int st_load_series(const char *path, const struct st_load_opts *o, struct st_series *s,
                   char *err, size_t errlen);
void st_series_free(struct st_series *s);

/* The first field of each line, gaps refused ("FILE:LINE: not a finite number (a gap...)").
 * On success *vals is malloc'ed. Returns 0, or -1 with a message in err. */
int st_load(const char *path, double **vals, size_t *n, char *err, size_t errlen);

#endif
