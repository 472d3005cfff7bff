#include "config.h"
#include "tests/emuproc.h"

#include <check.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "tests/oscemu.h"
#include "tests/testutil.h"

void ep_prog(char *buf, size_t n, const char *name)
{
  char self[512];
  ssize_t r = readlink("/proc/self/exe", self, sizeof self - 1);
  self[r > 0 ? r : 0] = '\0';
  snprintf(buf, n, "%s/%s", dirname(self), name);
}

int ep_start(struct emuproc *e, const char *dir, const char *prog)
{
  snprintf(e->dir, sizeof e->dir, "%s", dir);
  snprintf(e->prog, sizeof e->prog, "%s", prog);
  snprintf(e->tty, sizeof e->tty, "%s/tty", dir);
  snprintf(e->emu, sizeof e->emu, "%s/emu", dir);
  snprintf(e->ctl, sizeof e->ctl, "%s/ctl", dir);
  snprintf(e->state, sizeof e->state, "%s/state", dir);
  snprintf(e->log, sizeof e->log, "%s/emu.log", dir);
  e->socat = th_pty_pair(e->tty, e->emu, e->log);
  if (e->socat < 0)
    return -1;
  if (access(e->ctl, F_OK) != 0 && mkfifo(e->ctl, 0600) != 0)
    return -1;
  /* The state of the unit's last run, kept while the unit was unplugged. */
  char old_state[700];
  snprintf(old_state, sizeof old_state, "%s.old", e->state);
  int restore = rename(e->state, old_state) == 0;
  char *eargv[12] = {e->prog, "--tty", e->emu, "--ctl", e->ctl, "--state", e->state};
  int n = 7;
  if (clk_config()->kind == CLK_LOCKSTEP) {
    eargv[n++] = "--clock";
    eargv[n++] = (char *)clk_config()->path;
  }
  if (restore) {
    eargv[n++] = "--restore";
    eargv[n++] = old_state;
  }
  eargv[n] = NULL;
  e->pid = th_spawn_clocked(eargv, e->log);
  return th_wait_path(e->state, 10);
}

void ep_stop(struct emuproc *e)
{
  if (e->pid > 0)
    th_stop(e->pid, SIGTERM, 5);
  if (e->socat > 0)
    th_stop(e->socat, SIGTERM, 5);
  e->pid = e->socat = 0;
}

int ep_ctl(struct emuproc *e, const char *line)
{
  long long before = ep_state(e, "ctl"), now = before;
  int fd = open(e->ctl, O_WRONLY | O_NONBLOCK);
  if (fd < 0)
    return -1;
  char buf[256];
  int n = snprintf(buf, sizeof buf, "%s\n", line);
  ssize_t w = write(fd, buf, (size_t)n);
  close(fd);
  if (w != n)
    return -1;
  double end = th_now() + th_hang(10);
  while (now == before && th_now() < end) {
    th_sleep(0.005);
    oscemu_saved(e->state, "ctl", &now);
  }
  return now > before ? 0 : -1;
}

long long ep_state(struct emuproc *e, const char *key)
{
  long long v = 0;
  ck_assert_msg(oscemu_saved(e->state, key, &v) == 0, "no %s in %s", key, e->state);
  return v;
}
