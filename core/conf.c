#include "config.h"
#include "core/conf.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONF_MAX_LINE 4096

/* An item found by name, with the offset of the struct its table describes. */
struct found {
  const struct conf_item *it;
  size_t base;
};

static int find(const struct conf_item *tab, const char *name, size_t base, struct found *out)
{
  for (const struct conf_item *it = tab; it->type != CONF_END; it++) {
    if (it->type == CONF_INCLUDE) {
      if (find(it->sub, name, base + it->off, out))
        return 1;
    } else if (strcmp(it->name, name) == 0) {
      out->it = it;
      out->base = base;
      return 1;
    }
  }
  return 0;
}

static int args_ok(const struct conf_item *it, int argc, char *err, size_t errlen)
{
  int lo = it->type == CONF_CUSTOM ? it->min_args : 1;
  int hi = it->type == CONF_CUSTOM ? it->max_args : 1;
  if (argc >= lo && argc <= hi)
    return 0;
  if (lo == hi)
    snprintf(err, errlen, "'%s' takes %d argument%s, not %d", it->name, lo, lo == 1 ? "" : "s",
             argc);
  else
    snprintf(err, errlen, "'%s' takes %d to %d arguments, not %d", it->name, lo, hi, argc);
  return -1;
}

/* Stores the arguments of one directive into the struct at conf + base. */
static int apply(const struct conf_item *it, char *at, int argc, char **argv, char *err,
                 size_t errlen)
{
  double scale = it->scale != 0 ? it->scale : 1;
  void *field = at + it->off;
  if (args_ok(it, argc, err, errlen) != 0)
    return -1;
  switch (it->type) {
  case CONF_DOUBLE: {
    double v;
    if (conf_double(it->name, argv[0], it->lo, it->hi, &v, err, errlen))
      return -1;
    *(double *)field = v * scale;
    return 0;
  }
  case CONF_INT: {
    long long v;
    if (conf_int(it->name, argv[0], (long long)it->lo, (long long)it->hi, &v, err, errlen))
      return -1;
    v *= (long long)scale;
    if (it->size == (int)sizeof(int))
      *(int *)field = (int)v;
    else
      memcpy(field, &v, sizeof v);
    return 0;
  }
  case CONF_BOOL:
    return conf_bool(it->name, argv[0], (int *)field, err, errlen);
  case CONF_STRING:
    return conf_string(it->name, argv[0], (char *)field, (size_t)it->size, err, errlen);
  case CONF_CUSTOM:
    return it->parse(at, argc, argv, err, errlen);
  default:
    snprintf(err, errlen, "'%s': not a directive", it->name);
    return -1;
  }
}

/* Splits a line into words in place; '#' ends it.  Returns the count, or -1 if too many. */
static int split(char *line, char **argv, int max)
{
  int argc = 0;
  char *hash = strchr(line, '#');
  if (hash)
    *hash = '\0';
  for (char *p = line; *p;) {
    while (*p && isspace((unsigned char)*p))
      p++;
    if (!*p)
      break;
    if (argc == max)
      return -1;
    argv[argc++] = p;
    while (*p && !isspace((unsigned char)*p))
      p++;
    if (*p)
      *p++ = '\0';
  }
  return argc;
}

#define CONF_MAX_SEEN 256

struct parse {
  const char *name;
  const struct conf_item *tab;
  char *conf;
  const struct conf_item *seen[CONF_MAX_SEEN];
  int n_seen;
};

static int parse_line(struct parse *ps, char *line, int lineno, char *err, size_t errlen)
{
  char *argv[CONF_MAX_ARGS + 2];
  int argc = split(line, argv, CONF_MAX_ARGS + 1);
  if (argc < 0) {
    snprintf(err, errlen, "%s:%d: too many words", ps->name, lineno);
    return -1;
  }
  if (argc == 0)
    return 0;
  struct found f;
  if (!find(ps->tab, argv[0], 0, &f)) {
    snprintf(err, errlen, "%s:%d: unknown directive '%s'", ps->name, lineno, argv[0]);
    return -1;
  }
  char msg[512] = "";
  if (args_ok(f.it, argc - 1, msg, sizeof msg) != 0) {
    snprintf(err, errlen, "%s:%d: %s", ps->name, lineno, msg);
    return -1;
  }
  if (apply(f.it, ps->conf + f.base, argc - 1, argv + 1, msg, sizeof msg) != 0) {
    snprintf(err, errlen, "%s:%d: '%s': %s", ps->name, lineno, f.it->name,
             msg[0] ? msg : "invalid");
    return -1;
  }
  if (ps->n_seen < CONF_MAX_SEEN)
    ps->seen[ps->n_seen++] = f.it;
  return 0;
}

