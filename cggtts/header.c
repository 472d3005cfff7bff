/* The CGGTTS header: the version line, the KEY = VALUE lines, and the header checksum
 * (BIPM CGGTTS V2E, 2015, section 3: CKSUM is the sum modulo 256 of the ASCII codes of
 * every character of the header from its first line up to and including "CKSUM = ",
 * line ends not counted). */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cggtts/cgint.h"

/* The line's text with runs of blanks as one space and no blanks at either end. */
static void squeeze(const struct cg_line *l, size_t from, size_t to, char *out, size_t n)
{
  size_t k = 0;
  int blank = 0;
  for (size_t i = from; i < to && i < l->len; i++) {
    unsigned char c = (unsigned char)l->p[i];
    if (isspace(c)) {
      blank = k > 0;
      continue;
    }
    if (blank && k + 1 < n)
      out[k++] = ' ';
    blank = 0;
    if (k + 1 < n)
      out[k++] = isprint(c) ? (char)c : '?';
  }
  out[k < n ? k : n - 1] = '\0';
}

static int version_line(struct cggtts_file *f, const struct cg_line *l, char *err,
                        size_t errlen)
{
  char s[128];
  squeeze(l, 0, l->len, s, sizeof s);
  const char *eq = strchr(s, '=');
  if (!strstr(s, "DATA FORMAT VERSION") || !eq) {
    snprintf(err, errlen, "%s:%u: not a CGGTTS file (the first line is not "
             "'CGGTTS GENERIC DATA FORMAT VERSION = 2E' or '... VERSION = 01')", f->name, l->no);
    return -1;
  }
  const char *v = eq + 1 + (eq[1] == ' ');
  if (!strcmp(v, "2E") || !strcmp(v, "02"))
    f->version = 2;
  else if (!strcmp(v, "01"))
    f->version = 1;
  else {
    snprintf(err, errlen, "%s:%u: CGGTTS version '%.16s' is not read (01, 02 and 2E are)",
             f->name, l->no, v);
    return -1;
  }
  return 0;
}

/* "+3970727.80 m", "155.2 ns": the number before the unit. */
static double number(struct cggtts_file *f, unsigned line, const char *key, const char *v,
                     const char *unit)
{
  char *end;
  double x = strtod(v, &end);
  while (*end == ' ')
    end++;
  if (end == v || !isfinite(x) || strncmp(end, unit, strlen(unit)) != 0) {
    cggtts_note(f, CGGTTS_WARN, line, "%s '%.40s' is not a number in %s: ignored", key, v,
                unit);
    return NAN;
  }
  return x;
}

static void copy(char *dst, size_t n, const char *s)
{
  size_t k = strnlen(s, n - 1);
  memcpy(dst, s, k);
  dst[k] = '\0';
}

static void header_value(struct cggtts_file *f, unsigned line, const char *key,
                         const char *v)
{
  static const char *const known[] = {"REV DATE", "CH", "IMS", "COMMENTS", NULL};
  if (!strcmp(key, "RCVR"))
    copy(f->rcvr, sizeof f->rcvr, v);
  else if (!strcmp(key, "LAB"))
    copy(f->lab, sizeof f->lab, v);
  else if (!strcmp(key, "REF"))
    copy(f->ref, sizeof f->ref, v);
  else if (!strcmp(key, "FRAME"))
    copy(f->frame, sizeof f->frame, v);
  else if (!strcmp(key, "X"))
    f->x_m = number(f, line, key, v, "m");
  else if (!strcmp(key, "Y"))
    f->y_m = number(f, line, key, v, "m");
  else if (!strcmp(key, "Z"))
    f->z_m = number(f, line, key, v, "m");
  else if (!strcmp(key, "CAB DLY"))
    f->cab_dly_ns = number(f, line, key, v, "ns");
  else if (!strcmp(key, "REF DLY"))
    f->ref_dly_ns = number(f, line, key, v, "ns");
  else if (!strcmp(key, "INT DLY") || !strcmp(key, "SYS DLY") || !strcmp(key, "TOT DLY"))
    snprintf(f->dly, sizeof f->dly, "%.12s = %.180s", key, v);
  else {
    for (int i = 0; known[i]; i++)
      if (!strcmp(key, known[i]))
        return;
    cggtts_note(f, CGGTTS_WARN, line, "unknown header line '%.60s' ignored", key);
  }
}

