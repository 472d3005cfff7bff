/* SRS PRS10 rubidium frequency standard on RS-232.
 *
 * The protocol (PRS10 Operation and Service Manual, its RS-232 command reference and the
 * table of the ST status bytes): 9600 baud 8N1; a command is two letters, an optional
 * argument and CR; a query (the command followed by '?') is answered by one line ended by
 * CR; a setting is not answered.  The unit reports a rejected command only through status byte 6 of ST?
 * (bit 5 bad syntax, bit 6 bad parameter) and a reset or power cycle through its bit 7, so
 * every setting here is read back (SF?, PL?, and ST? when it differs) or, for PP, which
 * has nothing to read back, followed by ST?.  The commands used:
 *   ID?     identification, e.g. PRS10_3.24_SN_19957
 *   PL 0    no phase lock to the 1PPS input: cvd's steering is the only one
 *   SF n    frequency offset in parts in 1e12, -2000..2000, positive = higher frequency;
 *           volatile: a reset or power cycle sets it back to 0
 *   PP n    moves the 1PPS output by n ns.  The manual does not say which way; this
 *           driver takes a positive n as a delay of the pulse (a placement counter counts
 *           forward from the pulse's present epoch), so a phase step of +s ns (the
 *           clock's reading grows: its pulse comes earlier) is sent as PP -s.  pp_sign=-1
 *           reverses it for a unit that shows the other sign on the TIC (doc/cvd-osc.5).
 *   LO?     1 when the frequency lock loop is locked
 *   ST?     six status bytes "b1,b2,b3,b4,b5,b6" (byte 6: bit 5 bad syntax, bit 6 bad
 *           parameter, bit 7 unit reset), the events cleared once read (the driver
 *           counts a reset each time it sees bit 7)
 * A reset is detected from ST? byte 6 bit 7, from SF? differing from what was set or
 * from PL? no longer 0; the driver then restores PL 0 and SF. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/log.h"
#include "osc/osc.h"
#include "osc/oscser.h"

#define SF_STEP 1e-12
#define SF_MAX 2000L
#define ST6_BAD_SYNTAX 0x20
#define ST6_BAD_PARAM 0x40
#define ST6_RESET 0x80

struct prs10 {
  struct oscser l;
  int pp_sign;
  long held;          /* SF the unit should hold */
  int have_held;
  int clamped;        /* the last request was outside the SF range */
  int lo, st[6];
  long sf;
  int have_status;
  int reset_bit;      /* ST? showed bit 7 since the driver last restored the unit */
  long resets;        /* resets detected and restored */
  char id[64];
};

static int accept_int(const char *s)
{
  char *end;
  errno = 0;
  (void)strtol(s, &end, 10);
  return end != s && errno == 0 && *end == '\0';
}

static int parse_st(const char *s, int st[6])
{
  int n = 0;
  if (sscanf(s, "%d,%d,%d,%d,%d,%d%n", &st[0], &st[1], &st[2], &st[3], &st[4], &st[5], &n) !=
          6 || s[n] != '\0')
    return -1;
  for (int i = 0; i < 6; i++)
    if (st[i] < 0 || st[i] > 255)
      return -1;
  return 0;
}

static int accept_st(const char *s)
{
  int st[6];
  return parse_st(s, st) == 0;
}

/* An identification: printable, starting with a letter. */
static int accept_id(const char *s)
{
  if (!isalpha((unsigned char)s[0]))
    return 0;
  for (; *s; s++)
    if (!isprint((unsigned char)*s))
      return 0;
  return 1;
}

static int query_long(struct prs10 *p, const char *cmd, long *v, char *err, size_t errlen)
{
  char r[SERIAL_LINE_MAX];
  if (oscser_query(&p->l, cmd, accept_int, r, sizeof r, err, errlen) != 0)
    return -1;
  *v = strtol(r, NULL, 10);
  return 0;
}

/* ST? into p->st; notes a reset. */
static int read_status(struct prs10 *p, char *err, size_t errlen)
{
  char r[SERIAL_LINE_MAX];
  if (oscser_query(&p->l, "ST?", accept_st, r, sizeof r, err, errlen) != 0)
    return -1;
  parse_st(r, p->st);
  if (p->st[5] & ST6_RESET)
    p->reset_bit = 1;
  return 0;
}

