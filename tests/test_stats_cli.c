/* `cvd stability` end to end: the real binary on the SP 1065 1000-point set (frequency,
 * phase, stdin, gzip, nanoseconds, another tau0), its JSON contract, its tables and help,
 * and its refusals of bad input (exit status 2 with the file and line named). */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sim/rng.h"
#include "tests/testutil.h"

static char *dir;
static char freq_path[512], phase_path[512], gz_path[512], ns_path[512], log_path[512];

/* The 1000-point set as frequency, its phase (in s and in ns), and the phase gzipped. */
static void setup(void)
{
  dir = th_mkdtemp("stability");
  ck_assert_ptr_nonnull(dir);
  snprintf(freq_path, sizeof freq_path, "%s/y.txt", dir);
  snprintf(phase_path, sizeof phase_path, "%s/x.txt", dir);
  snprintf(gz_path, sizeof gz_path, "%s/x.txt.gz", dir);
  snprintf(ns_path, sizeof ns_path, "%s/x_ns.txt", dir);
  snprintf(log_path, sizeof log_path, "%s/stderr.log", dir);
  FILE *fy = fopen(freq_path, "w"), *fx = fopen(phase_path, "w"), *fn = fopen(ns_path, "w");
  gzFile gz = gzopen(gz_path, "wb");
  ck_assert(fy && fx && fn && gz);
  fprintf(fy, "# the SP 1065 1000-point test set, fractional frequency\n");
  long long n = 1234567890;
  double x = 0.0;
  fprintf(fx, "%.17g\n", x);
  fprintf(fn, "%.17g\n", x);
  gzprintf(gz, "%.17g\n", x);
  for (int i = 0; i < 1000; i++) {
    double y = (double)n / 2147483647.0;
    n = 16807 * n % 2147483647;
    fprintf(fy, "%.17g  %d\n", y, i); /* a second column, ignored */
    x += y;
    fprintf(fx, "%.17g\n", x);
    fprintf(fn, "%.17g\n", x * 1e9);
    gzprintf(gz, "%.17g\n", x);
  }
  fclose(fy);
  fclose(fx);
  fclose(fn);
  gzclose(gz);
}

static void teardown(void)
{
  th_rmtree(dir);
  free(dir);
}

/* Runs cvd stability with args (NULL-terminated, at most 12) and stdin from in (or not);
 * returns the exit status, stdout in *out and stderr in *err (both malloc'ed). */
static int run(char **out, char **err, const char *in, const char *const *args)
{
  char cmd[4096];
  int k = snprintf(cmd, sizeof cmd, "exec '%s' stability", th_cvd_bin());
  for (int i = 0; args[i]; i++)
    k += snprintf(cmd + k, sizeof cmd - (size_t)k, " '%s'", args[i]);
  if (in)
    snprintf(cmd + k, sizeof cmd - (size_t)k, " < '%s'", in);
  remove(log_path);
  char *argv[] = {"/bin/sh", "-c", cmd, NULL};
  int rc = th_run(argv, log_path, out, 60.0);
  *err = th_read_file(log_path);
  if (!*err)
    *err = strdup("");
  return rc;
}

/* The JSON object on the last line of stdout. */
static json_t *last_json(const char *out)
{
  const char *p = out + strlen(out);
  while (p > out && p[-1] == '\n')
    p--;
  while (p > out && p[-1] != '\n')
    p--;
  json_error_t e;
  json_t *j = json_loads(p, 0, &e);
  ck_assert_msg(j != NULL, "not JSON: %s (%s)", p, e.text);
  return j;
}

static double num(json_t *row, const char *key)
{
  json_t *v = json_object_get(row, key);
  ck_assert_msg(v && json_is_number(v), "%s missing or not a number", key);
  return json_number_value(v);
}

/* As SP 1065 prints it: 7 significant digits. */
#define ck_sp1065(v, printed)                                                               \
  ck_assert_msg(fabs((v) - (printed)) <= 0.5e-6 * pow(10.0, floor(log10(printed))) + 2e-8 * (printed), \
                "%.9g, published %.7g", v, printed)

