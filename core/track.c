#include "config.h"
#include "core/track.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "core/timeutil.h"

int site_name_ok(const char *s)
{
  size_t n = 0;
  for (; s[n]; n++) {
    char c = s[n];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '_' || c == '-' || c == '.'))
      return 0;
  }
  return n >= 1 && n < SITE_NAME_MAX;
}

void track_init(struct track *t, const char *site, int64_t slot)
{
  memset(t, 0, sizeof *t);
  snprintf(t->site, sizeof t->site, "%s", site);
  t->slot = tu_slot_start(slot);
  t->mjd = tu_mjd(t->slot);
  t->sod = tu_sod(t->slot);
  t->value_ns = t->sigma_ns = t->slope_ns_s = NAN;
  t->true_x_ns = NAN;
  snprintf(t->rx_state, sizeof t->rx_state, "NODATA");
}

json_t *track_to_json(const struct track *t)
{
  json_t *d = json_pack("{s:o,s:o,s:o,s:o}", "intdly", jx_real(t->intdly), "cabdly",
                        jx_real(t->cabdly), "ppsdly", jx_real(t->ppsdly), "refdly",
                        jx_real(t->refdly));
  json_t *o = json_pack("{s:I,s:I,s:o,s:o,s:b,s:b,s:s}", "cmd_id", (json_int_t)t->osc.cmd_id,
                        "phase_step_id", (json_int_t)t->osc.phase_step_id, "freq",
                        jx_real(t->osc.freq), "steer_ns", jx_real(t->osc.steer_ns), "holdover",
                        t->osc.holdover, "can_step", t->osc.can_step, "status", t->osc.status);
  json_t *j = json_pack(
      "{s:s,s:i,s:i,s:o,s:o,s:o,s:i,s:i,s:i,s:b,s:i,s:i,s:s,s:o,s:o}", "site", t->site, "mjd",
      t->mjd, "sod", t->sod, "value_ns", jx_real(t->value_ns), "sigma_ns", jx_real(t->sigma_ns),
      "slope_ns_s", jx_real(t->slope_ns_s), "n_used", t->n_used, "n_rejected", t->n_rejected,
      "n_missing", t->n_missing, "low_count", t->low_count, "sats_visible", t->sats_visible,
      "sats_used", t->sats_used, "rx_state", t->rx_state, "delays", d, "osc", o);
  if (isfinite(t->true_x_ns))
    json_object_set_new(j, "true_x_ns", json_real(t->true_x_ns));
  return j;
}

#define TRY(expr) do { if ((expr) < 0) return -1; } while (0)

/* An optional non-negative integer field: absent leaves *out as it was. */
static int opt_count(const json_t *j, const char *key, long long max, int64_t *out, char *err,
                     size_t errlen)
{
  long long v;
  int rc = jx_int(j, key, JX_OPTIONAL, 0, max, &v, err, errlen);
  if (rc == 0)
    *out = v;
  return rc < 0 ? -1 : 0;
}

static int opt_int(const json_t *j, const char *key, int max, int *out, char *err, size_t errlen)
{
  int64_t v = *out;
  TRY(opt_count(j, key, max, &v, err, errlen));
  *out = (int)v;
  return 0;
}

int track_text_ok(const char *s)
{
  /* Letters, digits, blanks and a little punctuation: no control characters (a CR/LF
   * would forge log lines) and no markup (<, >, &, quotes) for the pages. */
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && !strchr(" ._-:,;()/+=%#", *s))
      return 0;
  return 1;
}

/* What one slot's counts can be: each within the slot, together no more than it, a value
 * only from samples, satellites used among those in view; texts of the known alphabet. */
static int consistent(const struct track *t, char *err, size_t errlen)
{
  if (t->n_used > SLOT_S || t->n_rejected > SLOT_S || t->n_missing > SLOT_S ||
      t->n_used + t->n_rejected + t->n_missing > SLOT_S) {
    snprintf(err, errlen, "n_used %d + n_rejected %d + n_missing %d: more than the %d seconds of "
             "a slot", t->n_used, t->n_rejected, t->n_missing, SLOT_S);
    return -1;
  }
  if (t->n_used == 0 && isfinite(t->value_ns)) {
    snprintf(err, errlen, "value_ns given although n_used is 0");
    return -1;
  }
  if (t->sats_used > t->sats_visible) {
    snprintf(err, errlen, "sats_used %d more than sats_visible %d", t->sats_used,
             t->sats_visible);
    return -1;
  }
  if (!track_text_ok(t->rx_state) || !track_text_ok(t->osc.status)) {
    snprintf(err, errlen, "rx_state or osc.status: characters other than letters, digits, "
             "blanks and . _ - : , ; ( ) / + = %% #");
    return -1;
  }
  return 0;
}

