/* CGGTTS sites on the server (server/cggtts_ingest.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cggtts/cggtts.h"
#include "cggtts/slots.h"
#include "core/log.h"
#include "server/cggtts_ingest.h"
#include "server/serverint.h"

static json_t *summary(const struct cggtts_file *f, const struct cggtts_slots *sl)
{
  json_t *msgs = json_array();
  for (size_t i = 0; i < f->nmsg; i++)
    json_array_append_new(msgs, json_sprintf("%s:%u: %s: %s", f->name, f->msg[i].line,
                                             f->msg[i].level == CGGTTS_WARN ? "warning"
                                                                            : "refused",
                                             f->msg[i].text));
  return json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:o}", "signal", sl->frc, "epochs",
                   (json_int_t)sl->epochs, "tracks", (json_int_t)sl->n, "skipped",
                   (json_int_t)sl->skipped, "refused_lines", (json_int_t)f->refused,
                   "warnings", (json_int_t)f->warnings, "messages", msgs);
}

int server_site_cggtts(const struct server *s, const char *name)
{
  int k = server_site_index(s, name);
  return k >= 0 && s->sites[k].cggtts;
}

int server_cggtts_upload(struct server *s, const char *site, const char *file,
                         const char *text, size_t len, const struct upload_auth *auth,
                         int64_t now, int64_t wall_now, json_t **resp)
{
  if (!server_site_cggtts(s, site)) {
    *resp = msg_error("site '%s' is not declared cggtts in the server's configuration", site);
    return 403;
  }
  struct cggtts_file f;
  struct cggtts_slots sl;
  char err[600];
  if (cggtts_parse(text, len, file, &f, err, sizeof err) != 0) {
    LOGW("server", "%s: CGGTTS file refused: %s", site, err);
    *resp = msg_error("CGGTTS file refused: %s", err);
    return 400;
  }
  if (cggtts_slots(&f, site, &sl, err, sizeof err) != 0) {
    LOGW("server", "%s: CGGTTS file refused: %s", site, err);
    *resp = msg_error("CGGTTS file refused: %s", err);
    cggtts_free(&f);
    return 400;
  }
  struct upload_req req = {.has_osc = 0, .tracks = sl.tr, .n_tracks = (int)sl.n};
  snprintf(req.site, sizeof req.site, "%s", site);
  int status = server_upload(s, &req, auth, now, wall_now, resp);
  if (status == 200)
    json_object_set_new(*resp, "cggtts", summary(&f, &sl));
  LOGI("server", "%s: CGGTTS file of %zu tracks (%zu refused lines, %zu warnings): %zu GPS "
       "epochs of %s, %zu slots sent to common view", site, f.n, f.refused, f.warnings,
       sl.epochs, sl.frc, sl.n);
  cggtts_slots_free(&sl);
  cggtts_free(&f);
  return status;
}
