/* What the fuzz targets share (tests/fuzz/README.md).  Each tests/fuzz/fuzz_NAME.c defines
 * LLVMFuzzerTestOneInput, which hands one input to a parser of the project the way
 * production input reaches it, and fuzz_target_name, NAME.  Linked with libFuzzer (a
 * build configured with --enable-fuzzing) it fuzzes; linked with replay.c it runs the
 * inputs kept under tests/fuzz/corpus/NAME and tests/fuzz/crashes/NAME (make check).
 *
 * A target aborts (a crash for libFuzzer and for the replay) when the code under test
 * breaks a promise that a sanitizer cannot see, through FUZZ_ASSERT. */
#ifndef CVD_FUZZUTIL_H
#define CVD_FUZZUTIL_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern const char fuzz_target_name[];

/* The service time at which every target starts: the manual clock (core/clock.h) stands
 * there unless the target moves it, so that a run does not depend on the wall clock. */
#define FUZZ_T0 1735689600000000000LL /* 2025-01-01T00:00:00Z */

/* First thing for every input: the manual clock set back to FUZZ_T0; and once per
 * process, logging cut to errors and a private scratch directory made under $TMPDIR (or /tmp),
 * removed at exit. */
void fuzz_init(void);

/* The input as a NUL-terminated string (it stops at a NUL byte the input holds); free it. */
char *fuzz_cstr(const uint8_t *data, size_t size);
/* Writes the input into the scratch file `name` (mode 0600, as a file holding a secret
 * must be) and returns its path, written into path (of size n, FUZZ_PATH_MAX will do). */
#define FUZZ_PATH_MAX 600
const char *fuzz_file(const char *name, const uint8_t *data, size_t size, char *path, size_t n);

/* Writes all n bytes to fd, again after a signal cut a write short or interrupted it
 * (libFuzzer's timer raises SIGALRM every few seconds, without SA_RESTART, and a write to
 * a terminal checks for a pending signal before it copies anything); aborts on any other
 * failure. */
void fuzz_write_all(int fd, const void *data, size_t n);

/* Splits [p, end) at the next LF: returns the line (without LF or a CR before it, in buf,
 * cut to n - 1 bytes) and moves *p past it; NULL at the end. */
const char *fuzz_line(const uint8_t **p, const uint8_t *end, char *buf, size_t n);

/* What tic_read promises of the readings it hands out, one after another: a whole second
 * other than the one before, later than it unless TIC_BACK_RUN readings in a row were
 * labelled before it (the labels went back for good), and the interval unwrapped into
 * (-0.5, 0.5] s.  Start with a zeroed struct fuzz_tic_seen. */
struct tic;
struct tic_reading;
struct fuzz_tic_seen {
  long n, out_of_order;
  int64_t last;
};
void fuzz_tic_reading(const struct tic *t, const struct tic_reading *r, struct fuzz_tic_seen *s);

#define FUZZ_ASSERT(cond) \
  do { if (!(cond)) fuzz_fail(__FILE__, __LINE__, #cond); } while (0)
void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

#endif
