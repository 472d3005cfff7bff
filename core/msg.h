/* The bodies of the upload API (DESIGN.md section 4), built and parsed here so that the
 * site and the server cannot disagree on them.
 *
 * Request  POST /api/v1/tracks
 *   {"site": NAME, "osc": {OSC REPORT, "t": NS}, "tracks": [TRACK, ...]}
 *   An empty "tracks" array is allowed: it asks for the current command.
 * Response 200
 *   {"ok": true, "site": NAME, "acked": [{"mjd": M, "sod": S}, ...], "stored": N,
 *    "duplicates": D, "command": COMMAND or null, "pending": BOOL, "state": STATE}
 *   "acked" lists every track of the request that the server holds now (stored by this
 *   request or an earlier one); "refused" (when present) the tracks the server will never
 *   take, [{"mjd", "sod", "why"}, ...] (dated outside the window it takes, or
 *   inconsistent): the site stops sending them and says so; "pending" says that a newer
 *   command may follow shortly (the server waits for other sites' tracks of the slot).
 * Errors 4xx/5xx
 *   {"ok": false, "error": MESSAGE} */
#ifndef CVD_MSG_H
#define CVD_MSG_H

#include <jansson.h>
#include <stddef.h>

#include "core/command.h"
#include "core/track.h"

#define MSG_MAX_TRACKS 1008 /* one week of slots per request at most */
#define MSG_PATH_TRACKS "/api/v1/tracks"

struct osc_report {
  struct track_osc osc;
  int64_t t;  /* service time of the report, UTC ns */
  int locked; /* the site has taken a command marked locked: the locked limits apply there */
};

struct upload_req {
  char site[SITE_NAME_MAX];
  struct osc_report osc;
  int has_osc;
  struct track *tracks;
  int n_tracks;
};

#define MSG_WHY_MAX 160

struct upload_resp {
  int ok;
  char site[SITE_NAME_MAX];
  int *acked_index;   /* indices into the request's tracks (site side only) */
  int n_acked;
  int *refused_index; /* the same for the tracks refused for good, */
  char (*refused_why)[MSG_WHY_MAX]; /* with the server's reason for each */
  int n_refused;
  int stored, duplicates;
  int has_command;
  struct steer_cmd command;
  int pending;
  char state[16];
};

json_t *msg_osc_to_json(const struct osc_report *r);
int msg_osc_from_json(const json_t *j, struct osc_report *r, char *err, size_t errlen);

json_t *msg_upload_request(const char *site, const struct osc_report *osc,
                           const struct track *tracks, int n);
/* Validates everything (each track's site must be the request's site); on success the
 * caller frees req->tracks.  Returns 0 or -1 with the reason in err. */
int msg_parse_request(const json_t *j, struct upload_req *req, char *err, size_t errlen);
void msg_request_free(struct upload_req *req);

json_t *msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Matches "acked" against the request's tracks; on success the caller frees
 * resp->acked_index. */
int msg_parse_response(const json_t *j, const struct track *sent, int n_sent,
                       struct upload_resp *resp, char *err, size_t errlen);
void msg_response_free(struct upload_resp *resp);

#endif
