/* The clock source: what every part asks for the current time (DESIGN.md section 3).
 *
 * In service it is the system's UTC clock.  In `demo` and the integration tests it is a
 * simulated clock that runs `speed` times faster than real time from `start`, anchored to
 * CLOCK_MONOTONIC so that separate processes given the same anchor share one simulated
 * clock.  In `simulate` it is a manual clock that moves only when told to.
 * Signature timestamps and network timeouts use wall time (tu_wall_ns) instead. */
#ifndef CVD_CLOCK_H
#define CVD_CLOCK_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

enum clk_kind { CLK_REAL = 0, CLK_SIM, CLK_MANUAL };

struct clk_conf {
  enum clk_kind kind;
  int64_t start;       /* CLK_SIM, CLK_MANUAL: service time at the anchor, UTC ns */
  double speed;        /* CLK_SIM: simulated seconds per real second */
  int64_t anchor_mono; /* CLK_SIM: CLOCK_MONOTONIC ns at which service time == start;
                          0 means the moment clk_configure is called */
};

void clk_configure(const struct clk_conf *c);
const struct clk_conf *clk_config(void);

int64_t clk_now(void);
/* CLK_MANUAL only: sets the time (never backwards). */
void clk_set(int64_t t);

/* Sleeps until service time t, or until *stop becomes nonzero (looked at least every
 * 100 ms of wall time).  Returns 0 when t was reached, 1 when stopped.  In CLK_MANUAL
 * it returns at once. */
int clk_sleep_until(int64_t t, const volatile sig_atomic_t *stop);

/* Wall-clock nanoseconds that `dt` nanoseconds of service time take. */
int64_t clk_wall_interval(int64_t dt);

/* Parses the arguments of the `clock` directive:
 *   real
 *   simulated START SPEED [ANCHOR]
 * START as tu_parse accepts; SPEED > 0; ANCHOR in CLOCK_MONOTONIC ns.
 * Returns 0, or -1 with a message in err. */
int clk_parse(int argc, char **argv, struct clk_conf *out, char *err, size_t errlen);

#endif
