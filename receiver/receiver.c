#include "config.h"
#include "receiver/receiver.h"

#include <stdio.h>
#include <string.h>

extern const struct receiver_driver rx_sim_driver;
extern const struct receiver_driver rx_gpsd_driver;

static const struct receiver_driver *const drivers[] = {
    &rx_sim_driver,
    &rx_gpsd_driver,
    NULL,
};

const struct receiver_driver *rx_find(const char *name)
{
  return drvtab_find((const void *const *)drivers, name);
}

const char *rx_driver_names(void)
{
  static char buf[256];
  return drvtab_names((const void *const *)drivers, buf, sizeof buf);
}

int rx_open(struct receiver *rx, const struct drvconf *c, char *err, size_t errlen)
{
  memset(rx, 0, sizeof *rx);
  rx->state.leap_seconds = -1;
  rx->drv = rx_find(c->driver);
  if (!rx->drv) {
    snprintf(err, errlen, "unknown receiver driver '%s' (known: %s)", c->driver,
             rx_driver_names());
    return -1;
  }
  rx->conf = *c;
  return rx->drv->open(rx, err, errlen);
}

int rx_poll(struct receiver *rx, int64_t now, char *err, size_t errlen)
{
  return rx->drv->poll(rx, now, err, errlen);
}

int rx_qerr(struct receiver *rx, int64_t second, int64_t *ps)
{
  return rx->drv->qerr ? rx->drv->qerr(rx, second, ps) : 0;
}

void rx_close(struct receiver *rx)
{
  if (rx->drv && rx->drv->close)
    rx->drv->close(rx);
  rx->drv = NULL;
}

const char *rx_fix_name(enum rx_fix f)
{
  static const char *names[] = {"NODATA", "NOFIX", "2D", "3D", "TIME"};
  return (unsigned)f < 5 ? names[f] : "NODATA";
}
