/* The table of subcommands. */
#include "config.h"

#include "cvd/cmd.h"

int cmd_site(int argc, char **argv);
void help_site(FILE *out);
int cmd_server(int argc, char **argv);
void help_server(FILE *out);
int cmd_demo(int argc, char **argv);
void help_demo(FILE *out);
int cmd_calibrate(int argc, char **argv);
void help_calibrate(FILE *out);
int cmd_simulate(int argc, char **argv);
void help_simulate(FILE *out);
int cmd_stability(int argc, char **argv);
void help_stability(FILE *out);

const struct cvd_cmd cvd_commands[] = {
    {"site", "run a site daemon: TIC, receiver, tracks, spool, upload, steering", cmd_site,
     help_site},
    {"server", "run the central server: ingest, common view, steering, web", cmd_server,
     help_server},
    {"demo", "run a whole simulated network on this machine, with the web grid", cmd_demo,
     help_demo},
    {"calibrate", "a site's differential delay from a common-clock run", cmd_calibrate,
     help_calibrate},
    {"simulate", "simulate the whole network in one process, scored against truth",
     cmd_simulate, help_simulate},
    {"stability", "frequency stability of phase or frequency data (ADEV, MDEV, TDEV, ...)",
     cmd_stability, help_stability},
    {NULL, NULL, NULL, NULL},
};
