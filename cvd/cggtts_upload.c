/* cvd cggtts upload: a CGGTTS site's files to the server, signed like track uploads. */
#include "config.h"

#include <stdio.h>

#include "cvd/cmd.h"

int cvd_cggtts_upload(int argc, char **argv);

int cvd_cggtts_upload(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  fprintf(stderr, "cvd cggtts upload: not built yet\n");
  return EXIT_RUNTIME;
}
