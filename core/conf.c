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

static int parse_line(char *line, const char *name, int lineno, const struct conf_directive *tab,
                      void *user, char *err, size_t errlen)
{
  char *argv[CONF_MAX_ARGS + 1];
  int argc = 0;
  char *hash = strchr(line, '#');
  if (hash)
    *hash = '\0';
  for (char *p = line; *p;) {
    while (*p && isspace((unsigned char)*p))
      p++;
    if (!*p)
      break;
    if (argc == CONF_MAX_ARGS + 1) {
      snprintf(err, errlen, "%s:%d: too many words", name, lineno);
      return -1;
    }
    argv[argc++] = p;
    while (*p && !isspace((unsigned char)*p))
      p++;
    if (*p)
      *p++ = '\0';
  }
  if (argc == 0)
    return 0;
  for (const struct conf_directive *d = tab; d->name; d++) {
    if (strcmp(d->name, argv[0]) != 0)
      continue;
    int nargs = argc - 1;
    if (nargs < d->min_args || nargs > d->max_args) {
      if (d->min_args == d->max_args)
        snprintf(err, errlen, "%s:%d: '%s' takes %d argument%s, not %d", name, lineno, d->name,
                 d->min_args, d->min_args == 1 ? "" : "s", nargs);
      else
        snprintf(err, errlen, "%s:%d: '%s' takes %d to %d arguments, not %d", name, lineno,
                 d->name, d->min_args, d->max_args, nargs);
      return -1;
    }
    char msg[512] = "";
    if (d->handle(user, nargs, argv + 1, msg, sizeof msg) != 0) {
      snprintf(err, errlen, "%s:%d: '%s': %s", name, lineno, d->name,
               msg[0] ? msg : "invalid");
      return -1;
    }
    return 0;
  }
  snprintf(err, errlen, "%s:%d: unknown directive '%s'", name, lineno, argv[0]);
  return -1;
}

int conf_parse_text(const char *name, const char *text, const struct conf_directive *tab,
                    void *user, char *err, size_t errlen)
{
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
    if (parse_line(line, name, lineno, tab, user, err, errlen) != 0)
      return -1;
    p += len + (nl ? 1 : 0);
  }
  return 0;
}

int conf_parse_file(const char *path, const struct conf_directive *tab, void *user,
                    char *err, size_t errlen)
{
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
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
    if (memchr(line, '\0', len) != NULL && strlen(line) != len) {
      snprintf(err, errlen, "%s:%d: NUL byte in line", path, lineno);
      rc = -1;
      break;
    }
    if (parse_line(line, path, lineno, tab, user, err, errlen) != 0) {
      rc = -1;
      break;
    }
  }
  if (rc == 0 && ferror(f)) {
    snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
    rc = -1;
  }
  fclose(f);
  return rc;
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
