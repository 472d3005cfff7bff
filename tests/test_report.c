/* cvd report against a simulated month: `cvd simulate --store` writes the server's store
 * (31 days of one remote, a 4 h outage in it), `cvd report monthly` reports on it, and its
 * daily means are scored against the simulation's truth (--series): within their
 * expanded uncertainty on at least 95 % of days over three seeds.  Signatures: an untouched
 * report verifies, one changed digit is refused, in every format; a report pinned to
 * another key is refused; the signed PDF is still one poppler draws.  The server's page
 * /report?site=NAME&month=YYYY-MM serves the same report, signed, over loopback HTTP.  Bad inputs exit 2 with a clear message. */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"
#include "upload/http.h"

static char *dir;      /* the fixture's files */
static char store[1024], series[1024], key[1024], cal[1024];

/* cvd ARGS..., stdout into *out (if out), stderr into DIR/log; the exit status. */
static int cvd(char **out, const char *const *args)
{
  char *argv[32], log[1100];
  int n = 0;
  argv[n++] = (char *)th_cvd_bin();
  for (; args[n - 1] && n < 31; n++)
    argv[n] = (char *)args[n - 1];
  argv[n] = NULL;
  snprintf(log, sizeof log, "%s/log", dir);
  unlink(log); /* last_log() reads this run's alone */
  return th_run(argv, log, out, 300);
}

/* The last line of the log (the last error said). */
static char *last_log(void)
{
  char log[1100];
  snprintf(log, sizeof log, "%s/log", dir);
  char *t = th_read_file(log);
  ck_assert_ptr_nonnull(t);
  return t;
}

static void simulate(int seed, const char *db, const char *csv)
{
  char s[16], scen[1100];
  snprintf(s, sizeof s, "%d", seed);
  snprintf(scen, sizeof scen, "%s/scenario.conf", dir);
  ck_assert_int_eq(th_write_file(scen, "outage 200 4 r1\n"), 0);
  const char *a[] = {"simulate", "--days", "31", "--remotes", "1", "--seed", s, "--scenario",
                     scen, "--store", db, "--series", csv, NULL};
  ck_assert_int_eq(cvd(NULL, a), 0);
}

static void setup(void)
{
  dir = th_mkdtemp("report");
  snprintf(store, sizeof store, "%s/server.db", dir);
  snprintf(series, sizeof series, "%s/series.csv", dir);
  snprintf(key, sizeof key, "%s/key.pem", dir);
  snprintf(cal, sizeof cal, "%s/cal.json", dir);
  /* What cvd calibrate --json prints, its last line read. */
  ck_assert_int_eq(th_write_file(cal, "calibrating...\n{\"slots\": 700, \"from\": "
                                      "\"2024-12-01T00:00:00Z\", \"to\": \"2024-12-06T00:00:00Z\", "
                                      "\"ref_minus_dut_ns\": 0.12, \"u_ns\": 0.4}\n"), 0);
  const char *k[] = {"report", "keygen", key, NULL};
  ck_assert_int_eq(cvd(NULL, k), 0);
  simulate(1, store, series);
}

static void teardown(void)
{
  th_rmtree(dir);
  free(dir);
}

static json_t *monthly_json(const char *db, char **text)
{
  const char *a[] = {"report", "monthly", "--store", db, "--site", "r1", "--month", "2025-01",
                     "--key", key, "--calibration", cal, "--format", "json", NULL};
  char *out = NULL;
  ck_assert_int_eq(cvd(&out, a), 0);
  json_t *j = json_loads(out, 0, NULL);
  ck_assert_msg(j != NULL, "not one JSON object: %.200s", out);
  if (text)
    *text = out;
  else
    free(out);
  return j;
}

