/* Microchip (Microsemi) SA.45s chip-scale atomic clock on its serial port.
 *
 * The protocol (SA.45s CSAC User Guide, revision D, section 3.4 "Programmers Reference",
 * pp. 17-28): 57600 baud 8N1, no flow control; a command is '!', the command and CR LF;
 * every command is answered by a line ended by CR LF; an unsupported or malformed command
 * is answered "?" and one without a required checksum "*" (section 3.4.1, p. 18).
 * The commands used:
 *   !6      telemetry header, e.g. Status,Alarm,SN,Mode,Contrast,LaserI,TCXO,HeatP,Sig,
 *           Temp,Steer,ATune,Phase,DiscOK,TOD,LTime,Ver (section 3.4.3.1, p. 20)
 *   !^      telemetry values in those columns; Status 0 is locked (table 7, p. 22),
 *           Alarm is a bit field (table 8, p. 22), Steer is the frequency adjustment in
 *           1e-12, TOD counts seconds from power-on (section 3.4.3.8, p. 26)
 *   !FAn    absolute frequency adjustment, n in 1e-15 (at most +-2e-6), answered
 *           "Steer = m" with m in 1e-12; the internal resolution is about 1e-12, and the
 *           Steer register is volatile: 0 again after a power cycle (section 3.4.3.2, p. 23)
 *   !Md !Ms !Ma   clear the discipline, 1PPS auto-sync and analog tuning mode bits
 *           (0x0010, 0x0008, 0x0001, table 9, p. 24), answered with the mode register:
 *           cvd's steering must be the only thing that moves the frequency or the phase
 * !FA rather than the relative !FD: cvd's setpoints are absolute (DESIGN.md section 3), so
 * an absolute setting is idempotent: repeated after a lost reply, a reopened port or a
 * restart it cannot add a correction twice, while !FD would sum every repetition.
 * The driver sends multiples of 1e-12 (resolution below), the step the unit reports, and
 * osc.c carries the remainder forward.  The CSAC takes no phase step by a given amount
 * (its !S synchronises to an external 1PPS), so phase_step is not offered and osc.c slews.
 * A reset is seen from Steer differing from what was set, from the mode bits set again or
 * from TOD going backwards; the driver then sets the mode and the Steer again. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "osc/osc.h"
#include "osc/oscser.h"

#define STEER_STEP 1e-12
#define STEER_MAX 2000000L     /* !FA's +-2e-6 in 1e-12 */
#define MODE_FOREIGN 0x0019    /* analog tuning, auto-sync, discipline */
#define MODE_CHECKSUM 0x0040
#define MAX_COLS 32

enum col { C_STATUS, C_ALARM, C_MODE, C_STEER, C_TEMP, C_TOD, C_SN, C_VER, N_COLS };
static const char *const col_names[N_COLS] = {"Status", "Alarm", "Mode", "Steer",
                                              "Temp",   "TOD",   "SN",   "Ver"};

struct sa45s {
  struct oscser l;
  int col[N_COLS];        /* index of each column in the telemetry, -1 when absent */
  int ncols;
  long held;              /* Steer (1e-12) the unit should hold */
  int have_held;
  int have_status;
  int status;
  unsigned alarm, mode;
  long steer;
  double temp;
  long long tod;          /* -1 unknown */
  long resets;
  char sn[16], ver[16];
};

static int is_error_reply(const char *s) { return !strcmp(s, "?") || !strcmp(s, "*"); }

static int accept_header(const char *s)
{
  return (strstr(s, "Steer") && strchr(s, ',')) || is_error_reply(s);
}

static int accept_telemetry(const char *s)
{
  int commas = 0;
  for (const char *c = s; *c; c++)
    commas += *c == ',';
  return (isdigit((unsigned char)s[0]) && commas >= 3) || is_error_reply(s);
}

static int accept_steer(const char *s) { return !strncmp(s, "Steer = ", 8) || is_error_reply(s); }
static int accept_mode(const char *s) { return !strncmp(s, "0x", 2) || is_error_reply(s); }

/* Splits a comma-separated line in place; returns the number of fields, -1 over max. */
static int split(char *s, char **f, int max)
{
  int n = 0;
  char *c;
  while ((c = strsep(&s, ",")) != NULL) {
    if (n == max)
      return -1;
    f[n++] = c;
  }
  return n;
}

static const char *refusal(const char *reply)
{
  return !strcmp(reply, "*") ? "it requires checksums (mode bit 0x0040; clear it with !Mc*2E)"
                             : "'?': unsupported or malformed command";
}

