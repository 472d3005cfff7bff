/* The track record (DESIGN.md section 3) and its JSON form, shared by the site that
 * builds and spools it, the upload body, and the server that stores it.
 *
 * A track covers one 10-minute UTC slot.  value_ns is the robust mean of LOCAL - GPS
 * (delays and sawtooth applied) referred to the slot's midpoint; it is NAN when no good
 * sample was left, and such a track is still recorded and sent, flagged low_count. */
#ifndef CVD_TRACK_H
#define CVD_TRACK_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define SITE_NAME_MAX 32
#define RX_STATE_MAX 16
#define OSC_STATUS_MAX 48

/* What the oscillator held during the slot (the steering applied). */
struct track_osc {
  int64_t cmd_id;        /* steering command held at the slot's end, 0 for none */
  int64_t phase_step_id; /* id of the last phase step applied, 0 for none */
  double freq;           /* steering frequency correction applied at the midpoint */
  double steer_ns;       /* accumulated steering phase at the midpoint: the integral of the
                            applied frequency correction plus every phase step, in ns, from
                            the spool's origin; the server subtracts it to see the free clock */
  int holdover;          /* 1 when the held command had expired */
  int can_step;          /* the oscillator takes phase steps */
  char status[OSC_STATUS_MAX];
};

struct track {
  char site[SITE_NAME_MAX];
  int64_t slot;          /* slot start, UTC ns; mjd and sod below are its CGGTTS label */
  int mjd, sod;
  double value_ns;       /* LOCAL - GPS at the slot midpoint, ns (NAN: no good sample) */
  double sigma_ns;       /* standard deviation of the used samples about the linear fit */
  double slope_ns_s;     /* slope of the linear fit, ns per s */
  int n_used, n_rejected, n_missing;
  int low_count;         /* fewer good samples than the site's minimum */
  int sats_visible, sats_used;
  char rx_state[RX_STATE_MAX]; /* "TIME", "3D", "2D", "NOFIX", "NODATA" */
  double intdly, cabdly, ppsdly, refdly; /* delays applied, ns */
  struct track_osc osc;
  double true_x_ns;      /* simulation only: true LOCAL - REF at the midpoint; NAN otherwise */
};

/* 1 if s holds only letters, digits, blanks and . _ - : , ; ( ) / + = % #. */
int track_text_ok(const char *s);
/* 1 if s is a valid site name: 1 to 31 of [A-Za-z0-9_.-]. */
int site_name_ok(const char *s);

void track_init(struct track *t, const char *site, int64_t slot);
json_t *track_to_json(const struct track *t);
/* Validates every field (types, ranges, slot alignment, label consistency) and what the
 * fields must be together (the counts within a slot, a value only from samples,
 * satellites used among those in view, texts of track_text_ok's alphabet).  Whether the
 * slot is plausible now is the server's to judge.  Returns 0, or -1 with the first
 * problem in err. */
int track_from_json(const json_t *j, struct track *t, char *err, size_t errlen);

#endif
