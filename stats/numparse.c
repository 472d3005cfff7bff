/* Decimal to double, exactly as strtod rounds, without strtod's cost in the common case:
 * see numparse.h for the method and its references. */
#include "config.h"
#include "stats/numparse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats/pow10tab.h"

/* The decimal number w * 10^e10 as read: at most 19 significant digits in w; trunc is
 * set when nonzero digits beyond the 19th were dropped (the true w lies in (w, w + 1)). */
struct decimal {
  uint64_t w;
  int64_t e10;
  int neg, trunc;
};

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Reads digits into d; returns how many digits there were. */
static size_t read_digits(const char *p, size_t len, size_t *i, struct decimal *d, int *nd,
                          int frac)
{
  size_t n = 0;
  for (; *i < len && is_digit(p[*i]); (*i)++, n++) {
    unsigned dig = (unsigned)(p[*i] - '0');
    if (d->w == 0 && dig == 0) {
      d->e10 -= frac; /* a leading zero: only its place counts */
    } else if (*nd < 19) {
      d->w = d->w * 10 + dig;
      (*nd)++;
      d->e10 -= frac;
    } else {
      d->e10 += !frac;
      d->trunc |= dig != 0;
    }
  }
  return n;
}

/* Eight ASCII digits at once (the SWAR step of Lemire's fast_float; little-endian): whether
 * the eight bytes at p are all digits, and their value. */
static inline __attribute__((always_inline)) int eight_digits(const char *p, uint64_t *out)
{
  uint64_t v;
  memcpy(&v, p, 8);
  if (((v + 0x4646464646464646ULL) | (v - 0x3030303030303030ULL)) & 0x8080808080808080ULL)
    return 0;
  v -= 0x3030303030303030ULL;
  v = v * 10 + (v >> 8);
  v = (((v & 0x000000FF000000FFULL) * 0x000F424000000064ULL) +
       (((v >> 16) & 0x000000FF000000FFULL) * 0x0000271000000001ULL)) >>
      32;
  *out = v;
  return 1;
}

/* Digits from p[*j] into *w, eight at a time where it can. */
static inline __attribute__((always_inline)) void run_digits(const char *p, size_t len,
                                                             size_t *j, uint64_t *w)
{
  uint64_t e;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  while (*j + 8 <= len && eight_digits(p + *j, &e)) {
    *w = *w * 100000000 + e;
    *j += 8;
  }
#endif
  while (*j < len && is_digit(p[*j]))
    *w = *w * 10 + (uint64_t)(p[(*j)++] - '0');
}

/* The common case in one tight pass: digits, a point, digits, all accumulated into d->w,
 * the leading zeros skipped.  Returns 0, or -1 when there are more than 19 significant
 * digits (the caller then reads them again the careful way). */
static inline __attribute__((always_inline)) int fast_digits(const char *p, size_t len,
                                                             size_t *i, struct decimal *d,
                                                             size_t *nint, size_t *nfrac)
{
  size_t j = *i, lead = 0, sig;
  uint64_t w = 0;
  while (j < len && p[j] == '0')
    j++;
  lead = j - *i;
  size_t s0 = j;
  run_digits(p, len, &j, &w);
  sig = j - s0;
  *nint = lead + sig;
  int64_t e10 = 0;
  if (j < len && p[j] == '.') {
    size_t f0 = ++j;
    if (w == 0) /* 0.000123: the zeros after the point only scale */
      while (j < len && p[j] == '0')
        j++;
    size_t z = j - f0, g0 = j;
    run_digits(p, len, &j, &w);
    sig += j - g0;
    *nfrac = j - f0;
    e10 = -(int64_t)(z + (j - g0));
  }
  if (sig > 19)
    return -1;
  d->w = w;
  d->e10 = e10;
  *i = j;
  return 0;
}

/* The optional exponent; clamped far beyond any double's range, which strtod then rounds. */
static inline __attribute__((always_inline)) void read_exponent(const char *p, size_t len,
                                                                size_t *i, struct decimal *d)
{
  if (*i >= len || (p[*i] != 'e' && p[*i] != 'E'))
    return;
  size_t j = *i + 1;
  int eneg = 0;
  if (j < len && (p[j] == '+' || p[j] == '-'))
    eneg = p[j++] == '-';
  if (j >= len || !is_digit(p[j]))
    return; /* "1e" or "1e+": the 'e' is not part of the number */
  int64_t e = 0;
  for (; j < len && is_digit(p[j]); j++)
    if (e < 100000000)
      e = e * 10 + (p[j] - '0');
  d->e10 += eneg ? -e : e;
  *i = j;
}