static int read_header(struct sa45s *c, char *err, size_t errlen)
{
  char r[SERIAL_LINE_MAX], *f[MAX_COLS];
  if (oscser_query(&c->l, "!6", accept_header, r, sizeof r, err, errlen) != 0)
    return -1;
  if (is_error_reply(r)) {
    snprintf(err, errlen, "SA.45s refused !6: %s", refusal(r));
    return -2;
  }
  int n = split(r, f, MAX_COLS);
  if (n < 0) {
    snprintf(err, errlen, "SA.45s telemetry header has over %d columns", MAX_COLS);
    return -2;
  }
  c->ncols = n;
  for (int k = 0; k < N_COLS; k++) {
    c->col[k] = -1;
    for (int i = 0; i < n; i++)
      if (!strcmp(f[i], col_names[k]))
        c->col[k] = i;
  }
  if (c->col[C_STATUS] < 0 || c->col[C_STEER] < 0) {
    snprintf(err, errlen, "SA.45s telemetry header has no Status or Steer column");
    return -2;
  }
  return 0;
}

static int parse_long(const char *s, int base, long *v)
{
  char *end;
  *v = strtol(s, &end, base);
  return end != s && *end == '\0' ? 0 : -1;
}

/* One telemetry line into c's fields. */
static int read_telemetry(struct sa45s *c, char *err, size_t errlen)
{
  char r[SERIAL_LINE_MAX], copy[SERIAL_LINE_MAX], *f[MAX_COLS];
  if (oscser_query(&c->l, "!^", accept_telemetry, r, sizeof r, err, errlen) != 0)
    return -1;
  if (is_error_reply(r)) {
    snprintf(err, errlen, "SA.45s refused !^: %s", refusal(r));
    return -2;
  }
  snprintf(copy, sizeof copy, "%s", r);
  long status, steer, v;
  if (split(r, f, MAX_COLS) != c->ncols || parse_long(f[c->col[C_STATUS]], 10, &status) ||
      parse_long(f[c->col[C_STEER]], 10, &steer)) {
    snprintf(err, errlen, "SA.45s telemetry does not fit its header: '%.120s'", copy);
    return -2;
  }
  c->status = (int)status;
  c->steer = steer;
  c->alarm = c->col[C_ALARM] >= 0 && !parse_long(f[c->col[C_ALARM]], 16, &v) ? (unsigned)v : 0;
  c->mode = c->col[C_MODE] >= 0 && !parse_long(f[c->col[C_MODE]], 16, &v) ? (unsigned)v : 0;
  c->temp = c->col[C_TEMP] >= 0 ? strtod(f[c->col[C_TEMP]], NULL) : NAN;
  c->tod = c->col[C_TOD] >= 0 && !parse_long(f[c->col[C_TOD]], 10, &v) ? v : -1;
  if (c->col[C_SN] >= 0)
    snprintf(c->sn, sizeof c->sn, "%s", f[c->col[C_SN]]);
  if (c->col[C_VER] >= 0)
    snprintf(c->ver, sizeof c->ver, "%s", f[c->col[C_VER]]);
  return 0;
}

/* Clears the mode bits of anything else that would steer the unit. */
static int clear_modes(struct sa45s *c, char *err, size_t errlen)
{
  static const char *const cmds[] = {"!Md", "!Ms", "!Ma"};
  char r[SERIAL_LINE_MAX];
  long mode = 0;
  for (int i = 0; i < 3; i++) {
    if (oscser_query(&c->l, cmds[i], accept_mode, r, sizeof r, err, errlen) != 0)
      return -1;
    if (is_error_reply(r) || parse_long(r, 16, &mode) != 0) {
      snprintf(err, errlen, "SA.45s refused %s: %s", cmds[i], is_error_reply(r) ? refusal(r) : r);
      return -2;
    }
  }
  if (mode & MODE_FOREIGN) {
    snprintf(err, errlen, "SA.45s mode register still 0x%04lx after !Md !Ms !Ma", mode);
    return -2;
  }
  c->mode = (unsigned)mode;
  return 0;
}

static int set_steer(struct sa45s *c, long steer, char *err, size_t errlen)
{
  char cmd[32], r[SERIAL_LINE_MAX];
  long got;
  snprintf(cmd, sizeof cmd, "!FA%ld", steer * 1000);
  if (oscser_query(&c->l, cmd, accept_steer, r, sizeof r, err, errlen) != 0)
    return -1;
  if (is_error_reply(r)) {
    snprintf(err, errlen, "SA.45s refused %s: %s", cmd, refusal(r));
    return -2;
  }
  if (parse_long(r + 8, 10, &got) != 0 || got != steer) {
    snprintf(err, errlen, "SA.45s answered '%s' to %s", r, cmd);
    return -2;
  }
  c->steer = got;
  return 0;
}

