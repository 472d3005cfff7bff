/* Unit tests of core/: time and slots, configuration parsing, track JSON, signing,
 * steering command arithmetic and limits. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/command.h"
#include "core/conf.h"
#include "core/jsonx.h"
#include "core/msg.h"
#include "core/sign.h"
#include "core/timeutil.h"
#include "core/track.h"
#include "tests/testutil.h"

START_TEST(test_mjd_epoch)
{
  int64_t t;
  ck_assert_int_eq(tu_parse("2025-01-01T00:00:00Z", &t), 0);
  ck_assert_int_eq(t / NS_PER_S, 1735689600LL);
  ck_assert_int_eq(tu_mjd(t), 60676); /* MJD of 2025-01-01 */
  ck_assert_int_eq(tu_sod(t), 0);
  ck_assert_int_eq(tu_mjd(0), 40587);
  ck_assert_int_eq(tu_from_mjd_sod(60676, 0), t);
  char buf[64];
  ck_assert_str_eq(tu_format(t + 3723 * NS_PER_S + 5, buf, sizeof buf, 1),
                   "2025-01-01T01:02:03.000000005Z");
  ck_assert_int_eq(tu_parse("2025-02-30T00:00:00Z", &t), -1);
  ck_assert_int_eq(tu_parse("2025-01-01T24:00:00Z", &t), -1);
  ck_assert_int_eq(tu_parse("2025-01-01T00:00:00.5Z", &t), 0);
  ck_assert_int_eq(t % NS_PER_S, 500000000);
  ck_assert_int_eq(tu_parse("@1.5", &t), 0);
  ck_assert_int_eq(t, 1500000000LL);
}
END_TEST

/* Times from outside are held to what int64_t nanoseconds can hold (issue 10): years 1678
 * to 2261, finite Unix seconds within 9e9. */
START_TEST(test_time_bounds)
{
  int64_t t;
  ck_assert_int_eq(tu_parse("2261-12-31T23:59:59Z", &t), 0);
  ck_assert_int_eq(t / NS_PER_S, 9214646399LL);
  ck_assert_int_eq(tu_parse("1678-01-01T00:00:00Z", &t), 0);
  ck_assert_int_eq(tu_parse("2262-01-01T00:00:00Z", &t), -1);
  ck_assert_int_eq(tu_parse("9999-01-01T00:00:00Z", &t), -1);
  ck_assert_int_eq(tu_parse("1677-12-31T23:59:59Z", &t), -1);
  ck_assert_int_eq(tu_parse("@nan", &t), -1);
  ck_assert_int_eq(tu_parse("@inf", &t), -1);
  ck_assert_int_eq(tu_parse("@-inf", &t), -1);
  ck_assert_int_eq(tu_parse("@1e10", &t), -1);
  ck_assert_int_eq(tu_parse("@8999999999", &t), 0);
}
END_TEST

START_TEST(test_slot_alignment)
{
  int64_t t0;
  tu_parse("2025-03-10T23:59:59.999999999Z", &t0);
  int64_t s = tu_slot_start(t0);
  char buf[64];
  ck_assert_str_eq(tu_format(s, buf, sizeof buf, 0), "2025-03-10T23:50:00Z");
  ck_assert_int_eq(tu_sod(s), 85800);
  /* One nanosecond later is the first slot of the next day. */
  int64_t n = tu_slot_start(t0 + 1);
  ck_assert_str_eq(tu_format(n, buf, sizeof buf, 0), "2025-03-11T00:00:00Z");
  ck_assert_int_eq(tu_mjd(n), tu_mjd(s) + 1);
  ck_assert_int_eq(tu_sod(n), 0);
  ck_assert_int_eq(n - s, SLOT_NS);
  ck_assert_int_eq(tu_slot_mid(n) - n, 300 * NS_PER_S);
  /* Exactly on a boundary belongs to the slot it starts. */
  ck_assert_int_eq(tu_slot_start(n), n);
  /* Before the Unix epoch, floor and not truncation. */
  ck_assert_int_eq(tu_slot_start(-1), -SLOT_NS);
  ck_assert_int_eq(tu_mjd(-1), 40586);
  ck_assert_int_eq(tu_sod(-1), 86399);
}
END_TEST

