/* A CGGTTS file (cggtts/): cggtts_parse on the bytes, as `cvd cggtts check` and the
 * server's upload endpoint read them, then the common view (and all in view) of the file
 * with itself.
 * What parses is a file whose tracks hold valid fields (a satellite, an MJD, a time of
 * day), whose messages name lines of the input, and whose common view with itself is
 * zero; what is refused says why. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cggtts/cggtts.h"
#include "cggtts/diff.h"
#include "tests/fuzz/fuzzutil.h"

const char fuzz_target_name[] = "cggtts";

static void check_file(const struct cggtts_file *f, size_t lines)
{
  FUZZ_ASSERT(f->version == 1 || f->version == 2);
  for (size_t i = 0; i < f->n; i++) {
    const struct cggtts_track *t = &f->trk[i];
    FUZZ_ASSERT(strlen(t->sat) == 3 && strchr("GRECJI", t->sat[0]));
    FUZZ_ASSERT(t->mjd >= 40000 && t->mjd <= 99999);
    FUZZ_ASSERT(t->sttime >= 0 && t->sttime < 86400);
    FUZZ_ASSERT(t->line >= 1 && t->line <= lines);
    FUZZ_ASSERT(isnan(t->refsys_ns) || fabs(t->refsys_ns) <= CGGTTS_REFSYS_MAX_NS);
  }
  for (size_t i = 0; i < f->nmsg; i++)
    FUZZ_ASSERT(f->msg[i].line <= lines && f->msg[i].text[0] != '\0');
  FUZZ_ASSERT(f->nmsg <= f->refused + f->warnings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  size_t lines = 1;
  for (size_t i = 0; i < size; i++)
    lines += data[i] == '\n';
  struct cggtts_file f;
  char err[512] = "";
  if (cggtts_parse((const char *)data, size, "fuzz", &f, err, sizeof err) != 0) {
    FUZZ_ASSERT(strncmp(err, "fuzz", 4) == 0);
    return 0;
  }
  check_file(&f, lines);
  struct cggtts_diff d;
  if (cggtts_diff(&f, &f, &(struct cggtts_diff_opt){0}, &d, err, sizeof err) == 0) {
    FUZZ_ASSERT(d.matched <= d.a_full && d.epochs <= d.matched);
    for (size_t i = 0; i < d.matched; i++)
      FUZZ_ASSERT(d.pair[i].d_ns == 0.0);
    cggtts_diff_free(&d);
  }
  if (cggtts_diff_aiv(&f, &f, &(struct cggtts_diff_opt){0}, &d, err, sizeof err) == 0) {
    FUZZ_ASSERT(d.matched == d.epochs);
    for (size_t i = 0; i < d.matched; i++)
      FUZZ_ASSERT(d.pair[i].d_ns == 0.0);
    cggtts_diff_free(&d);
  }
  cggtts_free(&f);
  return 0;
}