static int init_unit(struct sa45s *c, char *err, size_t errlen)
{
  if (read_header(c, err, errlen) != 0 || read_telemetry(c, err, errlen) != 0)
    return -1;
  if (!c->have_held) {
    if (c->steer != 0)
      LOGI("osc", "SA.45s %s held Steer %ld at open; setting 0, the origin of cvd's steering",
           c->sn, c->steer);
    c->held = 0;
    c->have_held = 1;
  }
  if (clear_modes(c, err, errlen) != 0 || set_steer(c, c->held, err, errlen) != 0)
    return -1;
  c->l.fresh = 0;
  LOGI("osc", "SA.45s SN %s firmware %s on %s: status %d, mode 0x%04x, Steer %ld", c->sn,
       c->ver, c->l.path, c->status, c->mode, c->held);
  return 0;
}

static int ready(struct sa45s *c, char *err, size_t errlen)
{
  if (oscser_ensure(&c->l, err, errlen) != 0)
    return -1;
  if (c->l.fresh && init_unit(c, err, errlen) != 0) {
    oscser_fail(&c->l);
    return -1;
  }
  return 0;
}

static void sa45s_close(struct osc *o)
{
  struct sa45s *c = o->priv;
  if (c)
    oscser_close(&c->l);
  free(c);
  o->priv = NULL;
}

static int sa45s_open(struct osc *o, char *err, size_t errlen)
{
  static const char *const keys[] = {OSCSER_KEYS, NULL};
  struct sa45s *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  o->priv = c;
  c->tod = -1;
  if (drvconf_check_keys(&o->conf, keys, err, errlen) ||
      oscser_configure(&c->l, &o->conf, "SA.45s", 57600, "\r\n", err, errlen) ||
      ready(c, err, errlen) != 0) {
    sa45s_close(o);
    return -1;
  }
  return 0;
}

static int sa45s_set_freq(struct osc *o, double correction, double *applied, char *err,
                          size_t errlen)
{
  struct sa45s *c = o->priv;
  long n = lround(correction / STEER_STEP);
  n = n > STEER_MAX ? STEER_MAX : n < -STEER_MAX ? -STEER_MAX : n;
  if (n == c->held && serial_is_open(&c->l.s) && !c->l.fresh) {
    *applied = (double)n * STEER_STEP;
    return 0;
  }
  if (ready(c, err, errlen) != 0 || set_steer(c, n, err, errlen) != 0)
    return -1;
  c->held = n;
  *applied = (double)n * STEER_STEP;
  return 0;
}

/* Reads the telemetry; a unit that lost its Steer or mode is set again. */
static void poll_unit(struct sa45s *c)
{
  char err[256];
  long long tod_before = c->tod;
  c->have_status = 0;
  if (ready(c, err, sizeof err) != 0 || read_telemetry(c, err, sizeof err) != 0) {
    LOGD("osc", "SA.45s telemetry not read: %s", err);
    return;
  }
  c->have_status = 1;
  int tod_back = tod_before >= 0 && c->tod >= 0 && c->tod < tod_before;
  if (c->steer == c->held && !(c->mode & MODE_FOREIGN) && !tod_back)
    return;
  c->resets++;
  LOGW("osc", "SA.45s on %s was reset (Steer %ld, mode 0x%04x, TOD %lld after %lld): "
              "setting the mode and Steer %ld again",
       c->l.path, c->steer, c->mode, c->tod, tod_before, c->held);
  if (clear_modes(c, err, sizeof err) != 0 || set_steer(c, c->held, err, sizeof err) != 0)
    LOGE("osc", "SA.45s on %s not restored: %s", c->l.path, err);
}

/* Into every track: the unit's status code (0 locked), alarms, Steer and temperature. */
static void sa45s_status(struct osc *o, char *buf, size_t n)
{
  struct sa45s *c = o->priv;
  if (oscser_poll_due(&c->l))
    poll_unit(c);
  if (!c->have_status) {
    snprintf(buf, n, "SA45s DOWN lost=%ld", c->l.failures);
    return;
  }
  char rst[24] = "";
  if (c->resets)
    snprintf(rst, sizeof rst, " RST=%ld", c->resets);
  snprintf(buf, n, "SA45s st=%d alm=0x%04x steer=%ld%s %.1fC", c->status, c->alarm, c->steer,
           rst, c->temp);
}

const struct osc_driver osc_sa45s_driver = {
    .name = "sa45s",
    .summary = "Microchip SA.45s CSAC on its serial port (!FA in 1e-12 steps, telemetry)",
    .open = sa45s_open,
    .set_freq = sa45s_set_freq,
    .phase_step = NULL,
    .status = sa45s_status,
    .close = sa45s_close,
    .resolution = STEER_STEP,
    .steerable = 1,
};
