/* The site daemon's configuration file: one table (site_items) from which the file is
 * parsed, the defaults set, `cvd help site` and cvd-site(8) made (core/conf.h). */
#ifndef CVD_SITE_CONF_H
#define CVD_SITE_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "core/command.h"
#include "core/conf.h"
#include "core/drvconf.h"
#include "core/procconf.h"
#include "sim/scenario.h"
#include "track/builder.h"
#include "upload/sender.h"

struct site_conf {
  struct proc_conf proc;      /* log, clock, command limits */
  char name[SITE_NAME_MAX];
  struct upl_conf up;         /* server, secret, timeout, batch, retry */
  char spool[1024];           /* [cvd-spool-NAME.db] */
  struct drvconf tic, receiver, osc;
  int has_sim;
  char sim_path[1024];
  struct scenario sc;         /* loaded from sim_path */
  struct tb_params tb;        /* delays, min_samples, rejection */
  int keep_days;              /* acknowledged tracks kept in the spool [30] */
  int truth;                  /* record simulated truth each minute [yes with simulation] */
};

extern const struct conf_item site_items[];

void site_conf_default(struct site_conf *c);
/* Parses path into c (which holds the defaults): 0, or -1 with "FILE:LINE: ..." in err. */
int site_conf_load(const char *path, struct site_conf *c, char *err, size_t errlen);

#endif
