/* cvd stability: frequency stability of phase or frequency data, as Stable32 computes it
 * (the numbers come from stats/; this file reads the options and prints). */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "db/reportq.h"
#include "core/jsonx.h"
#include "cvd/cmd.h"
#include "stats/preproc.h"
#include "stats/stats.h"

void cvd_stability_help(FILE *out)
{
  fprintf(out,
"Usage: cvd stability [--phase|--freq] [--ns] [--tau0 SECONDS]\n"
"                     [--column N] [--time-column N] [--time-format FMT]\n"
"                     [--gap-marker VALUE] [--outliers K] [--remove-drift MODEL]\n"
"                     [--taus octave|decade|all|LIST]\n"
"                     [--stats LIST] [--confidence P] [--exact-ci] [--json]\n"
"                     [--plot FILE] [--threads N] FILE|-\n"
"       cvd stability --store FILE (--pair A B | --site NAME) [options]\n"
"\n"
"Computes the frequency stability of a clock from its phase (time error) or fractional\n"
"frequency data, as NIST SP 1065 defines the statistics and as Stable32 computes them:\n"
"the same values, term counts, noise types and confidence intervals.\n"
"\n"
"Input: one value a line, the first field (or field N of --column); fields are separated\n"
"by blanks, a comma or a semicolon; blank lines and '#' comments are ignored.  The file\n"
"may be gzip-compressed; '-' reads stdin.  A TAPR TICC log is read as the TICC writes it\n"
"(interval mode 'x TI(A->B)'; timestamp mode 't chA' / 't chB', read as the phase B - A\n"
"at chA's time; TimeLab mode 't A', 't B', 'x chC', read as x at A's time), so a missing\n"
"edge or second is a gap.  A field that is not a number is an error naming the file and\n"
"line.\n"
"\n"
"Gaps: a value written as nan, an empty field ('1,,3', or a line with fewer fields than\n"
"--column), a value equal to --gap-marker, or a time missing from --time-column's grid.\n"
"Gaps at the start and end are trimmed; the others are kept in place and skipped as NIST\n"
"SP 1065 and Stable32 skip them: a term that needs a missing value is not counted (see\n"
"GAPS below), each count n says how many terms were used, and the confidence interval\n"
"comes from the degrees of freedom of the terms used.\n"
"\n"
"Options:\n"
"  --phase            the data are phase, in seconds (default)\n"
"  --freq             the data are fractional frequency (dimensionless), integrated\n"
"                     into phase: frequency and phase data of one clock give the same\n"
"                     answer\n"
"  --ns               phase data are in nanoseconds; TDEV, TIE rms and MTIE are then\n"
"                     printed in nanoseconds too (with --freq: only the latter)\n"
"  --tau0 SECONDS     the sample interval (default 1; with --time-column, the step\n"
"                     of the time grid, found from the times when not given)\n"
"  --column N         the value is field N of each line, from 1 (default 1)\n"
"  --time-column N    field N holds the time of each value: its times place the values\n"
"                     on a grid of step tau0 (the median of the first steps unless\n"
"                     --tau0 is given); a time absent from the grid is a gap; a time\n"
"                     repeating the one before is counted and refused, as is a time\n"
"                     going back\n"
"  --time-format FMT  auto (the default), s (seconds), mjd (days; MJD), iso (ISO 8601\n"
"                     UTC, 2025-01-01T00:00:00.5Z); auto takes YYYY-MM-DD... as ISO,\n"
"                     numbers from 15000 to 99999 whose steps are under 0.01 as MJD,\n"
"                     other numbers as seconds\n"
"  --gap-marker VALUE a value that marks a gap, as Stable32's 0 does (compared as a\n"
"                     number when VALUE is one, else as text)\n"
"  --store FILE       read the 10-minute common-view series from a cvd server's store\n"
"                     (its SQLite file) instead of a data file: phase in ns, tau0 600 s,\n"
"                     a slot without a difference a gap\n"
"  --pair A B         with --store: the series A - B\n"
"  --site NAME        with --store: the series NAME - its reference (the one site it\n"
"                     has common view with that the server does not steer)\n"
"  --outliers K       remove outliers as Stable32's Check does: a frequency value (the\n"
"                     phase's first difference for phase data) more than K robust\n"
"                     sigma from the median, robust sigma being the median absolute\n"
"                     deviation / 0.6745, becomes a gap; with phase data a point with\n"
"                     an outlier of opposite sign on each side becomes a gap, and a lone\n"
"                     outlier (a phase step) is counted and left in.  Reported: K, the\n"
"                     median, the robust sigma, the number removed and the steps\n"
"  --remove-drift MODEL  remove the frequency drift fitted by least squares (mean\n"
"                     frequency kept): linear (y = a + b t; for phase data a quadratic\n"
"                     phase), quadratic (y = a + b t + c t^2; a cubic phase), log (y =\n"
"                     a ln(b t + 1) + c, frequency data only).  Reported: the model, its\n"
"                     coefficients and the drift a day at the end of the data.  Outliers\n"
"                     go first, then the drift\n"
"  --taus SPEC        the averaging times: octave (tau0 times 1, 2, 4, 8, ...; the\n"
"                     default), decade (1, 2, 4, 10, 20, 40, 100, ...), all (every\n"
"                     factor: quadratic time, for small data sets), each stopping where\n"
"                     Stable32 stops (data length over 5 for ADEV and HDEV, over 4 for\n"
"                     OADEV, MDEV, TDEV, OHDEV and TIE rms, over 2 for TOTDEV and MTIE);\n"
"                     or a comma-separated list of tau in seconds, each a whole multiple\n"
"                     of tau0, computed wherever there is at least one term\n"
"  --stats LIST       a comma-separated subset of adev, oadev, mdev, tdev, hdev, ohdev,\n"
"                     totdev, tierms, mtie, gradev (default: all of them but gradev);\n"
"                     only what the list needs is computed\n"
"  --confidence P     the two-sided confidence of the intervals, 0 < P < 1 (default\n"
"                     0.683, which like Stable32 means one standard deviation)\n"
"  --exact-ci         exact chi-squared quantiles even at 0.683, where by default the\n"
"                     interval is Stable32's one sigma as it computes it (0.6827, and\n"
"                     above 100 degrees of freedom the Wilson-Hilferty approximation at\n"
"                     the 16 and 84 %% points), to match its digits; other confidences\n"
"                     always get exact quantiles\n"
"  --json             print one JSON object on one line instead of the tables\n"
"  --plot FILE        also draw the statistics against tau, log-log, each point with\n"
"                     its confidence interval and noise type, as Stable32 plots them:\n"
"                     PNG, SVG or PDF by FILE's extension (.png, .svg, .pdf)\n"
"  --threads N        compute the averaging factors in N threads, 1 to 64 (default:\n"
"                     one a processor for 100,000 points or more, else one); the\n"
"                     results are the same doubles whatever N\n""  -h, --help         this help\n"
"\n"
"Statistics: adev (Allan), oadev (overlapping Allan), mdev (modified Allan), tdev (time\n"
"deviation), hdev and ohdev (Hadamard, non-overlapping and overlapping), totdev (total\n"
"deviation), tierms (rms time interval error), mtie (maximum time interval error),\n"
"gradev (the gap-resistant overlapping Allan deviation of Sesia et al., IEEE TUFFC 2016:\n"
"the overlapping second differences that meet no gap, over their number; on phase data\n"
"the same numbers as oadev here, which skips gaps the same way).\n"
"TDEV, TIE rms and MTIE are times, in the unit of the phase; the others are\n"
"dimensionless.  For each of ADEV, OADEV, MDEV, TDEV, HDEV, OHDEV and TOTDEV the output\n"
"gives the dominant power-law noise (alpha: 2 white PM, 1 flicker PM, 0 white FM,\n"
"-1 flicker FM, -2 random-walk FM) found by the lag-1 autocorrelation (B1 and R(n) for\n"
"fewer than 30 points), and the confidence interval from its equivalent degrees of\n"
"freedom (Greenhall's algorithm; SP 1065 table 7 for TOTDEV) and the chi-squared\n"
"distribution.  The count n is the number of terms, as Stable32 counts them.\n"
"\n"
"GAPS (SP 1065's section on gaps, and W. J. Riley, \"Gaps, outliers, dead time, and\n"
"uneven spacing in frequency stability data\"): with phase data a missing point x(i)\n"
"removes the ADEV, OADEV, GRADEV, HDEV, OHDEV, TOTDEV and TIE rms terms that use x(i)\n"
"(a second or third difference through it; a reflected TOTDEV point mirrors a missing\n"
"one), and every MDEV and TDEV term whose 3m points from j to j+3m-1 include it, and\n"
"every MTIE window over it.  With frequency data a missing y(i) leaves the phase from\n"
"x(i) to x(i+1) unknown: the data are not integrated across it, and every term whose\n"
"span of phase covers it is removed (the averages of y that include it).  The noise\n"
"type is found from the terms that remain.\n"
"\n"
"Output: a table for each statistic (AF, tau, n, alpha, min, value, max), or with --json\n"
"one object on one line:\n"
"  {\"n\": N, \"points\": P, \"tau0\": T, \"data\": \"phase\"|\"freq\", \"unit\": \"s\"|\"ns\",\n"
"   \"format\": F, \"gaps\": G, \"missing_times\": M, \"trimmed\": K,\n"
"   \"outliers\": {\"k\", \"removed\", \"steps\", \"median\", \"sigma\"} (with --outliers),\n"
"   \"drift\": {\"model\", \"rate_per_day\", \"b\", \"c\" or \"a\"} (with --remove-drift),\n"
"   \"confidence\": C, \"rows\": [{\"tau\": t, \"af\": m, \"adev\": v, \"adev_n\": count,\n"
"   \"adev_lo\": lo, \"adev_hi\": hi, \"adev_alpha\": a, ... for each statistic}]}\n"
"N counts the values analysed, gaps included, P the phase points (N + 1 for frequency\n"
"data); G the gaps among them (outliers removed included), M those that were missing\n"
"times, K the gaps trimmed from the ends; F how the file was read (plain, ticc interval,\n"
"ticc timestamp, ticc timelab, store).\n"
"A value that\n"
"cannot be computed at a tau is null, and so are its count, interval and alpha.\n"
"\n"
"Exit status: 0 success, 1 runtime failure (out of memory), 2 bad usage or bad input\n"
"(no numbers, a field that is not a number, a bad, repeated or backward time, tau0 or a\n"
"tau that is not positive, an unknown statistic, a bad tau list).\n"
"\n"
"Examples:\n"
"  cvd stability --tau0 1 ticc.log.gz\n"
"  cvd stability --freq --taus 1,10,100,1000 --stats oadev,mdev --json y.txt\n"
"  cvd stability --ns --stats tdev,mtie --taus decade - < tie_ns.txt\n"
"  cvd stability --column 2 --time-column 1 --ns counter.csv\n"
"  cvd stability ticc-timestamps.log\n"
"  cvd stability --store /var/lib/cvd/server.db --site r1 --stats oadev,tdev\n"
"\n"
"See cvd-stability(1).\n");
}

