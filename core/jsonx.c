#include "config.h"
#include "core/jsonx.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

json_t *jx_real(double v) { return isfinite(v) ? json_real(v) : json_null(); }

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

char *jx_dump(const json_t *j) { return json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17)); }
