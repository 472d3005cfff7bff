/* A CGGTTS file as a whole: its lines, the header, the column line and the data lines in
 * order, and the summary warnings (cggtts.h). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cggtts/cgint.h"

#define CG_MAX_FILE (64u << 20)

void cggtts_note(struct cggtts_file *f, enum cggtts_level level, unsigned line,
                 const char *fmt, ...)
{
  if (level == CGGTTS_WARN)
    f->warnings++;
  if (f->nmsg >= CGGTTS_MAX_MSGS)
    return;
  struct cggtts_msg *m = &f->msg[f->nmsg++];
  m->level = level;
  m->line = line;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->text, sizeof m->text, fmt, ap);
  va_end(ap);
}

int cggtts_usable(const struct cggtts_track *t) { return !isnan(t->refsys_ns); }

void cggtts_free(struct cggtts_file *f)
{
  free(f->trk);
  f->trk = NULL;
  f->n = f->cap = 0;
}

/* Splits text into lines (LF or CR LF ends); NULL when out of memory. */
static struct cg_line *split(const char *text, size_t len, size_t *n)
{
  size_t cap = 1;
  for (size_t i = 0; i < len; i++)
    cap += text[i] == '\n';
  struct cg_line *l = calloc(cap, sizeof *l);
  if (!l)
    return NULL;
  size_t k = 0, start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && text[i] != '\n')
      continue;
    if (i == len && start == len)
      break;
    size_t end = i;
    size_t eol = i < len ? 1 : 0;
    if (end > start && text[end - 1] == '\r') {
      end--;
      eol += eol;
    }
    l[k] = (struct cg_line){.p = text + start, .len = end - start, .eol = eol,
                            .no = (unsigned)(k + 1)};
    k++;
    start = i + 1;
  }
  *n = k;
  return l;
}

/* After the header: blank lines, the column line, its units line, then data. */
static int body(struct cggtts_file *f, const struct cg_line *l, size_t n, size_t i,
                char *err, size_t errlen)
{
  struct cg_cols c;
  while (i < n && cg_tokens(&l[i], (size_t[1]){0}, (size_t[1]){0}, 0) == 0)
    i++;
  if (i >= n || !cg_is_column_line(&l[i])) {
    snprintf(err, errlen, "%s:%u: the column line (SAT CL MJD STTIME ...) must follow the "
             "header", f->name, i < n ? l[i].no : (n ? l[n - 1].no : 0));
    return -1;
  }
  if (cg_columns(f, &l[i], &c, err, errlen) != 0)
    return -1;
  i++;
  if (i < n && memmem(l[i].p, l[i].len, "hhmmss", 6))
    i++;
  for (; i < n; i++) {
    if (l[i].len > CG_MAX_LINE) {
      f->refused++;
      cggtts_note(f, CGGTTS_REFUSED, l[i].no, "line longer than %d bytes", CG_MAX_LINE);
      continue;
    }
    if (memchr(l[i].p, '\0', l[i].len)) {
      f->refused++;
      cggtts_note(f, CGGTTS_REFUSED, l[i].no, "a NUL byte in the line");
      continue;
    }
    if (cg_data_line(f, &c, &l[i]) != 0) {
      snprintf(err, errlen, "%s: out of memory", f->name);
      return -1;
    }
  }
  return 0;
}

static void summary(struct cggtts_file *f)
{
  if (f->refsys_overflow) {
    unsigned first = 0;
    for (size_t i = 0; i < f->n && !first; i++)
      if (!cggtts_usable(&f->trk[i]))
        first = f->trk[i].line;
    cggtts_note(f, CGGTTS_WARN, first, "%zu of %zu tracks have REFSYS overflowed (all 9s, "
                "'*' or beyond +-1 ms, first here): not used for time transfer",
                f->refsys_overflow, f->n);
  }
  if (f->n == 0)
    cggtts_note(f, CGGTTS_WARN, 0, "no tracks");
}

int cggtts_parse(const char *text, size_t len, const char *name, struct cggtts_file *f,
                 char *err, size_t errlen)
{
  memset(f, 0, sizeof *f);
  snprintf(f->name, sizeof f->name, "%s", name);
  f->x_m = f->y_m = f->z_m = f->cab_dly_ns = f->ref_dly_ns = NAN;
  size_t n = 0, next = 0;
  struct cg_line *l = split(text, len, &n);
  if (!l) {
    snprintf(err, errlen, "%s: out of memory", name);
    return -1;
  }
  for (size_t i = 0; i < n && i < CG_MAX_HEADER; i++)
    if (l[i].len > CG_MAX_LINE || memchr(l[i].p, '\0', l[i].len)) {
      snprintf(err, errlen, "%s:%u: not text (a NUL byte or a line over %d bytes)", name,
               l[i].no, CG_MAX_LINE);
      free(l);
      return -1;
    }
  int rc = cg_header(f, l, n, &next, err, errlen);
  if (rc == 0)
    rc = body(f, l, n, next, err, errlen);
  free(l);
  if (rc != 0) {
    cggtts_free(f);
    return -1;
  }
  summary(f);
  return 0;
}

int cggtts_read(const char *path, struct cggtts_file *f, char *err, size_t errlen)
{
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  int bad = !buf;
  while (!bad) {
    if (len == cap) {
      char *p = cap > CG_MAX_FILE ? NULL : realloc(buf, 2 * cap);
      if (!p) {
        bad = 1;
        break;
      }
      buf = p;
      cap *= 2;
    }
    size_t got = fread(buf + len, 1, cap - len, fp);
    len += got;
    if (got == 0)
      break;
  }
  bad = bad || ferror(fp);
  fclose(fp);
  if (bad) {
    snprintf(err, errlen, "%s: %s", path, len > CG_MAX_FILE ? "larger than 64 MB"
                                          : "read error or out of memory");
    free(buf);
    return -1;
  }
  int rc = cggtts_parse(buf, len, path, f, err, errlen);
  free(buf);
  return rc;
}
