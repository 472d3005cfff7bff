/* cvd cggtts: placeholder until its module lands. */
#include "config.h"

#include "cvd/cmd.h"

int cvd_cggtts_main(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  fprintf(stderr, "cvd cggtts: not built yet\n");
  return EXIT_RUNTIME;
}

void cvd_cggtts_help(FILE *out)
{
  fprintf(out, "Usage: cvd cggtts\n");
}