int track_from_json(const json_t *j, struct track *t, char *err, size_t errlen)
{
  long long v;
  char site[SITE_NAME_MAX];

  if (!json_is_object(j)) {
    snprintf(err, errlen, "track: not an object");
    return -1;
  }
  TRY(jx_string(j, "site", JX_REQUIRED, site, sizeof site, err, errlen));
  if (!site_name_ok(site)) {
    snprintf(err, errlen, "site: '%s' is not a valid site name", site);
    return -1;
  }
  long long mjd, sod;
  /* MJD 40587 is 1970; 88069 is 2100: a track outside that is a corrupted label. */
  TRY(jx_int(j, "mjd", JX_REQUIRED, 40587, 88069, &mjd, err, errlen));
  TRY(jx_int(j, "sod", JX_REQUIRED, 0, 86400 - SLOT_S, &sod, err, errlen));
  if (sod % SLOT_S != 0) {
    snprintf(err, errlen, "sod: %lld is not the start of a 10-minute slot", sod);
    return -1;
  }
  track_init(t, site, tu_from_mjd_sod((int)mjd, (int)sod));
  TRY(jx_int(j, "n_used", JX_REQUIRED, 0, 100000, &v, err, errlen));
  t->n_used = (int)v;
  TRY(jx_int(j, "n_rejected", JX_REQUIRED, 0, 100000, &v, err, errlen));
  t->n_rejected = (int)v;
  TRY(opt_int(j, "n_missing", 100000, &t->n_missing, err, errlen));
  /* One second is the largest meaningful LOCAL - GPS; anything beyond is garbage. */
  int rc = jx_double(j, "value_ns", JX_OPTIONAL, -1e9, 1e9, &t->value_ns, err, errlen);
  TRY(rc);
  if (rc == 1 && t->n_used > 0) {
    snprintf(err, errlen, "value_ns: missing although n_used is %d", t->n_used);
    return -1;
  }
  TRY(jx_double(j, "sigma_ns", JX_OPTIONAL, 0, 1e9, &t->sigma_ns, err, errlen));
  TRY(jx_double(j, "slope_ns_s", JX_OPTIONAL, -1e9, 1e9, &t->slope_ns_s, err, errlen));
  TRY(jx_bool(j, "low_count", JX_OPTIONAL, &t->low_count, err, errlen));
  if (!isfinite(t->value_ns))
    t->low_count = 1;
  TRY(opt_int(j, "sats_visible", 255, &t->sats_visible, err, errlen));
  TRY(opt_int(j, "sats_used", 255, &t->sats_used, err, errlen));
  TRY(jx_string(j, "rx_state", JX_OPTIONAL, t->rx_state, sizeof t->rx_state, err, errlen));

  const json_t *d = json_object_get(j, "delays");
  if (d && !json_is_null(d)) {
    if (!json_is_object(d)) {
      snprintf(err, errlen, "delays: not an object");
      return -1;
    }
    TRY(jx_double(d, "intdly", JX_OPTIONAL, -1e7, 1e7, &t->intdly, err, errlen));
    TRY(jx_double(d, "cabdly", JX_OPTIONAL, -1e7, 1e7, &t->cabdly, err, errlen));
    TRY(jx_double(d, "ppsdly", JX_OPTIONAL, -1e7, 1e7, &t->ppsdly, err, errlen));
    TRY(jx_double(d, "refdly", JX_OPTIONAL, -1e7, 1e7, &t->refdly, err, errlen));
  }
  const json_t *o = json_object_get(j, "osc");
  if (o && !json_is_null(o)) {
    if (!json_is_object(o)) {
      snprintf(err, errlen, "osc: not an object");
      return -1;
    }
    TRY(opt_count(o, "cmd_id", INT64_MAX, &t->osc.cmd_id, err, errlen));
    TRY(opt_count(o, "phase_step_id", INT64_MAX, &t->osc.phase_step_id, err, errlen));
    TRY(jx_double(o, "freq", JX_OPTIONAL, -1e-6, 1e-6, &t->osc.freq, err, errlen));
    TRY(jx_double(o, "steer_ns", JX_OPTIONAL, -1e15, 1e15, &t->osc.steer_ns, err, errlen));
    TRY(jx_bool(o, "holdover", JX_OPTIONAL, &t->osc.holdover, err, errlen));
    TRY(jx_bool(o, "can_step", JX_OPTIONAL, &t->osc.can_step, err, errlen));
    TRY(jx_string(o, "status", JX_OPTIONAL, t->osc.status, sizeof t->osc.status, err, errlen));
  }
  TRY(jx_double(j, "true_x_ns", JX_OPTIONAL, -1e12, 1e12, &t->true_x_ns, err, errlen));
  return consistent(t, err, errlen);
}
