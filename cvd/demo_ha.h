/* cvd demo --servers 2 (issue 13): a second server on the first's store (one SQLite file in
 * the demo; PostgreSQL in service), every site listing both, and the loss of each in turn:
 * the first killed with SIGKILL a third into the run and started again two simulated hours
 * later, then the second the same two thirds in.  One of them steers at a time (the
 * store's lease); the sites move to the other while one is down. */
#ifndef CVD_DEMO_HA_H
#define CVD_DEMO_HA_H

#include <stddef.h>
#include <stdint.h>

#include "sim/netconf.h"

/* Before the files are written: the server's name (s1) and, for every site, the second
 * server (port2) after the first. */
void demo_ha_lines(struct netconf *nc, int port2);
/* After the first server's file: DIR/server2.conf, the same but for its port and name s2.
 * 0, or -1 with err. */
int demo_ha_write_server2(const struct netconf *nc, int port2, char *err, size_t errlen);

/* What happens to the servers between last and now of a run from start to end (end
 * INT64_MAX: no losses): bit 0 server 1 killed, bit 1 server 1 started again, bit 2 server
 * 2 killed, bit 3 server 2 started again. */
int demo_ha_events(int64_t start, int64_t end, int64_t last, int64_t now);

/* One line on stderr: each server, whether it answers and whether it steers. */
void demo_ha_note(int port, int port2);

#endif