/* Sends a setting, then ST?: fails naming the complaint in status byte 6. */
static int set_checked(struct prs10 *p, const char *cmd, char *err, size_t errlen)
{
  if (oscser_send(&p->l, cmd, err, errlen) != 0 || read_status(p, err, errlen) != 0)
    return -1;
  int bad = p->st[5] & (ST6_BAD_SYNTAX | ST6_BAD_PARAM);
  if (bad) {
    snprintf(err, errlen, "PRS10 refused '%s': %s (status byte 6 = %d)", cmd,
             bad & ST6_BAD_PARAM ? "bad command parameter" : "bad command syntax", p->st[5]);
    return -2;
  }
  return 0;
}

/* Sets and reads back one integer setting (PL, SF); on a difference, ST? says why. */
static int set_verified(struct prs10 *p, const char *name, long v, char *err, size_t errlen)
{
  char cmd[32], q[8];
  snprintf(cmd, sizeof cmd, "%s %ld", name, v);
  snprintf(q, sizeof q, "%s?", name);
  long got;
  if (oscser_send(&p->l, cmd, err, errlen) != 0 || query_long(p, q, &got, err, errlen) != 0)
    return -1;
  if (got == v)
    return 0;
  if (read_status(p, err, errlen) != 0)
    return -1;
  int bad = p->st[5] & (ST6_BAD_SYNTAX | ST6_BAD_PARAM);
  snprintf(err, errlen, "PRS10 holds %s %ld after '%s'%s", name, got, cmd,
           bad & ST6_BAD_PARAM    ? ": bad command parameter (status byte 6)"
           : bad & ST6_BAD_SYNTAX ? ": bad command syntax (status byte 6)"
                                  : "");
  return -2;
}

/* After the port (re)opens: who is there, its pending events, PL 0 and the SF to hold. */
static int init_unit(struct prs10 *p, char *err, size_t errlen)
{
  char r[SERIAL_LINE_MAX];
  long sf;
  if (oscser_query(&p->l, "ID?", accept_id, r, sizeof r, err, errlen) != 0)
    return -1;
  snprintf(p->id, sizeof p->id, "%.63s", r);
  if (strncmp(r, "PRS10", 5) != 0)
    LOGW("osc", "%s answers ID? with '%s', not a PRS10 identification", p->l.path, r);
  if (read_status(p, err, errlen) != 0 || query_long(p, "SF?", &sf, err, errlen) != 0)
    return -1;
  p->reset_bit = 0; /* a unit seen for the first time since its power-up */
  if (!p->have_held) {
    /* The origin of the steering the daemon integrates is SF 0. */
    if (sf != 0)
      LOGI("osc", "PRS10 %s held SF %ld at open; setting 0, the origin of cvd's steering",
           p->id, sf);
    p->held = 0;
    p->have_held = 1;
  }
  if (set_verified(p, "PL", 0, err, errlen) != 0 ||
      set_verified(p, "SF", p->held, err, errlen) != 0)
    return -1;
  p->l.fresh = 0;
  LOGI("osc", "PRS10 %s on %s: phase lock off, SF %ld", p->id, p->l.path, p->held);
  return 0;
}

/* The link up and the unit initialised, or -1. */
static int ready(struct prs10 *p, char *err, size_t errlen)
{
  if (oscser_ensure(&p->l, err, errlen) != 0)
    return -1;
  if (p->l.fresh && init_unit(p, err, errlen) != 0) {
    oscser_fail(&p->l);
    return -1;
  }
  return 0;
}

static void prs10_close(struct osc *o)
{
  struct prs10 *p = o->priv;
  if (p)
    oscser_close(&p->l);
  free(p);
  o->priv = NULL;
}

static int pp_sign_option(const struct drvconf *c, int *sign, char *err, size_t errlen)
{
  double v = 1;
  if (drvconf_double(c, "pp_sign", -1, 1, &v, err, errlen) != 0)
    return -1;
  if (v != 1 && v != -1) {
    snprintf(err, errlen, "pp_sign must be 1 or -1, not %g", v);
    return -1;
  }
  *sign = (int)v;
  return 0;
}

/* A unit that is absent or mute at start is a configuration error: said now. */
static int prs10_open(struct osc *o, char *err, size_t errlen)
{
  static const char *const keys[] = {OSCSER_KEYS, "pp_sign", NULL};
  struct prs10 *p = calloc(1, sizeof *p);
  if (!p) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  o->priv = p;
  if (drvconf_check_keys(&o->conf, keys, err, errlen) ||
      oscser_configure(&p->l, &o->conf, "PRS10", 9600, "\r", err, errlen) ||
      pp_sign_option(&o->conf, &p->pp_sign, err, errlen) || ready(p, err, errlen) != 0) {
    prs10_close(o);
    return -1;
  }
  return 0;
}

