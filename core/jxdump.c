/* jx_dump: a jansson value as compact JSON text (RFC 8259), byte for byte as jansson's
 * json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17)) writes it, at a fraction of its
 * cost: jansson decodes every character of every string as UTF-8 in a function call of its
 * own, and formats each object's address with snprintf to look for loops.  Here a string
 * is copied in runs between the characters JSON must escape (jansson checked its UTF-8
 * when the value was made), and depth is bounded instead (a value that holds itself is
 * refused as too deep).  Issue 13: dumps were 6 to 8 % of the server's CPU at ingest. */
#include "config.h"
#include "core/jsonx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than any document of cvd's; as jansson's parser's own limit. */
#define JX_DUMP_MAX_DEPTH 2048

struct out {
  char *p;
  size_t n, cap;
  int bad; /* out of memory, or too deep */
};

static void put(struct out *o, const char *s, size_t n)
{
  if (o->bad || n == 0)
    return;
  if (o->n + n + 1 > o->cap) {
    size_t cap = o->cap ? o->cap : 256;
    while (o->n + n + 1 > cap)
      cap *= 2;
    char *p = realloc(o->p, cap);
    if (!p) {
      o->bad = 1;
      return;
    }
    o->p = p;
    o->cap = cap;
  }
  memcpy(o->p + o->n, s, n);
  o->n += n;
}

/* RFC 8259 section 7: '"', '\\' and the controls below 0x20 must be escaped; jansson uses
 * the two-character forms where JSON has them and \u00XX (upper-case hexadecimal) for the
 * rest, and leaves '/' and everything from 0x7f up as they are. */
static void put_string(struct out *o, const char *s, size_t n)
{
  static const char hex[] = "0123456789ABCDEF";
  put(o, "\"", 1);
  size_t from = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    put(o, s + from, i - from);
    from = i + 1;
    char e[6] = {'\\', 0};
    size_t len = 2;
    switch (c) {
    case '"': e[1] = '"'; break;
    case '\\': e[1] = '\\'; break;
    case '\b': e[1] = 'b'; break;
    case '\f': e[1] = 'f'; break;
    case '\n': e[1] = 'n'; break;
    case '\r': e[1] = 'r'; break;
    case '\t': e[1] = 't'; break;
    default:
      memcpy(e + 1, "u00", 3);
      e[4] = hex[c >> 4];
      e[5] = hex[c & 15];
      len = 6;
    }
    put(o, e, len);
  }
  put(o, s + from, n - from);
  put(o, "\"", 1);
}

static void put_integer(struct out *o, json_int_t v)
{
  char s[24], *p = s + sizeof s;
  /* Through unsigned, so that the most negative value negates without overflow. */
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  do
    *--p = (char)('0' + u % 10);
  while ((u /= 10) != 0);
  if (v < 0)
    *--p = '-';
  put(o, p, (size_t)(s + sizeof s - p));
}

/* As jansson's jsonp_dtostr: "%.17g" (17 digits tell every double apart, IEEE 754-2008
 * section 5.12.2), then ".0" when that reads as an integer, and the exponent without '+'
 * or leading zeros ("1e+20" is "1e20").  jansson makes no real that is not finite. */
static void put_real(struct out *o, double v)
{
  char s[40];
  int len = snprintf(s, sizeof s, "%.17g", v);
  if (len < 0 || (size_t)len >= sizeof s - 3) {
    o->bad = 1;
    return;
  }
  char *e = strchr(s, 'e');
  if (!e && !strchr(s, '.')) {
    memcpy(s + len, ".0", 3);
    len += 2;
  }
  if (e) {
    char *start = e + 1, *end = e + 2;
    if (*start == '-')
      start++;
    while (*end == '0')
      end++;
    if (end != start) {
      memmove(start, end, (size_t)(s + len - end) + 1);
      len -= (int)(end - start);
    }
  }
  put(o, s, (size_t)len);
}

static void put_value(struct out *o, const json_t *j, int depth)
{
  if (o->bad)
    return;
  if (depth > JX_DUMP_MAX_DEPTH) {
    o->bad = 1;
    return;
  }
  switch (json_typeof(j)) {
  case JSON_OBJECT: {
    put(o, "{", 1);
    int first = 1;
    /* jansson iterates an object in the order its keys were set, as json_dumps does. */
    for (void *it = json_object_iter((json_t *)j); it; it = json_object_iter_next((json_t *)j, it)) {
      if (!first)
        put(o, ",", 1);
      first = 0;
      put_string(o, json_object_iter_key(it), json_object_iter_key_len(it));
      put(o, ":", 1);
      put_value(o, json_object_iter_value(it), depth + 1);
    }
    put(o, "}", 1);
    break;
  }
  case JSON_ARRAY:
    put(o, "[", 1);
    for (size_t i = 0; i < json_array_size(j); i++) {
      if (i)
        put(o, ",", 1);
      put_value(o, json_array_get(j, i), depth + 1);
    }
    put(o, "]", 1);
    break;
  case JSON_STRING:
    put_string(o, json_string_value(j), json_string_length(j));
    break;
  case JSON_INTEGER:
    put_integer(o, json_integer_value(j));
    break;
  case JSON_REAL:
    put_real(o, json_real_value(j));
    break;
  case JSON_TRUE:
    put(o, "true", 4);
    break;
  case JSON_FALSE:
    put(o, "false", 5);
    break;
  case JSON_NULL:
    put(o, "null", 4);
    break;
  }
}

char *jx_dump(const json_t *j)
{
  if (!j)
    return NULL;
  struct out o = {0};
  put_value(&o, j, 0);
  if (o.bad) {
    free(o.p);
    return NULL;
  }
  o.p[o.n] = '\0';
  return o.p;
}
