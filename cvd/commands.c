/* The table of subcommands. */
#include "config.h"

#include "cvd/cmd.h"


const struct cvd_cmd cvd_commands[] = {
    {"site", "run a site daemon: TIC, receiver, tracks, spool, upload, steering", cvd_site_main,
     cvd_site_help},
    {"server", "run the central server: ingest, common view, steering, web", cvd_server_main,
     cvd_server_help},
    {"demo", "run a whole simulated network on this machine, with the web grid", cvd_demo_main,
     cvd_demo_help},
    {"calibrate", "a site's differential delay from a common-clock run", cvd_calibrate_main,
     cvd_calibrate_help},
    {"simulate", "simulate the whole network in one process, scored against truth",
     cvd_simulate_main, cvd_simulate_help},
    {"operator", "tell the server what staff know: what a measurement step was",
     cvd_operator_main, cvd_operator_help},
    {"stability", "frequency stability of phase or frequency data (ADEV, MDEV, TDEV, ...)",
     cvd_stability_main, cvd_stability_help},
    {"report", "monthly uncertainty and traceability reports for auditors, and their check",
     cvd_report_main, cvd_report_help},
    {"cggtts", "CGGTTS files: check, common-view difference of two, upload to the server",
     cvd_cggtts_main, cvd_cggtts_help},
    {NULL, NULL, NULL, NULL},
};
