/* The server's configuration file (cvd-server(5) in doc/cvd.8). */
#ifndef CVD_SERVER_CONF_H
#define CVD_SERVER_CONF_H

#include <stddef.h>

#include "cvd/procconf.h"
#include "steer/engine.h"
#include "web/web.h"

struct server_conf {
  struct proc_conf proc;   /* first: see procconf.h */
  struct engine_conf engine;
  struct web_conf web;
  int tick_s;              /* service seconds between holdover checks [60] */
};

void server_conf_default(struct server_conf *c);
/* Parses path into c; checks what single lines cannot (a reference, known among the
 * sites).  Returns 0 or -1 with "FILE:LINE: ..." or "FILE: ..." in err. */
int server_conf_load(const char *path, struct server_conf *c, char *err, size_t errlen);

#endif
