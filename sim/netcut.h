/* The network of a simulated network on this machine, with links that can be cut: a TCP
 * relay on 127.0.0.1 with one listening port per link, each forwarding to one target
 * port (cvd demo: each site sends to its own link, the relay to the server).  A cut link
 * closes what it carries and refuses new connections at once, as a network that is down
 * would make a client fail; mended, it relays again.  One thread does the relaying. */
#ifndef CVD_SIM_NETCUT_H
#define CVD_SIM_NETCUT_H

#include <stddef.h>

struct netcut;

/* Listens on ports[0..n) (127.0.0.1; ports NULL or 0: free ports), relaying to target.
 * NULL with err on failure. */
struct netcut *netcut_start(const int *ports, int n, int target, char *err, size_t errlen);
/* The port link k listens on. */
int netcut_port(const struct netcut *nc, int k);
/* Cuts (cut 1) or mends (0) link k. */
void netcut_set(struct netcut *nc, int k, int cut);
void netcut_stop(struct netcut *nc);

#endif