static void check_published(json_t *j, double tscale)
{
  json_t *rows = json_object_get(j, "rows");
  ck_assert_uint_eq(json_array_size(rows), 3);
  json_t *r1 = json_array_get(rows, 0), *r10 = json_array_get(rows, 1),
         *r100 = json_array_get(rows, 2);
  ck_assert_double_eq(num(r10, "tau"), 10.0);
  ck_sp1065(num(r1, "adev"), 2.922319e-01);
  ck_sp1065(num(r10, "adev"), 9.965736e-02);
  ck_sp1065(num(r100, "oadev"), 3.241343e-02);
  ck_sp1065(num(r10, "mdev"), 6.172376e-02);
  ck_sp1065(num(r100, "tdev") / tscale, 1.253382e+00);
  ck_sp1065(num(r10, "hdev"), 1.052754e-01);
  ck_sp1065(num(r100, "ohdev"), 3.237638e-02);
  ck_sp1065(num(r10, "totdev"), 9.134743e-02);
  ck_assert_int_eq((int)num(r10, "adev_n"), 99);
  ck_assert_int_eq((int)num(r10, "oadev_n"), 981);
  ck_assert_int_eq((int)num(r1, "adev_alpha"), 0);
  double lo = num(r10, "adev_lo"), hi = num(r10, "adev_hi"), v = num(r10, "adev");
  ck_assert(lo < v && v < hi && hi < 1.2 * v);
  ck_assert(num(r10, "mtie") > 0.0);
  ck_assert(num(r10, "tierms") > 0.0);
}

START_TEST(test_json_published)
{
  static const char *const forms[][8] = {
      {"--freq", "--taus", "1,10,100", "--json", freq_path, NULL},
      {"--phase", "--taus", "1,10,100", "--json", phase_path, NULL},
      {"--taus", "1,10,100", "--json", gz_path, NULL},
      {"--ns", "--taus", "1,10,100", "--json", ns_path, NULL},
      {"--taus", "1,10,100", "--json", "-", NULL},
  };
  for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
    char *out, *err;
    ck_assert_msg(run(&out, &err, k == 4 ? phase_path : NULL, forms[k]) == 0, "form %zu: %s",
                  k, err);
    json_t *j = last_json(out);
    ck_assert_int_eq((int)num(j, "n"), k == 0 ? 1000 : 1001);
    ck_assert_int_eq((int)num(j, "points"), 1001);
    ck_assert_double_eq(num(j, "tau0"), 1.0);
    check_published(j, k == 3 ? 1e9 : 1.0);
    ck_assert_str_eq(json_string_value(json_object_get(j, "unit")), k == 3 ? "ns" : "s");
    json_decref(j);
    free(out);
    free(err);
  }
}
END_TEST

START_TEST(test_json_nulls_and_tau0)
{
  char *out, *err;
  /* HDEV needs 3 averages: none at 400 s of 1001 points; ADEV has its one term. */
  const char *a[] = {"--taus", "1,400", "--stats", "adev,hdev,mtie", "--json", phase_path, NULL};
  ck_assert_int_eq(run(&out, &err, NULL, a), 0);
  json_t *j = last_json(out), *r = json_array_get(json_object_get(j, "rows"), 1);
  ck_assert_int_eq((int)num(r, "adev_n"), 1);
  ck_assert(json_is_null(json_object_get(r, "hdev")));
  ck_assert(json_is_null(json_object_get(r, "hdev_n")));
  ck_assert(json_is_null(json_object_get(r, "hdev_lo")));
  ck_assert_ptr_null(json_object_get(r, "oadev")); /* not asked for */
  ck_assert_ptr_null(json_object_get(r, "mtie_lo"));
  json_decref(j);
  free(out);
  free(err);

  /* tau0 = 10 s: the same phase is a tenth of the frequency. */
  const char *b[] = {"--tau0", "10", "--taus", "100", "--stats", "adev", "--json", phase_path,
                     NULL};
  ck_assert_int_eq(run(&out, &err, NULL, b), 0);
  j = last_json(out);
  r = json_array_get(json_object_get(j, "rows"), 0);
  ck_assert_double_eq(num(r, "tau"), 100.0);
  ck_sp1065(num(r, "adev") * 10.0, 9.965736e-02);
  json_decref(j);
  free(out);
  free(err);

  /* Keyword tau lists: decade to TOTDEV's and MTIE's stop at N/2. */
  const char *c[] = {"--taus", "decade", "--json", phase_path, NULL};
  ck_assert_int_eq(run(&out, &err, NULL, c), 0);
  j = last_json(out);
  json_t *rows = json_object_get(j, "rows");
  static const double dec[] = {1, 2, 4, 10, 20, 40, 100, 200, 400};
  ck_assert_uint_eq(json_array_size(rows), 9);
  for (size_t k = 0; k < 9; k++)
    ck_assert_double_eq(num(json_array_get(rows, k), "tau"), dec[k]);
  ck_assert(json_is_null(json_object_get(json_array_get(rows, 8), "adev"))); /* past N/5 */
  json_decref(j);
  free(out);
  free(err);
}
END_TEST

