/* The data file of `cvd stability` (stats/load.c): st_load on a file holding the input,
 * plain text or gzip-compressed, as the command reads it.  What loads is numbers, all of
 * them finite. */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "stats/stats.h"
#include "tests/fuzz/fuzzutil.h"

const char fuzz_target_name[] = "stability";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  char path[FUZZ_PATH_MAX], err[512];
  fuzz_file("data", data, size, path, sizeof path);
  double *v;
  size_t n;
  if (st_load(path, &v, &n, err, sizeof err) != 0) {
    FUZZ_ASSERT(err[0] != '\0');
    return 0;
  }
  FUZZ_ASSERT(n > 0);
  for (size_t i = 0; i < n; i++)
    FUZZ_ASSERT(isfinite(v[i]));
  free(v);
  return 0;
}