#include "cvd/stability.h"

static int parse_stats(const char *list, unsigned *mask, char *err, size_t errlen)
{
  char buf[256];
  if (snprintf(buf, sizeof buf, "%s", list) >= (int)sizeof buf) {
    snprintf(err, errlen, "--stats list too long");
    return -1;
  }
  *mask = 0;
  for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
    int s = st_stat_parse(w);
    if (s < 0) {
      snprintf(err, errlen,
               "unknown statistic '%s' in --stats (known: adev, oadev, mdev, tdev, hdev, "
               "ohdev, totdev, tierms, mtie, gradev)",
               w);
      return -1;
    }
    *mask |= 1u << s;
  }
  if (*mask == 0) {
    snprintf(err, errlen, "--stats names no statistic");
    return -1;
  }
  return 0;
}

static int parse_time_format(const char *s, enum st_timefmt *f, char *err, size_t errlen)
{
  static const char *const names[] = {"auto", "s", "mjd", "iso"};
  for (int i = 0; i < 4; i++)
    if (strcmp(s, names[i]) == 0) {
      *f = (enum st_timefmt)i;
      return 0;
    }
  snprintf(err, errlen, "--time-format must be auto, s, mjd or iso, not '%s'", s);
  return -1;
}

/* An option with a value to check: 0, or -1 with a message in err. */
static int value_opt(int c, const char *arg, struct opts *o, char *err, size_t errlen)
{
  switch (c) {
  case 'O': return conf_double("--outliers", arg, 1e-3, 1e6, &o->outliers, err, errlen);
  case 'F': return parse_time_format(arg, &o->load.time_format, err, errlen);
  case 'D': {
    int m = st_drift_parse(arg);
    if (m < 0) {
      snprintf(err, errlen, "--remove-drift must be linear, quadratic or log, not '%s'", arg);
      return -1;
    }
    o->drift = (enum st_drift)m;
    return 0;
  }
  case 'H': {
    long long k;
    if (conf_int("--threads", arg, 1, ST_MAX_THREADS, &k, err, errlen))
      return -1;
    o->threads = (unsigned)k;
    return 0;
  }
  case 'C':
  case 'W': {
    long long k;
    if (conf_int(c == 'C' ? "--column" : "--time-column", arg, 1, 1000, &k, err, errlen))
      return -1;
    *(c == 'C' ? &o->load.column : &o->load.time_column) = (unsigned)k;
    return 0;
  }
  case 't':
    o->tau0_given = 1;
    if (conf_double("--tau0", arg, -HUGE_VAL, HUGE_VAL, &o->tau0, err, errlen))
      return -1;
    if (!(o->tau0 > 0.0)) {
      snprintf(err, errlen, "--tau0 must be a positive number of seconds, not %s", arg);
      return -1;
    }
    return 0;
  default: /* 'c' */
    if (conf_double("--confidence", arg, -HUGE_VAL, HUGE_VAL, &o->conf, err, errlen))
      return -1;
    if (!(o->conf > 0.0 && o->conf < 1.0)) {
      snprintf(err, errlen, "--confidence must lie between 0 and 1, not %s", arg);
      return -1;
    }
    return 0;
  }
}

