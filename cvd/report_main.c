/* cvd report: placeholder until its module lands. */
#include "config.h"

#include "cvd/cmd.h"

int cvd_report_main(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  fprintf(stderr, "cvd report: not built yet\n");
  return EXIT_RUNTIME;
}

void cvd_report_help(FILE *out)
{
  fprintf(out, "Usage: cvd report\n");
}
