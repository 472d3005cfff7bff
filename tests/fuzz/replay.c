/* Runs a fuzz target's LLVMFuzzerTestOneInput over inputs kept on disk, without libFuzzer:
 * what make check does with every target in every build, so that each input that ever
 * crashed a target stays a regression test (and, in a sanitizer build, the whole corpus
 * runs under AddressSanitizer and UndefinedBehaviorSanitizer).
 *
 *   replay_NAME [DIR|FILE ...]
 * Without arguments: $CVD_SRCDIR/tests/fuzz/corpus/NAME (which must exist) and
 * $CVD_SRCDIR/tests/fuzz/crashes/NAME (if it exists).  Files of a directory run in name
 * order.  Exit status 0, or 99 (automake's hard error) when an input cannot be read; a
 * crash is the target's own abort or a sanitizer's report. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzzutil.h"

#define REPLAY_MAX_INPUT (16L << 20)

/* Runs the target on one file's bytes, in a buffer of exactly their size so that
 * AddressSanitizer sees a read past the input. */
static int run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  struct stat st;
  if (!f || fstat(fileno(f), &st) != 0) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    if (f)
      fclose(f);
    return -1;
  }
  size_t n = (size_t)st.st_size;
  uint8_t *in = st.st_size <= REPLAY_MAX_INPUT ? malloc(n ? n : 1) : NULL;
  int bad = !in || fread(in, 1, n, f) != n;
  fclose(f);
  if (bad) {
    fprintf(stderr, "replay: %s: unreadable or larger than %ld bytes\n", path, REPLAY_MAX_INPUT);
    free(in);
    return -1;
  }
  LLVMFuzzerTestOneInput(in, n);
  free(in);
  return 0;
}

static int only_files(const struct dirent *e) { return e->d_name[0] != '.'; }

/* Every input of a directory, or the file itself; *count grows by the inputs run. */
static int run_path(const char *path, long *count)
{
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    (*count)++;
    return run_file(path);
  }
  struct dirent **names;
  int n = scandir(path, &names, only_files, alphasort);
  if (n < 0) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  int rc = 0;
  for (int i = 0; i < n; i++) {
    char file[4096];
    snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
    if (rc == 0 && stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
      (*count)++;
      rc = run_file(file);
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv)
{
  long count = 0;
  int rc = 0;
  if (argc > 1) {
    for (int i = 1; i < argc && rc == 0; i++)
      rc = run_path(argv[i], &count);
  } else {
    const char *src = getenv("CVD_SRCDIR");
    char dir[4096];
    struct stat st;
    if (!src) {
      fprintf(stderr, "replay: give directories, or set CVD_SRCDIR (make check does)\n");
      return 99;
    }
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", src, fuzz_target_name);
    rc = run_path(dir, &count);
    snprintf(dir, sizeof dir, "%s/tests/fuzz/crashes/%s", src, fuzz_target_name);
    if (rc == 0 && stat(dir, &st) == 0)
      rc = run_path(dir, &count);
  }
  if (rc != 0)
    return 99;
  printf("replay %s: %ld inputs, no crash\n", fuzz_target_name, count);
  return 0;
}
