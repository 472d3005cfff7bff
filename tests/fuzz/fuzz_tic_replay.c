/* The replay TIC driver (tic/tic_replay.c) on a log holding the input, plain or gzip,
 * opened as a site's `tic replay FILE pace=fast` opens it and read through tic_read to
 * its end.  The readings handed out keep tic_read's promises (fuzz_tic_reading). */
#include "config.h"

#include <string.h>

#include "core/timeutil.h"
#include "tic/tic.h"
#include "tests/fuzz/fuzzutil.h"

const char fuzz_target_name[] = "tic_replay";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  char path[FUZZ_PATH_MAX], err[512];
  fuzz_file("replay.log", data, size, path, sizeof path);
  char *argv[] = {"replay", path, "pace=fast"};
  struct drvconf c;
  FUZZ_ASSERT(drvconf_parse(3, argv, &c, err, sizeof err) == 0);
  struct tic t;
  FUZZ_ASSERT(tic_open(&t, &c, err, sizeof err) == 0);
  struct tic_reading r;
  struct fuzz_tic_seen seen = {0};
  while (tic_read(&t, &r, FUZZ_T0, err, sizeof err) == 1)
    fuzz_tic_reading(&t, &r, &seen);
  FUZZ_ASSERT(t.counts.readings == seen.n);
  tic_close(&t);
  return 0;
}
