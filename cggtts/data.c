/* CGGTTS data lines, read by the file's column line (BIPM CGGTTS V2E, 2015, section 4 and
 * its table of the data line; version 01 alike): fields split at blanks, the line's
 * checksum (the sum modulo 256 of its bytes before CK), each field's overflow marker
 * (all '*', or all 9s of the field's full width) and range. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cggtts/cgint.h"

struct col_def {
  const char *name, *alias; /* version 01 says PRN, REFGPS, SRGPS */
  int digits;               /* of the full-width value (its overflow marker), 0: none */
  double lo, hi;            /* range of the value as written (units of the file) */
};

static const struct col_def cols[CG_NCOL] = {
    [CG_SAT] = {"SAT", "PRN", 0, 0, 0},
    [CG_CL] = {"CL", NULL, 0, 0, 0},
    [CG_MJD] = {"MJD", NULL, 0, 40000, 99999},
    [CG_STTIME] = {"STTIME", NULL, 0, 0, 235959},
    [CG_TRKL] = {"TRKL", NULL, 0, 0, 9999},
    [CG_ELV] = {"ELV", NULL, 3, 0, 900},
    [CG_AZTH] = {"AZTH", NULL, 4, 0, 3600},
    [CG_REFSV] = {"REFSV", NULL, 10, -9999999999.0, 9999999999.0},
    [CG_SRSV] = {"SRSV", NULL, 5, -99999, 99999},
    [CG_REFSYS] = {"REFSYS", "REFGPS", 10, -9999999999.0, 9999999999.0},
    [CG_SRSYS] = {"SRSYS", "SRGPS", 5, -99999, 99999},
    [CG_DSG] = {"DSG", NULL, 4, 0, 9999},
    [CG_IOE] = {"IOE", NULL, 3, 0, 999},
    [CG_MDTR] = {"MDTR", NULL, 4, 0, 9999},
    [CG_SMDT] = {"SMDT", NULL, 3, -999, 999},
    [CG_MDIO] = {"MDIO", NULL, 4, 0, 9999},
    [CG_SMDI] = {"SMDI", NULL, 3, -999, 999},
    [CG_MSIO] = {"MSIO", NULL, 4, -9999, 9999},
    [CG_SMSI] = {"SMSI", NULL, 3, -999, 999},
    [CG_ISG] = {"ISG", NULL, 3, 0, 999},
    [CG_FR] = {"FR", NULL, 0, -99, 99},
    [CG_HC] = {"HC", NULL, 0, -99, 99},
    [CG_FRC] = {"FRC", NULL, 0, 0, 0},
    [CG_CK] = {"CK", NULL, 0, 0, 0},
};

int cg_tokens(const struct cg_line *l, size_t *start, size_t *len, int max)
{
  int n = 0;
  size_t i = 0;
  while (i < l->len) {
    while (i < l->len && (l->p[i] == ' ' || l->p[i] == '\t'))
      i++;
    if (i >= l->len)
      break;
    if (n == max)
      return max + 1;
    start[n] = i;
    while (i < l->len && l->p[i] != ' ' && l->p[i] != '\t')
      i++;
    len[n] = i - start[n];
    n++;
  }
  return n;
}

static int col_kind(const char *s, size_t n)
{
  for (int k = 0; k < CG_NCOL; k++) {
    const char *a = cols[k].name, *b = cols[k].alias;
    if ((strlen(a) == n && !memcmp(a, s, n)) || (b && strlen(b) == n && !memcmp(b, s, n)))
      return k;
  }
  return CG_UNKNOWN;
}

int cg_is_column_line(const struct cg_line *l)
{
  size_t st[CG_MAX_COLS], ln[CG_MAX_COLS];
  int n = cg_tokens(l, st, ln, CG_MAX_COLS), mjd = 0, sttime = 0;
  for (int i = 0; i < n && i < CG_MAX_COLS; i++) {
    int k = col_kind(l->p + st[i], ln[i]);
    mjd |= k == CG_MJD;
    sttime |= k == CG_STTIME;
  }
  return mjd && sttime;
}