struct conf_inner {
  int n;
  int64_t validity;
};

struct conf_probe {
  double gain;
  char name[16];
  int seen;
  int flag;
  struct conf_inner in;
};

static int h_name(void *u, int argc, char **argv, char *err, size_t n)
{
  (void)argc;
  ((struct conf_probe *)u)->seen++;
  return conf_string("name", argv[0], ((struct conf_probe *)u)->name, 16, err, n);
}

static int w_name(FILE *f, const char *name, const void *u)
{
  fprintf(f, "%s %s\n", name, ((const struct conf_probe *)u)->name);
  return 0;
}

static const struct conf_item inner_tab[] = {
    CONF_INTV("count", "N", struct conf_inner, n, 1, 9, "3", "how many"),
    {.type = CONF_INT, .name = "validity", .args = "SECONDS", .def = "1800",
     .help = "stored in ns", .off = offsetof(struct conf_inner, validity), .lo = 60,
     .hi = 86400, .scale = 1e9, .size = 8},
    {.type = CONF_END},
};

static const struct conf_item probe_tab[] = {
    CONF_DBL("gain", "G", struct conf_probe, gain, 0, 10, "2.5",
             "a gain that has a help text long enough to be wrapped over more than one line of "
             "the help's ninety-two columns"),
    {.type = CONF_CUSTOM, .name = "name", .args = "NAME", .help = "a name",
     .flags = CONF_REQUIRED, .min_args = 1, .max_args = 1, .parse = h_name, .write = w_name},
    CONF_YESNO("flag", struct conf_probe, flag, "yes", "a flag"),
    CONF_INCL(inner_tab, struct conf_probe, in),
    {.type = CONF_END},
};

START_TEST(test_conf_parse)
{
  struct conf_probe p = {0};
  char err[256];
  ck_assert_int_eq(conf_parse_text("t.conf", "# comment\n\n  gain 2.25  # trailing\nname r1\n"
                                   "count 7\nvalidity 60\n",
                                   probe_tab, &p, err, sizeof err),
                   0);
  ck_assert(fabs(p.gain - 2.25) < 1e-15);
  ck_assert_str_eq(p.name, "r1");
  /* An included table writes into its own struct; a scaled integer is stored scaled. */
  ck_assert_int_eq(p.in.n, 7);
  ck_assert_int_eq(p.in.validity, 60 * NS_PER_S);
  ck_assert_int_eq(conf_parse_text("t.conf", "count 10\n", probe_tab, &p, err, sizeof err), -1);
  ck_assert_str_eq(err, "t.conf:1: 'count': count 10 out of range [1, 9]");
  /* A required directive that is missing is named. */
  ck_assert_int_eq(conf_parse_text("t.conf", "gain 1\n", probe_tab, &p, err, sizeof err), -1);
  ck_assert_str_eq(err, "t.conf: no 'name' directive (required)");

  ck_assert_int_eq(conf_parse_text("t.conf", "gain 1\nbogus 3\n", probe_tab, &p, err, sizeof err),
                   -1);
  ck_assert_str_eq(err, "t.conf:2: unknown directive 'bogus'");
  ck_assert_int_eq(conf_parse_text("x.conf", "gain abc\n", probe_tab, &p, err, sizeof err), -1);
  ck_assert_str_eq(err, "x.conf:1: 'gain': bad gain 'abc' (want a number)");
  ck_assert_int_eq(conf_parse_text("x.conf", "\n\ngain 11\n", probe_tab, &p, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "x.conf:3:"));
  ck_assert_int_eq(conf_parse_text("x.conf", "name\n", probe_tab, &p, err, sizeof err), -1);
  ck_assert_str_eq(err, "x.conf:1: 'name' takes 1 argument, not 0");

  /* From a file: the error names the file's path and the line. */
  char *dir = th_mkdtemp("conf");
  char path[512];
  snprintf(path, sizeof path, "%s/site.conf", dir);
  th_write_file(path, "gain 1\nname ok\nunknown_directive 1 2\n");
  ck_assert_int_eq(conf_parse_file(path, probe_tab, &p, err, sizeof err), -1);
  char want[600];
  snprintf(want, sizeof want, "%s:3: unknown directive 'unknown_directive'", path);
  ck_assert_str_eq(err, want);
  th_rmtree(dir);
  free(dir);
}
END_TEST

