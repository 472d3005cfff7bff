/* Reading a series from a text file, gzip-compressed or not, as counters and archives
 * write it: in blocks of a megabyte, each line split into fields where they are needed,
 * the numbers read by stats/numparse.c (strtod's result at a fraction of its cost). */
#include "config.h"
#include "stats/stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "stats/loadtime.h"
#include "stats/numparse.h"

#define BLOCK (1u << 20)

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
static int ends_field(char c) { return is_blank(c) || c == ',' || c == ';' || c == '#'; }

/* Field k (1-based) of the line [p, end): 1 with [*fs, *fe) set (maybe empty), 0 when the
 * line has fewer fields. */
static int get_field(const char *p, const char *end, unsigned k, const char **fs,
                     const char **fe)
{
  for (unsigned i = 1;; i++) {
    while (p < end && is_blank(*p))
      p++;
    if (p == end || *p == '#')
      return 0;
    const char *q = p;
    while (q < end && !ends_field(*q))
      q++;
    if (i == k) {
      *fs = p;
      *fe = q;
      return 1;
    }
    p = q;
    while (p < end && is_blank(*p))
      p++;
    if (p < end && (*p == ',' || *p == ';'))
      p++;
    else if (p == q) /* '#' */
      return 0;
    if (i + 1 == k) { /* an empty field between two separators */
      const char *r = p;
      while (r < end && is_blank(*r))
        r++;
      if (r < end && (*r == ',' || *r == ';')) {
        *fs = *fe = r;
        return 1;
      }
    }
  }
}

int st_load_fail(struct st_loader *L, const char *what, const char *fs, const char *fe)
{
  size_t len = (size_t)(fe - fs);
  snprintf(L->err, L->errlen, "%s:%zu: %s: '%.*s'%s", L->name, L->lineno, what,
           (int)(len > 60 ? 60 : len), fs, len > 60 ? "..." : "");
  return -1;
}

/* The value in [fs, fe): 0 with *v (NaN for a gap), or -1. */
static int parse_value(struct st_loader *L, const char *fs, const char *fe, double *v)
{
  size_t len = (size_t)(fe - fs);
  if (len == 0) {
    *v = NAN;
    return 0;
  }
  if (st_parse_double(fs, len, v) != len)
    return st_load_fail(L, "not a number", fs, fe);
  if (L->o->gap_marker &&
      ((L->marker_is_num && *v == L->marker) ||
       (strlen(L->o->gap_marker) == len && memcmp(fs, L->o->gap_marker, len) == 0))) {
    *v = NAN;
    return 0;
  }
  if (isinf(*v)) {
    const char *d = fs + (*fs == '-' || *fs == '+');
    return st_load_fail(L, (*d >= '0' && *d <= '9') || *d == '.'
                               ? "a number beyond a double's range"
                               : "not a finite number",
                        fs, fe);
  }
  return 0;
}

int st_load_push(struct st_loader *L, double v)
{
  struct st_series *s = L->s;
  if (s->n == L->cap) {
    size_t cap = L->cap ? 2 * L->cap : 4096;
    double *nv = realloc(s->v, sizeof(double) * cap);
    if (!nv) {
      snprintf(L->err, L->errlen, "%s: out of memory after %zu values", L->name, s->n);
      return -1;
    }
    s->v = nv;
    L->cap = cap;
  }
  if (isnan(v)) {
    s->ngap++;
    if (!s->first_gap_line)
      s->first_gap_line = L->lineno;
  }
  s->v[s->n++] = v;
  return 0;
}

/* One line [p, end), without its newline. */
static int do_line(struct st_loader *L, const char *p, const char *end)
{
  while (p < end && is_blank(*p))
    p++;
  if (p == end || *p == '#')
    return 0;
  const struct st_load_opts *o = L->o;
  const char *fs, *fe;
  if (L->ticc < 0) /* a TICC log, unless the columns are given */
    L->ticc = o->column || o->time_column ? 0 : st_ticc_detect(p, end);
  if (L->ticc > 0)
    return st_ticc_line(L, p, end);
  double v = NAN;
  if (get_field(p, end, o->column ? o->column : 1, &fs, &fe) && parse_value(L, fs, fe, &v))
    return -1;
  if (!o->time_column)
    return st_load_push(L, v);
  if (!get_field(p, end, o->time_column, &fs, &fe) || fs == fe)
    return st_load_fail(L, "no time in the time column", p, end);
  double t;
  if (st_parse_time(L, fs, fe, &t) != 0)
    return -1;
  return st_load_timed(L, t, v);
}