int cg_columns(struct cggtts_file *f, const struct cg_line *l, struct cg_cols *c, char *err,
               size_t errlen)
{
  size_t st[CG_MAX_COLS], ln[CG_MAX_COLS];
  int n = cg_tokens(l, st, ln, CG_MAX_COLS), seen[CG_NCOL] = {0};
  if (n > CG_MAX_COLS) {
    snprintf(err, errlen, "%s:%u: more than %d columns in the column line", f->name, l->no,
             CG_MAX_COLS);
    return -1;
  }
  c->n = n;
  for (int i = 0; i < n; i++) {
    int k = col_kind(l->p + st[i], ln[i]);
    if (k != CG_UNKNOWN && seen[k]++) {
      snprintf(err, errlen, "%s:%u: column %s named twice", f->name, l->no, cols[k].name);
      return -1;
    }
    c->kind[i] = k;
    if (k == CG_UNKNOWN)
      cggtts_note(f, CGGTTS_WARN, l->no, "unknown column '%.*s' ignored", (int)ln[i],
                  l->p + st[i]);
  }
  static const int need[] = {CG_SAT, CG_MJD, CG_STTIME, CG_TRKL, CG_REFSYS, CG_CK};
  for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
    if (!seen[need[i]]) {
      snprintf(err, errlen, "%s:%u: the column line has no %s column", f->name, l->no,
               cols[need[i]].name);
      return -1;
    }
  if (c->kind[n - 1] != CG_CK) {
    snprintf(err, errlen, "%s:%u: CK is not the last column", f->name, l->no);
    return -1;
  }
  f->dual = seen[CG_MSIO] > 0;
  return 0;
}

/* One numeric field: 0 with *v (NAN for its overflow marker), or -1 when it is not an
 * integer within its column's range. */
static int field_num(int kind, const char *s, size_t n, double *v)
{
  const struct col_def *d = &cols[kind];
  size_t i = (n > 0 && (s[0] == '+' || s[0] == '-')) ? 1 : 0, stars = 0, nines = 0;
  if (i == n || n > 15)
    return -1;
  for (size_t k = i; k < n; k++) {
    stars += s[k] == '*';
    nines += s[k] == '9';
    if (!isdigit((unsigned char)s[k]) && s[k] != '*')
      return -1;
  }
  if (stars == n - i || (d->digits > 0 && nines == n - i && n - i == (size_t)d->digits)) {
    *v = NAN;
    return 0;
  }
  if (stars)
    return -1;
  char b[16];
  memcpy(b, s, n);
  b[n] = '\0';
  double x = strtod(b, NULL);
  if (x < d->lo || x > d->hi)
    return -1;
  *v = x;
  return 0;
}

static int field_sat(struct cggtts_track *t, int version, const char *s, size_t n)
{
  static const char letters[] = "GRECJI";
  size_t i = 0;
  char sys = 'G';
  if (version != 1 || !isdigit((unsigned char)s[0])) {
    if (s[0] == '\0' || !strchr(letters, s[0]))
      return -1;
    sys = s[0];
    i = 1;
  }
  if (n - i < 1 || n - i > 2 || !isdigit((unsigned char)s[i]) ||
      (n - i == 2 && !isdigit((unsigned char)s[i + 1])))
    return -1;
  int prn = atoi(s + i);
  t->sat[0] = sys;
  t->sat[1] = (char)('0' + prn / 10);
  t->sat[2] = (char)('0' + prn % 10);
  t->sat[3] = '\0';
  return 0;
}

static int field_sttime(const char *s, size_t n, int *sod)
{
  if (n != 6)
    return -1;
  for (size_t i = 0; i < 6; i++)
    if (!isdigit((unsigned char)s[i]))
      return -1;
  int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[2] - '0') * 10 + s[3] - '0',
      sec = (s[4] - '0') * 10 + s[5] - '0';
  if (h > 23 || m > 59 || sec > 59)
    return -1;
  *sod = h * 3600 + m * 60 + sec;
  return 0;
}

static int field_frc(struct cggtts_track *t, const char *s, size_t n)
{
  if (n > 3)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)s[i]))
      return -1;
  memcpy(t->frc, s, n);
  t->frc[n] = '\0';
  return 0;
}

/* Stores field i of kind k; -1 when it is not valid. */
static int field(struct cggtts_file *f, struct cggtts_track *t, int k, const char *s, size_t n)
{
  double v = 0;
  switch (k) {
  case CG_SAT: return field_sat(t, f->version, s, n);
  case CG_STTIME: return field_sttime(s, n, &t->sttime);
  case CG_FRC: return field_frc(t, s, n);
  case CG_CL: case CG_CK: case CG_UNKNOWN: return 0;
  default: break;
  }
  if (field_num(k, s, n, &v) != 0)
    return -1;
  switch (k) {
  case CG_MJD: t->mjd = isnan(v) ? -1 : (int)v; return isnan(v) ? -1 : 0;
  case CG_TRKL: t->trkl = isnan(v) ? -1 : (int)v; return isnan(v) ? -1 : 0;
  case CG_ELV: t->elv_deg = v * 0.1; break;
  case CG_AZTH: t->azth_deg = v * 0.1; break;
  case CG_REFSV: t->refsv_ns = v * 0.1; break;
  case CG_SRSV: t->srsv_ps_s = v * 0.1; break;
  case CG_REFSYS: t->refsys_ns = v * 0.1; break;
  case CG_SRSYS: t->srsys_ps_s = v * 0.1; break;
  case CG_DSG: t->dsg_ns = v * 0.1; break;
  case CG_IOE: t->ioe = isnan(v) ? -1 : (int)v; break;
  case CG_MDTR: t->mdtr_ns = v * 0.1; break;
  case CG_MDIO: t->mdio_ns = v * 0.1; break;
  case CG_MSIO: t->msio_ns = v * 0.1; break;
  default: break;
  }
  return 0;
}