/* The input: one file, or --store with --pair or --site; 0, or an exit status. */
static int finish_opts(int argc, char **argv, struct opts *o)
{
  if (o->store || o->site || o->pair_a) {
    const char *why = !o->store                ? "--pair and --site need --store FILE"
                      : !o->site == !o->pair_a ? "--store needs --pair A B or --site NAME"
                      : optind != argc         ? "--store reads no input file"
                                               : NULL;
    if (why) {
      fprintf(stderr, "cvd stability: %s\n", why);
      return EXIT_USAGE;
    }
    o->path = o->store;
    o->freq = 0;
    o->ns = 1; /* the store's differences are in ns */
    return 0;
  }
  if (optind + 1 != argc) {
    fprintf(stderr, optind == argc ? "cvd stability: no input file (use - for stdin)\n"
                                   : "cvd stability: one input file only\n");
    return EXIT_USAGE;
  }
  o->path = argv[optind];
  return 0;
}

/* Reads the options; 0, or an exit status. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
  static const struct option lopts[] = {
      {"phase", no_argument, NULL, 'p'},          {"freq", no_argument, NULL, 'f'},
      {"ns", no_argument, NULL, 'n'},             {"tau0", required_argument, NULL, 't'},
      {"taus", required_argument, NULL, 'T'},     {"stats", required_argument, NULL, 's'},
      {"confidence", required_argument, NULL, 'c'}, {"exact-ci", no_argument, NULL, 'x'},
      {"json", no_argument, NULL, 'j'},           {"help", no_argument, NULL, 'h'},
      {"column", required_argument, NULL, 'C'},   {"time-column", required_argument, NULL, 'W'},
      {"time-format", required_argument, NULL, 'F'},
      {"gap-marker", required_argument, NULL, 'G'},
      {"outliers", required_argument, NULL, 'O'},
      {"store", required_argument, NULL, 'S'},  {"pair", required_argument, NULL, 'P'},
      {"site", required_argument, NULL, 'N'},   {"plot", required_argument, NULL, 'L'},
      {"remove-drift", required_argument, NULL, 'D'},
      {"threads", required_argument, NULL, 'H'},
      {NULL, 0, NULL, 0}};
  *o = (struct opts){.tau0 = 1.0, .conf = 0.683, .taus = "octave", .mask = ST_DEFAULT_STATS};
  char err[256];
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
    int bad = 0;
    switch (c) {
    case 'p': o->freq = 0; break;
    case 'f': o->freq = 1; break;
    case 'n': o->ns = 1; break;
    case 'x': o->exact_ci = 1; break;
    case 'j': o->json = 1; break;
    case 'T': o->taus = optarg; break;
    case 's': bad = parse_stats(optarg, &o->mask, err, sizeof err); break;
    case 'G': o->load.gap_marker = optarg; break;
    case 'S': o->store = optarg; break;
    case 'N': o->site = optarg; break;
    case 'L': o->plot = optarg; break;
    case 'P': /* --pair A B: B is the next argument */
      if (optind >= argc || argv[optind][0] == '-') {
        snprintf(err, sizeof err, "--pair needs two site names: --pair A B");
        bad = 1;
      } else {
        o->pair_a = optarg;
        o->pair_b = argv[optind++];
      }
      break;
    case 'O':
    case 'D':
    case 'H':
    case 'C':
    case 'W':
    case 'F':
    case 't':
    case 'c': bad = value_opt(c, optarg, o, err, sizeof err); break;
    case 'h': cvd_stability_help(stdout); return -1;
    default: fprintf(stderr, "cvd stability: see cvd stability --help\n"); return EXIT_USAGE;
    }
    if (bad) {
      fprintf(stderr, "cvd stability: %s\n", err);
      return EXIT_USAGE;
    }
  }
  return finish_opts(argc, argv, o);
}

