/* Staff's requests (cvd operator), done at the server's tick: each is applied to its
 * clock's controller, written to the steering log and the events, and marked done with
 * what came of it. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "db/operator.h"
#include "db/store.h"
#include "server/serverint.h"

static void apply(struct server *s, const struct op_request *r, int64_t now)
{
  int k = server_site_index(s, r->site);
  struct ctl *c = k >= 0 ? s->sites[k].ctl : NULL;
  char result[512];
  struct ctl_decision d;
  if (!c)
    snprintf(result, sizeof result, "'%s' is not a remote clock of this server", r->site);
  else if (strcmp(r->kind, "step_was_clock") != 0 && strcmp(r->kind, "step_was_delay") != 0)
    snprintf(result, sizeof result, "unknown request '%s'", r->kind);
  else {
    int done = ctl_operator_step(c, strcmp(r->kind, "step_was_clock") == 0, now, &d);
    snprintf(result, sizeof result, "%s", d.reason);
    if (done) {
      server_log_decision(s, c->site, &d);
      server_save_ctl(s, c, now);
    }
  }
  LOGW("server", "operator request %lld for %s: %s", (long long)r->id, r->site, result);
  if (store_event(s->db, now, r->site, "operator", result) != 0 ||
      store_op_done(s->db, r->id, now, result) != 0)
    LOGE("server", "recording operator request %lld failed", (long long)r->id);
}

void server_operator_requests(struct server *s, int64_t now)
{
  struct op_request req[16];
  int n = store_op_list(s->db, 1, req, 16);
  for (int i = 0; i < n; i++)
    apply(s, &req[i], now);
}
