/* Replay of a recorded TIC log, for tests and for reprocessing.  The log has one reading
 * per line:
 *   TIME RAW [# comment]
 * TIME names the UTC second the pulses belong to, ISO 8601 ("2025-01-01T00:00:01Z") or
 * Unix seconds ("1735689601"); it must be a whole second.  RAW is the interval in seconds
 * as the instrument gave it (a reading near 1 s stays near 1 s: tic.c unwraps it).  Lines
 * starting with '#' and blank lines are comments.  A gzip-compressed log is read as it is
 * (zlib's gzopen reads plain files too).  Anything else is garbage: counted, logged with
 * its line number, skipped.  Duplicated and out-of-order seconds are passed on for tic.c
 * to count and drop, exactly as an instrument's would be.
 *
 * pace=clock (the default) hands a reading out once the clock source has reached its
 * second, as the instrument would have; pace=fast hands them out as fast as they are
 * read.  At the end of the log no more readings come (the seconds are missing), and the
 * driver says so once. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "tic/tic.h"
#include "tic/ticutil.h"

#define REPLAY_LINE_MAX 256

struct replay {
  gzFile f;
  int fast;
  long line_no;
  int have_next, at_end;
  struct tic_reading next;
};

static int replay_open(struct tic *t, char *err, size_t errlen)
{
  static const char *const keys[] = {"pace", NULL};
  static const char *const paces[] = {"clock", "fast", NULL};
  int pace;
  if (drvconf_check_keys(&t->conf, keys, err, errlen) ||
      tic_opt_choice(&t->conf, "pace", paces, 0, &pace, err, errlen))
    return -1;
  if (!t->conf.device[0]) {
    snprintf(err, errlen, "the replay driver needs the log file");
    return -1;
  }
  struct replay *p = calloc(1, sizeof *p);
  if (!p) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  p->f = gzopen(t->conf.device, "rb");
  if (!p->f) {
    snprintf(err, errlen, "%s: cannot open: %s", t->conf.device,
             errno ? strerror(errno) : "out of memory");
    free(p);
    return -1;
  }
  p->fast = pace == 1;
  t->priv = p;
  return 0;
}

/* The time field: ISO 8601 or Unix seconds, a whole second. */
static int parse_time(const char *s, int64_t *t)
{
  char *end;
  errno = 0;
  long long u = strtoll(s, &end, 10);
  if (end != s && *end == '\0' && errno == 0 && u > -(long long)TU_MAX_S &&
      u < (long long)TU_MAX_S)
    *t = u * NS_PER_S;
  else if (end != s && *end == '\0')
    return -1; /* Unix seconds beyond what int64_t nanoseconds hold */
  else if (tu_parse(s, t) != 0)
    return -1;
  return *t % NS_PER_S == 0 ? 0 : -1;
}

/* One line into r: 1, 0 for a comment, -1 for garbage (why says what was wrong). */
static int parse_line(char *line, struct tic_reading *r, const char **why)
{
  char *hash = strchr(line, '#');
  if (hash)
    *hash = '\0';
  char *f[2];
  int n = 0;
  for (char *save = NULL, *w = strtok_r(line, " \t\r\n", &save); w;
       w = strtok_r(NULL, " \t\r\n", &save), n++)
    if (n < 2)
      f[n] = w;
  if (n == 0)
    return 0;
  if (n != 2) {
    *why = "want TIME RAW";
    return -1;
  }
  if (parse_time(f[0], &r->t) != 0) {
    *why = "bad time (want a whole UTC second, ISO 8601 or Unix seconds)";
    return -1;
  }
  char *end;
  errno = 0;
  r->raw_s = strtod(f[1], &end);
  if (end == f[1] || *end || errno == ERANGE || !isfinite(r->raw_s)) {
    *why = "bad interval (want seconds)";
    return -1;
  }
  return 1;
}

/* Reads ahead to the next reading.  1, 0 at the end of the log, -1 on a read error. */
static int read_next(struct tic *t, struct replay *p, char *err, size_t errlen)
{
  char line[REPLAY_LINE_MAX];
  while (gzgets(p->f, line, sizeof line)) {
    p->line_no++;
    size_t len = strlen(line);
    if (len == sizeof line - 1 && line[len - 1] != '\n') {
      int c;
      while ((c = gzgetc(p->f)) != -1 && c != '\n')
        ;
      tic_skip(t, "%s:%ld: line too long", t->conf.device, p->line_no);
      continue;
    }
    const char *why = "";
    int rc = parse_line(line, &p->next, &why);
    if (rc == 1)
      return 1;
    if (rc < 0)
      tic_skip(t, "%s:%ld: %s", t->conf.device, p->line_no, why);
  }
  int e;
  const char *msg = gzerror(p->f, &e);
  if (e != Z_OK && e != Z_STREAM_END) {
    snprintf(err, errlen, "%s:%ld: %s", t->conf.device, p->line_no, msg);
    return -1;
  }
  return 0;
}

static int replay_read(struct tic *t, struct tic_reading *r, int64_t deadline, char *err,
                       size_t errlen)
{
  struct replay *p = t->priv;
  if (!p->have_next && !p->at_end) {
    int rc = read_next(t, p, err, errlen);
    if (rc < 0)
      return -1;
    p->have_next = rc;
    if (rc == 0) {
      p->at_end = 1;
      LOGI("tic", "replay: end of %s after %ld lines", t->conf.device, p->line_no);
    }
  }
  if (p->at_end || (!p->fast && p->next.t > deadline)) {
    clk_sleep_until(deadline, NULL);
    return 0;
  }
  /* A manual clock does not move while we sleep: the reading waits for it. */
  if (!p->fast && (clk_sleep_until(p->next.t, NULL), clk_now() < p->next.t))
    return 0;
  *r = p->next;
  p->have_next = 0;
  return 1;
}

static void replay_close(struct tic *t)
{
  struct replay *p = t->priv;
  if (p) {
    gzclose(p->f);
    free(p);
  }
  t->priv = NULL;
}

const struct tic_driver tic_replay_driver = {
    .name = "replay",
    .summary = "replay of a recorded log (TIME RAW per line, gzip or plain), paced or fast",
    .open = replay_open,
    .read = replay_read,
    .close = replay_close,
};
