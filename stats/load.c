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
  int bad = k == 0 || *end != '\0' || errno == ERANGE;
  if (bad || !isfinite(*v)) {
    p[k] = save;
    line[strcspn(line, "\r\n")] = '\0';
    snprintf(err, errlen, "%s:%zu: %s: '%.60s'%s", name, lineno,
             bad ? "not a number" : "not a finite number (a gap: fill or split the data)",
             line, strlen(line) > 60 ? "..." : "");
    return -1;
  }
  return 1;
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
  size_t cap = 0, lineno = 0;
  double *v = NULL;
  char buf[512];
  int rc = 0, at_start = 1;
  while (rc == 0 && gzgets(f, buf, sizeof buf)) {
    /* A line longer than the buffer: its first field is in the first piece. */
    int piece_of_line = !at_start;
    at_start = strchr(buf, '\n') != NULL;
    if (piece_of_line)
      continue;
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
