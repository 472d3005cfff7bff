/* cggtts/: the CGGTTS parser on the real files of ../shared/data/cggtts (each with the
 * warnings it deserves) and on hand-made files (tests/data/cggtts: version 01, V2E with
 * GLONASS and BeiDou, loose spacing, overflow markers, unknown and broken lines); the
 * common view (and all in view) of two files against numbers worked by hand and against
 * an independent computation by awk (GZGTR560.258's L1C - L1P, two signals of one
 * receiver on one clock, common view: 468 tracks, -0.408 ns; GZGTR560.258 - EZGTR60.258,
 * GPS and Galileo of that receiver, all in view: 89 epochs, -9.409 ns); the file's tracks
 * as the server's slots; `cvd cggtts check` and `diff --json` end to end. */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cggtts/cggtts.h"
#include "cggtts/diff.h"
#include "cggtts/slots.h"
#include "core/timeutil.h"
#include "tests/testutil.h"

static void shared_path(char *out, size_t n, const char *file)
{
  snprintf(out, n, "%s/cggtts/%s", th_shared_data(), file);
}

static void data_path(char *out, size_t n, const char *file)
{
  snprintf(out, n, "%s/tests/data/cggtts/%s", th_srcdir(), file);
}

static void read_ok(const char *path, struct cggtts_file *f)
{
  char err[512];
  ck_assert_msg(cggtts_read(path, f, err, sizeof err) == 0, "%s", err);
}

/* The message about line `line` of level lv holds `text`. */
static int has_msg(const struct cggtts_file *f, enum cggtts_level lv, unsigned line,
                   const char *text)
{
  for (size_t i = 0; i < f->nmsg; i++)
    if (f->msg[i].level == lv && f->msg[i].line == line && strstr(f->msg[i].text, text))
      return 1;
  return 0;
}

START_TEST(test_real_files)
{
  char p[1024];
  struct cggtts_file f;
  /* Septentrio GTR51, GPS, dual frequency, every line sound. */
  shared_path(p, sizeof p, "GZGTR560.258");
  read_ok(p, &f);
  ck_assert_int_eq(f.version, 2);
  ck_assert(f.dual);
  ck_assert_uint_eq(f.n, 2097);
  ck_assert_uint_eq(f.refused + f.warnings, 0);
  ck_assert_str_eq(f.rcvr, "GTR51 2204005 1.12.0");
  ck_assert_double_eq_tol(f.cab_dly_ns, 155.2, 1e-9);
  /* G08 FF 60258 001000 780 245 2954 +1513042 +28 -281 ... L1C 1F */
  ck_assert_str_eq(f.trk[0].sat, "G08");
  ck_assert_str_eq(f.trk[0].frc, "L1C");
  ck_assert_int_eq(f.trk[0].mjd, 60258);
  ck_assert_int_eq(f.trk[0].sttime, 600);
  ck_assert_int_eq(f.trk[0].trkl, 780);
  ck_assert_double_eq_tol(f.trk[0].refsys_ns, -28.1, 1e-9);
  ck_assert_double_eq_tol(f.trk[0].refsv_ns, 151304.2, 1e-6);
  ck_assert_double_eq_tol(f.trk[0].elv_deg, 24.5, 1e-9);
  ck_assert_double_eq_tol(f.trk[0].msio_ns, 5.7, 1e-9);
  ck_assert_uint_eq(f.trk[0].line, 20);
  cggtts_free(&f);
  /* The same receiver's Galileo file. */
  shared_path(p, sizeof p, "EZGTR60.258");
  read_ok(p, &f);
  ck_assert_uint_eq(f.n, 2236);
  ck_assert_uint_eq(f.refused + f.warnings, 0);
  ck_assert_str_eq(f.trk[0].sat, "E03");
  ck_assert_str_eq(f.trk[0].frc, "E1");
  cggtts_free(&f);
  /* Gorgy SYREF25: the header checksum counts the line ends; every REFSYS is about
   * 1 s (written modulo 1 s); line 75's fields overflowed their columns and its checksum
   * fails. */
  shared_path(p, sizeof p, "GZSY8259.506");
  read_ok(p, &f);
  ck_assert(!f.dual);
  ck_assert(f.hdr_cksum_newlines);
  ck_assert(has_msg(&f, CGGTTS_WARN, 16, "counts the line ends"));
  ck_assert(has_msg(&f, CGGTTS_REFUSED, 75, "checksum A4"));
  ck_assert_uint_eq(f.refused, 1);
  ck_assert_uint_eq(f.n, 81);
  ck_assert_uint_eq(f.refsys_overflow, 81);
  ck_assert(has_msg(&f, CGGTTS_WARN, 20, "81 of 81 tracks have REFSYS overflowed"));
  ck_assert(isnan(f.trk[0].refsv_ns)); /* +9999999999: the marker */
  cggtts_free(&f);
  shared_path(p, sizeof p, "GZSY8259.568");
  read_ok(p, &f);
  ck_assert(has_msg(&f, CGGTTS_WARN, 16, "counts the line ends"));
  ck_assert_uint_eq(f.warnings, 1);
  ck_assert_uint_eq(f.n, 32);
  ck_assert_uint_eq(f.refsys_overflow, 0);
  ck_assert_double_eq_tol(f.trk[0].refsys_ns, 153.6, 1e-9);
  cggtts_free(&f);
}
END_TEST

