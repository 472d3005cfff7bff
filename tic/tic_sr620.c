/* The Stanford Research Systems SR620 universal time interval counter on its RS-232 port
 * (SR620 Operation Manual, "Programming Commands": measurement control MODE, SRCE, ARMM,
 * SIZE, AUTM; trigger control LEVL, TSLP, TERM; data transmission MEAS?; the IEEE 488.2
 * common commands *IDN?, *CLS, *ESR?).  The counter answers a query with one line ended
 * by CR LF.
 *
 * Set up for time interval (MODE 0) from A, the local 1PPS, to B, the GPS 1PPS
 * (SRCE 0), one sample per measurement (SIZE 1) and automatic re-measurement off (AUTM 0),
 * so each MEAS? 0 starts one measurement and returns it: GPS - LOCAL = LOCAL - GPS
 * (DESIGN.md section 3).  Fixed trigger levels and slopes on both inputs.  *ESR? after
 * the setup tells whether the counter refused a command (its command, execution or
 * query error bits).
 *
 * Arming (ARMM): +-TIME (the default here) measures a signed interval, so a GPS pulse that
 * comes before the local one gives a small negative reading; +TIME starts on A and stops
 * on the next B, nearly a whole second in that case.  Either is passed as given for tic.c
 * to unwrap, and labelled by when the measurement ended (ticlabel.h).  The SR620 has no
 * measurement timeout: a query left without reply for 4 s is an error (pulses missing, or
 * the counter gone), and the caller opens the port again. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "tic/scpi.h"
#include "tic/tic.h"
#include "tic/ticlabel.h"
#include "tic/ticutil.h"

#define SR620_IO_MS 2000
#define SR620_MEAS_MS 4000
/* *ESR? bits (IEEE 488.2): query error 4, device-dependent error 8, execution error 16,
 * command error 32. */
#define SR620_ESR_ERRORS 0x3c

struct sr620 {
  struct scpi io;
  struct scpi_poll poll;
  double latency_s;
};

struct sr620_opts {
  int baud, arming, slope[2], term;
  double level[2];
};

static int read_options(struct tic *t, struct sr620_opts *o, double *latency, char *err,
                        size_t errlen)
{
  static const char *const keys[] = {"baud", "arming", "levelA", "levelB", "slopeA",
                                     "slopeB", "impedance", "latency", NULL};
  static const char *const armings[] = {"+-time", "+time", NULL};
  static const char *const slopes[] = {"pos", "neg", NULL};
  static const char *const terms[] = {"50", "1M", NULL};
  o->level[0] = o->level[1] = 1.0;
  /* LEVL takes -3.00 to +3.00 V (manual, trigger control commands). */
  if (drvconf_check_keys(&t->conf, keys, err, errlen) ||
      tic_opt_baud(&t->conf, 9600, &o->baud, err, errlen) ||
      tic_opt_choice(&t->conf, "arming", armings, 0, &o->arming, err, errlen) ||
      drvconf_double(&t->conf, "levelA", -3, 3, &o->level[0], err, errlen) ||
      drvconf_double(&t->conf, "levelB", -3, 3, &o->level[1], err, errlen) ||
      tic_opt_choice(&t->conf, "slopeA", slopes, 0, &o->slope[0], err, errlen) ||
      tic_opt_choice(&t->conf, "slopeB", slopes, 0, &o->slope[1], err, errlen) ||
      tic_opt_choice(&t->conf, "impedance", terms, 0, &o->term, err, errlen) ||
      ticlabel_latency_option(&t->conf, latency, err, errlen))
    return -1;
  if (!t->conf.device[0]) {
    snprintf(err, errlen, "the sr620 driver needs the serial device, e.g. /dev/ttyUSB0");
    return -1;
  }
  return 0;
}

static int configure(struct scpi *io, const struct sr620_opts *o, char *err, size_t errlen)
{
  char reply[256];
  if (scpi_query(io, "*IDN?", reply, sizeof reply, SR620_IO_MS, err, errlen) != 0)
    return -1;
  if (!strstr(reply, "SR620")) {
    snprintf(err, errlen, "%s is not an SR620: *IDN? says '%.80s'", io->io.path, reply);
    return -1;
  }
  LOGI("tic", "sr620 on %s: %.80s", io->io.path, reply);
  char cmd[200];
  /* Channel 1 is A, 2 is B; slope 0 rising; termination 0 is 50 ohm, 1 is 1 Mohm. */
  snprintf(cmd, sizeof cmd,
           "*CLS;MODE 0;SRCE 0;ARMM %d;SIZE 1;AUTM 0;LEVL 1,%.2f;LEVL 2,%.2f;TSLP 1,%d;"
           "TSLP 2,%d;TERM 1,%d;TERM 2,%d",
           o->arming, o->level[0], o->level[1], o->slope[0], o->slope[1], o->term, o->term);
  if (scpi_send(io, cmd, err, errlen) != 0 ||
      scpi_query(io, "*ESR?", reply, sizeof reply, SR620_IO_MS, err, errlen) != 0)
    return -1;
  double esr;
  if (scpi_number(reply, &esr) != 0) {
    snprintf(err, errlen, "%s: unreadable reply to *ESR?: '%.80s'", io->io.path, reply);
    return -1;
  }
  if ((int)esr & SR620_ESR_ERRORS) {
    snprintf(err, errlen, "%s: the SR620 refused the setup '%s' (*ESR? = %d:%s%s%s%s)",
             io->io.path, cmd, (int)esr, (int)esr & 32 ? " command error" : "",
             (int)esr & 16 ? " execution error" : "", (int)esr & 8 ? " device error" : "",
             (int)esr & 4 ? " query error" : "");
    return -1;
  }
  return 0;
}

static int sr620_open(struct tic *t, char *err, size_t errlen)
{
  struct sr620_opts o;
  double latency;
  if (read_options(t, &o, &latency, err, errlen) != 0)
    return -1;
  struct sr620 *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (scpi_open_serial(&c->io, t->conf.device, o.baud, err, errlen) != 0) {
    free(c);
    return -1;
  }
  serial_drain(&c->io.io);
  if (configure(&c->io, &o, err, errlen) != 0) {
    scpi_close(&c->io);
    free(c);
    return -1;
  }
  c->latency_s = latency;
  c->poll = (struct scpi_poll){.query = "MEAS? 0", .timeout_ms = SR620_MEAS_MS};
  t->priv = c;
  return 0;
}

static int sr620_read(struct tic *t, struct tic_reading *r, int64_t deadline, char *err,
                      size_t errlen)
{
  struct sr620 *c = t->priv;
  return scpi_tic_read(t, &c->io, &c->poll, c->latency_s, r, deadline, err, errlen);
}

static void sr620_close(struct tic *t)
{
  struct sr620 *c = t->priv;
  if (c) {
    scpi_close(&c->io);
    free(c);
  }
  t->priv = NULL;
}

const struct tic_driver tic_sr620_driver = {
    .name = "sr620",
    .summary = "Stanford Research SR620 on RS-232, time interval A to B, MEAS? each second",
    .open = sr620_open,
    .read = sr620_read,
    .close = sr620_close,
};