/* Every whole line in buf[0 .. len); returns the bytes used (the rest is a partial line),
 * or -1. */
static long do_block(struct st_loader *L, char *buf, size_t len, int last)
{
  size_t at = 0;
  /* The common line, a finite number alone, is read without looking for its end first. */
  int plain = L->ticc == 0 && L->o->column <= 1 && !L->o->time_column && !L->o->gap_marker;
  while (at < len) {
    char c = buf[at];
    if (plain && ((c >= '0' && c <= '9') || c == '-' || c == '.')) {
      double v;
      size_t n = st_parse_double(buf + at, len - at, &v), e = at + n;
      if (n && e < len && buf[e] == '\r')
        e++;
      if (n && e < len && buf[e] == '\n' && isfinite(v)) {
        L->lineno++;
        if (L->s->n < L->cap)
          L->s->v[L->s->n++] = v; /* st_load_push's common case: a number, room for it */
        else if (st_load_push(L, v) != 0)
          return -1;
        at = e + 1;
        continue;
      }
    }
    char *nl = memchr(buf + at, '\n', len - at);
    if (!nl && !last)
      break;
    char *end = nl ? nl : buf + len;
    L->lineno++;
    if (do_line(L, buf + at, end) != 0)
      return -1;
    at = (size_t)(end - buf) + (nl != NULL);
  }
  return (long)at;
}

/* Huge pages for a large array where the kernel gives them on request (MADV_HUGEPAGE): a
 * 1e7-point array is then 40 page faults instead of 20,000.  Advice only: the memory works
 * the same when it is refused. */
