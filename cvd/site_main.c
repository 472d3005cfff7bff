#include "config.h"
#include <stdio.h>
#include "cvd/cmd.h"
int cmd_site(int argc, char **argv) { (void)argc; (void)argv; return EXIT_RUNTIME; }
void help_site(FILE *out) { fprintf(out, "Usage: cvd site\n"); }
