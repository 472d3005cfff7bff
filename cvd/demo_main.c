#include "config.h"
#include <stdio.h>
#include "cvd/cmd.h"
int cmd_demo(int argc, char **argv) { (void)argc; (void)argv; return EXIT_RUNTIME; }
void help_demo(FILE *out) { fprintf(out, "Usage: cvd demo\n"); }