START_TEST(test_tables_and_help)
{
  char *out, *err;
  const char *a[] = {"--freq", "--stats", "oadev,mtie", freq_path, NULL};
  ck_assert_int_eq(run(&out, &err, NULL, a), 0);
  ck_assert_ptr_nonnull(strstr(out, "1000 frequency points (1001 phase points)"));
  ck_assert_ptr_nonnull(strstr(out, "# overlapping Allan deviation (oadev)"));
  ck_assert_ptr_nonnull(strstr(out, "# MTIE (mtie), s"));
  ck_assert_ptr_nonnull(strstr(out, "         1   1.0000e+00        999      0"));
  ck_assert_ptr_null(strstr(out, "Allan deviation (adev)"));
  free(out);
  free(err);
  const char *h[] = {"--help", NULL};
  ck_assert_int_eq(run(&out, &err, NULL, h), 0);
  ck_assert_ptr_nonnull(strstr(out, "Usage: cvd stability"));
  ck_assert_ptr_nonnull(strstr(out, "Exit status"));
  free(out);
  free(err);
}
END_TEST

START_TEST(test_bad_input)
{
  char bad[600], empty[600], gap[600];
  snprintf(bad, sizeof bad, "%s/bad.txt", dir);
  snprintf(empty, sizeof empty, "%s/empty.txt", dir);
  snprintf(gap, sizeof gap, "%s/gap.txt", dir);
  th_write_file(bad, "1e-9\n2e-9\n# comment\nabc\n");
  th_write_file(empty, "# nothing here\n\n");
  th_write_file(gap, "1e-9\n2e-9\ninf\n4e-9\n"); /* nan is a gap now; inf is refused */
  char dup[512], back[512], want_dup[700], want_back[700];
  snprintf(dup, sizeof dup, "%s/dup.txt", dir);
  snprintf(back, sizeof back, "%s/back.txt", dir);
  th_write_file(dup, "0 1e-9\n1 2e-9\n1 2e-9\n2 3e-9\n3 4e-9\n3 5e-9\n");
  th_write_file(back, "0 1e-9\n1 2e-9\n2 3e-9\n0.5 4e-9\n");
  snprintf(want_dup, sizeof want_dup, "%s:3: 2 times repeat the one before", dup);
  snprintf(want_back, sizeof want_back, "%s:4: the time goes back by 1.5 s", back);
  char want_bad[700], want_gap[700], want_empty[700];
  snprintf(want_bad, sizeof want_bad, "cvd stability: %s:4: not a number: 'abc'", bad);
  snprintf(want_gap, sizeof want_gap, "cvd stability: %s:3: not a finite number", gap);
  snprintf(want_empty, sizeof want_empty, "cvd stability: %s: no numbers", empty);
  const struct {
    const char *args[6];
    const char *want;
  } cases[] = {
      {{bad}, want_bad},
      {{gap}, want_gap},
      {{empty}, want_empty},
      {{"--time-column", "1", "--column", "2", dup}, want_dup},
      {{"--time-column", "1", "--column", "2", back}, want_back},
      {{"--time-column", "1", phase_path}, "the time column and the value column are both 1"},
      {{"--time-format", "julian", phase_path}, "--time-format must be auto, s, mjd or iso"},
      {{"--tau0", "-1", phase_path}, "--tau0 must be a positive number"},
      {{"--tau0", "0", phase_path}, "--tau0 must be a positive number"},
      {{"--tau0", "x", phase_path}, "bad --tau0 'x'"},
      {{"--stats", "adev,allan", phase_path}, "unknown statistic 'allan'"},
      {{"--taus", "1,,2", phase_path}, "bad tau list '1,,2'"},
      {{"--taus", "1.5", phase_path}, "not a whole multiple of tau0"},
      {{"--taus", "5000", phase_path}, "longer than the data"},
      {{"--confidence", "1", phase_path}, "--confidence must lie between 0 and 1"},
      {{"/nonexistent/y.txt"}, "/nonexistent/y.txt: No such file"},
      {{"--json"}, "no input file"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    const char *args[8] = {0};
    for (int i = 0; i < 6 && cases[k].args[i]; i++)
      args[i] = cases[k].args[i];
    char *out, *err;
    ck_assert_int_eq(run(&out, &err, NULL, args), 2);
    ck_assert_msg(strstr(err, cases[k].want) != NULL, "case %zu: '%s', want '%s'", k, err,
                  cases[k].want);
    ck_assert_str_eq(out, "");
    free(out);
    free(err);
  }
}
END_TEST

/* A TAPR TICC log in timestamp mode, as its firmware writes it (tests/emu_ticc.c: the '#'
 * banner, "%.11f chA" and "%.11f chB" lines ended by CR LF, each edge on the board's
 * timebase, here 2e-8 fast), of a clock whose phase B - A is white PM (100 ps) on random-
 * walk FM: five whole seconds missing, and twelve seconds with no chB edge.  cvd stability
 * reads it as it is: 17 gaps, all missing times; the OADEV of each tau within the interval
 * (from the terms used) of the same clock's complete record. */
START_TEST(test_ticc_log)
{
  char ticc[512], clean[512];
  snprintf(ticc, sizeof ticc, "%s/ticc.log", dir);
  snprintf(clean, sizeof clean, "%s/clean.txt", dir);
  FILE *ft = fopen(ticc, "w"), *fc = fopen(clean, "w");
  ck_assert(ft && fc);
  fprintf(ft, "# TICC Time Interval Counter by John Ackermann N8UR\r\n"
              "# Type any character for config menu\r\n"
              "# timestamp (seconds)\r\n");
  struct rng r;
  rng_seed(&r, 2026, 14);
  double y = 0.0, x = 3e-7;
  for (int k = 0; k < 3000; k++) {
    y += 2e-13 * rng_normal(&r);
    x += y;
    double ph = x + 1e-10 * rng_normal(&r), ta = 0.25 + k * (1.0 + 2e-8);
    fprintf(fc, "%.15g\n", ph);
    if (k >= 1200 && k < 1205)
      continue; /* the whole second lost */
    fprintf(ft, "%.11f chA\r\n", ta);
    if (k % 250 != 100)
      fprintf(ft, "%.11f chB\r\n", ta + ph);
  }
  fclose(ft);
  fclose(fc);
  const char *ag[] = {"--stats", "oadev", "--json", ticc, NULL};
  const char *ac[] = {"--stats", "oadev", "--json", clean, NULL};
  char *out, *err, *outc, *errc;
  ck_assert_msg(run(&out, &err, NULL, ag) == 0, "%s", err);
  ck_assert_msg(run(&outc, &errc, NULL, ac) == 0, "%s", errc);
  json_t *g = last_json(out), *c = last_json(outc);
  ck_assert_str_eq(json_string_value(json_object_get(g, "format")), "ticc timestamp");
  ck_assert_int_eq((int)num(g, "n"), 3000);
  ck_assert_int_eq((int)num(g, "gaps"), 17);
  ck_assert_int_eq((int)num(g, "missing_times"), 17);
  ck_assert_double_eq_tol(num(g, "tau0"), 1.0, 1e-6);
  json_t *rg = json_object_get(g, "rows"), *rc = json_object_get(c, "rows");
  ck_assert_uint_ge(json_array_size(rg), 9);
  size_t checked = 0;
  for (size_t k = 0; k < json_array_size(rg); k++) {
    json_t *a = json_array_get(rg, k), *b = json_array_get(rc, k);
    double v = num(b, "oadev");
    ck_assert_int_lt((int)num(a, "oadev_n"), (int)num(b, "oadev_n"));
    if (!json_is_number(json_object_get(a, "oadev_lo")))
      continue; /* the last tau: no noise type, no interval */
    checked++;
    ck_assert_msg(v >= num(a, "oadev_lo") && v <= num(a, "oadev_hi"),
                  "tau %g: complete %.4e, gapped [%.4e, %.4e]", num(a, "tau"), v,
                  num(a, "oadev_lo"), num(a, "oadev_hi"));
  }
  ck_assert_uint_ge(checked, 8);
  json_decref(g);
  json_decref(c);
  free(out);
  free(err);
  free(outc);
  free(errc);
}
END_TEST

/* --store: a server's store written by cvd simulate, two days of r1 with a 3-hour outage
 * from hour 10 (18 slots lost): the 10-minute series r1 - ref read from it with its 18 gaps,
 * tau0 600 s, in ns; OADEV at 600 s counts (N - 2) - (18 + 2) terms, the 20 second
 * differences that touch the block of 18 missing points left out. */
START_TEST(test_store)
{
  char sc[512], store[512], log[600];
  snprintf(sc, sizeof sc, "%s/scenario", dir);
  snprintf(store, sizeof store, "%s/store.db", dir);
  snprintf(log, sizeof log, "%s/simulate.log", dir);
  th_write_file(sc, "days 2\nremotes 1\noutage 10 3 r1\n");
  char *argv[] = {(char *)th_cvd_bin(), "simulate", "--scenario", sc, "--store", store, NULL};
  char *sout = NULL;
  ck_assert_int_eq(th_run(argv, log, &sout, 120.0), 0);
  free(sout);
  const char *a1[] = {"--store", store, "--site", "r1", "--stats", "oadev,tdev", "--json", NULL};
  const char *a2[] = {"--store", store, "--pair", "ref", "r1", "--stats", "oadev", "--json",
                      NULL};
  char *out, *err, *out2, *err2;
  ck_assert_msg(run(&out, &err, NULL, a1) == 0, "%s", err);
  ck_assert_msg(run(&out2, &err2, NULL, a2) == 0, "%s", err2);
  json_t *j = last_json(out), *j2 = last_json(out2);
  ck_assert_str_eq(json_string_value(json_object_get(j, "format")), "store");
  ck_assert_str_eq(json_string_value(json_object_get(j, "unit")), "ns");
  ck_assert_double_eq(num(j, "tau0"), 600.0);
  ck_assert_int_eq((int)num(j, "gaps"), 18);
  ck_assert_int_eq((int)num(j, "missing_times"), 18);
  int n = (int)num(j, "n");
  ck_assert_int_ge(n, 280);
  json_t *r1 = json_array_get(json_object_get(j, "rows"), 0);
  ck_assert_int_eq((int)num(r1, "oadev_n"), (n - 2) - (18 + 2));
  /* ref - r1 is the negative of r1 - ref: the same deviations. */
  json_t *q1 = json_array_get(json_object_get(j2, "rows"), 0);
  ck_assert_double_eq_tol(num(q1, "oadev"), num(r1, "oadev"), 1e-12 * num(r1, "oadev"));
  json_decref(j);
  json_decref(j2);
  free(out);
  free(err);
  free(out2);
  free(err2);
  const char *bad[] = {"--store", store, "--site", "nowhere", NULL};
  ck_assert_int_eq(run(&out, &err, NULL, bad), 2);
  ck_assert_ptr_nonnull(strstr(err, "nowhere: no common view with a reference"));
  free(out);
  free(err);
}
END_TEST

/* --plot: a PNG (its signature) and an SVG written beside the tables; a name without a
 * known extension refused. */
START_TEST(test_plot)
{
  char png[512], svg[512], txt[512];
  snprintf(png, sizeof png, "%s/s.png", dir);
  snprintf(svg, sizeof svg, "%s/s.svg", dir);
  snprintf(txt, sizeof txt, "%s/s.txt", dir);
  const char *a1[] = {"--stats", "oadev,mdev,tdev", "--plot", png, phase_path, NULL};
  const char *a2[] = {"--freq", "--stats", "adev,totdev", "--plot", svg, freq_path, NULL};
  const char *a3[] = {"--plot", txt, phase_path, NULL};
  char *out, *err;
  ck_assert_msg(run(&out, &err, NULL, a1) == 0, "%s", err);
  ck_assert_ptr_nonnull(strstr(out, "overlapping Allan deviation"));
  free(out);
  free(err);
  FILE *f = fopen(png, "rb");
  unsigned char sig[8] = {0};
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fread(sig, 1, 8, f), 8);
  fclose(f);
  ck_assert_mem_eq(sig, "\x89PNG\r\n\x1a\n", 8);
  ck_assert_msg(run(&out, &err, NULL, a2) == 0, "%s", err);
  free(out);
  free(err);
  char *text = th_read_file(svg);
  ck_assert_ptr_nonnull(text);
  ck_assert_ptr_nonnull(strstr(text, "<svg"));
  free(text);
  ck_assert_int_eq(run(&out, &err, NULL, a3), 2);
  ck_assert_ptr_nonnull(strstr(err, "--plot"));
  free(out);
  free(err);
}
END_TEST

