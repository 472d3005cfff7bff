/* jx_dump (core/jxdump.c) against jansson's own json_dumps with the flags it replaces:
 * the same text, byte for byte, for random documents of every JSON type, strings with
 * every kind of character JSON escapes or leaves alone, integers and doubles over their
 * whole range; and a value that holds itself is refused rather than followed forever. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/track.h"
#include "tests/testutil.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17; /* xorshift64 */
  return rng;
}

/* Pieces a string is made of: controls, the escaped '"' and '\\', '/', DEL, plain ASCII,
 * and UTF-8 sequences of two, three and four bytes. */
static size_t piece(char *s)
{
  static const char *const multi[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x7f",
                                      "\"", "\\", "/"};
  switch (next() % 4) {
  case 0:
    s[0] = (char)(next() % 0x20); /* NUL included: jansson strings carry a length */
    return 1;
  case 1: {
    const char *m = multi[next() % (sizeof multi / sizeof *multi)];
    memcpy(s, m, strlen(m));
    return strlen(m);
  }
  default:
    s[0] = (char)(0x20 + next() % 0x5f);
    return 1;
  }
}

static json_t *random_string(void)
{
  char s[256];
  size_t n = 0, pieces = next() % 40;
  for (size_t i = 0; i < pieces; i++)
    n += piece(s + n);
  json_t *j = json_stringn(s, n);
  ck_assert_ptr_nonnull(j);
  return j;
}

static json_t *random_real(void)
{
  static const double nice[] = {0.0, -0.0, 1.0, -2.5, 100.0, 1e20, 1e21, 1e-5, 1e-7, 0.1,
                                123456789012345678.0, 5e-324, 1.7976931348623157e308};
  double v;
  if (next() % 3 == 0) {
    v = nice[next() % (sizeof nice / sizeof *nice)];
  } else {
    do {
      uint64_t b = next();
      memcpy(&v, &b, sizeof v);
    } while (!isfinite(v));
  }
  return json_real(v);
}

static json_t *random_value(int depth)
{
  switch (next() % (depth < 5 ? 9 : 7)) {
  case 0: return json_true();
  case 1: return json_false();
  case 2: return json_null();
  case 3: {
    static const json_int_t edge[] = {0, -1, 9, 10, INT64_MIN, INT64_MAX};
    return json_integer(next() % 2 ? edge[next() % 6] : (json_int_t)next());
  }
  case 4:
  case 5: return random_real();
  case 6: return random_string();
  case 7: {
    json_t *a = json_array();
    for (int i = (int)(next() % 6); i > 0; i--)
      json_array_append_new(a, random_value(depth + 1));
    return a;
  }
  default: {
    json_t *o = json_object();
    for (int i = (int)(next() % 6); i > 0; i--) {
      json_t *k = random_string();
      json_object_setn_new(o, json_string_value(k), json_string_length(k),
                           random_value(depth + 1));
      json_decref(k);
    }
    return o;
  }
  }
}

static void same_as_jansson(const json_t *j)
{
  /* JSON_ENCODE_ANY: jx_dump writes a lone number or string too. */
  char *want = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY);
  char *got = jx_dump(j);
  ck_assert_ptr_nonnull(got);
  ck_assert_msg(want != NULL, "jansson refused %s", got);
  ck_assert_msg(strcmp(want, got) == 0, "jansson: %s\njx_dump: %s", want, got);
  free(want);
  free(got);
}

START_TEST(test_random_documents)
{
  for (int i = 0; i < 20000; i++) {
    json_t *j = random_value(0);
    same_as_jansson(j);
    json_decref(j);
  }
}
END_TEST

START_TEST(test_known_texts)
{
  json_t *j = json_pack("{s:f,s:f,s:f,s:I,s:s,s:[],s:{}}", "a", 1e21, "b", 100.0, "c", 1.5e-7,
                        "d", (json_int_t)INT64_MIN, "e", "tab\there \"q\" \x01 \xc3\xa9", "f",
                        "g");
  char *s = jx_dump(j);
  ck_assert_str_eq(s, "{\"a\":1e21,\"b\":100.0,\"c\":1.4999999999999999e-7,"
                      "\"d\":-9223372036854775808,\"e\":\"tab\\there \\\"q\\\" \\u0001 \xc3\xa9\","
                      "\"f\":[],\"g\":{}}");
  same_as_jansson(j);
  free(s);
  json_decref(j);
}
END_TEST

START_TEST(test_track_text)
{
  struct track t;
  track_init(&t, "r1", INT64_C(1735690200000000000));
  t.value_ns = -12.25;
  t.sigma_ns = 0.1;
  t.osc.freq = -1.25e-10;
  json_t *j = track_to_json(&t);
  same_as_jansson(j);
  json_decref(j);
}
END_TEST

START_TEST(test_loop_refused)
{
  json_t *a = json_array(), *o = json_object();
  json_object_set(o, "a", a);
  json_array_append(a, o); /* a holds o holds a */
  ck_assert_ptr_null(jx_dump(a));
  ck_assert_ptr_null(jx_dump(NULL));
  json_array_clear(a);
  json_decref(a);
  json_decref(o);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("jxdump");
  TCase *tc = tcase_create("jxdump");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_random_documents);
  tcase_add_test(tc, test_known_texts);
  tcase_add_test(tc, test_track_text);
  tcase_add_test(tc, test_loop_refused);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
