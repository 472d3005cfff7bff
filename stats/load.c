/* Reading a column of numbers from a text file, gzip-compressed or not, as counters and
 * archives write them. */
#include "config.h"
#include "stats/stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* The first field of a line: up to whitespace, a comma, a semicolon or a comment. */
static size_t field_len(const char *p)
{
  size_t k = 0;
  while (p[k] && !strchr(" \t\r\n,;#", p[k]))
    k++;
  return k;
}

/* Parses one line; 1 with *v set, 0 for a line with no data, -1 with a message in err. */
static int parse_line(const char *name, size_t lineno, char *line, double *v, char *err,
                      size_t errlen)
{
  char *p = line + strspn(line, " \t\r\n");
  if (*p == '\0' || *p == '#')
    return 0;
  size_t k = field_len(p);
  char save = p[k];
  p[k] = '\0';
  char *end;
  errno = 0;
  *v = strtod(p, &end);
  /* ERANGE on underflow still gives the nearest value, a subnormal or zero: a number. */
  int bad = k == 0 || *end != '\0', huge = errno == ERANGE && fabs(*v) > 1;
  if (bad || huge || !isfinite(*v)) {
    p[k] = save;
    line[strcspn(line, "\r\n")] = '\0';
    snprintf(err, errlen, "%s:%zu: %s: '%.60s'%s", name, lineno,
             bad ? "not a number" : huge ? "a number beyond a double's range"
                                         : "not a finite number (a gap: fill or split the data)",
             line + strspn(line, " \t"), strlen(line) > 60 ? "..." : "");
    return -1;
  }
  return 1;
}

/* The next whole line into *buf (grown as needed, NUL-terminated): 1, or 0 at the end. */
static int read_line(gzFile f, char **buf, size_t *cap)
{
  size_t len = 0;
  for (;;) {
    if (*cap - len < 2) {
      char *nb = realloc(*buf, *cap = *cap ? 2 * *cap : 4096);
      if (!nb)
        return -1;
      *buf = nb;
    }
    if (!gzgets(f, *buf + len, (int)(*cap - len)))
      return len > 0;
    len += strlen(*buf + len);
    if (len > 0 && (*buf)[len - 1] == '\n')
      return 1;
  }
}

int st_load(const char *path, double **vals, size_t *n, char *err, size_t errlen)
{
  int is_stdin = strcmp(path, "-") == 0;
  const char *name = is_stdin ? "stdin" : path;
  gzFile f = is_stdin ? gzdopen(dup(STDIN_FILENO), "rb") : gzopen(path, "rb");
  *vals = NULL;
  *n = 0;
  if (!f) {
    snprintf(err, errlen, "%s: %s", name, errno ? strerror(errno) : "cannot open");
    return -1;
  }
  size_t cap = 0, lineno = 0, bufcap = 0;
  double *v = NULL;
  char *buf = NULL;
  int rc = 0, got;
  while (rc == 0 && (got = read_line(f, &buf, &bufcap)) != 0) {
    if (got < 0) {
      snprintf(err, errlen, "%s: out of memory for line %zu", name, lineno + 1);
      rc = -1;
      break;
    }
    lineno++;
    double x;
    int r = parse_line(name, lineno, buf, &x, err, errlen);
    if (r < 0) {
      rc = -1;
    } else if (r > 0) {
      if (*n == cap) {
        double *nv = realloc(v, sizeof(double) * (cap = cap ? 2 * cap : 4096));
        if (!nv) {
          snprintf(err, errlen, "%s: out of memory after %zu values", name, *n);
          rc = -1;
          break;
        }
        v = nv;
      }
      v[(*n)++] = x;
    }
  }
  int zerr;
  const char *zmsg = gzerror(f, &zerr);
  if (rc == 0 && zerr != Z_OK && zerr != Z_STREAM_END) {
    snprintf(err, errlen, "%s: read error: %s", name, zerr == Z_ERRNO ? strerror(errno) : zmsg);
    rc = -1;
  }
  gzclose(f);
  free(buf);
  if (rc == 0 && *n == 0) {
    snprintf(err, errlen, "%s: no numbers in the input", name);
    rc = -1;
  }
  if (rc != 0) {
    free(v);
    *n = 0;
    return -1;
  }
  *vals = v;
  return 0;
}