static const struct conf_item *missing(const struct parse *ps, const struct conf_item *tab)
{
  for (const struct conf_item *it = tab; it->type != CONF_END; it++) {
    if (it->type == CONF_INCLUDE) {
      const struct conf_item *m = missing(ps, it->sub);
      if (m)
        return m;
      continue;
    }
    if (!(it->flags & CONF_REQUIRED))
      continue;
    int seen = 0;
    for (int i = 0; i < ps->n_seen && !seen; i++)
      seen = ps->seen[i] == it;
    if (!seen)
      return it;
  }
  return NULL;
}

static int finish(const struct parse *ps, char *err, size_t errlen)
{
  const struct conf_item *m = missing(ps, ps->tab);
  if (!m)
    return 0;
  snprintf(err, errlen, "%s: no '%s' directive (required)", ps->name, m->name);
  return -1;
}

int conf_parse_text(const char *name, const char *text, const struct conf_item *tab,
                    void *conf, char *err, size_t errlen)
{
  struct parse ps = {.name = name, .tab = tab, .conf = conf};
  char line[CONF_MAX_LINE];
  int lineno = 0;
  const char *p = text;
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    lineno++;
    if (len >= sizeof line) {
      snprintf(err, errlen, "%s:%d: line too long", name, lineno);
      return -1;
    }
    memcpy(line, p, len);
    line[len] = '\0';
    if (parse_line(&ps, line, lineno, err, errlen) != 0)
      return -1;
    p += len + (nl ? 1 : 0);
  }
  return finish(&ps, err, errlen);
}

int conf_parse_file(const char *path, const struct conf_item *tab, void *conf, char *err,
                    size_t errlen)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  struct parse ps = {.name = path, .tab = tab, .conf = conf};
  char line[CONF_MAX_LINE];
  int lineno = 0, rc = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    size_t len = strlen(line);
    if (len == sizeof line - 1 && line[len - 1] != '\n' && !feof(f)) {
      snprintf(err, errlen, "%s:%d: line too long", path, lineno);
      rc = -1;
      break;
    }
    if (parse_line(&ps, line, lineno, err, errlen) != 0) {
      rc = -1;
      break;
    }
  }
  if (rc == 0 && ferror(f)) {
    snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
    rc = -1;
  }
  fclose(f);
  return rc == 0 ? finish(&ps, err, errlen) : -1;
}

static int defaults_at(const struct conf_item *tab, char *at, char *err, size_t errlen)
{
  for (const struct conf_item *it = tab; it->type != CONF_END; it++) {
    if (it->type == CONF_INCLUDE) {
      if (defaults_at(it->sub, at + it->off, err, errlen) != 0)
        return -1;
      continue;
    }
    if (!it->def || (it->flags & CONF_DERIVED))
      continue;
    char words[512], *argv[CONF_MAX_ARGS + 1], msg[400];
    snprintf(words, sizeof words, "%s", it->def);
    int argc = split(words, argv, CONF_MAX_ARGS);
    if (argc < 0 || apply(it, at, argc, argv, msg, sizeof msg) != 0) {
      snprintf(err, errlen, "default of '%s' ('%s'): %s", it->name, it->def,
               argc < 0 ? "too many words" : msg);
      return -1;
    }
  }
  return 0;
}

int conf_defaults(const struct conf_item *tab, void *conf, char *err, size_t errlen)
{
  return defaults_at(tab, conf, err, errlen);
}

/* Help: the directive and its arguments in a column, then its text wrapped. */
#define HELP_COL 32
#define HELP_WIDTH 92

static void wrap(FILE *f, const char *text, int col)
{
  int at = col;
  const char *p = text;
  while (*p) {
    while (*p == ' ')
      p++;
    size_t w = strcspn(p, " ");
    if (!w)
      break;
    if (at > col && at + 1 + (int)w > HELP_WIDTH) {
      fprintf(f, "\n%*s", col, "");
      at = col;
    } else if (at > col) {
      fputc(' ', f);
      at++;
    }
    fprintf(f, "%.*s", (int)w, p);
    at += (int)w;
    p += w;
  }
  fputc('\n', f);
}

static void default_text(const struct conf_item *it, char *buf, size_t n)
{
  if (it->flags & CONF_REQUIRED)
    snprintf(buf, n, "(required)");
  else if (it->def)
    snprintf(buf, n, "[%s]", it->def);
  else
    buf[0] = '\0';
}

void conf_help(FILE *f, const struct conf_item *tab)
{
  for (const struct conf_item *it = tab; it->type != CONF_END; it++) {
    if (it->type == CONF_INCLUDE) {
      conf_help(f, it->sub);
      continue;
    }
    char head[128], def[160], text[1024];
    snprintf(head, sizeof head, "  %s%s%s", it->name, it->args ? " " : "", it->args ? it->args : "");
    default_text(it, def, sizeof def);
    snprintf(text, sizeof text, "%s%s%s%s", it->help, def[0] ? " " : "", def,
             it->flags & CONF_REPEAT ? " (repeatable)" : "");
    if ((int)strlen(head) >= HELP_COL - 1)
      fprintf(f, "%s\n%*s", head, HELP_COL, "");
    else
      fprintf(f, "%-*s", HELP_COL, head);
    wrap(f, text, HELP_COL);
  }
}

