/* The subcommands of the cvd program: for each, cvd_NAME_main(argc, argv) runs it (argv[0]
 * is the subcommand's name) and returns the process exit status (DESIGN.md section 4: 0
 * success, 1 runtime failure, 2 bad usage, configuration or input), and cvd_NAME_help
 * prints its --help.  (The cmd_ prefix belongs to steering commands, core/command.h.) */
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

int cvd_site_main(int argc, char **argv);
void cvd_site_help(FILE *out);
int cvd_server_main(int argc, char **argv);
void cvd_server_help(FILE *out);
int cvd_demo_main(int argc, char **argv);
void cvd_demo_help(FILE *out);
int cvd_calibrate_main(int argc, char **argv);
void cvd_calibrate_help(FILE *out);
int cvd_simulate_main(int argc, char **argv);
void cvd_simulate_help(FILE *out);
int cvd_operator_main(int argc, char **argv);
void cvd_operator_help(FILE *out);
int cvd_stability_main(int argc, char **argv);
void cvd_stability_help(FILE *out);
int cvd_report_main(int argc, char **argv);
void cvd_report_help(FILE *out);
int cvd_cggtts_main(int argc, char **argv);
void cvd_cggtts_help(FILE *out);

/* The path of the running cvd executable, for starting child processes. */
const char *cvd_self_path(void);

#endif
