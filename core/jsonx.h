/* JSON helpers on jansson: numbers that may be null, and strict typed field access
 * that names the offending key in its error. */
#ifndef CVD_JSONX_H
#define CVD_JSONX_H

#include <jansson.h>
#include <stddef.h>

/* A JSON real, or null when v is not finite (json_real(NAN) would return NULL). */
json_t *jx_real(double v);

/* A double as exact text that is fast to write: C's hexadecimal form, as printf's "%a"
 * writes it (ISO C 7.21.6.1: "0x1.8p+3", "-0x0p+0", subnormals "0x0.0000000000001p-1022"),
 * which strtod reads back bit for bit; null when v is not finite, as jx_real.  For state
 * the program saves and loads itself, where "%.17g" (glibc's multiple-precision path) was
 * the cost of saving a servo. */
json_t *jx_real_hex(double v);
/* n doubles in one string, each as jx_real_hex writes it (not finite: "nan", "inf",
 * "-inf"), one space between: a vector or matrix saved in one JSON value.  NULL without
 * memory. */
json_t *jx_reals_hex(const double *v, size_t n);
/* n doubles from what jx_reals_hex wrote, or from an array of n values each as
 * jx_number_or_hex reads it; 0, or -1 if j is neither. */
int jx_reals_read(const json_t *j, double *out, size_t n);
/* A value written by jx_real or jx_real_hex: the number, 0 for null (as
 * json_number_value); -1 if it is neither a number, null, nor a whole hexadecimal double. */
int jx_number_or_hex(const json_t *v, double *out);

enum { JX_OPTIONAL = 0, JX_REQUIRED = 1 };

/* Each returns 0 on success; 1 when the key is absent (or null) and optional, leaving
 * *out untouched; -1 with "KEY: message" in err otherwise. */
int jx_double(const json_t *obj, const char *key, int required, double min, double max,
              double *out, char *err, size_t errlen);
int jx_int(const json_t *obj, const char *key, int required, long long min, long long max,
           long long *out, char *err, size_t errlen);
int jx_bool(const json_t *obj, const char *key, int required, int *out, char *err,
            size_t errlen);
int jx_string(const json_t *obj, const char *key, int required, char *out, size_t n, char *err,
              size_t errlen);

/* Compact one-line serialisation, byte for byte as json_dumps(j, JSON_COMPACT |
 * JSON_REAL_PRECISION(17)) (core/jxdump.c), a lone number or string too (as with
 * JSON_ENCODE_ANY); free() the result.  NULL for NULL, without
 * memory, or for a value nested deeper than 2,048 (as one that holds itself). */
char *jx_dump(const json_t *j);

#endif
