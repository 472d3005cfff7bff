#include "config.h"
#include "site/daemon.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "db/spool.h"

void site_run(struct site_core *core, struct upl_sender *snd, const volatile sig_atomic_t *stop)
{
  const struct site_conf *c = &core->conf;
  char t[40];
  LOGI("site", "%s started: tic %s, receiver %s, oscillator %s, server %s, spool %s "
               "(%d tracks waiting); time %s",
       c->name, c->tic.driver, c->receiver.driver, c->osc.driver, c->up.server, c->spool,
       spool_count_unacked(core->spool), tu_format(clk_now(), t, sizeof t, 0));
  int64_t last_prune = 0;
  while (!*stop) {
    int stored = site_core_step(core, clk_now() + NS_PER_S);
    int64_t now = clk_now();
    struct steer_cmd cmd;
    if (upl_sender_take_command(snd, &cmd))
      site_core_command(core, &cmd, now);
    struct osc_report rep;
    site_core_report(core, now, &rep);
    upl_sender_publish(snd, &rep);
    if (stored > 0)
      upl_sender_kick(snd);
    if (now - last_prune > NS_PER_DAY) {
      if (spool_prune(core->spool, now - (int64_t)c->keep_days * NS_PER_DAY) != 0)
        LOGW("site", "pruning the spool of tracks older than %d days failed", c->keep_days);
      last_prune = now;
    }
  }
  LOGI("site", "stopping (%d tracks waiting in the spool)", spool_count_unacked(core->spool));
}
