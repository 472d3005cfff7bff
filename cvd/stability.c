/* cvd stability: placeholder until stats/ lands (issue 3). */
#include "config.h"

#include <stdio.h>

#include "cvd/cmd.h"

int cmd_stability(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  fprintf(stderr, "cvd stability: not built yet\n");
  return EXIT_RUNTIME;
}

void help_stability(FILE *out) { fprintf(out, "Usage: cvd stability FILE\n"); }
