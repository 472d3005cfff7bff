/* Benchmark of `cvd stability`'s reading and engine; prints figures, never run as a test.
 *
 * 1. Parsing: a file of 1e7 phase values written as "%.17g" (random walk plus white phase
 *    noise, as a counter's log in seconds): the file's raw read rate (read(2) in 1 MB blocks
 *    into one buffer, from the page cache), st_load_series's rate, and the parser alone
 *    against strtod on the same 4 MB in cache.  Times are CPU times (the process's),
 *    so a busy machine changes them less.
 * 2. The engine: OADEV, MDEV and TDEV at every octave factor on 1e5, 1e6 and 1e7 points
 *    (1e8 with the argument 1e8), without and with noise identification and intervals, and
 *    MTIE; then the whole run as the command does it (read, residuals in place, OADEV+MDEV+
 *    TDEV with intervals) with the peak memory per point.  The engine shares its factors
 *    among one thread a processor, so its figures are given in CPU time and in wall time
 *    (the latter is what a user waits, and means something only on an idle machine).
 * Usage: bench_stability [1e8] [DIR] (DIR for the scratch file, default /tmp). */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/rng.h"
#include "stats/numparse.h"
#include "stats/stats.h"

#define OMT (1u << ST_OADEV | 1u << ST_MDEV | 1u << ST_TDEV)

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the figures hold on a busy machine */
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double wall(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what)
{
  fprintf(stderr, "bench_stability: %s\n", what);
  exit(1);
}

/* n phase values, random walk FM on white PM, with a millisecond offset. */
static void write_file(const char *path, size_t n)
{
  FILE *f = fopen(path, "w");
  if (!f)
    die("cannot write the scratch file");
  struct rng r;
  rng_seed(&r, 42, 1);
  double x = 1e-3, y = 0.0;
  for (size_t i = 0; i < n; i++) {
    y += 1e-14 * rng_normal(&r);
    x += y;
    fprintf(f, "%.17g\n", x + 1e-10 * rng_normal(&r));
  }
  if (fclose(f) != 0)
    die("cannot write the scratch file");
}

/* The rate the system delivers the file: read(2) in 1 MB blocks into one buffer, from the
 * page cache.  Returns the bytes; *secs the time taken. */
static size_t raw_rate(const char *path, double *secs)
{
  int fd = open(path, O_RDONLY);
  char *buf = malloc(1 << 20);
  if (fd < 0 || !buf)
    die("cannot read the scratch file");
  size_t len = 0;
  double t0 = now();
  for (ssize_t got; (got = read(fd, buf, 1 << 20)) > 0;)
    len += (size_t)got;
  *secs = now() - t0;
  free(buf);
  close(fd);
  return len;
}

/* The whole file in memory, NUL-terminated, for the parser alone. */
static size_t slurp(const char *path, char **whole)
{
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    die("cannot read the scratch file");
  size_t cap = 1 << 20, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf || (cap - len < (1 << 20) + 1 && !(buf = realloc(buf, cap *= 2))))
      die("out of memory");
    ssize_t got = read(fd, buf + len, 1 << 20);
    if (got <= 0)
      break;
    len += (size_t)got;
  }
  buf[len] = '\0';
  close(fd);
  *whole = buf;
  return len;
}

/* Every number in [p, end) (one a line), each parse stepping over what it read and the
 * newline; returns their sum, a checksum. */
static double parse_block(const char *p, const char *end, int use_strtod)
{
  double s = 0.0;
  while (p < end) {
    double v;
    if (use_strtod) {
      char *e;
      v = strtod(p, &e);
      p = e + 1;
    } else {
      p += st_parse_double(p, (size_t)(end - p), &v) + 1;
    }
    s += v;
  }
  return s;
}

/* The first 4 MB of the text (whole lines) parsed 20 times over, so it sits in cache as a
 * block does in the reader: the parser's own speed, not the machine's memory bandwidth.
 * Returns seconds a byte; *sum a checksum. */
static double parse_all(const char *text, size_t len, int use_strtod, double *sum)
{
  const char *stop = text + len;
  if (len > (4u << 20))
    stop = (const char *)memchr(text + (4u << 20), '\n', len - (4u << 20)) + 1;
  parse_block(text, stop, use_strtod); /* into the cache */
  double t0 = now(), s = 0.0;
  for (int rep = 0; rep < 20; rep++)
    s += parse_block(text, stop, use_strtod);
  *sum = s;
  return (now() - t0) / (20.0 * (double)(stop - text));
}