/* The true daily means of r1 from --series (slot,hours,site,x_ns,locked), 31 days. */
static void true_means(const char *csv, double *mean)
{
  char *t = th_read_file(csv);
  ck_assert_ptr_nonnull(t);
  double sum[31] = {0};
  int n[31] = {0};
  for (char *line = strchr(t, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
    int day;
    double x;
    ck_assert_int_eq(sscanf(line + 1, "2025-01-%d%*[^,],%*[^,],r1,%lf", &day, &x), 2);
    sum[day - 1] += x;
    n[day - 1]++;
  }
  for (int d = 0; d < 31; d++) {
    ck_assert_int_eq(n[d], 144);
    mean[d] = sum[d] / n[d];
  }
  free(t);
}

/* Days whose mean is within U_ns (and within 2 u_a_ns, Type A alone) of the truth. */
static void score(const json_t *j, const char *csv, int *in_u, int *in_a, int *days)
{
  double truth[31];
  true_means(csv, truth);
  const json_t *daily = json_object_get(j, "daily");
  ck_assert_int_eq(json_array_size(daily), 31);
  for (int d = 0; d < 31; d++) {
    const json_t *row = json_array_get(daily, (size_t)d);
    double m = json_number_value(json_object_get(row, "mean_ns"));
    double U = json_number_value(json_object_get(row, "U_ns"));
    double ua = json_number_value(json_object_get(row, "u_a_ns"));
    ck_assert(isfinite(m) && U > 0 && ua > 0);
    *in_u += fabs(m - truth[d]) <= U;
    *in_a += fabs(m - truth[d]) <= 2 * ua;
    (*days)++;
  }
}

static long count(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st;
  ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  long n = (long)sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

/* cvd simulate --store wrote the server's store as cvd server writes it. */
START_TEST(test_store_rows)
{
  sqlite3 *db;
  ck_assert_int_eq(sqlite3_open_v2(store, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  /* 31 days of 144 slots, 24 lost to the 4 h outage at r1 (the last slot of the month
   * ends with the run, unsent). */
  long r1 = count(db, "SELECT count(*) FROM tracks WHERE site = 'r1'");
  long ref = count(db, "SELECT count(*) FROM tracks WHERE site = 'ref'");
  ck_assert_msg(r1 >= 4464 - 24 - 1 && r1 <= 4464 - 24, "r1 tracks %ld", r1);
  ck_assert_msg(ref >= 4464 - 1 && ref <= 4464, "ref tracks %ld", ref);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM cv WHERE a = 'r1' AND b = 'ref'"), r1);
  ck_assert_int_ge(count(db, "SELECT count(*) FROM steering WHERE site = 'r1'"), r1);
  ck_assert_int_ge(count(db, "SELECT count(*) FROM commands WHERE site = 'r1'"), r1 - 10);
  /* State changes are events, as cvd server records them: ACQUIRING -> LOCKED -> HOLDOVER
   * -> LOCKED at least. */
  ck_assert_int_ge(count(db, "SELECT count(*) FROM events WHERE kind = 'state'"), 3);
  /* The holdover's predictions, one a slot (about 22 of the 24 slots lost). */
  long p = count(db, "SELECT count(*) FROM predictions WHERE site = 'r1'");
  ck_assert_msg(p >= 18 && p <= 24, "%ld predictions", p);
  ck_assert_int_eq(count(db, "SELECT count(*) FROM clocks WHERE site = 'r1'"), 1);
  ck_assert_int_ge(count(db, "PRAGMA user_version"), 4); /* the predictions: migration 4 */
  sqlite3_close(db);
}
END_TEST

START_TEST(test_monthly_contract)
{
  json_t *j = monthly_json(store, NULL);
  ck_assert_str_eq(json_string_value(json_object_get(j, "site")), "r1");
  ck_assert_str_eq(json_string_value(json_object_get(j, "month")), "2025-01");
  ck_assert_str_eq(json_string_value(json_object_get(j, "reference")), "ref");
  const json_t *d0 = json_array_get(json_object_get(j, "daily"), 0);
  ck_assert_str_eq(json_string_value(json_object_get(d0, "date")), "2025-01-01");
  ck_assert_int_eq(json_integer_value(json_object_get(d0, "n")), 144);
  /* The 4 h outage from hour 200 (day 9, 08:00) loses 24 of that day's slots. */
  const json_t *d8 = json_array_get(json_object_get(j, "daily"), 8);
  ck_assert_int_eq(json_integer_value(json_object_get(d8, "n")), 120);
  double locked = json_number_value(json_object_get(j, "locked_pct"));
  ck_assert_msg(locked > 95 && locked < 100, "locked %.2f %%", locked);
  /* The budget: u_c is the quadrature sum, U = 2 u_c, the calibration's 0.4 ns in u_b. */
  double ua = json_number_value(json_object_get(j, "u_a_ns"));
  double ub = json_number_value(json_object_get(j, "u_b_ns"));
  double uc = json_number_value(json_object_get(j, "u_c_ns"));
  ck_assert_double_eq_tol(ub, 0.4, 1e-9);
  ck_assert_double_eq_tol(uc, sqrt(ua * ua + ub * ub), 1e-9);
  ck_assert_double_eq_tol(json_number_value(json_object_get(j, "U_ns")), 2 * uc, 1e-9);
  ck_assert_msg(ua > 0.05 && ua < 1, "u_a %.3f ns", ua);
  /* TDEV from 10 min to 10 days, each inside its interval. */
  const json_t *tdev = json_object_get(j, "tdev");
  ck_assert_uint_ge(json_array_size(tdev), 10);
  size_t i;
  const json_t *row;
  json_array_foreach(tdev, i, row)
  {
    double t = json_number_value(json_object_get(row, "tdev"));
    ck_assert(json_number_value(json_object_get(row, "lo")) <= t);
    ck_assert(json_number_value(json_object_get(row, "hi")) >= t);
  }
  ck_assert_double_eq(json_number_value(json_object_get(json_array_get(tdev, 0), "tau")), 600);
  /* The outage is one holdover of about 4 h, its predictions kept by the server. */
  const json_t *h = json_object_get(j, "holdover");
  ck_assert_int_eq(json_array_size(h), 1);
  double hours = json_number_value(json_object_get(json_array_get(h, 0), "hours"));
  ck_assert_msg(hours > 3 && hours < 5, "holdover of %.2f h", hours);
  double px = json_number_value(json_object_get(json_array_get(h, 0), "max_pred_abs_x_ns"));
  ck_assert_msg(isfinite(px) && px < 100, "largest predicted |x| %.1f ns", px);
  const json_t *sig = json_object_get(j, "signature");
  ck_assert_str_eq(json_string_value(json_object_get(sig, "algorithm")), "Ed25519");
  json_decref(j);
}
END_TEST

START_TEST(test_accuracy)
{
  int in_u = 0, in_a = 0, days = 0;
  json_t *j = monthly_json(store, NULL);
  score(j, series, &in_u, &in_a, &days);
  json_decref(j);
  for (int seed = 2; seed <= 3; seed++) {
    char db[1100], csv[1100];
    snprintf(db, sizeof db, "%s/server%d.db", dir, seed);
    snprintf(csv, sizeof csv, "%s/series%d.csv", dir, seed);
    simulate(seed, db, csv);
    j = monthly_json(db, NULL);
    score(j, csv, &in_u, &in_a, &days);
    json_decref(j);
  }
  fprintf(stderr, "test_report: %d of %d daily means within U of the truth, %d within "
                  "2 u_A (Type A alone)\n", in_u, days, in_a);
  ck_assert_msg(in_u >= 0.95 * days, "%d of %d days within U", in_u, days);
  ck_assert_msg(in_a >= 0.90 * days, "%d of %d days within 2 u_A", in_a, days);
}
END_TEST

/* Writes a report in format fmt to DIR/report.EXT; its path in path. */
static void report_file(const char *fmt, char *path, size_t len)
{
  snprintf(path, len, "%s/report.%s", dir, fmt);
  const char *a[] = {"report", "monthly", "--store", store, "--site", "r1", "--month",
                     "2025-01", "--key", key, "--format", fmt, "-o", path, NULL};
  ck_assert_int_eq(cvd(NULL, a), 0);
}

static int verify(const char *path, const char *pubkey)
{
  const char *a[] = {"report", "verify", path, pubkey ? "--pubkey" : NULL, pubkey, NULL};
  return cvd(NULL, a);
}

/* Changes one digit of the file at its first digit after offset `at` of its length. */
static void change_digit(const char *path, double at)
{
  FILE *f = fopen(path, "r+b");
  ck_assert_ptr_nonnull(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  for (long i = (long)(at * (double)n); i < n; i++) {
    fseek(f, i, SEEK_SET);
    int c = fgetc(f);
    if (c >= '0' && c <= '9') {
      fseek(f, i, SEEK_SET);
      fputc(c == '9' ? '8' : c + 1, f);
      break;
    }
  }
  fclose(f);
}

static void signed_format(const char *fmt)
{
  char path[1100], copy[1200];
  report_file(fmt, path, sizeof path);
  ck_assert_int_eq(verify(path, NULL), 0);
  ck_assert_int_eq(verify(path, key), 0);
  /* Pinned to another key: refused. */
  char other[1100];
  snprintf(other, sizeof other, "%s/other-%s.pem", dir, fmt);
  const char *k[] = {"report", "keygen", other, NULL};
  ck_assert_int_eq(cvd(NULL, k), 0);
  ck_assert_int_eq(verify(path, other), 1);
  /* One digit changed anywhere (early, middle, late): refused. */
  for (int i = 0; i < 3; i++) {
    char *t = th_read_file(path);
    snprintf(copy, sizeof copy, "%s.%d", path, i);
    FILE *f = fopen(copy, "wb");
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(fwrite(t, 1, (size_t)st.st_size, f), (size_t)st.st_size);
    fclose(f);
    free(t);
    change_digit(copy, 0.1 + 0.4 * i);
    ck_assert_int_eq(verify(copy, NULL), 1);
    char *log = last_log();
    ck_assert_msg(strstr(log, "REFUSED") != NULL, "%s", log);
    free(log);
  }
}

START_TEST(test_signed_json) { signed_format("json"); }
END_TEST

START_TEST(test_signed_html) { signed_format("html"); }
END_TEST

START_TEST(test_traceability)
{
  char circt[1100], out[1100];
  snprintf(circt, sizeof circt, "%s/circt.txt", dir);
  snprintf(out, sizeof out, "%s/trace.json", dir);
  /* UTC - UTC(k) every 5 days, as Circular T gives it: MJD 60674 is 2024-12-30. */
  ck_assert_int_eq(th_write_file(circt, "# MJD UTC-UTC(k)/ns u/ns\n60674 2.1 1.4\n"
                                        "60679 1.8 1.4  # Circular T 445\n60684 -0.5 1.5\n"), 0);
  const char *a[] = {"report", "traceability", "--store", store, "--site", "r1", "--from",
                     "2025-01-02", "--to", "2025-01-12", "--key", key, "--calibration", cal,
                     "--circular-t", circt, "-o", out, NULL};
  ck_assert_int_eq(cvd(NULL, a), 0);
  char *text = th_read_file(out);
  json_t *j = json_loads(text, 0, NULL);
  ck_assert_ptr_nonnull(j);
  ck_assert_str_eq(json_string_value(json_object_get(j, "report")), "traceability");
  const json_t *days = json_object_get(j, "daily");
  ck_assert_int_eq(json_array_size(days), 11); /* both ends included */
  /* 2025-01-02 noon is MJD 60677.5: 2.1 + 3.5 / 5 (1.8 - 2.1) = 1.89 ns, u the larger 1.4. */
  const json_t *d0 = json_array_get(days, 0);
  ck_assert_double_eq_tol(json_number_value(json_object_get(d0, "utc_minus_utck_ns")), 1.89, 1e-9);
  ck_assert_double_eq_tol(json_number_value(json_object_get(d0, "u_utc_minus_utck_ns")), 1.4, 1e-9);
  /* Past the last published date: no UTC, never extrapolated. */
  const json_t *d10 = json_array_get(days, 10);
  ck_assert(json_is_null(json_object_get(d10, "utc_minus_utck_ns")));
  double mx = json_number_value(json_object_get(d0, "max_abs_x_ns"));
  double U = json_number_value(json_object_get(d0, "U_ns"));
  ck_assert_msg(mx > 1 && mx < 30 && U > 0.8 && U < 20, "max |x| %.2f ns U %.2f ns", mx, U);
  ck_assert_double_eq(json_number_value(json_object_get(d0, "within_100us_pct")), 100);
  ck_assert_uint_eq(json_array_size(json_object_get(j, "chain")), 3);
  json_decref(j);
  free(text);
  ck_assert_int_eq(verify(out, key), 0);
  change_digit(out, 0.5);
  ck_assert_int_eq(verify(out, NULL), 1);
  /* The same statement as a PDF, signed likewise. */
  snprintf(out, sizeof out, "%s/trace.pdf", dir);
  ck_assert_int_eq(cvd(NULL, a), 0);
  ck_assert_int_eq(verify(out, key), 0);
  change_digit(out, 0.3);
  ck_assert_int_eq(verify(out, NULL), 1);
  /* A bad line of the Circular T file is named. */
  ck_assert_int_eq(th_write_file(circt, "60674 2.1 1.4\n60679 x 1.4\n"), 0);
  ck_assert_int_eq(cvd(NULL, a), 2);
  char *log = last_log();
  ck_assert_msg(strstr(log, "circt.txt:2: want 'MJD UTC-UTC(k)/ns u/ns'") != NULL, "%s", log);
  free(log);
}
END_TEST

START_TEST(test_signed_pdf)
{
  signed_format("pdf");
  char path[1100], pages[1100], png[1200], txt[1200];
  snprintf(path, sizeof path, "%s/report.pdf", dir);
  snprintf(pages, sizeof pages, "%s/page", dir);
  snprintf(png, sizeof png, "%s/page-1.png", dir);
  snprintf(txt, sizeof txt, "%s/report.txt", dir);
  if (access("/usr/bin/pdftoppm", X_OK) != 0 || access("/usr/bin/pdftotext", X_OK) != 0) {
    fprintf(stderr, "test_report: no poppler-utils, the PDF's pages not drawn\n");
    return;
  }
  /* The signed file is still a PDF that poppler reads and draws. */
  char *a[] = {(char *)"/usr/bin/pdftoppm", (char *)"-png", (char *)"-r", (char *)"60", path,
               pages, NULL};
  ck_assert_int_eq(th_run(a, NULL, NULL, 60), 0);
  struct stat st;
  ck_assert_int_eq(stat(png, &st), 0);
  ck_assert_int_gt(st.st_size, 10000);
  char *b[] = {(char *)"/usr/bin/pdftotext", path, txt, NULL};
  ck_assert_int_eq(th_run(b, NULL, NULL, 60), 0);
  char *t = th_read_file(txt);
  ck_assert_ptr_nonnull(t);
  ck_assert_ptr_nonnull(strstr(t, "Monthly report: r1, 2025-01"));
  ck_assert_ptr_nonnull(strstr(t, "Uncertainty budget of a daily mean"));
  ck_assert_ptr_nonnull(strstr(t, "2025-01-31"));
  free(t);
}
END_TEST

/* GET http://127.0.0.1:port/path: the status, the body into file (when not NULL) and its
 * text in *body (malloc'ed). */
static long get(int port, const char *path, const char *file, char **body)
{
  char url[512], err[256];
  struct http_reply r;
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
  int rc = http_exchange(NULL, "GET", url, NULL, NULL, 0, 60000, 1 << 24, &r, err, sizeof err);
  ck_assert_msg(rc == 0, "GET %s: %s", path, err);
  if (file) {
    FILE *f = fopen(file, "wb");
    ck_assert_uint_eq(fwrite(r.body, 1, r.len, f), r.len);
    fclose(f);
  }
  *body = strdup(r.body ? r.body : "");
  long status = r.status;
  http_reply_free(&r);
  return status;
}

static void page_error(int port, const char *path, long status, const char *says)
{
  char *body;
  ck_assert_int_eq(get(port, path, NULL, &body), status);
  ck_assert_msg(strstr(body, says) != NULL, "GET %s: want '%s' in %.300s", path, says, body);
  free(body);
}

/* The server's page /report: the same report as HTML from the store it runs on, signed
 * with the lab's key given as report_key (an auditor pins it), or without one with a key of
 * the server process's own (the signature holds; pinned to the lab's key it is refused). */
START_TEST(test_report_page)
{
  char conf[1100], db[1100], page[1100], log[1100], text[2400];
  snprintf(conf, sizeof conf, "%s/server.conf", dir);
  snprintf(db, sizeof db, "%s/served.db", dir);
  snprintf(page, sizeof page, "%s/page.html", dir);
  snprintf(log, sizeof log, "%s/server.log", dir);
  char *copy = th_read_file(store);
  struct stat st;
  ck_assert_int_eq(stat(store, &st), 0);
  FILE *f = fopen(db, "wb");
  ck_assert_uint_eq(fwrite(copy, 1, (size_t)st.st_size, f), (size_t)st.st_size);
  fclose(f);
  free(copy);
  int port = th_free_port();
  snprintf(text, sizeof text, "listen 127.0.0.1 %d\ndatabase %s\nreference ref\nplain_http yes\n"
           "site ref 0123456789abcdef0123456789abcdef\nsite r1 0123456789abcdef0123456789abcdef\n"
           "report_key %s\n", port, db, key);
  ck_assert_int_eq(th_write_file(conf, text), 0);
  char *argv[] = {(char *)th_cvd_bin(), (char *)"server", (char *)"-c", conf, NULL};
  /* A key others may read is refused at start, saying why. */
  ck_assert_int_eq(chmod(key, 0644), 0);
  char *out = NULL;
  ck_assert_int_eq(th_run(argv, log, &out, 60), 2);
  free(out);
  char *said = th_read_file(log);
  ck_assert_msg(said && strstr(said, "key.pem") && strstr(said, "0644"), "%s", said ? said : "");
  free(said);
  ck_assert_int_eq(chmod(key, 0600), 0);
  pid_t pid = th_spawn(argv, log);
  ck_assert_int_eq(th_wait_port(port, 60), 0);
  char *body;
  ck_assert_int_eq(get(port, "/report?site=r1&month=2025-01", page, &body), 200);
  ck_assert_ptr_nonnull(strstr(body, "Monthly report: r1, 2025-01"));
  ck_assert_ptr_nonnull(strstr(body, "<td>2025-01-31</td>"));
  ck_assert_ptr_nonnull(strstr(body, "<figure id=\"daily-figure\"><svg")); /* inline */
  free(body);
  page_error(port, "/report?site=r9&month=2025-01", 404, "knows no site named r9");
  page_error(port, "/report?site=r1&month=2025-13", 400, "month= wants a UTC month YYYY-MM");
  page_error(port, "/report?site=ref&month=2025-01", 400, "reports are of the remote clocks");
  page_error(port, "/report?site=r1&month=2024-11", 404, "no common view");
  ck_assert_int_eq(th_stop(pid, SIGTERM, 30), 0);
  ck_assert_int_eq(verify(page, NULL), 0);
  ck_assert_int_eq(verify(page, key), 0);
  /* Without report_key: signed, by a key that is not the lab's. */
  text[strlen(text) - strlen(key) - strlen("report_key \n")] = '\0';
  ck_assert_int_eq(th_write_file(conf, text), 0);
  pid = th_spawn(argv, log);
  ck_assert_int_eq(th_wait_port(port, 60), 0);
  ck_assert_int_eq(get(port, "/report?site=r1&month=2025-01", page, &body), 200);
  free(body);
  ck_assert_int_eq(th_stop(pid, SIGTERM, 30), 0);
  ck_assert_int_eq(verify(page, NULL), 0);
  ck_assert_int_eq(verify(page, key), 1);
  change_digit(page, 0.5);
  ck_assert_int_eq(verify(page, NULL), 1);
}
END_TEST

static void bad(const char *const *args, const char *want)
{
  ck_assert_int_eq(cvd(NULL, args), 2);
  char *log = last_log();
  ck_assert_msg(strstr(log, want) != NULL, "want '%s' in: %s", want, log);
  free(log);
}

START_TEST(test_bad_inputs)
{
  char missing[1100];
  snprintf(missing, sizeof missing, "%s/no-such.db", dir);
  const char *a1[] = {"report", "monthly", "--store", store, "--site", "r9", "--month",
                      "2025-01", "--key", key, NULL};
  bad(a1, "site 'r9' has no tracks in the store");
  const char *a2[] = {"report", "monthly", "--store", store, "--site", "r1", "--month",
                      "2025-13", "--key", key, NULL};
  bad(a2, "--month '2025-13': want YYYY-MM");
  const char *a3[] = {"report", "monthly", "--store", missing, "--site", "r1", "--month",
                      "2025-01", "--key", key, NULL};
  bad(a3, "no-such.db: no such readable file");
  const char *a4[] = {"report", "monthly", "--store", store, "--site", "r1", "--month",
                      "2024-12", "--key", key, NULL};
  bad(a4, "no common view with 'ref' in 2024-12");
  const char *a5[] = {"report", "monthly", "--store", store, "--site", "r1", "--month",
                      "2025-01", NULL};
  bad(a5, "--key FILE");
  const char *a6[] = {"report", "monthly", "--store", store, "--site", "r1", "--month",
                      "2025-01", "--key", store, NULL};
  bad(a6, "not an Ed25519 key");
  const char *a7[] = {"simulate", "--days", "1", "--store", store, NULL};
  bad(a7, "already exists");
  const char *a8[] = {"report", "traceability", "--store", store, "--site", "r1", "--from",
                      "2025-02-30", "--to", "2025-03-01", "--key", key, NULL};
  bad(a8, "--from '2025-02-30': want a UTC date YYYY-MM-DD");
  const char *a9[] = {"report", "traceability", "--store", store, "--site", "r9", "--from",
                      "2025-01-01", "--to", "2025-01-02", "--key", key, NULL};
  bad(a9, "site 'r9' has no tracks in the store");
  const char *a10[] = {"report", "monthly", "--store", store, "--site", "r1", "--month",
                       "2025-01", "--key", key, "--format", "xml", NULL};
  bad(a10, "--format: want pdf, html or json");
  const char *a11[] = {"report", "monthly", "--store", store, "--site", "r1", "--month",
                       "2025-01", "--key", key, "--format", "pdf", NULL};
  bad(a11, "a PDF report needs -o FILE");
}
END_TEST

int main(void)
{
  Suite *s = suite_create("report");
  TCase *tc = tcase_create("monthly");
  tcase_add_unchecked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, test_store_rows);
  tcase_add_test(tc, test_monthly_contract);
  tcase_add_test(tc, test_signed_json);
  tcase_add_test(tc, test_signed_html);
  tcase_add_test(tc, test_signed_pdf);
  tcase_add_test(tc, test_bad_inputs);
  tcase_add_test(tc, test_traceability);
  tcase_add_test(tc, test_report_page);
  tcase_add_test(tc, test_accuracy);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