/* Lemire's algorithm (as in Go's strconv.eiselLemire64): 0 when it cannot decide. */
static inline __attribute__((always_inline)) int eisel_lemire(uint64_t man, int64_t e10,
                                                              int neg, double *out)
{
  if (man == 0) {
    *out = neg ? -0.0 : 0.0;
    return 1;
  }
  if (e10 < ST_POW10_MIN || e10 > ST_POW10_MAX)
    return 0;
  const unsigned long long *pw = st_pow10tab[e10 - ST_POW10_MIN];
  int clz = __builtin_clzll(man);
  man <<= clz;
  uint64_t exp2 = (uint64_t)(((217706 * e10) >> 16) + 64 + 1023) - (uint64_t)clz;
  unsigned __int128 x = (unsigned __int128)man * pw[0];
  uint64_t xhi = (uint64_t)(x >> 64), xlo = (uint64_t)x;
  if ((xhi & 0x1FF) == 0x1FF && xlo + man < man) { /* the wider approximation */
    unsigned __int128 y = (unsigned __int128)man * pw[1];
    uint64_t yhi = (uint64_t)(y >> 64), ylo = (uint64_t)y;
    uint64_t mhi = xhi, mlo = xlo + yhi;
    if (mlo < xlo)
      mhi++;
    if ((mhi & 0x1FF) == 0x1FF && mlo + 1 == 0 && ylo + man < man)
      return 0;
    xhi = mhi;
    xlo = mlo;
  }
  uint64_t msb = xhi >> 63, mant = xhi >> (msb + 9);
  exp2 -= 1 ^ msb;
  if (xlo == 0 && (xhi & 0x1FF) == 0 && (mant & 3) == 1)
    return 0; /* exactly halfway: let strtod break the tie */
  mant += mant & 1;
  mant >>= 1;
  if (mant >> 53) {
    mant >>= 1;
    exp2++;
  }
  if (exp2 - 1 >= 0x7FF - 1)
    return 0; /* subnormal, zero or overflow */
  uint64_t bits = exp2 << 52 | (mant & 0x000FFFFFFFFFFFFFULL);
  if (neg)
    bits |= 0x8000000000000000ULL;
  memcpy(out, &bits, sizeof *out);
  return 1;
}

static size_t slow(const char *p, size_t len, double *v)
{
  char small[128], *buf = len < sizeof small ? small : malloc(len + 1);
  if (!buf) { /* cannot happen for a field of a line in memory; still, an answer */
    *v = 0.0;
    return 0;
  }
  memcpy(buf, p, len);
  buf[len] = '\0';
  char *end;
  *v = strtod(buf, &end);
  size_t used = (size_t)(end - buf);
  if (buf != small)
    free(buf);
  return used;
}

static const double exact10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

size_t st_parse_double(const char *p, size_t len, double *v)
{
  struct decimal d = {0, 0, 0, 0};
  size_t i = 0;
  *v = 0.0;
  if (i < len && (p[i] == '+' || p[i] == '-'))
    d.neg = p[i++] == '-';
  if (i >= len || !(is_digit(p[i]) || p[i] == '.'))
    return slow(p, len, v); /* inf, nan, blanks, or no number at all */
  if (p[i] == '0' && i + 1 < len && (p[i + 1] == 'x' || p[i + 1] == 'X'))
    return slow(p, len, v); /* hexadecimal */
  size_t start = i, nint, nfrac = 0;
  if (fast_digits(p, len, &i, &d, &nint, &nfrac) != 0) {
    /* More than 19 significant digits: read them again, keeping the first 19. */
    int nd = 0;
    i = start;
    d.w = 0;
    d.e10 = 0;
    nint = read_digits(p, len, &i, &d, &nd, 0);
    nfrac = 0;
    if (i < len && p[i] == '.') {
      i++;
      nfrac = read_digits(p, len, &i, &d, &nd, 1);
    }
  }
  if (nint + nfrac == 0)
    return 0; /* ".", "-." */
  read_exponent(p, len, &i, &d);
  if (d.w == 0) {
    *v = d.neg ? -0.0 : 0.0;
    return i;
  }
  if (!d.trunc && d.w <= (1ULL << 53) && d.e10 >= -22 && d.e10 <= 22) {
    double w = (double)d.w;
    w = d.e10 < 0 ? w / exact10[-d.e10] : w * exact10[d.e10];
    *v = d.neg ? -w : w;
    return i;
  }
  double a, b;
  if (eisel_lemire(d.w, d.e10, d.neg, &a) &&
      (!d.trunc || (eisel_lemire(d.w + 1, d.e10, d.neg, &b) && a == b))) {
    *v = a;
    return i;
  }
  return slow(p, i, v);
}