START_TEST(test_version01)
{
  char p[1024];
  struct cggtts_file f;
  data_path(p, sizeof p, "v01-gps.cggtts");
  read_ok(p, &f);
  ck_assert_int_eq(f.version, 1);
  ck_assert_uint_eq(f.n, 3);
  ck_assert_uint_eq(f.refused + f.warnings, 0);
  ck_assert_str_eq(f.trk[1].sat, "G05"); /* PRN "5" */
  ck_assert_str_eq(f.trk[1].frc, "");
  ck_assert_double_eq_tol(f.trk[0].refsys_ns, 1234.5, 1e-9); /* REFGPS */
  ck_assert_double_eq_tol(f.ref_dly_ns, 12.5, 1e-9);
  ck_assert_int_eq(f.trk[2].sttime, 18 * 60);
  cggtts_free(&f);
}
END_TEST

START_TEST(test_v2e_lines)
{
  char p[1024];
  struct cggtts_file f;
  data_path(p, sizeof p, "v2e-a.cggtts");
  read_ok(p, &f);
  ck_assert_uint_eq(f.n, 8);
  ck_assert_str_eq(f.trk[1].sat, "C11");
  ck_assert_str_eq(f.trk[1].frc, "B1i");
  ck_assert_int_eq(f.trk[4].trkl, 600);
  /* loose spacing */
  ck_assert_str_eq(f.trk[5].sat, "C12");
  ck_assert_double_eq_tol(f.trk[5].refsys_ns, 50.0, 1e-9);
  /* '******' SRSV and 9999 MDIO are unknown; the track keeps its REFSYS */
  ck_assert(isnan(f.trk[6].srsv_ps_s));
  ck_assert(isnan(f.trk[6].mdio_ns));
  ck_assert(cggtts_usable(&f.trk[6]));
  ck_assert_str_eq(f.trk[7].sat, "R03"); /* "R 3" */
  ck_assert(has_msg(&f, CGGTTS_WARN, 28, "not a data line"));
  ck_assert(has_msg(&f, CGGTTS_WARN, 29, "not a data line"));
  ck_assert(has_msg(&f, CGGTTS_REFUSED, 30, "checksum 00"));
  ck_assert(has_msg(&f, CGGTTS_REFUSED, 31, "20 fields where the column line has 21"));
  ck_assert(has_msg(&f, CGGTTS_REFUSED, 32, "STTIME '246000'"));
  ck_assert_uint_eq(f.refused, 3);
  ck_assert_uint_eq(f.warnings, 2);
  cggtts_free(&f);
}
END_TEST

/* v01-gps as the server's tracks, by hand.  Epoch 00:02 (G12 REFSYS 1234.5 ns SRSYS
 * -2.2 ps/s, G05 1235.5 ns +0.7 ps/s): midpoint 00:08:30, slot 00:00 (midpoint 00:05:00,
 * 210 s before): 1235.0 + (-0.75e-3 ns/s)(-210 s) = 1235.1575 ns, sd 0.7071 ns over 2.
 * Epoch 00:18 (G12 1234.0 ns, -2.0 ps/s, DSG 1.1 ns): midpoint 00:24:30, slot 00:20
 * (midpoint 30 s later): 1234.0 - 0.06 = 1233.94 ns, one satellite: sigma its DSG. */
