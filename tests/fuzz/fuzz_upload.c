/* The upload body (POST /api/v1/tracks), as the server takes it once the request is
 * authenticated: web_upload_body (web/query.c), which web/api_upload.c calls.  Every track it
 * accepts must come back from its own JSON form (the server stores tracks that way and
 * reads them back). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/msg.h"
#include "core/track.h"
#include "web/query.h"
#include "tests/fuzz/fuzzutil.h"

const char fuzz_target_name[] = "upload";

static void round_trip(const struct track *t)
{
  json_t *j = track_to_json(t);
  FUZZ_ASSERT(j != NULL);
  struct track back;
  char err[256];
  FUZZ_ASSERT(track_from_json(j, &back, err, sizeof err) == 0);
  FUZZ_ASSERT(back.slot == t->slot && back.n_used == t->n_used && strcmp(back.site, t->site) == 0);
  json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  struct upload_req req;
  char err[600];
  if (web_upload_body((const char *)data, size, &req, err, sizeof err) != 0) {
    FUZZ_ASSERT(err[0] != '\0');
    return 0;
  }
  FUZZ_ASSERT(req.n_tracks >= 0 && req.n_tracks <= MSG_MAX_TRACKS);
  FUZZ_ASSERT(site_name_ok(req.site));
  for (int i = 0; i < req.n_tracks; i++) {
    FUZZ_ASSERT(strcmp(req.tracks[i].site, req.site) == 0);
    round_trip(&req.tracks[i]);
  }
  if (req.has_osc) {
    json_t *o = msg_osc_to_json(&req.osc);
    struct osc_report back;
    FUZZ_ASSERT(o && msg_osc_from_json(o, &back, err, sizeof err) == 0);
    json_decref(o);
  }
  msg_request_free(&req);
  return 0;
}
