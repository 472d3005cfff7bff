/* SIGINT and SIGTERM stop a subcommand cleanly (DESIGN.md section 4). */
#ifndef CVD_SIG_H
#define CVD_SIG_H

#include <signal.h>

extern volatile sig_atomic_t cvd_stop;
/* Installs the handlers (without SA_RESTART, so blocking calls return). */
void cvd_catch_signals(void);

#endif
