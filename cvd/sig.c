#include "config.h"
#include "cvd/sig.h"

#include <string.h>

#include "core/clock.h"

volatile sig_atomic_t cvd_stop;

static void on_signal(int sig)
{
  (void)sig;
  cvd_stop = 1;
  clk_interrupt();
}

void cvd_catch_signals(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  /* A file that may not grow (a full disk, RLIMIT_FSIZE) is an error to report and live
   * through, not a reason to die. */
  signal(SIGXFSZ, SIG_IGN);
}