/* Defaults, help, the man page's list and writing back all come from the one table. */
START_TEST(test_conf_table)
{
  struct conf_probe p;
  char err[256];
  memset(&p, 0, sizeof p);
  ck_assert_int_eq(conf_defaults(probe_tab, &p, err, sizeof err), 0);
  ck_assert(p.gain == 2.5 && p.flag == 1 && p.in.n == 3 && p.in.validity == 1800 * NS_PER_S);
  ck_assert_str_eq(p.name, "");

  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  conf_help(f, probe_tab);
  fclose(f);
  ck_assert_msg(strstr(text, "  gain G                        a gain that has") == text, "%s", text);
  /* Wrapped: the continuation is indented to the text's column. */
  ck_assert_ptr_nonnull(strstr(text, "\n                                "));
  ck_assert_ptr_nonnull(strstr(text, " columns [2.5]\n"));
  ck_assert_ptr_nonnull(strstr(text, "  name NAME                     a name (required)\n"));
  ck_assert_ptr_nonnull(strstr(text, "  validity SECONDS              stored in ns [1800]\n"));
  for (char *l = text; *l; l = strchr(l, '\n') + 1)
    ck_assert_msg(strchr(l, '\n') - l <= 92, "line too long: %s", l);
  free(text);

  f = open_memstream(&text, &len);
  conf_roff(f, probe_tab);
  fclose(f);
  ck_assert_ptr_nonnull(strstr(text, ".TP\n\\fBflag\\fR \\fIyes|no\\fR\n\\&a flag. Default: yes.\n"));
  ck_assert_ptr_nonnull(strstr(text, "\\fBname\\fR \\fINAME\\fR\n\\&a name. Required.\n"));
  ck_assert_ptr_nonnull(strstr(text, "ninety\\-two"));
  free(text);

  /* Written back and read again, the same values. */
  snprintf(p.name, sizeof p.name, "r7");
  p.gain = 0.1;
  p.in.validity = 3600 * NS_PER_S;
  f = open_memstream(&text, &len);
  ck_assert_int_eq(conf_write(f, probe_tab, &p), 0);
  fclose(f);
  struct conf_probe q;
  memset(&q, 0, sizeof q);
  ck_assert_msg(conf_parse_text("w.conf", text, probe_tab, &q, err, sizeof err) == 0, "%s", err);
  ck_assert(q.gain == 0.1 && q.flag == 1 && q.in.n == 3 && q.in.validity == 3600 * NS_PER_S);
  ck_assert_str_eq(q.name, "r7");
  free(text);
}
END_TEST

