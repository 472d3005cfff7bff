/* The configuration files of a simulated network on this machine, for cvd demo and the
 * integration tests alike: the scenario, the server's and every site's, in one directory,
 * with a random secret per site, all on 127.0.0.1 and one shared clock source.  Site k is
 * `ref` (0) or `rk`; its spool is DIR/NAME.db, its file DIR/NAME.conf; the server's store
 * is DIR/server.db, its file DIR/server.conf. */
#ifndef CVD_SIM_NETCONF_H
#define CVD_SIM_NETCONF_H

#include <stddef.h>

#include "sim/scenario.h"

struct netconf {
  char dir[1024];
  int port;                               /* the server's */
  int site_port[SIM_MAX_REMOTES + 1];     /* where site k sends (the server, or a proxy) */
  int nsites;                             /* ref and the remotes */
  char secret[SIM_MAX_REMOTES + 1][65];
  char clock[256];                        /* the clock directive's arguments */
  int web;                                /* the server serves the pages */
  char servo[16];                         /* "" for the server's default */
  char server_extra[1024];                /* more lines for the server's file */
  /* TLS: the server's certificate and key ("": plain HTTP on purpose, on loopback), and
   * how the sites check it (CA file, pin, either may be ""). */
  char tls_cert[1024], tls_key[1024], tls_ca[1024], tls_pin[128];
  char site_extra[1024];                  /* more lines for every site's file */
};

/* A network of nsites in dir, the server on port, random secrets.  0 or -1 with err. */
int netconf_init(struct netconf *n, const char *dir, int port, int nsites, const char *clock,
                 char *err, size_t errlen);
/* Writes DIR/scenario.conf from sc, DIR/server.conf, DIR/NAME.conf of site k. */
int netconf_write_scenario(const struct netconf *n, const struct scenario *sc, char *err,
                           size_t errlen);
int netconf_write_server(const struct netconf *n, char *err, size_t errlen);
int netconf_write_site(const struct netconf *n, int k, char *err, size_t errlen);
/* DIR/FILE into buf. */
const char *netconf_path(const struct netconf *n, const char *file, char *buf, size_t len);

#endif