static int hexval(const char *s, size_t n)
{
  if (n != 2 || !isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
    return -1;
  char b[3] = {s[0], s[1], '\0'};
  return (int)strtol(b, NULL, 16);
}

/* The CKSUM line: its value against the sums, with and without the line ends. */
static int check_sum(struct cggtts_file *f, const struct cg_line *l, unsigned sum,
                     unsigned sum_eol, unsigned sum_lf, char *err, size_t errlen)
{
  const char *eq = memchr(l->p, '=', l->len);
  size_t v = (size_t)(eq - l->p) + 1;
  while (v < l->len && l->p[v] == ' ')
    v++;
  size_t vlen = 0;
  while (v + vlen < l->len && !isspace((unsigned char)l->p[v + vlen]))
    vlen++;
  int want = hexval(l->p + v, vlen);
  if (want < 0) {
    snprintf(err, errlen, "%s:%u: CKSUM is not two hex digits", f->name, l->no);
    return -1;
  }
  for (size_t i = 0; i < v; i++) {
    unsigned char c = (unsigned char)l->p[i];
    sum += c;
    sum_eol += c;
    sum_lf += c;
  }
  if ((int)(sum % 256) == want)
    return 0;
  if ((int)(sum_eol % 256) == want || (int)(sum_lf % 256) == want) {
    f->hdr_cksum_newlines = 1;
    cggtts_note(f, CGGTTS_WARN, l->no, "header CKSUM %02X counts the line ends (without "
                "them, as V2E defines it: %02X): accepted", (unsigned)want, sum % 256);
    return 0;
  }
  snprintf(err, errlen, "%s:%u: header checksum %02X does not match the header (%02X): "
           "the header is damaged", f->name, l->no, (unsigned)want, sum % 256);
  return -1;
}

int cg_header(struct cggtts_file *f, const struct cg_line *lines, size_t nlines,
              size_t *next, char *err, size_t errlen)
{
  if (nlines == 0) {
    snprintf(err, errlen, "%s: empty, not a CGGTTS file", f->name);
    return -1;
  }
  if (version_line(f, &lines[0], err, errlen) != 0)
    return -1;
  unsigned sum = 0, sum_eol = 0, sum_lf = 0;
  for (size_t i = 0; i < nlines && i < CG_MAX_HEADER; i++) {
    const struct cg_line *l = &lines[i];
    const char *eq = memchr(l->p, '=', l->len);
    char key[64], val[256];
    squeeze(l, 0, eq ? (size_t)(eq - l->p) : l->len, key, sizeof key);
    if (i > 0 && eq && !strcmp(key, "CKSUM")) {
      if (check_sum(f, l, sum, sum_eol, sum_lf, err, errlen) != 0)
        return -1;
      *next = i + 1;
      return 0;
    }
    if (i > 0 && cg_is_column_line(l))
      break;
    unsigned bytes = 0;
    for (size_t k = 0; k < l->len; k++)
      bytes += (unsigned char)l->p[k];
    sum += bytes;
    sum_eol += bytes + (l->eol == 2 ? 13u + 10u : l->eol == 1 ? 10u : 0u);
    sum_lf += bytes + 10u;
    if (i > 0) {
      if (eq) {
        squeeze(l, (size_t)(eq - l->p) + 1, l->len, val, sizeof val);
        header_value(f, l->no, key, val);
      } else if (key[0]) {
        cggtts_note(f, CGGTTS_WARN, l->no, "header line without '=' ignored: '%.60s'", key);
      }
    }
  }
  snprintf(err, errlen, "%s: no CKSUM line ends the header (within %d lines)", f->name,
           CG_MAX_HEADER);
  return -1;
}