/* What a track's fields must be together (issue 10): each case is refused and says what. */
START_TEST(test_track_consistency)
{
  struct track t, u;
  int64_t slot;
  char err[256];
  tu_parse("2025-01-01T00:10:00Z", &slot);
  struct {
    const char *says;
    int used, rejected, missing, visible, sats, with_value;
    const char *rx;
  } cases[] = {
      {"more than the 600 seconds", 500, 100, 10, 9, 8, 1, "TIME"},
      {"n_used is 0", 0, 0, 600, 9, 8, 1, "TIME"},
      {"more than sats_visible", 600, 0, 0, 8, 9, 1, "TIME"},
      {"rx_state or osc.status", 600, 0, 0, 9, 8, 1, "TIME\r\nforged line"},
      {"rx_state or osc.status", 600, 0, 0, 9, 8, 1, "<b>TIME</b>"},
      {NULL, 600, 0, 0, 9, 8, 1, "TIME (surveyed-in)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    track_init(&t, "r1", slot);
    t.n_used = cases[i].used;
    t.n_rejected = cases[i].rejected;
    t.n_missing = cases[i].missing;
    t.sats_visible = cases[i].visible;
    t.sats_used = cases[i].sats;
    t.value_ns = cases[i].with_value ? 5.0 : NAN;
    t.sigma_ns = 1;
    snprintf(t.rx_state, sizeof t.rx_state, "%s", cases[i].rx);
    json_t *j = track_to_json(&t);
    int rc = track_from_json(j, &u, err, sizeof err);
    json_decref(j);
    if (!cases[i].says)
      ck_assert_msg(rc == 0, "case %zu: %s", i, err);
    else
      ck_assert_msg(rc == -1 && strstr(err, cases[i].says), "case %zu: %d %s", i, rc, err);
  }
}
END_TEST

START_TEST(test_track_json_roundtrip)
{
  struct track t, u;
  int64_t slot;
  tu_parse("2025-01-01T00:10:00Z", &slot);
  track_init(&t, "r1", slot);
  t.value_ns = -12.25;
  t.sigma_ns = 3.5;
  t.slope_ns_s = 1e-3;
  t.n_used = 598;
  t.n_rejected = 2;
  t.sats_used = 9;
  t.sats_visible = 11;
  t.cabdly = 150.5;
  t.osc.cmd_id = 7;
  t.osc.freq = -1.25e-10;
  t.osc.steer_ns = 1234.5;
  json_t *j = track_to_json(&t);
  char err[256];
  ck_assert_int_eq(track_from_json(j, &u, err, sizeof err), 0);
  ck_assert_str_eq(u.site, "r1");
  ck_assert_int_eq(u.slot, slot);
  ck_assert_int_eq(u.mjd, 60676);
  ck_assert_int_eq(u.sod, 600);
  ck_assert(u.value_ns == -12.25 && u.sigma_ns == 3.5 && u.osc.freq == -1.25e-10);
  ck_assert_int_eq(u.n_used, 598);
  ck_assert_int_eq(u.osc.cmd_id, 7);
  ck_assert(isnan(u.true_x_ns));

  /* A sod off the slot grid, a value beyond one second, a bad site: each named. */
  json_object_set_new(j, "sod", json_integer(601));
  ck_assert_int_eq(track_from_json(j, &u, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "sod"));
  json_object_set_new(j, "sod", json_integer(600));
  json_object_set_new(j, "value_ns", json_real(2e9));
  ck_assert_int_eq(track_from_json(j, &u, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "value_ns"));
  json_object_set_new(j, "value_ns", json_real(1.0));
  json_object_set_new(j, "site", json_string("r 1"));
  ck_assert_int_eq(track_from_json(j, &u, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "site"));
  json_decref(j);

  /* A slot without good samples is recorded with a null value and flagged. */
  track_init(&t, "r2", slot);
  t.n_rejected = 600;
  j = track_to_json(&t);
  ck_assert(json_is_null(json_object_get(j, "value_ns")));
  ck_assert_int_eq(track_from_json(j, &u, err, sizeof err), 0);
  ck_assert(isnan(u.value_ns) && u.low_count);
  json_decref(j);
}
END_TEST

/* jx_real_hex writes what glibc's "%a" writes, and jx_number_or_hex reads it back bit for
 * bit: zeros, subnormals, the extremes, and random bit patterns of every exponent. */
static void hex_case(double v)
{
  char want[40];
  snprintf(want, sizeof want, "%a", v);
  json_t *j = jx_real_hex(v);
  ck_assert_str_eq(json_string_value(j), want);
  double back = 0;
  ck_assert_int_eq(jx_number_or_hex(j, &back), 0);
  ck_assert_int_eq(memcmp(&back, &v, sizeof v), 0);
  json_decref(j);
}

START_TEST(test_real_hex)
{
  const double fixed[] = {0.0, -0.0, 1.0, -1.5, 12.0, 0.1, 5e-324, -5e-324, 2.2250738585072009e-308,
                          2.2250738585072014e-308, 1.7976931348623157e308, 6.6438561526821657e-8};
  for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
    hex_case(fixed[i]);
  uint64_t r = 0x9e3779b97f4a7c15u;
  for (int i = 0; i < 200000; i++) {
    r ^= r << 13, r ^= r >> 7, r ^= r << 17; /* xorshift64 */
    double v;
    memcpy(&v, &r, sizeof v);
    if (isfinite(v))
      hex_case(v);
  }
  json_t *n = jx_real_hex(NAN);
  ck_assert(json_is_null(n));
  double v = 1;
  ck_assert_int_eq(jx_number_or_hex(n, &v), 0);
  ck_assert(v == 0);
  json_decref(n);
  /* Decimal numbers, as jx_real wrote them before, still read. */
  json_t *d = json_real(0.25);
  ck_assert_int_eq(jx_number_or_hex(d, &v), 0);
  ck_assert(v == 0.25);
  json_decref(d);
  const char *bad[] = {"", "12", "0x", "0x1p+0 ", " 0x1p+0", "0x1.8q", "0xinf", "nan", "-", "0x1p+99999"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    json_t *s = json_string(bad[i]);
    ck_assert_msg(jx_number_or_hex(s, &v) == -1, "'%s' taken", bad[i]);
    json_decref(s);
  }
  json_t *t = json_true();
  ck_assert_int_eq(jx_number_or_hex(t, &v), -1);
}
END_TEST

/* A vector in one string and back, bit for bit, infinities and NaN included; the old
 * array form still read; malformed lists refused. */
START_TEST(test_reals_hex)
{
  const double in[6] = {1.0, -0.0, 0.1, 5e-324, INFINITY, NAN};
  json_t *j = jx_reals_hex(in, 6);
  ck_assert_str_eq(json_string_value(j), "0x1p+0 -0x0p+0 0x1.999999999999ap-4 "
                                         "0x0.0000000000001p-1022 inf nan");
  double out[6];
  ck_assert_int_eq(jx_reals_read(j, out, 6), 0);
  ck_assert_int_eq(memcmp(out, in, 5 * sizeof *in), 0);
  ck_assert(isnan(out[5]));
  ck_assert_int_eq(jx_reals_read(j, out, 5), -1);
  ck_assert_int_eq(jx_reals_read(j, out, 7), -1);
  json_decref(j);
  json_t *a = json_pack("[f,n,s]", 0.5, "-0x1.8p+1");
  ck_assert_int_eq(jx_reals_read(a, out, 3), 0);
  ck_assert(out[0] == 0.5 && out[1] == 0 && out[2] == -3);
  ck_assert_int_eq(jx_reals_read(a, out, 2), -1);
  json_decref(a);
  const char *bad[] = {"", " 0x1p+0 0x1p+0", "0x1p+0  0x1p+0", "0x1p+0 0x1p+0 ", "0x1p+0,0x1p+0",
                       "0x1p+0 x"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    json_t *b = json_string(bad[i]);
    ck_assert_msg(jx_reals_read(b, out, 2) == -1, "'%s' taken", bad[i]);
    json_decref(b);
  }
}
END_TEST

START_TEST(test_sign)
{
  char h[65], s1[65], s2[65];
  sign_sha256_hex("abc", 3, h);
  /* FIPS 180-2 example. */
  ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  /* HMAC-SHA-256 (RFC 2104) of "POST\n/api/v1/tracks\n1700000000\n" and the body's
   * SHA-256, as Python's hmac module computes it: an implementation other than ours. */
  sign_request("key", "POST", "/api/v1/tracks", 1700000000, "{}", 2, s1);
  ck_assert_str_eq(s1, "6591aa39264b77281f9f36cead4b7b0cc7dbd4f869758a7b7a911747c1e7a22d");
  /* A key longer than SHA-256's block is hashed first (RFC 2104 section 2). */
  char longkey[201];
  memset(longkey, 'k', 200);
  longkey[200] = '\0';
  sign_request(longkey, "POST", "/api/v1/tracks", 1700000000, "{}", 2, s2);
  ck_assert_str_eq(s2, "0ae52ae821a5ad0292d53d4eb03cc5ab9334be7d390d2274bd1049668ead7250");
  sign_request("key", "POST", "/api/v1/tracks", 1700000000, "{}", 2, s2);
  ck_assert(sign_equal(s1, s2));
  sign_request("key", "POST", "/api/v1/tracks", 1700000001, "{}", 2, s2);
  ck_assert(!sign_equal(s1, s2));
  sign_request("kez", "POST", "/api/v1/tracks", 1700000000, "{}", 2, s2);
  ck_assert(!sign_equal(s1, s2));
  ck_assert(sign_is_hex(s1));
  ck_assert(!sign_is_hex("abc"));
  sign_response("key", 200, 1700000000, s1, "{}", 2, s2);
  ck_assert_str_eq(s2, "29179319dbb30beb7dd3096178ecd886b4f092f93d005fa1740cbdc23be6997d");
}
END_TEST

START_TEST(test_command_limits)
{
  struct steer_cmd held = {0}, next = {0};
  struct steer_limits l;
  char err[256];
  cmd_limits_default(&l);
  held.id = 1;
  held.freq = -1e-10;
  held.drift_per_day = -1e-12;
  /* Drift accumulates from t_ref: one day later the correction is 1e-12 lower. */
  ck_assert(fabs(cmd_freq_at(&held, NS_PER_DAY) - (-1.01e-10)) < 1e-22);
  held.slew_freq = 5e-13;
  held.slew_until = 3600 * NS_PER_S;
  ck_assert(fabs(cmd_freq_at(&held, 0) - (-1e-10 + 5e-13)) < 1e-22);
  ck_assert(fabs(cmd_hold_freq_at(&held, 0) - (-1e-10)) < 1e-22);

  next = held;
  next.id = 2;
  next.freq = -1e-10 + 0.9e-12;
  ck_assert_int_eq(cmd_check(&next, &held, 4000 * NS_PER_S, 1, 0, &l, err, sizeof err), 0);
  next.freq = -1e-10 + 2e-12;
  ck_assert_int_eq(cmd_check(&next, &held, 4000 * NS_PER_S, 1, 0, &l, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "locked limit"));
  /* Before the first lock the acquisition limit applies. */
  ck_assert_int_eq(cmd_check(&next, &held, 4000 * NS_PER_S, 0, 0, &l, err, sizeof err), 0);
  next.freq = 2e-8;
  ck_assert_int_eq(cmd_check(&next, NULL, 0, 0, 0, &l, err, sizeof err), -1);
  /* A phase step after lock needs an operator; an applied one is not looked at again. */
  next = held;
  next.phase_step_id = 3;
  next.phase_step_ns = 100;
  ck_assert_int_eq(cmd_check(&next, &held, 0, 1, 2, &l, err, sizeof err), -1);
  ck_assert_int_eq(cmd_check(&next, &held, 0, 1, 3, &l, err, sizeof err), 0);
  next.phase_step_operator = 1;
  ck_assert_int_eq(cmd_check(&next, &held, 0, 1, 2, &l, err, sizeof err), 0);
  next.phase_step_ns = 2e6;
  ck_assert_int_eq(cmd_check(&next, &held, 0, 0, 2, &l, err, sizeof err), -1);

  json_t *j = cmd_to_json(&held);
  struct steer_cmd back;
  ck_assert_int_eq(cmd_from_json(j, &back, err, sizeof err), 0);
  ck_assert(back.freq == held.freq && back.slew_until == held.slew_until && back.id == 1);
  json_decref(j);
}
END_TEST

START_TEST(test_msg_request)
{
  struct track tr[2];
  int64_t slot;
  tu_parse("2025-01-01T00:00:00Z", &slot);
  track_init(&tr[0], "r1", slot);
  track_init(&tr[1], "r1", slot + SLOT_NS);
  tr[0].value_ns = 1;
  tr[0].n_used = 600;
  struct osc_report o = {.t = slot};
  json_t *j = msg_upload_request("r1", &o, tr, 2);
  struct upload_req req;
  char err[256];
  ck_assert_int_eq(msg_parse_request(j, &req, err, sizeof err), 0);
  ck_assert_int_eq(req.n_tracks, 2);
  ck_assert_int_eq(req.tracks[1].sod, 600);
  msg_request_free(&req);
  /* A track of another site inside r1's upload is refused. */
  json_object_set_new(json_array_get(json_object_get(j, "tracks"), 1), "site", json_string("r2"));
  ck_assert_int_eq(msg_parse_request(j, &req, err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "tracks[1]"));
  json_decref(j);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("core");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_mjd_epoch);
  tcase_add_test(tc, test_time_bounds);
  tcase_add_test(tc, test_slot_alignment);
  tcase_add_test(tc, test_conf_parse);
  tcase_add_test(tc, test_conf_table);
  tcase_add_test(tc, test_track_consistency);
  tcase_add_test(tc, test_track_json_roundtrip);
  tcase_add_test(tc, test_real_hex);
  tcase_add_test(tc, test_reals_hex);
  tcase_add_test(tc, test_sign);
  tcase_add_test(tc, test_command_limits);
  tcase_add_test(tc, test_msg_request);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
