/* The whole network of a scenario in one process (cvd simulate): the site cores and the
 * server wired without processes or HTTP, on the manual clock, one second at a time, with
 * the scenario's outages and its hosts' faults (site_freeze, site_restart,
 * server_restart) done to the same code a real network runs.  Each remote's true x and
 * the server's state are recorded at every slot midpoint for scoring (sim/score.h). */
#ifndef CVD_SIMNET_H
#define CVD_SIMNET_H

#include <stdint.h>

#include "core/msg.h"
#include "server/server.h"
#include "sim/scenario.h"
#include "sim/score.h"
#include "site/core.h"

struct simnet {
  struct scenario sc;
  struct server srv;
  struct server_app_conf srv_conf;
  struct site_core *site;   /* 0 ref, k remote rk */
  struct site_conf *site_conf;
  int nsites;
  char dir[1024];           /* files of daemons that restart; "" when all is in memory */
  struct sim_series *ser;   /* per remote, index k - 1 */
  int nslots;
  struct track buf[MSG_MAX_TRACKS];
};

/* Opens the network of n->sc (set by the caller) with the servo named (NULL: default);
 * the server's store in the file store (NULL: in memory, or a temporary file when the
 * server restarts), written as cvd server writes it (its events include state changes). */
int simnet_open(struct simnet *n, const char *servo, const char *store, char *err,
                size_t errlen);
/* Second t of the scenario: faults, readings, uploads, the server's tick, the record. */
void simnet_step(struct simnet *n, int64_t t);
void simnet_close(struct simnet *n);
/* The true x of remote k at t. */
double simnet_true_x(const struct simnet *n, int k, int64_t t);

#endif
