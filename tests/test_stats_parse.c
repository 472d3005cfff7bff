/* stats/numparse: the same double (bit for bit) and the same length as strtod, on about
 * three million strings: random doubles printed to 1 .. 25 significant digits, random digit
 * strings of up to 40 digits with exponents across the whole range, subnormals, the
 * neighbourhood of DBL_MAX and DBL_MIN, exact halfway points between neighbouring doubles,
 * long runs of zeros, and malformed or special forms (inf, nan, hex, "1e", "."). */
#include "config.h"

#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rng.h"
#include "stats/numparse.h"

static uint64_t bits_of(double v)
{
  uint64_t b;
  memcpy(&b, &v, sizeof b);
  return b;
}

static double of_bits(uint64_t b)
{
  double v;
  memcpy(&v, &b, sizeof v);
  return v;
}

static size_t checked; /* strings compared in this case (each case runs in its own fork) */

/* Compares the parser with strtod on s (NUL-terminated). */
static void same(const char *s)
{
  char *end;
  double want = strtod(s, &end), got;
  size_t n = st_parse_double(s, strlen(s), &got);
  checked++;
  if (n != (size_t)(end - s) || bits_of(got) != bits_of(want))
    ck_abort_msg("'%s': strtod %.17g (%zu chars), st_parse_double %.17g (%zu chars)", s, want,
                 (size_t)(end - s), got, n);
}

START_TEST(test_edge_cases)
{
  static const char *const cases[] = {
      "0", "-0", "+0", "0.0", "00000", "1", "-1", "1.5", ".5", "5.", "-.5e3", "1e", "1e+",
      "1e-", "1E5", "1e0005", ".", "-", "+", "-.", "e5", "", "inf", "-inf", "INF", "infinity",
      "nan", "NaN", "-nan(123)", "0x1p3", "0X1.8p-2", "0x", "1x", "12abc", "1.2.3",
      "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
      "1.797693134862315807e308", "1.797693134862315808e308", "2e308", "-1e309",
      "2.2250738585072014e-308", "2.2250738585072011e-308", "2.2250738585072012e-308",
      "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
      "2.470328229206232720e-324", "1e-324", "5e-324", "1e-400", "1e400", "0e999999999",
      "9007199254740993", "9007199254740992.5", "9007199254740993.0000000000000000001",
      "123456789012345678901234567890", "0.1", "0.2", "0.3", "1e22", "1e23", "1e-22",
      "7.2057594037927933e16", "8.98846567431158e307", "1.00000000000000011102230246251565",
      "1.000000000000000111022302462515654042363166809082031250000000001",
      "1.00000000000000011102230246251565404236316680908203125",
      "1.00000000000000011102230246251565404236316680908203124",
      "1e+2147483647", "1e-2147483648", "1e99999999999999999999", "0.000000000000000000000001",
      "100000000000000000000000000000000000000000000000000000001e-56"};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    same(cases[i]);
  /* Long runs of zeros, leading and trailing, around a significant digit or two. */
  char buf[1200];
  for (int z = 0; z < 1100; z += 37) {
    int k = snprintf(buf, sizeof buf, "0.");
    for (int j = 0; j < z; j++)
      buf[k++] = '0';
    snprintf(buf + k, sizeof buf - (size_t)k, "17e%d", z - 300);
    same(buf);
    k = snprintf(buf, sizeof buf, "3");
    for (int j = 0; j < z; j++)
      buf[k++] = '0';
    snprintf(buf + k, sizeof buf - (size_t)k, "1e-%d", z);
    same(buf);
  }
}
END_TEST

START_TEST(test_random_doubles)
{
  struct rng r;
  rng_seed(&r, 20261202, 1);
  char buf[64];
  for (int i = 0; i < 1000000; i++) {
    /* Any finite double, subnormals included, evenly by bit pattern. */
    double v = of_bits(rng_next(&r) & ~(0x7FFULL << 52 & (rng_next(&r) % 50 ? 0 : ~0ULL)));
    if (!isfinite(v))
      v = of_bits(rng_next(&r) >> 2);
    int digits = 1 + (int)(rng_next(&r) % 25);
    snprintf(buf, sizeof buf, "%.*g", digits, v);
    same(buf);
    snprintf(buf, sizeof buf, "%.17g", v);
    same(buf);
  }
  fprintf(stderr, "test_random_doubles: %zu strings as strtod reads them\n", checked);
}
END_TEST

START_TEST(test_random_digits)
{
  struct rng r;
  rng_seed(&r, 7, 2);
  char buf[128];
  for (int i = 0; i < 800000; i++) {
    int nd = 1 + (int)(rng_next(&r) % 40), k = 0, dot = (int)(rng_next(&r) % (unsigned)(nd + 1));
    if (rng_next(&r) & 1)
      buf[k++] = '-';
    for (int j = 0; j < nd; j++) {
      if (j == dot)
        buf[k++] = '.';
      /* Runs of 0 and 9 make the rounding close. */
      uint64_t c = rng_next(&r) % 12;
      buf[k++] = (char)(c < 10 ? '0' + c : c == 10 ? '0' : '9');
    }
    int e = (int)(rng_next(&r) % 700) - 350;
    snprintf(buf + k, sizeof buf - (size_t)k, "e%d", e);
    same(buf);
  }
  fprintf(stderr, "test_random_digits: %zu strings as strtod reads them\n", checked);
}
END_TEST

/* The exact decimal value halfway between two neighbouring doubles (the hardest case: the
 * round-half-even tie) and one just off it either side. */
START_TEST(test_halfway)
{
  struct rng r;
  rng_seed(&r, 99, 3);
  char buf[900];
  for (int i = 0; i < 100000; i++) {
    double a = of_bits(rng_next(&r) >> 1 & ~(1ULL << 62)); /* positive, below 2 ^ 512 */
    if (i % 4 == 0)
      a = ldexp(1.0 + (double)(rng_next(&r) >> 11) * 0x1p-53, (int)(rng_next(&r) % 120) - 60);
    long double mid = ((long double)a + (long double)nextafter(a, INFINITY)) / 2.0L;
    snprintf(buf, sizeof buf, "%.60Le", mid);
    same(buf);
    size_t len = strlen(buf);
    char *e = strchr(buf, 'e');
    if (!e || len + 1 >= sizeof buf)
      continue;
    /* Just above the halfway point: a 1 in the 61st digit. */
    memmove(e + 1, e, strlen(e) + 1);
    *e = '1';
    same(buf);
  }
  fprintf(stderr, "test_halfway: %zu strings as strtod reads them\n", checked);
}
END_TEST

/* The parser stops where strtod stops, and never reads past len. */
START_TEST(test_length)
{
  const char *s = "1.25e3;x";
  double v;
  ck_assert_uint_eq(st_parse_double(s, 6, &v), 6);
  ck_assert(v == 1250.0);
  ck_assert_uint_eq(st_parse_double(s, 3, &v), 3);
  ck_assert(v == 1.2);
  ck_assert_uint_eq(st_parse_double(s, 5, &v), 4); /* "1.25e": the e is not consumed */
  ck_assert(v == 1.25);
  ck_assert_uint_eq(st_parse_double("abc", 3, &v), 0);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("numparse");
  TCase *tc = tcase_create("strtod");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_edge_cases);
  tcase_add_test(tc, test_random_doubles);
  tcase_add_test(tc, test_random_digits);
  tcase_add_test(tc, test_halfway);
  tcase_add_test(tc, test_length);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