START_TEST(test_slots)
{
  char p[1024], err[256];
  struct cggtts_file f;
  struct cggtts_slots sl;
  data_path(p, sizeof p, "v01-gps.cggtts");
  read_ok(p, &f);
  ck_assert_int_eq(cggtts_slots(&f, "cg", &sl, err, sizeof err), 0);
  ck_assert_uint_eq(sl.epochs, 2);
  ck_assert_uint_eq(sl.n, 2);
  int64_t day = tu_from_mjd_sod(50722, 0);
  ck_assert_int_eq(sl.tr[0].slot, day);
  ck_assert_str_eq(sl.tr[0].site, "cg");
  ck_assert_double_eq_tol(sl.tr[0].value_ns, 1235.1575, 1e-9);
  ck_assert_double_eq_tol(sl.tr[0].sigma_ns, sqrt(0.5), 1e-9);
  ck_assert_int_eq(sl.tr[0].n_used, 2);
  ck_assert_int_eq(sl.tr[1].slot, day + 20 * 60 * NS_PER_S);
  ck_assert_double_eq_tol(sl.tr[1].value_ns, 1233.94, 1e-9);
  ck_assert_double_eq_tol(sl.tr[1].sigma_ns, 1.1, 1e-9);
  ck_assert_int_eq(sl.tr[1].n_used, 1);
  cggtts_slots_free(&sl);
  cggtts_free(&f);
  /* GLONASS and BeiDou only: nothing to compare with GPS tracks. */
  data_path(p, sizeof p, "v2e-b.cggtts");
  read_ok(p, &f);
  ck_assert_int_eq(cggtts_slots(&f, "cg", &sl, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "no full-length (TRKL 780) GPS track") != NULL, "%s", err);
  cggtts_free(&f);
}
END_TEST

/* The hand-made file with one byte changed at offset `at` (found after `after`). */
static int parse_changed(const char *after, int delta, struct cggtts_file *f, char *err,
                         size_t errlen)
{
  char p[1024];
  data_path(p, sizeof p, "v2e-b.cggtts");
  char *text = th_read_file(p);
  ck_assert_ptr_nonnull(text);
  char *at = strstr(text, after);
  ck_assert_ptr_nonnull(at);
  at[strlen(after) - 1] = (char)(at[strlen(after) - 1] + delta);
  int rc = cggtts_parse(text, strlen(text), "b", f, err, errlen);
  free(text);
  return rc;
}

START_TEST(test_damaged)
{
  struct cggtts_file f;
  char err[512];
  /* A digit of a data line: that line is refused, named; the rest is used. */
  ck_assert_int_eq(parse_changed("R07 FF 60310 002000  780 45", 1, &f, err, sizeof err), 0);
  ck_assert_uint_eq(f.n, 4);
  ck_assert_uint_eq(f.refused, 1);
  ck_assert(has_msg(&f, CGGTTS_REFUSED, 22, "checksum "));
  cggtts_free(&f);
  /* A header byte: the header is damaged, the file refused, the CKSUM line named. */
  ck_assert_int_eq(parse_changed("LAB = TSTB", 1, &f, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "b:16: header checksum") != NULL, "%s", err);
  ck_assert_int_eq(parse_changed("DATA FORMAT V", 1, &f, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "b:1: not a CGGTTS file") != NULL, "%s", err);
  ck_assert_int_eq(parse_changed("SAT CL  MJD  ST", 1, &f, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "b:18: the column line") != NULL, "%s", err);
  ck_assert_int_eq(cggtts_parse("", 0, "e", &f, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "e: empty") != NULL, "%s", err);
}
END_TEST

static void diff_files(const char *pa, const char *pb, const struct cggtts_diff_opt *o,
                       struct cggtts_diff *d)
{
  struct cggtts_file a, b;
  char err[512];
  read_ok(pa, &a);
  read_ok(pb, &b);
  ck_assert_int_eq(cggtts_diff(&a, &b, o, d, err, sizeof err), 0);
  cggtts_free(&a);
  cggtts_free(&b);
}

