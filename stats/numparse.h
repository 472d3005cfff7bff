/* A decimal number parser that returns exactly the double strtod returns, several times
 * faster: the digits are read once into a 64-bit integer and a power of ten, then
 * - Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately",
 *   PLDI 1990): a mantissa below 2^53 times an exact power of ten up to 1e22 is one
 *   correctly rounded IEEE operation;
 * - otherwise the Eisel-Lemire algorithm (D. Lemire, "Number parsing at a gigabyte per
 *   second", Software: Practice and Experience 51(8), 2021): a 64 x 128-bit product with
 *   the power's truncated mantissa, accepted only when the rounding it implies cannot be
 *   changed by the truncation;
 * - every other input (more than 19 significant digits whose rounding the truncated digits
 *   could change, exact halfway cases, subnormals, overflow, hexadecimal, inf and nan) goes
 *   to strtod itself, so the result is strtod's in every case.
 * Round to nearest, the C locale's '.' as the decimal point. */
#ifndef CVD_STATS_NUMPARSE_H
#define CVD_STATS_NUMPARSE_H

#include <stddef.h>

/* Parses the number at the start of p[0 .. len-1] (no leading blanks, as strtod would skip)
 * into *v.  Returns the number of characters strtod would consume: 0 when there is no
 * number (then *v is 0).  p need not be NUL-terminated. */
size_t st_parse_double(const char *p, size_t len, double *v);

#endif