/* --threads: 1 and 3 threads print the same bytes on 150,000 points (with gaps), and a
 * count out of range is refused naming the option. */
START_TEST(test_threads)
{
  char big[600];
  snprintf(big, sizeof big, "%s/big.txt", dir);
  FILE *f = fopen(big, "w");
  ck_assert_ptr_nonnull(f);
  long long n = 987654321;
  double x = 0.0;
  for (int i = 0; i < 150000; i++) {
    n = 16807 * n % 2147483647;
    x += (double)n / 2147483647.0 * 1e-9;
    if (i % 1009 == 500)
      fprintf(f, "nan\n");
    else
      fprintf(f, "%.17g\n", x);
  }
  ck_assert_int_eq(fclose(f), 0);
  char *out1, *out3, *err;
  const char *a1[] = {"--threads", "1", big, NULL}, *a3[] = {"--threads", "3", big, NULL};
  ck_assert_int_eq(run(&out1, &err, NULL, a1), 0);
  free(err);
  ck_assert_int_eq(run(&out3, &err, NULL, a3), 0);
  free(err);
  ck_assert_ptr_nonnull(strstr(out1, "150000 phase points"));
  ck_assert_ptr_nonnull(strstr(out1, "modified Allan"));
  ck_assert_str_eq(out1, out3);
  free(out1);
  free(out3);
  const char *a0[] = {"--threads", "0", big, NULL};
  ck_assert_int_eq(run(&out1, &err, NULL, a0), 2);
  ck_assert_ptr_nonnull(strstr(err, "--threads 0 out of range"));
  free(out1);
  free(err);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("stats_cli");
  TCase *tc = tcase_create("cli");
  tcase_set_timeout(tc, 120);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_json_published);
  tcase_add_test(tc, test_json_nulls_and_tau0);
  tcase_add_test(tc, test_tables_and_help);
  tcase_add_test(tc, test_bad_input);
  tcase_add_test(tc, test_ticc_log);
  tcase_add_test(tc, test_store);
  tcase_add_test(tc, test_plot);
  tcase_add_test(tc, test_threads);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