static int prs10_set_freq(struct osc *o, double correction, double *applied, char *err,
                          size_t errlen)
{
  struct prs10 *p = o->priv;
  long n = lround(correction / SF_STEP);
  int clamp = n > SF_MAX || n < -SF_MAX;
  if (clamp && !p->clamped)
    LOGW("osc", "PRS10: %.4e is outside SF's range of +-2e-9; holding the nearest end",
         correction);
  p->clamped = clamp;
  n = n > SF_MAX ? SF_MAX : n < -SF_MAX ? -SF_MAX : n;
  if (n == p->held && serial_is_open(&p->l.s) && !p->l.fresh) {
    *applied = (double)n * SF_STEP; /* held already (the end of the range, say) */
    return 0;
  }
  if (ready(p, err, errlen) != 0)
    return -1;
  if (set_verified(p, "SF", n, err, errlen) != 0) {
    *applied = (double)p->held * SF_STEP;
    return -1;
  }
  p->held = n;
  *applied = (double)n * SF_STEP;
  return 0;
}

static int prs10_phase_step(struct osc *o, double ns, char *err, size_t errlen)
{
  struct prs10 *p = o->priv;
  char cmd[40];
  if (fabs(ns) > 999999999) {
    snprintf(err, errlen, "PRS10 phase step of %.0f ns is over a second", ns);
    return -1;
  }
  snprintf(cmd, sizeof cmd, "PP %ld", lround(-p->pp_sign * ns));
  if (ready(p, err, errlen) != 0 || read_status(p, err, errlen) != 0)
    return -1;
  return set_checked(p, cmd, err, errlen) == 0 ? 0 : -1;
}

/* Reads LO?, ST?, SF? and PL?; a unit that forgot its settings is set again. */
static void poll_unit(struct prs10 *p)
{
  char err[256];
  long lo, pl;
  p->have_status = 0;
  if (ready(p, err, sizeof err) != 0 || query_long(p, "LO?", &lo, err, sizeof err) != 0 ||
      read_status(p, err, sizeof err) != 0 || query_long(p, "SF?", &p->sf, err, sizeof err) != 0 ||
      query_long(p, "PL?", &pl, err, sizeof err) != 0) {
    LOGD("osc", "PRS10 status not read: %s", err);
    return;
  }
  p->lo = (int)lo;
  p->have_status = 1;
  if (p->st[5] & (ST6_BAD_SYNTAX | ST6_BAD_PARAM))
    LOGW("osc", "PRS10 status byte 6 = %d: a command was refused", p->st[5]);
  if (!p->reset_bit && p->sf == p->held && pl == 0)
    return;
  p->resets++;
  LOGW("osc", "PRS10 on %s was reset (status byte 6 = %d, SF %ld, PL %ld): restoring PL 0 "
              "and SF %ld",
       p->l.path, p->st[5], p->sf, pl, p->held);
  p->reset_bit = 0;
  if (set_verified(p, "PL", 0, err, sizeof err) != 0 ||
      set_verified(p, "SF", p->held, err, sizeof err) != 0)
    LOGE("osc", "PRS10 on %s not restored: %s", p->l.path, err);
  else
    p->sf = p->held;
}

/* The status read every `poll` seconds goes into every track: the lock, the frequency
 * offset held, the resets restored and the six status bytes. */
static void prs10_status(struct osc *o, char *buf, size_t n)
{
  struct prs10 *p = o->priv;
  if (oscser_poll_due(&p->l))
    poll_unit(p);
  if (!p->have_status) {
    snprintf(buf, n, "PRS10 DOWN lost=%ld", p->l.failures);
    return;
  }
  char rst[24] = "";
  if (p->resets)
    snprintf(rst, sizeof rst, " RST=%ld", p->resets);
  snprintf(buf, n, "PRS10 LO=%d SF=%ld%s ST=%d,%d,%d,%d,%d,%d", p->lo, p->sf, rst, p->st[0],
           p->st[1], p->st[2], p->st[3], p->st[4], p->st[5]);
}

const struct osc_driver osc_prs10_driver = {
    .name = "prs10",
    .summary = "SRS PRS10 rubidium on RS-232 (SF in 1e-12 steps, PP phase steps)",
    .open = prs10_open,
    .set_freq = prs10_set_freq,
    .phase_step = prs10_phase_step,
    .status = prs10_status,
    .close = prs10_close,
    .resolution = SF_STEP,
    .step_resolution = 1.0, /* PP takes whole ns */
    .steerable = 1,
};
