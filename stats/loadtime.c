/* Times beside the values: a time column in seconds, MJD or ISO 8601, placed on a grid of
 * step tau0 so that a missing time is a gap; and the TAPR TICC's own logs (its firmware's
 * formats, as tic/ticcline.c reads them live), whose edge times place the readings. */
#include "config.h"
#include "stats/loadtime.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "stats/numparse.h"

int st_parse_time(struct st_loader *L, const char *fs, const char *fe, double *t)
{
  size_t len = (size_t)(fe - fs);
  enum st_timefmt f = L->o->time_format;
  int looks_iso = len >= 10 && fs[4] == '-' && fs[7] == '-';
  if (f == ST_TIME_ISO || (f == ST_TIME_AUTO && looks_iso)) {
    char buf[64];
    int64_t ns;
    if (len >= sizeof buf)
      return st_load_fail(L, "not an ISO 8601 time", fs, fe);
    memcpy(buf, fs, len);
    buf[len] = '\0';
    if (tu_parse(buf, &ns) != 0)
      return st_load_fail(L, "not an ISO 8601 time (YYYY-MM-DDTHH:MM:SS[.frac][Z])", fs, fe);
    if (!L->have_iso0) {
      L->have_iso0 = 1;
      L->iso0 = ns;
      L->s->t0 = (double)ns * 1e-9;
    }
    L->iso = 1;
    L->scale = 1.0;
    *t = (double)(ns - L->iso0) * 1e-9; /* from the first: no digits lost to 1.7e9 s */
    return 0;
  }
  if (st_parse_double(fs, len, t) != len || !isfinite(*t))
    return st_load_fail(L, f == ST_TIME_MJD ? "not an MJD" : "not a time in seconds", fs, fe);
  if (f == ST_TIME_MJD)
    L->scale = 86400.0;
  if (L->scale > 0.0)
    *t *= L->scale;
  return 0;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The grid's unit and step from the buffered times: tau0 the median of the positive steps;
 * numbers between 15000 and 99999 a small fraction apart are MJD, unless told. */
static int derive_grid(struct st_loader *L)
{
  double d[ST_PEND];
  size_t k = 0;
  for (size_t i = 1; i < L->npend; i++)
    if (L->pt[i] > L->pt[i - 1])
      d[k++] = L->pt[i] - L->pt[i - 1];
  double step = 0.0;
  if (k) {
    qsort(d, k, sizeof d[0], cmp_double);
    step = d[(k - 1) / 2]; /* the lower median: with few steps, the shorter */
  }
  if (L->scale == 0.0) {
    int mjd = L->o->time_format == ST_TIME_AUTO && L->pt[0] >= 15000.0 && L->pt[0] < 1e5 &&
              k > 0 && step < 0.01;
    L->scale = mjd ? 86400.0 : 1.0;
    for (size_t i = 0; i < L->npend; i++)
      L->pt[i] *= L->scale;
    step *= L->scale;
    if (mjd)
      L->s->t0 = L->pt[0];
    else if (!L->iso)
      L->s->t0 = L->pt[0];
  }
  if (!(L->s->tau0 > 0.0)) {
    if (!(step > 0.0)) {
      snprintf(L->err, L->errlen, "%s: the times do not advance: tau0 cannot be found", L->name);
      return -1;
    }
    L->s->tau0 = step;
  }
  return 0;
}

/* Places v at time t (seconds) after the last placed value. */
static int place(struct st_loader *L, double t, double v, size_t line)
{
  if (!L->placed) {
    L->placed = 1;
    L->tprev = t;
    return st_load_push(L, v);
  }
  double steps = (t - L->tprev) / L->s->tau0;
  if (steps < -0.5) {
    snprintf(L->err, L->errlen, "%s:%zu: the time goes back by %.6g s", L->name, line,
             L->tprev - t);
    return -1;
  }
  if (steps < 0.5) { /* the same grid point again */
    if (L->ndup++ == 0)
      L->dup_line = line;
    return 0;
  }
  if (steps > 1e9) {
    snprintf(L->err, L->errlen, "%s:%zu: the time jumps by %.6g s, %.3g steps of tau0",
             L->name, line, t - L->tprev, steps);
    return -1;
  }
  size_t k = (size_t)llround(steps);
  size_t save = L->lineno;
  L->lineno = line;
  for (size_t i = 1; i < k; i++) /* the missing times: gaps */
    if (st_load_push(L, NAN) != 0)
      return -1;
  L->s->nmissing += k - 1;
  L->lineno = save;
  L->tprev = t; /* each step from the last: a timebase's drift never accumulates */
  return st_load_push(L, v);
}

int st_load_flush(struct st_loader *L)
{
  if (L->npend == 0)
    return 0;
  if (derive_grid(L) != 0)
    return -1;
  for (size_t i = 0; i < L->npend; i++)
    if (place(L, L->pt[i], L->pv[i], L->pline[i]) != 0)
      return -1;
  L->npend = 0;
  return 0;
}

int st_load_timed(struct st_loader *L, double t, double v)
{
  if (L->placed)
    return place(L, t, v, L->lineno);
  L->pt[L->npend] = t;
  L->pv[L->npend] = v;
  L->pline[L->npend++] = L->lineno;
  return L->npend == ST_PEND ? st_load_flush(L) : 0;
}

/* The first two blank-separated tokens of [p, end). */
static void two_tokens(const char *p, const char *end, const char **a, const char **ae,
                       const char **b, const char **be)
{
  *a = p;
  while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
    p++;
  *ae = p;
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  *b = p;
  while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
    p++;
  *be = p;
}

static int tok_is(const char *b, const char *be, const char *word)
{
  size_t n = strlen(word);
  return (size_t)(be - b) == n && memcmp(b, word, n) == 0;
}

int st_ticc_detect(const char *p, const char *end)
{
  const char *a, *ae, *b, *be;
  two_tokens(p, end, &a, &ae, &b, &be);
  if (tok_is(b, be, "TI(A->B)"))
    return 1;
  if (tok_is(b, be, "chA") || tok_is(b, be, "chB"))
    return 2;
  if (tok_is(b, be, "A") || tok_is(b, be, "B") || tok_is(b, be, "chC"))
    return 3;
  return 0;
}

int st_ticc_line(struct st_loader *L, const char *p, const char *end)
{
  const char *a, *ae, *b, *be;
  two_tokens(p, end, &a, &ae, &b, &be);
  double x;
  if (st_parse_double(a, (size_t)(ae - a), &x) != (size_t)(ae - a) || !isfinite(x))
    return st_load_fail(L, "not a TICC reading", p, end);
  if (L->scale == 0.0)
    L->scale = 1.0;
  if (L->ticc == 1) {
    if (!tok_is(b, be, "TI(A->B)"))
      return st_load_fail(L, "not a TICC interval reading ('x TI(A->B)')", p, end);
    return st_load_push(L, x);
  }
  int is_a = tok_is(b, be, L->ticc == 2 ? "chA" : "A");
  int is_b = tok_is(b, be, L->ticc == 2 ? "chB" : "B");
  if (L->ticc == 3 && tok_is(b, be, "chC")) { /* x = B - A of the edges before it */
    if (isnan(L->pend_a))
      return 0;
    double t = L->pend_a;
    L->pend_a = NAN;
    return st_load_timed(L, t, x);
  }
  if (!is_a && !is_b)
    return st_load_fail(L, L->ticc == 2 ? "not a TICC timestamp ('t chA' or 't chB')"
                                        : "not a TICC TimeLab line ('t A', 't B', 'x chC')",
                        p, end);
  if (L->ticc == 3) {
    if (is_a)
      L->pend_a = x;
    return 0;
  }
  /* Timestamp mode: pair each chA with the chB within half a second, B - A at A's time. */
  double other = is_a ? L->pend_b : L->pend_a;
  if (!isnan(other) && fabs(x - other) < 0.5) {
    double ta = is_a ? x : other, tb = is_a ? other : x;
    L->pend_a = L->pend_b = NAN;
    return st_load_timed(L, ta, tb - ta);
  }
  if (is_a)
    L->pend_a = x;
  else
    L->pend_b = x;
  return 0;
}
