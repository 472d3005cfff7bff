/* The site daemon's configuration file (directives in `cvd help site`). */
#ifndef CVD_SITE_CONF_H
#define CVD_SITE_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "cvd/procconf.h"
#include "core/command.h"
#include "core/drvconf.h"
#include "sim/scenario.h"
#include "track/builder.h"

struct site_conf {
  struct proc_conf proc;      /* first: see procconf.h */
  char name[SITE_NAME_MAX];
  char server[512];
  char secret[129];
  char spool[1024];
  struct drvconf tic, receiver, osc;
  int has_sim;
  char sim_path[1024];
  struct scenario sc;         /* loaded from sim_path */
  struct tb_params tb;        /* delays, min_samples, rejection */
  long upload_timeout_ms;     /* [10000] */
  int upload_batch;           /* tracks per request [144] */
  int retry_min_s, retry_max_s; /* service seconds [10, 600] */
  int keep_days;              /* acknowledged tracks kept in the spool [30] */
  int truth;                  /* record simulated truth each minute [yes with simulation] */
};

void site_conf_default(struct site_conf *c);
int site_conf_load(const char *path, struct site_conf *c, char *err, size_t errlen);
/* The directive table's text for help. */
extern const char site_conf_help[];

#endif