static int push(struct cggtts_file *f, const struct cggtts_track *t)
{
  if (f->n == f->cap) {
    size_t cap = f->cap ? 2 * f->cap : 256;
    struct cggtts_track *p = realloc(f->trk, cap * sizeof *p);
    if (!p)
      return -1;
    f->trk = p;
    f->cap = cap;
  }
  f->trk[f->n++] = *t;
  return 0;
}

/* "G 8" (a PRN written with a blank): one SAT field. */
static int merge_sat(const struct cg_line *l, const struct cg_cols *c, size_t *st,
                     size_t *ln, int n)
{
  if (n != c->n + 1 || c->kind[0] != CG_SAT || ln[0] != 1 || ln[1] > 2 ||
      !isalpha((unsigned char)l->p[st[0]]) || !isdigit((unsigned char)l->p[st[1]]))
    return n;
  return -2; /* the caller rebuilds the SAT text */
}

/* Whether a line's first field names a satellite ("G08", "R 3"'s "R", version 01's "12"):
 * a line that does not is an unknown line, not a broken data line. */
static int sat_like(const char *s, size_t n)
{
  if (n == 0 || n > 3)
    return 0;
  size_t i = isdigit((unsigned char)s[0]) ? 0 : 1;
  if (i == 1 && !isupper((unsigned char)s[0]))
    return 0;
  for (; i < n; i++)
    if (!isdigit((unsigned char)s[i]))
      return 0;
  return 1;
}

int cg_data_line(struct cggtts_file *f, const struct cg_cols *c, const struct cg_line *l)
{
  size_t st[CG_MAX_COLS + 1], ln[CG_MAX_COLS + 1];
  int n = cg_tokens(l, st, ln, CG_MAX_COLS + 1);
  if (n == 0)
    return 0;
  char sat[4] = "";
  int shift = 0;
  if (merge_sat(l, c, st, ln, n) == -2) {
    snprintf(sat, sizeof sat, "%c%.*s", l->p[st[0]], (int)ln[1], l->p + st[1]);
    shift = 1;
  }
  if (!sat_like(l->p + st[0], ln[0])) {
    cggtts_note(f, CGGTTS_WARN, l->no, "not a data line (no satellite first), ignored");
    return 0;
  }
  if (n - shift != c->n) {
    f->refused++;
    cggtts_note(f, CGGTTS_REFUSED, l->no, "%d fields where the column line has %d", n - shift,
                c->n);
    return 0;
  }
  int ck = -1;
  const char *cks = l->p + st[n - 1];
  if (ln[n - 1] == 2 && isxdigit((unsigned char)cks[0]) && isxdigit((unsigned char)cks[1])) {
    char b[3] = {cks[0], cks[1], '\0'};
    ck = (int)strtol(b, NULL, 16);
  }
  unsigned sum = 0;
  for (size_t i = 0; i < st[n - 1]; i++)
    sum += (unsigned char)l->p[i];
  if (ck != (int)(sum % 256)) {
    f->refused++;
    cggtts_note(f, CGGTTS_REFUSED, l->no, "checksum %.*s, the line's bytes give %02X",
                (int)(ln[n - 1] > 4 ? 4 : ln[n - 1]), cks, sum % 256);
    return 0;
  }
  struct cggtts_track t = {.refsv_ns = NAN, .srsv_ps_s = NAN, .refsys_ns = NAN,
                           .srsys_ps_s = NAN, .dsg_ns = NAN, .mdtr_ns = NAN,
                           .mdio_ns = NAN, .msio_ns = NAN, .elv_deg = NAN,
                           .azth_deg = NAN, .ioe = -1, .trkl = -1, .mjd = -1,
                           .sttime = -1, .line = l->no};
  for (int i = 0; i < c->n; i++) {
    int k = c->kind[i];
    const char *s = i == 0 && shift ? sat : l->p + st[i + (i ? shift : 0)];
    size_t len = i == 0 && shift ? strlen(sat) : ln[i + (i ? shift : 0)];
    if (field(f, &t, k, s, len) != 0) {
      f->refused++;
      cggtts_note(f, CGGTTS_REFUSED, l->no, "%s '%.*s' is not valid", cols[k].name,
                  (int)(len > 16 ? 16 : len), s);
      return 0;
    }
  }
  if (!isnan(t.refsys_ns) && fabs(t.refsys_ns) > CGGTTS_REFSYS_MAX_NS)
    t.refsys_ns = NAN;
  if (isnan(t.refsys_ns))
    f->refsys_overflow++;
  return push(f, &t);
}
