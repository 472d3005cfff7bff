/* The subcommands of the cvd program.  Each returns the process exit status
 * (DESIGN.md section 4: 0 success, 1 runtime failure, 2 bad usage, configuration or input). */
#ifndef CVD_CMD_H
#define CVD_CMD_H

#include <stdio.h>

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

struct cvd_cmd {
  const char *name;
  const char *summary;
  int (*run)(int argc, char **argv);
  void (*help)(FILE *out);
};

extern const struct cvd_cmd cvd_commands[];

/* The path of the running cvd executable, for starting child processes. */
const char *cvd_self_path(void);

#endif
