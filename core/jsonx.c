#include "config.h"
#include "core/jsonx.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *jx_real(double v) { return isfinite(v) ? json_real(v) : json_null(); }

/* IEEE 754 binary64: sign, 11 exponent bits biased by 1023, 52 fraction bits; exponent 0
 * is zero or subnormal (0.f x 2^-1022). */
/* v as printf's "%a" writes it, into s (at least 32 bytes); its length.  Not finite:
 * "nan", "inf" or "-inf", as strtod reads them. */
static size_t hex_double(double v, char *s)
{
  if (!isfinite(v))
    return (size_t)sprintf(s, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
  static const char hex[] = "0123456789abcdef";
  uint64_t b;
  memcpy(&b, &v, sizeof b);
  char *p = s;
  if (b >> 63)
    *p++ = '-';
  int e = (int)((b >> 52) & 0x7ff);
  uint64_t f = b & ((UINT64_C(1) << 52) - 1);
  *p++ = '0';
  *p++ = 'x';
  *p++ = e ? '1' : '0';
  if (f) {
    *p++ = '.';
    for (int shift = 48; f; shift -= 4) { /* nibbles, high first, none past the last 1 */
      *p++ = hex[(f >> shift) & 0xf];
      f &= (UINT64_C(1) << shift) - 1;
    }
  }
  int x = e ? e - 1023 : (b << 1 ? -1022 : 0);
  *p++ = 'p';
  *p++ = x < 0 ? '-' : '+';
  char d[8];
  int n = 0;
  for (unsigned u = (unsigned)abs(x); n == 0 || u; u /= 10)
    d[n++] = (char)('0' + u % 10);
  while (n)
    *p++ = d[--n];
  *p = '\0';
  return (size_t)(p - s);
}

json_t *jx_real_hex(double v)
{
  if (!isfinite(v))
    return json_null();
  char s[32];
  hex_double(v, s);
  return json_string_nocheck(s);
}

json_t *jx_reals_hex(const double *v, size_t n)
{
  char *s = malloc(n * 32 + 1), *p = s;
  if (!s)
    return NULL;
  *p = '\0';
  for (size_t i = 0; i < n; i++) {
    if (i)
      *p++ = ' ';
    p += hex_double(v[i], p);
  }
  json_t *j = json_stringn_nocheck(s, (size_t)(p - s));
  free(s);
  return j;
}

int jx_reals_read(const json_t *j, double *out, size_t n)
{
  if (json_is_array(j)) {
    if (json_array_size(j) != n)
      return -1;
    for (size_t i = 0; i < n; i++)
      if (jx_number_or_hex(json_array_get(j, i), &out[i]) < 0)
        return -1;
    return 0;
  }
  const char *p = json_string_value(j);
  if (!p)
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (i && *p++ != ' ')
      return -1;
    if (*p == ' ' || *p == '\0')
      return -1;
    char *end;
    out[i] = strtod(p, &end);
    if (end == p)
      return -1;
    p = end;
  }
  return *p == '\0' ? 0 : -1;
}

int jx_number_or_hex(const json_t *v, double *out)
{
  if (json_is_number(v) || json_is_null(v)) {
    *out = json_number_value(v);
    return 0;
  }
  const char *s = json_string_value(v);
  const char *h = s && (s[0] == '-') ? s + 1 : s;
  if (!h || h[0] != '0' || (h[1] != 'x' && h[1] != 'X'))
    return -1;
  char *end;
  double d = strtod(s, &end);
  if (end == s || *end != '\0' || !isfinite(d))
    return -1;
  *out = d;
  return 0;
}

static const json_t *field(const json_t *obj, const char *key, int required, int *rc,
                           char *err, size_t errlen)
{
  const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
  if (!v || json_is_null(v)) {
    if (required) {
      snprintf(err, errlen, "%s: missing", key);
      *rc = -1;
    } else
      *rc = 1;
    return NULL;
  }
  *rc = 0;
  return v;
}

int jx_double(const json_t *obj, const char *key, int required, double min, double max,
              double *out, char *err, size_t errlen)
{
  int rc;
  const json_t *v = field(obj, key, required, &rc, err, errlen);
  if (!v)
    return rc;
  if (!json_is_number(v)) {
    snprintf(err, errlen, "%s: not a number", key);
    return -1;
  }
  double d = json_number_value(v);
  if (!isfinite(d) || d < min || d > max) {
    snprintf(err, errlen, "%s: %g out of range [%g, %g]", key, d, min, max);
    return -1;
  }
  *out = d;
  return 0;
}

int jx_int(const json_t *obj, const char *key, int required, long long min, long long max,
           long long *out, char *err, size_t errlen)
{
  int rc;
  const json_t *v = field(obj, key, required, &rc, err, errlen);
  if (!v)
    return rc;
  if (!json_is_integer(v)) {
    snprintf(err, errlen, "%s: not an integer", key);
    return -1;
  }
  long long i = json_integer_value(v);
  if (i < min || i > max) {
    snprintf(err, errlen, "%s: %lld out of range [%lld, %lld]", key, i, min, max);
    return -1;
  }
  *out = i;
  return 0;
}

int jx_bool(const json_t *obj, const char *key, int required, int *out, char *err,
            size_t errlen)
{
  int rc;
  const json_t *v = field(obj, key, required, &rc, err, errlen);
  if (!v)
    return rc;
  if (!json_is_boolean(v)) {
    snprintf(err, errlen, "%s: not true or false", key);
    return -1;
  }
  *out = json_is_true(v);
  return 0;
}

int jx_string(const json_t *obj, const char *key, int required, char *out, size_t n, char *err,
              size_t errlen)
{
  int rc;
  const json_t *v = field(obj, key, required, &rc, err, errlen);
  if (!v)
    return rc;
  if (!json_is_string(v)) {
    snprintf(err, errlen, "%s: not a string", key);
    return -1;
  }
  const char *s = json_string_value(v);
  size_t len = json_string_length(v);
  if (len >= n || strlen(s) != len) {
    snprintf(err, errlen, "%s: longer than %zu characters or holds NUL", key, n - 1);
    return -1;
  }
  memcpy(out, s, len + 1);
  return 0;
}
