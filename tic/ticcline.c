#include "config.h"
#include "tic/ticcline.h"

#include <ctype.h>
#include <string.h>

#define TICC_MAX_S 9000000LL /* 104 days */

/* Seconds with exactly 11 or 12 decimals into picoseconds.  The board counts its
 * timestamps in an int64_t of picoseconds, which ends at 9,223,372 s (106 days); values
 * are taken up to TICC_MAX_S, which leaves the pairing and labelling of timestamps
 * (their sums of a stamp and half a second) room below INT64_MAX.  A board meant to run
 * longer in timestamp mode wraps its timestamps (its WRAP setting). */
static int parse_seconds(const char *s, const char **end, int64_t *ps)
{
  int neg = *s == '-';
  if (neg)
    s++;
  int64_t sec = 0;
  int nd = 0;
  for (; isdigit((unsigned char)*s); s++, nd++) {
    sec = sec * 10 + (*s - '0');
    if (sec > TICC_MAX_S)
      return -1;
  }
  if (nd == 0 || *s++ != '.')
    return -1;
  int64_t frac = 0;
  int nf = 0;
  for (; isdigit((unsigned char)*s); s++, nf++) {
    if (nf == 12)
      return -1;
    frac = frac * 10 + (*s - '0');
  }
  if (nf < 11)
    return -1;
  if (nf == 11)
    frac *= 10;
  int64_t v = sec * 1000000000000LL + frac;
  if (v > TICC_MAX_S * 1000000000000LL)
    return -1;
  *ps = neg ? -v : v;
  *end = s;
  return 0;
}

enum ticc_line ticc_parse_line(const char *line, int64_t *ps)
{
  while (*line == ' ' || *line == '\t')
    line++;
  if (*line == '#' || *line == '\0')
    return TICC_COMMENT;
  const char *p;
  if (parse_seconds(line, &p, ps) != 0 || (*p != ' ' && *p != '\t'))
    return TICC_GARBAGE;
  while (*p == ' ' || *p == '\t')
    p++;
  size_t n = strlen(p);
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
    n--;
  /* Timestamps are never negative; only intervals carry a sign. */
  if (n == 8 && strncmp(p, "TI(A->B)", 8) == 0)
    return TICC_INTERVAL;
  if (*ps < 0)
    return TICC_GARBAGE;
  /* TimeLab mode names the channels without "ch" in some firmware versions. */
  if ((n == 3 && strncmp(p, "chA", 3) == 0) || (n == 1 && *p == 'A'))
    return TICC_CHAN_A;
  if ((n == 3 && strncmp(p, "chB", 3) == 0) || (n == 1 && *p == 'B'))
    return TICC_CHAN_B;
  if (n >= 3 && strncmp(p, "chC", 3) == 0)
    return TICC_CHAN_C;
  return TICC_GARBAGE;
}

const char *ticc_header_mode(const char *line)
{
  static const struct {
    const char *prefix, *mode;
  } h[] = {
      /* Longest first: the TimeLab header also starts with "# timestamp". */
      {"# timestamp chA, chB; interval", "timelab"},
      {"# time interval A->B", "interval"},
      {"# timestamp", "timestamp"},
      {"# period", "period"},
      {"# time1 time2", "debug"},
  };
  for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
    if (strncmp(line, h[i].prefix, strlen(h[i].prefix)) == 0)
      return h[i].mode;
  return NULL;
}
