/* A simulation scenario (sim/scenario.c), parsed as `cvd simulate --scenario FILE` and a
 * site's `simulation FILE` parse it (scenario_defaults, then scenario_parse_file).  A
 * scenario that parses is written back (scenario_write, what cvd demo hands its children),
 * which must parse again and write the same text; and its times, asked as the simulator
 * and the demo ask them, must be computable. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "sim/scenario.h"
#include "tests/fuzz/fuzzutil.h"

const char fuzz_target_name[] = "scenario";

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  FUZZ_ASSERT(f != NULL);
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  FUZZ_ASSERT(!ferror(f) && feof(f));
  fclose(f);
  buf[n] = '\0';
  return strdup(buf);
}

/* The questions cvd simulate and cvd demo ask of a scenario, over its whole run. */
static void ask(const struct scenario *sc)
{
  int64_t end = scenario_time(sc, sc->days * 24);
  int64_t t = scenario_next_event(sc, sc->start - 1);
  for (int i = 0; i < 8 && t != INT64_MAX; i++)
    t = scenario_next_event(sc, t);
  for (int site = SIM_SERVER; site <= sc->remotes; site++) {
    scenario_slot_lost(sc, site, sc->start);
    scenario_frozen(sc, site, end);
    scenario_restart_at(sc, site, sc->start);
    scenario_link_cut(sc, site, end);
    scenario_restart_in(sc, site, sc->start, end);
  }
  scenario_commands_cut(sc, end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  char in[FUZZ_PATH_MAX], out1[FUZZ_PATH_MAX], out2[FUZZ_PATH_MAX], err[1024];
  fuzz_file("scenario", data, size, in, sizeof in);
  static struct scenario sc, back;
  scenario_defaults(&sc);
  if (scenario_parse_file(in, &sc, err, sizeof err) != 0)
    return 0;
  ask(&sc);
  fuzz_file("written1", NULL, 0, out1, sizeof out1);
  fuzz_file("written2", NULL, 0, out2, sizeof out2);
  FUZZ_ASSERT(scenario_write(&sc, out1) == 0);
  scenario_defaults(&back);
  if (scenario_parse_file(out1, &back, err, sizeof err) != 0)
    fuzz_fail(__FILE__, __LINE__, err);
  FUZZ_ASSERT(scenario_write(&back, out2) == 0);
  char *a = slurp(out1), *b = slurp(out2);
  FUZZ_ASSERT(strcmp(a, b) == 0);
  free(a);
  free(b);
  return 0;
}