/* Text for man(7): backslashes and hyphens escaped, no line starting with a dot. */
static void roff_text(FILE *f, const char *s)
{
  for (; *s; s++) {
    if (*s == '\\')
      fputs("\\e", f);
    else if (*s == '-')
      fputs("\\-", f);
    else
      fputc(*s, f);
  }
}

void conf_roff(FILE *f, const struct conf_item *tab)
{
  for (const struct conf_item *it = tab; it->type != CONF_END; it++) {
    if (it->type == CONF_INCLUDE) {
      conf_roff(f, it->sub);
      continue;
    }
    fputs(".TP\n\\fB", f);
    roff_text(f, it->name);
    fputs("\\fR", f);
    if (it->args) {
      fputs(" \\fI", f);
      roff_text(f, it->args);
      fputs("\\fR", f);
    }
    fputs("\n\\&", f);
    roff_text(f, it->help);
    size_t n = strlen(it->help);
    if (n && it->help[n - 1] != '.')
      fputc('.', f);
    if (it->flags & CONF_REQUIRED)
      fputs(" Required.", f);
    else if (it->def) {
      fputs(" Default: ", f);
      roff_text(f, it->def);
      fputs(".", f);
    }
    if (it->flags & CONF_REPEAT)
      fputs(" Repeatable.", f);
    fputc('\n', f);
  }
}

static int write_at(FILE *f, const struct conf_item *tab, const char *at)
{
  for (const struct conf_item *it = tab; it->type != CONF_END; it++) {
    const void *field = at + it->off;
    double scale = it->scale != 0 ? it->scale : 1;
    switch (it->type) {
    case CONF_INCLUDE:
      if (write_at(f, it->sub, at + it->off) != 0)
        return -1;
      break;
    case CONF_DOUBLE:
      fprintf(f, "%s %.17g\n", it->name, *(const double *)field / scale);
      break;
    case CONF_INT: {
      long long v = 0;
      if (it->size == (int)sizeof(int))
        v = *(const int *)field;
      else
        memcpy(&v, field, sizeof v);
      fprintf(f, "%s %lld\n", it->name, v / (long long)scale);
      break;
    }
    case CONF_BOOL:
      fprintf(f, "%s %s\n", it->name, *(const int *)field ? "yes" : "no");
      break;
    case CONF_STRING:
      if (*(const char *)field)
        fprintf(f, "%s %s\n", it->name, (const char *)field);
      break;
    case CONF_CUSTOM:
      if (!it->write || it->write(f, it->name, at) != 0)
        return -1;
      break;
    default:
      return -1;
    }
  }
  return 0;
}

int conf_write(FILE *f, const struct conf_item *tab, const void *conf)
{
  return write_at(f, tab, conf);
}

int conf_double(const char *what, const char *s, double min, double max, double *out,
                char *err, size_t errlen)
{
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || *end || errno == ERANGE || !isfinite(v)) {
    snprintf(err, errlen, "bad %s '%s' (want a number)", what, s);
    return -1;
  }
  if (v < min || v > max) {
    snprintf(err, errlen, "%s %s out of range [%g, %g]", what, s, min, max);
    return -1;
  }
  *out = v;
  return 0;
}

int conf_int(const char *what, const char *s, long long min, long long max, long long *out,
             char *err, size_t errlen)
{
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (end == s || *end || errno == ERANGE) {
    snprintf(err, errlen, "bad %s '%s' (want an integer)", what, s);
    return -1;
  }
  if (v < min || v > max) {
    snprintf(err, errlen, "%s %s out of range [%lld, %lld]", what, s, min, max);
    return -1;
  }
  *out = v;
  return 0;
}

int conf_bool(const char *what, const char *s, int *out, char *err, size_t errlen)
{
  static const char *yes[] = {"yes", "on", "true", "1"}, *no[] = {"no", "off", "false", "0"};
  for (int i = 0; i < 4; i++) {
    if (strcasecmp(s, yes[i]) == 0) {
      *out = 1;
      return 0;
    }
    if (strcasecmp(s, no[i]) == 0) {
      *out = 0;
      return 0;
    }
  }
  snprintf(err, errlen, "bad %s '%s' (want yes or no)", what, s);
  return -1;
}

int conf_string(const char *what, const char *s, char *out, size_t n, char *err, size_t errlen)
{
  size_t len = strlen(s);
  if (len == 0 || len >= n) {
    snprintf(err, errlen, "%s '%s' is empty or longer than %zu characters", what, s, n - 1);
    return -1;
  }
  memcpy(out, s, len + 1);
  return 0;
}
