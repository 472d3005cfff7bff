/* The Keysight (Agilent) 53230A, or 53220A, over SCPI on its raw socket (TCP port 5025).
 *
 * Configuration (53220A/53230A User's Guide, chapter 3, "Time interval", 2-channel
 * example; chapter 4 for input levels and slopes): CONF:TINT (@1),(@2) starts on channel 1
 * (the local 1PPS) and stops on channel 2 (the GPS 1PPS), so the counter reads
 * GPS - LOCAL = LOCAL - GPS (DESIGN.md section 3).  Auto-levelling is turned off: it needs
 * a signal far faster than 1 Hz (Programmer's Reference, MEASure:TINTerval?), so the
 * thresholds are fixed.  SYST:TIM bounds each measurement (User's Guide, "Setting the
 * Measurement Time Out"): without both pulses the counter answers 9.91E37, Not a Number,
 * instead of waiting for ever; that second is missing, not garbage.
 *
 * One READ? per reading (INIT then FETC? in one command): the counter arms, starts on the
 * first channel 1 edge after it and stops on the next channel 2 edge
 * (SENSe:TINTerval:GATE:SOURce IMMediate, the default), and the reply comes as soon as the
 * stop edge is measured, so nothing is gained by splitting it, and the socket carries one
 * query at a time.  When the GPS pulse comes before the local one the counter waits for
 * the next GPS pulse and reads nearly a whole second (1 s - x); a negative reply (-x) is
 * taken as well.  Both are passed as given, for tic.c to unwrap, and labelled by when the
 * measurement ended (ticlabel.h).  Readings of nearly a whole second can follow only
 * every other pulse: the next local pulse has passed before READ? is sent again. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "tic/scpi.h"
#include "tic/tic.h"
#include "tic/ticlabel.h"
#include "tic/ticutil.h"

#define K532_PORT 5025
#define K532_IO_MS 3000
/* SYST:TIM: a start edge within 1 s of arming, the stop edge within 1 s of it. */
#define K532_MEAS_TIMEOUT_S 3

struct k532 {
  struct scpi io;
  struct scpi_poll poll;
  double latency_s;
};

struct k532_opts {
  double level[2];
  int slope[2]; /* 0 POS, 1 NEG */
  int imp;      /* 0 50 ohm, 1 1 Mohm */
};

static int read_options(struct tic *t, struct k532_opts *o, double *latency, char *err,
                        size_t errlen)
{
  static const char *const keys[] = {"level1", "level2", "slope1", "slope2",
                                     "impedance", "latency", NULL};
  static const char *const slopes[] = {"pos", "neg", NULL};
  static const char *const imps[] = {"50", "1M", NULL};
  o->level[0] = o->level[1] = 1.0;
  /* The input range is +-5 V at either impedance (no attenuator is switched in). */
  if (drvconf_check_keys(&t->conf, keys, err, errlen) ||
      drvconf_double(&t->conf, "level1", -5, 5, &o->level[0], err, errlen) ||
      drvconf_double(&t->conf, "level2", -5, 5, &o->level[1], err, errlen) ||
      tic_opt_choice(&t->conf, "slope1", slopes, 0, &o->slope[0], err, errlen) ||
      tic_opt_choice(&t->conf, "slope2", slopes, 0, &o->slope[1], err, errlen) ||
      tic_opt_choice(&t->conf, "impedance", imps, 0, &o->imp, err, errlen) ||
      ticlabel_latency_option(&t->conf, latency, err, errlen))
    return -1;
  if (!t->conf.device[0]) {
    snprintf(err, errlen, "the 53230a driver needs the counter's address, HOST[:PORT]");
    return -1;
  }
  return 0;
}

static int configure(struct scpi *io, const struct k532_opts *o, char *err, size_t errlen)
{
  char idn[256];
  if (scpi_query(io, "*IDN?", idn, sizeof idn, K532_IO_MS, err, errlen) != 0)
    return -1;
  if (!strstr(idn, "53230A") && !strstr(idn, "53220A")) {
    snprintf(err, errlen, "%s is not a 53230A or 53220A: *IDN? says '%.80s'", io->io.path,
             idn);
    return -1;
  }
  char cmd[16][48];
  int n = 0;
  snprintf(cmd[n++], sizeof cmd[0], "*RST");
  snprintf(cmd[n++], sizeof cmd[0], "*CLS");
  snprintf(cmd[n++], sizeof cmd[0], "CONF:TINT (@1),(@2)");
  for (int ch = 1; ch <= 2; ch++) {
    snprintf(cmd[n++], sizeof cmd[0], "INP%d:COUP DC", ch);
    snprintf(cmd[n++], sizeof cmd[0], "INP%d:IMP %s", ch, o->imp ? "1.0E6" : "50");
    snprintf(cmd[n++], sizeof cmd[0], "INP%d:LEV:AUTO OFF", ch);
    snprintf(cmd[n++], sizeof cmd[0], "INP%d:LEV %.3f", ch, o->level[ch - 1]);
    snprintf(cmd[n++], sizeof cmd[0], "INP%d:SLOP %s", ch, o->slope[ch - 1] ? "NEG" : "POS");
  }
  snprintf(cmd[n++], sizeof cmd[0], "SYST:TIM %d", K532_MEAS_TIMEOUT_S);
  for (int i = 0; i < n; i++)
    if (scpi_send(io, cmd[i], err, errlen) != 0)
      return -1;
  if (scpi_check_errors(io, "configuring the time interval", err, errlen) != 0)
    return -1;
  LOGI("tic", "53230a at %s: %.60s, TINT 1->2 at %.3f/%.3f V", io->io.path, idn,
       o->level[0], o->level[1]);
  return 0;
}

static int k532_open(struct tic *t, char *err, size_t errlen)
{
  struct k532_opts o;
  double latency;
  if (read_options(t, &o, &latency, err, errlen) != 0)
    return -1;
  struct k532 *k = calloc(1, sizeof *k);
  if (!k) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (scpi_open_tcp(&k->io, t->conf.device, K532_PORT, K532_IO_MS, err, errlen) != 0) {
    free(k);
    return -1;
  }
  if (configure(&k->io, &o, err, errlen) != 0) {
    scpi_close(&k->io);
    free(k);
    return -1;
  }
  k->latency_s = latency;
  k->poll = (struct scpi_poll){.query = "READ?",
                               .timeout_ms = (K532_MEAS_TIMEOUT_S + 2) * 1000};
  t->priv = k;
  return 0;
}

static int k532_read(struct tic *t, struct tic_reading *r, int64_t deadline, char *err,
                      size_t errlen)
{
  struct k532 *k = t->priv;
  return scpi_tic_read(t, &k->io, &k->poll, k->latency_s, r, deadline, err, errlen);
}

static void k532_close(struct tic *t)
{
  struct k532 *k = t->priv;
  if (k) {
    scpi_close(&k->io);
    free(k);
  }
  t->priv = NULL;
}

const struct tic_driver tic_53230a_driver = {
    .name = "53230a",
    .summary = "Keysight 53230A/53220A over SCPI on TCP port 5025, READ? each second",
    .open = k532_open,
    .read = k532_read,
    .close = k532_close,
};