static void bench_parse(const char *path, size_t n)
{
  write_file(path, n);
  double traw, sum1, sum2;
  char *text;
  raw_rate(path, &traw); /* warms the page cache */
  size_t bytes = raw_rate(path, &traw);
  slurp(path, &text);
  double tfast = parse_all(text, bytes, 0, &sum1), tstrtod = parse_all(text, bytes, 1, &sum2);
  free(text);
  struct st_load_opts o = {0};
  struct st_series s;
  char err[256];
  double t0 = now();
  if (st_load_series(path, &o, &s, err, sizeof err) != 0)
    die(err);
  double tload = now() - t0;
  st_series_free(&s);
  double mb = (double)bytes / 1e6;
  tfast *= (double)bytes; /* seconds for the whole file at that rate */
  tstrtod *= (double)bytes;
  printf("parsing %zu values, %.1f MB of \"%%.17g\" lines:\n", n, mb);
  printf("  raw read(2) of the file        %8.0f MB/s\n", mb / traw);
  printf("  st_load_series (whole reader)  %8.0f MB/s\n", mb / tload);
  printf("  st_parse_double, 4 MB in cache %8.0f MB/s  %6.1f ns a number\n", mb / tfast,
         1e9 * tfast / (double)n);
  printf("  strtod, 4 MB in cache          %8.0f MB/s  %6.1f ns a number  (%.1fx slower)%s\n",
         mb / tstrtod, 1e9 * tstrtod / (double)n, tstrtod / tfast,
         sum1 == sum2 ? "" : "  CHECKSUMS DIFFER");
}

/* One octave run of the statistics in mask; returns the CPU seconds taken, *wsecs the wall
 * seconds. */
static double run(const struct st_data *d, unsigned mask, double conf, size_t *naf,
                  double *wsecs)
{
  size_t *afs;
  int limited;
  char err[256];
  if (st_taus("octave", d->n, d->tau0, mask, &afs, naf, &limited, err, sizeof err) != 0)
    die(err);
  struct st_result *out = malloc(sizeof *out * *naf * ST_NSTATS);
  if (!out)
    die("out of memory");
  double t0 = now(), w0 = wall();
  st_analyze(d, mask, afs, *naf, limited, conf, 0, out);
  double t = now() - t0;
  *wsecs = wall() - w0;
  free(out);
  free(afs);
  return t;
}

static void bench_engine(size_t n)
{
  static const struct {
    const char *name;
    unsigned mask;
    double conf;
  } sets[] = {
      {"oadev+mdev+tdev", OMT, 0.0},
      {"oadev+mdev+tdev, CIs", OMT, 0.683},
      {"mtie", 1u << ST_MTIE, 0.0},
  };
  double *x = malloc(sizeof(double) * n);
  if (!x)
    die("out of memory");
  struct rng r;
  rng_seed(&r, 42, 1);
  x[0] = 0.0;
  for (size_t i = 1; i < n; i++)
    x[i] = x[i - 1] + 1e-11 * rng_normal(&r);
  struct st_data d;
  char err[256];
  if (st_data_phase_own(&d, x, n, 1.0, err, sizeof err) != 0)
    die(err);
  for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
    if (n > 10000000 && sets[k].mask == 1u << ST_MTIE)
      continue; /* MTIE's tables take 16 bytes a point more */
    size_t naf;
    double w, t = run(&d, sets[k].mask, sets[k].conf, &naf, &w);
    printf("%-10zu %-22s %8zu %9.3f %9.3f %12.3e\n", n, sets[k].name, naf, t, w,
           (double)n / w);
  }
  st_data_free(&d);
}

/* The command's whole run on a file of n values: read, residuals in place, OADEV+MDEV+TDEV
 * with intervals. */
static void bench_whole(const char *path, size_t n)
{
  write_file(path, n);
  double t0 = now(), w0 = wall();
  struct st_load_opts o = {0};
  struct st_series s;
  struct st_data d;
  char err[256];
  if (st_load_series(path, &o, &s, err, sizeof err) != 0 ||
      st_data_phase_own(&d, s.v, s.n, 1.0, err, sizeof err) != 0)
    die(err);
  size_t naf;
  double w;
  run(&d, OMT, 0.683, &naf, &w);
  double t = now() - t0;
  w = wall() - w0;
  st_data_free(&d);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("whole run, %zu points: %.2f s wall (%.2f s CPU), %.3e points/s; peak memory %.1f "
         "bytes a point\n",
         n, w, t, (double)n / w, (double)ru.ru_maxrss * 1024.0 / (double)n);
}

/* The whole run in a process of its own, so its peak memory is its own. */
static void whole_apart(const char *self, const char *path, size_t n)
{
  char arg[32];
  snprintf(arg, sizeof arg, "%zu", n);
  pid_t pid = fork();
  if (pid == 0) {
    execl(self, self, "--whole", arg, path, (char *)NULL);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
}

int main(int argc, char **argv)
{
  if (argc == 4 && strcmp(argv[1], "--whole") == 0) {
    bench_whole(argv[3], (size_t)strtoull(argv[2], NULL, 10));
    return 0;
  }
  int big = argc > 1 && strcmp(argv[1], "1e8") == 0;
  const char *dir = argc > 1 + big ? argv[1 + big] : "/tmp";
  char path[512];
  snprintf(path, sizeof path, "%s/bench_stability.%d.txt", dir, (int)getpid());
  bench_parse(path, 10000000);
  printf("\n%-10s %-22s %8s %9s %9s %12s\n", "points", "statistics", "factors", "CPU s",
         "wall s", "points/s");
  for (size_t n = 100000; n <= (big ? 100000000u : 10000000u); n *= 10)
    bench_engine(n);
  printf("\n");
  fflush(stdout);
  whole_apart(argv[0], path, 10000000);
  if (big)
    whole_apart(argv[0], path, 100000000);
  unlink(path);
  return 0;
}
