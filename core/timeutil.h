/* UTC time arithmetic: int64_t nanoseconds of UTC since the Unix epoch (POSIX time,
 * leap seconds not counted), MJD and second of day, 10-minute common-view slots. */
#ifndef CVD_TIMEUTIL_H
#define CVD_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define NS_PER_S 1000000000LL
#define NS_PER_DAY (86400LL * NS_PER_S)
#define SLOT_S 600
#define SLOT_NS ((int64_t)SLOT_S * NS_PER_S)
#define MJD_UNIX_EPOCH 40587 /* MJD of 1970-01-01 */

/* Floor division, also for negative t (times before 1970). */
int64_t tu_floor_div(int64_t a, int64_t b);

/* Start of the 10-minute UTC slot that holds t (slots start at 00:00, 00:10, ...). */
int64_t tu_slot_start(int64_t t);
/* Midpoint of the slot that starts at slot_start. */
static inline int64_t tu_slot_mid(int64_t slot_start) { return slot_start + SLOT_NS / 2; }

int tu_mjd(int64_t t);               /* MJD of the UTC day that holds t */
int tu_sod(int64_t t);               /* whole seconds since 00:00 UTC of that day */
int64_t tu_from_mjd_sod(int mjd, int sod);

/* The times int64_t nanoseconds hold, and so the times accepted from outside: the years
 * 1678 to 2261 (the range ends on 1677-09-21 and 2262-04-11), and Unix seconds within
 * +-9e9. */
#define TU_MIN_YEAR 1678
#define TU_MAX_YEAR 2261
#define TU_MAX_S 9e9

/* "2025-01-01T00:10:00Z" (with_frac adds ".123456789"); returns buf. */
char *tu_format(int64_t t, char *buf, size_t len, int with_frac);
/* Accepts YYYY-MM-DDTHH:MM:SS[.frac][Z] (a space for the T too) of the years TU_MIN_YEAR
 * to TU_MAX_YEAR, or "@SECONDS" (Unix, finite, within +-TU_MAX_S).  Returns 0, or -1 on
 * anything else. */
int tu_parse(const char *s, int64_t *t);

int64_t tu_wall_ns(void); /* CLOCK_REALTIME */
int64_t tu_mono_ns(void); /* CLOCK_MONOTONIC */

#endif