/* v2e-a - v2e-b by hand: at 00:20 R05 1.0, C11 3.0, R07 5.0 ns (epoch mean 3.0); at
 * 00:36 R05 3.0 ns (C11 is short there, C12, R09 and R03 are not in B). */
START_TEST(test_diff_by_hand)
{
  char pa[1024], pb[1024];
  struct cggtts_diff d;
  data_path(pa, sizeof pa, "v2e-a.cggtts");
  data_path(pb, sizeof pb, "v2e-b.cggtts");
  diff_files(pa, pb, &(struct cggtts_diff_opt){0}, &d);
  ck_assert_uint_eq(d.matched, 4);
  ck_assert_uint_eq(d.a_full, 7);
  ck_assert_uint_eq(d.b_full, 4);
  ck_assert_double_eq_tol(d.mean_ns, 3.0, 1e-9);
  ck_assert_double_eq_tol(d.sd_ns, sqrt(8.0 / 3.0), 1e-9);
  ck_assert_uint_eq(d.epochs, 2);
  ck_assert_int_eq(d.epoch[0].n, 3);
  ck_assert_double_eq_tol(d.epoch[0].mean_ns, 3.0, 1e-9);
  ck_assert_double_eq_tol(d.epoch[1].mean_ns, 3.0, 1e-9);
  ck_assert_double_eq_tol(d.sd_epoch_ns, 0.0, 1e-9);
  cggtts_diff_free(&d);
  /* Only BeiDou B1i: one track, no standard deviation. */
  diff_files(pa, pb, &(struct cggtts_diff_opt){.frc_a = "B1i", .frc_b = "B1i"}, &d);
  ck_assert_uint_eq(d.matched, 1);
  ck_assert_double_eq_tol(d.mean_ns, 3.0, 1e-9);
  ck_assert(isnan(d.sd_ns));
  cggtts_diff_free(&d);
}
END_TEST

/* All in view, v2e-a - v2e-b by hand, each file's first signal (L3P, GLONASS): at 00:20
 * A (100 + 300) / 2 = 200.0, B (99 + 295) / 2 = 197.0 ns: 3.0; at 00:36 A's R05, R09,
 * R03 (150 + 60 + 70) / 3 = 93.333, B's R05 147.0: -53.667 ns. */
START_TEST(test_diff_aiv_by_hand)
{
  char pa[1024], pb[1024], err[256];
  struct cggtts_file a, b;
  struct cggtts_diff d;
  data_path(pa, sizeof pa, "v2e-a.cggtts");
  data_path(pb, sizeof pb, "v2e-b.cggtts");
  read_ok(pa, &a);
  read_ok(pb, &b);
  ck_assert_int_eq(cggtts_diff_aiv(&a, &b, &(struct cggtts_diff_opt){0}, &d, err, sizeof err),
                   0);
  ck_assert_uint_eq(d.matched, 2);
  ck_assert_uint_eq(d.epochs, 2);
  ck_assert_double_eq_tol(d.pair[0].d_ns, 3.0, 1e-9);
  ck_assert_double_eq_tol(d.pair[1].d_ns, 280.0 / 3 - 147.0, 1e-9);
  ck_assert_int_eq(d.epoch[0].n, 4);
  ck_assert_int_eq(d.epoch[1].n, 4);
  ck_assert_double_eq_tol(d.mean_ns, (3.0 + 280.0 / 3 - 147.0) / 2, 1e-9);
  cggtts_diff_free(&d);
  cggtts_free(&a);
  cggtts_free(&b);
}
END_TEST

/* L1C - L1P of the GTR51's GPS file, by awk from the raw text: tracks of 780 s matched by
 * MJD, STTIME and SAT, REFSYS in column 10 (0.1 ns). */