/* Drops the gaps at both ends (no statistic can use them), in place. */
static struct gapinfo trim_gaps(struct st_series *s)
{
  struct gapinfo g = {0, s->nmissing, 0, s->format};
  size_t a = 0, b = s->n;
  while (a < b && isnan(s->v[a]))
    a++;
  while (b > a && isnan(s->v[b - 1]))
    b--;
  g.trimmed = a + (s->n - b);
  if (a) /* a copy of 80 MB onto itself costs a pass over the data */
    memmove(s->v, s->v + a, sizeof(double) * (b - a));
  s->n = b - a;
  return g;
}

/* The 10-minute common-view series A - B (or site - its reference) from a server's store,
 * in seconds on the slot grid: a slot without a difference is a gap. */
static int load_store(struct opts *o, struct st_series *s, char *err, size_t errlen)
{
  *s = (struct st_series){0};
  struct dbc *db = dbc_open(o->store, 1, err, errlen);
  if (!db)
    return -1;
  static char ref[64], what[160];
  const char *a = o->pair_a, *b = o->pair_b;
  int n = 0;
  int64_t *slots = NULL;
  double *x = NULL;
  if (o->site) {
    int k = reportq_reference(db, o->site, ref, sizeof ref);
    if (k != 1) {
      snprintf(err, errlen, "%s: %s: %s", o->store, o->site,
               k < 0 ? "cannot read the store" : k == 0 ? "no common view with a reference"
                                                        : "more than one reference: use --pair");
      dbc_close(db);
      return -1;
    }
    a = o->site;
    b = ref;
  }
  n = reportq_x(db, a, b, INT64_MIN, INT64_MAX, &slots, &x);
  dbc_close(db);
  if (n <= 0) {
    snprintf(err, errlen, "%s: %s common-view differences %s - %s", o->store,
             n < 0 ? "cannot read the" : "no", a, b);
    free(slots);
    free(x);
    return -1;
  }
  size_t len = (size_t)((slots[n - 1] - slots[0]) / SLOT_NS) + 1;
  s->v = malloc(sizeof(double) * len);
  if (!s->v) {
    snprintf(err, errlen, "out of memory for %zu slots", len);
    free(slots);
    free(x);
    return -1;
  }
  for (size_t i = 0; i < len; i++)
    s->v[i] = NAN;
  for (int i = 0; i < n; i++)
    s->v[(slots[i] - slots[0]) / SLOT_NS] = x[i]; /* NaN stays a gap */
  s->n = len;
  for (size_t i = 0; i < len; i++)
    s->ngap += isnan(s->v[i]) != 0;
  s->nmissing = len - (size_t)n;
  s->tau0 = SLOT_S;
  s->t0 = (double)slots[0] * 1e-9;
  s->format = "store";
  snprintf(what, sizeof what, "%s: %s - %s", o->store, a, b);
  o->path = what;
  free(slots);
  free(x);
  return 0;
}

