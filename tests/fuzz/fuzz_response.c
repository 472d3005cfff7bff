/* The server's answer to an upload as a site takes it once its signature is checked
 * (upload/client.c, upload/queue.c): jansson with the client's flags, then
 * msg_parse_response against the tracks sent; a command in it then goes through the
 * site's check against its limits (cmd_check, as osc_accept runs it), held command or
 * none, locked or not.  Whatever the answer says, the acknowledgements name tracks that
 * were sent, and an accepted command stays within the limits. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "core/command.h"
#include "core/msg.h"
#include "core/timeutil.h"
#include "core/track.h"
#include "tests/fuzz/fuzzutil.h"

const char fuzz_target_name[] = "response";

#define N_SENT 3

static void check_command(const struct steer_cmd *c)
{
  struct steer_limits l;
  cmd_limits_default(&l);
  struct steer_cmd held = {.id = 5, .issued = FUZZ_T0 - SLOT_NS, .t_ref = FUZZ_T0 - SLOT_NS,
                           .valid_until = FUZZ_T0 + 6 * SLOT_NS, .freq = 2e-10,
                           .phase_step_id = 2, .locked = 1};
  char err[256];
  int64_t now = FUZZ_T0;
  if (cmd_check(c, NULL, now, 0, 0, &l, err, sizeof err) == 0)
    FUZZ_ASSERT(fabs(cmd_freq_at(c, now)) <= l.max_freq);
  if (cmd_check(c, &held, now, 1, held.phase_step_id, &l, err, sizeof err) == 0) {
    double max_step = c->reacquire ? l.max_step_reacquire : l.max_step_locked;
    FUZZ_ASSERT(fabs(cmd_hold_freq_at(c, now) - cmd_hold_freq_at(&held, now)) <=
                max_step * (1 + 1e-9));
    FUZZ_ASSERT(isfinite(cmd_phase_ns(c, now, now + SLOT_NS)));
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  struct track sent[N_SENT];
  for (int i = 0; i < N_SENT; i++)
    track_init(&sent[i], "r1", FUZZ_T0 + i * SLOT_NS);
  json_error_t je;
  json_t *j = json_loadb((const char *)data, size, 0, &je);
  if (!j)
    return 0;
  struct upload_resp resp;
  char err[512];
  if (msg_parse_response(j, sent, N_SENT, &resp, err, sizeof err) == 0) {
    FUZZ_ASSERT(resp.n_acked >= 0 && resp.n_acked <= N_SENT);
    FUZZ_ASSERT(resp.n_refused >= 0 && resp.n_refused <= N_SENT);
    for (int i = 0; i < resp.n_acked; i++)
      FUZZ_ASSERT(resp.acked_index[i] >= 0 && resp.acked_index[i] < N_SENT);
    for (int i = 0; i < resp.n_refused; i++)
      FUZZ_ASSERT(resp.refused_index[i] >= 0 && resp.refused_index[i] < N_SENT);
    if (resp.has_command)
      check_command(&resp.command);
    msg_response_free(&resp);
  }
  json_decref(j);
  return 0;
}