static void awk_mean(const char *path, const char *fa, const char *fb, long *n, double *mean)
{
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "awk 'FNR > 19 && $5 == 780 { k = $3 \" \" $4 \" \" $1; "
           "if ($23 == \"%s\") a[k] = $10; if ($23 == \"%s\") b[k] = $10 } "
           "END { for (k in a) if (k in b) { n++; s += a[k] - b[k] } "
           "printf \"%%d %%.6f\\n\", n, s / n / 10 }' '%s'", fa, fb, path);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  ck_assert_int_eq(fscanf(p, "%ld %lf", n, mean), 2);
  ck_assert_int_eq(pclose(p), 0);
}

/* GPS L1C - Galileo E1 of the GTR51 (one receiver, one clock), all in view, by awk:
 * each file's epoch mean of REFSYS over its full-length tracks of the signal, joined on
 * MJD and STTIME. */
static void awk_aiv(const char *gps, const char *gal, long *n, double *mean)
{
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "awk 'FNR > 19 && $5 == 780 { k = $3 \" \" $4; "
           "if (FILENAME == ARGV[1] && $23 == \"L1C\") { sa[k] += $10; na[k]++ } "
           "if (FILENAME == ARGV[2] && $23 == \"E1\") { sb[k] += $10; nb[k]++ } } "
           "END { for (k in sa) if (k in sb) { n++; s += sa[k] / na[k] - sb[k] / nb[k] } "
           "printf \"%%d %%.6f\\n\", n, s / n / 10 }' '%s' '%s'", gps, gal);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  ck_assert_int_eq(fscanf(p, "%ld %lf", n, mean), 2);
  ck_assert_int_eq(pclose(p), 0);
}

START_TEST(test_diff_awk)
{
  char pa[1024];
  struct cggtts_diff d;
  long n;
  double mean;
  shared_path(pa, sizeof pa, "GZGTR560.258");
  awk_mean(pa, "L1C", "L1P", &n, &mean);
  diff_files(pa, pa, &(struct cggtts_diff_opt){.frc_a = "L1C", .frc_b = "L1P"}, &d);
  ck_assert_uint_eq(d.matched, (size_t)n);
  ck_assert_uint_eq(d.matched, 468);
  ck_assert_msg(fabs(d.mean_ns - mean) < 0.1, "mean %.4f, awk %.4f", d.mean_ns, mean);
  ck_assert_double_eq_tol(d.mean_ns, -0.4079, 1e-4);
  cggtts_diff_free(&d);
  /* A file against itself: every full track, zero. */
  diff_files(pa, pa, &(struct cggtts_diff_opt){0}, &d);
  ck_assert_uint_eq(d.matched, 2097);
  ck_assert_double_eq_tol(d.mean_ns, 0.0, 1e-12);
  ck_assert_double_eq_tol(d.sd_ns, 0.0, 1e-12);
  cggtts_diff_free(&d);
  /* GPS against Galileo: no satellite in common; all in view, 89 epochs. */
  char pb[1024], err[256];
  shared_path(pb, sizeof pb, "EZGTR60.258");
  diff_files(pa, pb, &(struct cggtts_diff_opt){0}, &d);
  ck_assert_uint_eq(d.matched, 0);
  ck_assert(isnan(d.mean_ns));
  cggtts_diff_free(&d);
  struct cggtts_file a, b;
  read_ok(pa, &a);
  read_ok(pb, &b);
  ck_assert_int_eq(cggtts_diff_aiv(&a, &b, &(struct cggtts_diff_opt){0}, &d, err, sizeof err),
                   0);
  awk_aiv(pa, pb, &n, &mean);
  ck_assert_uint_eq(d.matched, (size_t)n);
  ck_assert_uint_eq(d.matched, 89);
  ck_assert_msg(fabs(d.mean_ns - mean) < 0.1, "mean %.4f, awk %.4f", d.mean_ns, mean);
  ck_assert_double_eq_tol(d.mean_ns, -9.4091, 1e-4);
  cggtts_diff_free(&d);
  cggtts_free(&a);
  cggtts_free(&b);
}
END_TEST