/* Reads the input, removes outliers and drift as asked, trims the gaps at the ends; the
 * phase of --ns in seconds from here on (the time statistics are scaled back). */
static int load_input(struct opts *o, struct st_series *s, char *err, size_t errlen)
{
  if (o->tau0_given)
    o->load.tau0 = o->tau0;
  if (o->store ? load_store(o, s, err, errlen) : st_load_series(o->path, &o->load, s, err,
                                                                  errlen))
    return -1;
  if (s->tau0 > 0.0)
    o->tau0 = s->tau0; /* from the time column */
  if (o->ns && !o->freq)
    for (size_t i = 0; i < s->n; i++)
      s->v[i] *= 1e-9;
  if ((o->outliers > 0.0 &&
       st_remove_outliers(s->v, s->n, o->freq, o->tau0, o->outliers, &o->out, err, errlen)) ||
      (o->drift != ST_DRIFT_NONE &&
       st_remove_drift(s->v, s->n, o->freq, o->tau0, o->drift, &o->dfit, err, errlen))) {
    st_series_free(s);
    return -1;
  }
  o->gi = trim_gaps(s);
  return 0;
}

int cvd_stability_main(int argc, char **argv)
{
  struct opts o;
  int rc = parse_opts(argc, argv, &o);
  if (rc != 0)
    return rc < 0 ? 0 : rc;
  char err[512];
  struct st_series ser;
  if (load_input(&o, &ser, err, sizeof err) != 0) {
    fprintf(stderr, "cvd stability: %s\n", err);
    return EXIT_USAGE;
  }
  double *v = ser.v, tscale = o.ns ? 1e9 : 1.0;
  size_t nv = ser.n;
  struct st_data d;
  /* The values become the residual phase in place: 8 bytes a point from here on. */
  rc = o.freq ? st_data_freq_own(&d, v, nv, o.tau0, err, sizeof err)
              : st_data_phase_own(&d, v, nv, o.tau0, err, sizeof err);
  if (rc != 0) {
    fprintf(stderr, "cvd stability: %s: %s\n", o.path, err);
    return EXIT_USAGE;
  }
  o.gi.gaps = d.ngap; /* with the outliers removed */
  size_t *afs, naf;
  int limited;
  if (st_taus(o.taus, d.n, o.tau0, o.mask, &afs, &naf, &limited, err, sizeof err) != 0) {
    fprintf(stderr, "cvd stability: %s\n", err);
    st_data_free(&d);
    return EXIT_USAGE;
  }
  /* Each factor costs O(N): every factor of a long record is a long wait, say so. */
  if (strcmp(o.taus, "all") == 0 && (double)naf * (double)d.n > 1e10)
    fprintf(stderr, "cvd stability: --taus all: %zu averaging times over %zu points; this "
                    "takes a while (octave or decade would not)\n",
            naf, d.n);
  struct st_result *res = malloc(sizeof *res * naf * ST_NSTATS);
  if (!res) {
    fprintf(stderr, "cvd stability: out of memory for %zu averaging times\n", naf);
    rc = EXIT_RUNTIME;
  } else {
    /* MTIE last, in the residuals' memory: 16 bytes a point at most. */
    st_set_threads(o.threads);
    st_analyze_consume(&d, o.mask, afs, naf, limited, o.conf, o.exact_ci, res);
    if (o.plot && stab_plot(&o, afs, naf, res, tscale, err, sizeof err) != 0) {
      fprintf(stderr, "cvd stability: --plot: %s\n", err);
      rc = EXIT_USAGE;
    } else if (o.json)
      rc = stab_print_json(&o, &d, afs, naf, res, tscale);
    else
      stab_print_tables(&o, &d, afs, naf, res, tscale);
  }
  free(res);
  free(afs);
  st_data_free(&d);
  return rc;
}
