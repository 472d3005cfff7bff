#include "config.h"
#include "tests/tictest.h"

#include <check.h>
#include <libgen.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "tests/testutil.h"
#include "tests/ticemu.h"

void tr_init(struct ticrun *r, const char *tag, int64_t start)
{
  memset(r, 0, sizeof *r);
  char *d = th_mkdtemp(tag);
  snprintf(r->dir, sizeof r->dir, "%s", d ? d : "/tmp");
  free(d);
  snprintf(r->tty, sizeof r->tty, "%s/tty", r->dir);
  snprintf(r->emu, sizeof r->emu, "%s/emu", r->dir);
  snprintf(r->log, sizeof r->log, "%s/emulator.log", r->dir);
  snprintf(r->clock, sizeof r->clock, "%s/clock", r->dir);
  r->start = start;
  char directive[400];
  th_lockstep(r->dir, start, directive, sizeof directive);
}

void tr_done(struct ticrun *r)
{
  tr_stop(r);
  char *log = th_read_file(r->log);
  if (log && *log)
    fprintf(stderr, "--- %s\n%s", r->log, log);
  free(log);
  th_rmtree(r->dir);
}

int tr_socat(struct ticrun *r)
{
  r->socat = th_pty_pair(r->tty, r->emu, r->log);
  return r->socat < 0 ? -1 : 0;
}

int tr_emulator(struct ticrun *r, const char *name, const char *port, int64_t offset_ps,
                const char *const *extra)
{
  char self[512], prog[700], offset[32];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  self[n > 0 ? n : 0] = '\0';
  snprintf(prog, sizeof prog, "%s/%s", dirname(self), name);
  snprintf(offset, sizeof offset, "%lld", (long long)offset_ps);
  char *argv[64] = {prog, "--clock", r->clock, "--port", (char *)port, "--offset", offset};
  int a = 7;
  for (int i = 0; extra && extra[i] && a < 62; i++)
    argv[a++] = (char *)extra[i];
  argv[a] = NULL;
  r->emulator = th_spawn_clocked(argv, r->log);
  return r->emulator > 0 ? 0 : -1;
}

void tr_stop(struct ticrun *r)
{
  if (r->emulator > 0)
    th_stop(r->emulator, SIGTERM, 5);
  if (r->socat > 0)
    th_stop(r->socat, SIGTERM, 5);
  r->emulator = r->socat = 0;
}

int tr_collect(struct tic *t, int64_t until, struct tic_reading *out, int max, char *err,
               size_t errlen)
{
  int n = 0;
  while (clk_now() < until) {
    struct tic_reading rd;
    int64_t deadline = clk_now() + NS_PER_S;
    int rc = tic_read(t, &rd, deadline < until ? deadline : until, err, errlen);
    if (rc < 0)
      return -1 - n;
    /* A reading of the second `until` or later belongs to the next call. */
    if (rc == 1 && rd.t < until && n < max)
      out[n++] = rd;
  }
  return n;
}

double tr_expected_ns(int64_t t, int64_t offset_ps)
{
  return (double)ticemu_u_ps(t, offset_ps) / 1000.0;
}

void tr_check_values(const struct tic_reading *r, int n, int64_t start, int64_t offset_ps,
                     double tol_ns)
{
  for (int i = 0; i < n; i++) {
    double e = tr_expected_ns(r[i].t, offset_ps);
    ck_assert_msg(fabs(r[i].ns - e) <= tol_ns, "second %lld: %.4f ns, its pulses %.4f ns",
                  (long long)((r[i].t - start) / NS_PER_S), r[i].ns, e);
    ck_assert(i == 0 || r[i].t > r[i - 1].t);
  }
}
