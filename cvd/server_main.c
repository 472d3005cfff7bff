#include "config.h"
#include <stdio.h>
#include "cvd/cmd.h"
int cmd_server(int argc, char **argv) { (void)argc; (void)argv; return EXIT_RUNTIME; }
void help_server(FILE *out) { fprintf(out, "Usage: cvd server\n"); }