static json_t *run_json(char *const argv[], int want_status)
{
  char *out = NULL, *dir = th_mkdtemp("cggtts"), log[1024];
  snprintf(log, sizeof log, "%s/stderr.log", dir);
  int st = th_run(argv, log, &out, 30);
  ck_assert_int_eq(st, want_status);
  ck_assert_ptr_nonnull(out);
  char *last = out + strlen(out);
  while (last > out && last[-1] == '\n')
    *--last = '\0';
  char *nl = strrchr(out, '\n');
  json_error_t je;
  json_t *j = json_loads(nl ? nl + 1 : out, 0, &je);
  ck_assert_msg(j != NULL, "not JSON: %s", out);
  free(out);
  th_rmtree(dir);
  free(dir);
  return j;
}

START_TEST(test_cli)
{
  char pa[1024], pb[1024];
  data_path(pa, sizeof pa, "v2e-a.cggtts");
  data_path(pb, sizeof pb, "v2e-b.cggtts");
  json_t *j = run_json((char *const[]){(char *)th_cvd_bin(), "cggtts", "diff", "--json", pa,
                                       pb, NULL}, 0);
  ck_assert_int_eq(json_integer_value(json_object_get(j, "matched")), 4);
  ck_assert_int_eq(json_integer_value(json_object_get(j, "epochs")), 2);
  ck_assert_double_eq_tol(json_real_value(json_object_get(j, "mean_ns")), 3.0, 1e-9);
  ck_assert_double_eq_tol(json_real_value(json_object_get(j, "sd_ns")), sqrt(8.0 / 3), 1e-9);
  ck_assert_double_eq_tol(json_real_value(json_object_get(j, "sd_epoch_ns")), 0.0, 1e-9);
  json_decref(j);
  /* check: the refused lines make the status 2, each named */
  j = run_json((char *const[]){(char *)th_cvd_bin(), "cggtts", "check", "--json", pa, pb,
                               NULL}, 2);
  json_t *files = json_object_get(j, "files");
  ck_assert_int_eq(json_array_size(files), 2);
  json_t *fa = json_array_get(files, 0);
  ck_assert_int_eq(json_integer_value(json_object_get(fa, "refused")), 3);
  ck_assert_int_eq(json_integer_value(json_object_get(fa, "tracks")), 8);
  ck_assert_int_eq(json_integer_value(
                       json_object_get(json_array_get(json_object_get(fa, "messages"), 2),
                                       "line")), 30);
  json_decref(j);
  if (th_shared_data()) {
    shared_path(pa, sizeof pa, "GZGTR560.258");
    long n;
    double mean;
    awk_mean(pa, "L1C", "L1P", &n, &mean);
    j = run_json((char *const[]){(char *)th_cvd_bin(), "cggtts", "diff", pa, pa, "--frc-a",
                                 "L1C", "--frc-b", "L1P", "--json", NULL}, 0);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "matched")), n);
    ck_assert(fabs(json_real_value(json_object_get(j, "mean_ns")) - mean) < 0.1);
    json_decref(j);
    shared_path(pb, sizeof pb, "EZGTR60.258");
    awk_aiv(pa, pb, &n, &mean);
    j = run_json((char *const[]){(char *)th_cvd_bin(), "cggtts", "diff", "--aiv", "--json", pa,
                                 pb, NULL}, 0);
    ck_assert_str_eq(json_string_value(json_object_get(j, "mode")), "aiv");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "matched")), n);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "epochs")), n);
    ck_assert(fabs(json_real_value(json_object_get(j, "mean_ns")) - mean) < 0.1);
    json_decref(j);
  }
}
END_TEST

int main(void)
{
  Suite *s = suite_create("cggtts");
  TCase *tc = tcase_create("parse");
  tcase_add_test(tc, test_version01);
  tcase_add_test(tc, test_v2e_lines);
  tcase_add_test(tc, test_damaged);
  tcase_add_test(tc, test_diff_by_hand);
  tcase_add_test(tc, test_slots);
  tcase_add_test(tc, test_diff_aiv_by_hand);
  suite_add_tcase(s, tc);
  if (th_shared_data()) {
    tc = tcase_create("real");
    tcase_add_test(tc, test_real_files);
    tcase_add_test(tc, test_diff_awk);
    suite_add_tcase(s, tc);
  } else {
    fprintf(stderr, "../shared/data absent: the real-file cases are skipped\n");
  }
  tc = tcase_create("cli");
  tcase_add_test(tc, test_cli);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