static void advise_huge(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
  uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
  uintptr_t e = ((uintptr_t)p + len) & ~(uintptr_t)4095;
  if (e > a)
    (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
  (void)p;
  (void)len;
#endif
}

/* Room for every value at once, from the file's size and the lines of its first block.  An
 * array grown by doubling is moved at each step (realloc's mremap), and the first touch of
 * moved pages cost a tenth of a 1e7-point run on this machine.  Too short an estimate (long
 * comments first) only means the array grows as before. */
static void reserve_values(struct st_loader *L, gzFile f, const char *buf, size_t len)
{
  if (!L->fsize || L->cap || !len || !gzdirect(f))
    return;
  size_t lines = 0;
  for (const char *p = buf, *e = buf + len; (p = memchr(p, '\n', (size_t)(e - p))) != NULL;
       p++)
    lines++;
  double est = (double)L->fsize / (double)len * (double)lines * 1.05 + 4096.0;
  if (!lines || est * sizeof(double) > (double)(SIZE_MAX / 2))
    return;
  size_t cap = (size_t)est;
  double *v = malloc(cap * sizeof(double));
  if (!v)
    return; /* the array grows as it is filled */
  advise_huge(v, cap * sizeof(double));
  L->s->v = v;
  L->cap = cap;
}

static int read_all(struct st_loader *L, gzFile f)
{
  size_t cap = BLOCK, have = 0;
  char *buf = malloc(cap);
  int rc = 0;
  if (!buf) {
    snprintf(L->err, L->errlen, "%s: out of memory", L->name);
    return -1;
  }
  for (;;) {
    if (cap - have < BLOCK / 2) { /* a line longer than the block: make room */
      char *nb = realloc(buf, cap *= 2);
      if (!nb) {
        snprintf(L->err, L->errlen, "%s: out of memory for line %zu", L->name, L->lineno + 1);
        rc = -1;
        break;
      }
      buf = nb;
    }
    int got = gzread(f, buf + have, (unsigned)(cap - have));
    if (got < 0) {
      int zerr;
      const char *zmsg = gzerror(f, &zerr);
      snprintf(L->err, L->errlen, "%s: read error: %s", L->name,
               zerr == Z_ERRNO ? strerror(errno) : zmsg);
      rc = -1;
      break;
    }
    have += (size_t)got;
    reserve_values(L, f, buf, have);
    long used = do_block(L, buf, have, got == 0);
    if (used < 0) {
      rc = -1;
      break;
    }
    memmove(buf, buf + used, have - (size_t)used);
    have -= (size_t)used;
    if (got == 0)
      break;
  }
  free(buf);
  return rc;
}

static int finish(struct st_loader *L)
{
  struct st_series *s = L->s;
  if (L->o->time_column || L->ticc > 1) {
    if (st_load_flush(L) != 0)
      return -1;
    if (L->ndup) {
      snprintf(L->err, L->errlen,
               "%s:%zu: %zu time%s repeat%s the one before (the first here): remove the "
               "duplicates",
               L->name, L->dup_line, L->ndup, L->ndup == 1 ? "" : "s", L->ndup == 1 ? "s" : "");
      return -1;
    }
  }
  size_t real = s->n - s->ngap;
  if (real == 0) {
    snprintf(L->err, L->errlen, "%s: no numbers in the input", L->name);
    return -1;
  }
  if (L->cap > s->n + s->n / 8 + 4096) { /* a generous estimate: give back what is unused */
    double *v = realloc(s->v, sizeof(double) * s->n);
    if (v)
      s->v = v;
  }
  s->nlines = L->lineno;
  s->format = L->ticc == 1   ? "ticc interval"
              : L->ticc == 2 ? "ticc timestamp"
              : L->ticc == 3 ? "ticc timelab"
                             : "plain";
  return 0;
}

int st_load_series(const char *path, const struct st_load_opts *o, struct st_series *s,
                   char *err, size_t errlen)
{
  int is_stdin = strcmp(path, "-") == 0;
  struct st_loader L = {.name = is_stdin ? "stdin" : path, .o = o, .s = s, .err = err,
                        .errlen = errlen, .ticc = -1, .pend_a = NAN,
                        .pend_b = NAN};
  *s = (struct st_series){0};
  s->tau0 = o->tau0;
  if (o->gap_marker) {
    size_t ml = strlen(o->gap_marker);
    L.marker_is_num = ml > 0 && st_parse_double(o->gap_marker, ml, &L.marker) == ml;
  }
  if (o->time_column && o->time_column == (o->column ? o->column : 1)) {
    snprintf(err, errlen, "the time column and the value column are both %u", o->time_column);
    return -1;
  }
  gzFile f = is_stdin ? gzdopen(dup(STDIN_FILENO), "rb") : gzopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: %s", L.name, errno ? strerror(errno) : "cannot open");
    return -1;
  }
  struct stat st;
  int known = is_stdin ? fstat(STDIN_FILENO, &st) == 0 : stat(path, &st) == 0;
  if (known && S_ISREG(st.st_mode)) /* an estimate of the values' number, no more */
    L.fsize = (size_t)st.st_size;
  gzbuffer(f, BLOCK);
  int rc = read_all(&L, f);
  gzclose(f);
  if (rc == 0)
    rc = finish(&L);
  if (rc != 0)
    st_series_free(s);
  return rc;
}

void st_series_free(struct st_series *s)
{
  free(s->v);
  s->v = NULL;
  s->n = 0;
}

int st_load(const char *path, double **vals, size_t *n, char *err, size_t errlen)
{
  struct st_load_opts o = {0};
  struct st_series s;
  *vals = NULL;
  *n = 0;
  if (st_load_series(path, &o, &s, err, errlen) != 0)
    return -1;
  if (s.ngap) {
    snprintf(err, errlen, "%s:%zu: not a finite number (a gap: fill or split the data)",
             strcmp(path, "-") == 0 ? "stdin" : path, s.first_gap_line);
    st_series_free(&s);
    return -1;
  }
  *vals = s.v;
  *n = s.n;
  return 0;
}
