#include "config.h"
#include "tests/fuzz/fuzzutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "tic/tic.h"

#define MAX_FILES 8

static char scratch[512];
static char files[MAX_FILES][600];
static int n_files;

static void remove_scratch(void)
{
  for (int i = 0; i < n_files; i++)
    unlink(files[i]);
  if (scratch[0])
    rmdir(scratch);
}

/* Remembers a scratch file, to remove it at exit. */
static void keep(const char *path)
{
  for (int i = 0; i < n_files; i++)
    if (strcmp(files[i], path) == 0)
      return;
  if (n_files == MAX_FILES) {
    fprintf(stderr, "fuzz: more than %d scratch files\n", MAX_FILES);
    abort();
  }
  snprintf(files[n_files++], sizeof files[0], "%s", path);
}

void fuzz_init(void)
{
  static int done;
  struct clk_conf c = {.kind = CLK_MANUAL, .start = FUZZ_T0};
  clk_configure(&c);
  if (done)
    return;
  done = 1;
  /* Garbage is warned about by the million; the parsers under test log no errors, and
   * one would be worth seeing. */
  log_set_level(LOG_SEV_ERROR);
  const char *tmp = getenv("TMPDIR");
  snprintf(scratch, sizeof scratch, "%s/cvd-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(scratch)) {
    fprintf(stderr, "fuzz: cannot make a scratch directory %s: %s\n", scratch, strerror(errno));
    abort();
  }
  atexit(remove_scratch);
}

char *fuzz_cstr(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1);
  if (!s)
    abort();
  memcpy(s, data, size);
  s[size] = '\0';
  return s;
}

const char *fuzz_file(const char *name, const uint8_t *data, size_t size, char *path, size_t n)
{
  snprintf(path, n, "%s/%s", scratch, name);
  keep(path);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd) != 0) {
    fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
    abort();
  }
  return path;
}

void fuzz_write_all(int fd, const void *data, size_t n)
{
  const char *p = data;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      fprintf(stderr, "fuzz: cannot write to descriptor %d: %s\n", fd,
              w < 0 ? strerror(errno) : "wrote nothing");
      abort();
    }
    p += w;
    n -= (size_t)w;
  }
}

const char *fuzz_line(const uint8_t **p, const uint8_t *end, char *buf, size_t n)
{
  if (*p >= end)
    return NULL;
  const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
  size_t len = (size_t)((nl ? nl : end) - *p);
  size_t take = len < n - 1 ? len : n - 1;
  memcpy(buf, *p, take);
  if (take > 0 && buf[take - 1] == '\r')
    take--;
  buf[take] = '\0';
  *p += len + (nl ? 1 : 0);
  return buf;
}

void fuzz_fail(const char *file, int line, const char *what)
{
  fprintf(stderr, "%s:%d: %s: broken promise: %s\n", file, line, fuzz_target_name, what);
  abort();
}

void fuzz_tic_reading(const struct tic *t, const struct tic_reading *r, struct fuzz_tic_seen *s)
{
  FUZZ_ASSERT(r->t % NS_PER_S == 0);
  FUZZ_ASSERT(r->ns > -0.5e9 && r->ns <= 0.5e9);
  if (s->n > 0) {
    FUZZ_ASSERT(r->t != s->last);
    FUZZ_ASSERT(r->t > s->last || t->counts.out_of_order - s->out_of_order >= TIC_BACK_RUN);
  }
  s->n++;
  s->last = r->t;
  s->out_of_order = t->counts.out_of_order;
}
