#include "config.h"
#include "tic/tic.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"

extern const struct tic_driver tic_sim_driver;
extern const struct tic_driver tic_replay_driver;
extern const struct tic_driver tic_ticc_driver;
extern const struct tic_driver tic_53230a_driver;
extern const struct tic_driver tic_sr620_driver;
extern const struct tic_driver tic_pps_driver;

static const struct tic_driver *const drivers[] = {
    &tic_sim_driver,
    &tic_replay_driver,
    &tic_ticc_driver,
    &tic_53230a_driver,
    &tic_sr620_driver,
    &tic_pps_driver,
    NULL,
};

const struct tic_driver *tic_find(const char *name)
{
  return drvtab_find((const void *const *)drivers, name);
}

const char *tic_driver_names(void)
{
  static char buf[256];
  return drvtab_names((const void *const *)drivers, buf, sizeof buf);
}

int tic_open(struct tic *t, const struct drvconf *c, char *err, size_t errlen)
{
  memset(t, 0, sizeof *t);
  t->drv = tic_find(c->driver);
  if (!t->drv) {
    snprintf(err, errlen, "unknown TIC driver '%s' (known: %s)", c->driver, tic_driver_names());
    return -1;
  }
  t->conf = *c;
  return t->drv->open(t, err, errlen);
}

double tic_unwrap_ns(double raw_s)
{
  double s = raw_s - floor(raw_s); /* into [0, 1) */
  if (s > 0.5)
    s -= 1.0;
  return s * 1e9;
}

int tic_read(struct tic *t, struct tic_reading *r, int64_t deadline, char *err, size_t errlen)
{
  for (;;) {
    int rc = t->drv->read(t, r, deadline, err, errlen);
    if (rc <= 0) {
      if (rc < 0)
        t->counts.errors++;
      return rc;
    }
    if (!isfinite(r->raw_s) || r->raw_s < TIC_RAW_MIN_S || r->raw_s > TIC_RAW_MAX_S) {
      t->counts.garbage++;
      continue;
    }
    /* Whether a reading came before: not last_t != 0, which a reading labelled with
     * second 0 (a log's "0", 1970) would defeat. */
    if (t->counts.readings && r->t == t->last_t) {
      t->counts.duplicates++;
      continue;
    }
    if (t->counts.readings && r->t < t->last_t) {
      /* One reading out of order is dropped; TIC_BACK_RUN in a row mean that the labels
       * went back for good (the host clock stepped back): they are taken from there. */
      t->counts.out_of_order++;
      if (++t->back_run < TIC_BACK_RUN)
        continue;
      LOGW("tic", "%d readings in a row labelled before the last one, now %.0f s back: the "
                  "host clock went back; readings are taken from here on",
           t->back_run, (double)(t->last_t - r->t) / 1e9);
    }
    t->back_run = 0;
    double s = r->raw_s - floor(r->raw_s);
    if (s > 0.5)
      t->counts.wrapped++;
    r->ns = tic_unwrap_ns(r->raw_s);
    t->last_t = r->t;
    t->counts.readings++;
    return 1;
  }
}

void tic_close(struct tic *t)
{
  if (t->drv && t->drv->close)
    t->drv->close(t);
  t->drv = NULL;
}
