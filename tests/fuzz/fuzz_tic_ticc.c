/* The TAPR TICC driver (tic/tic_ticc.c, its lines parsed by tic/ticcline.c) on a
 * pseudo-terminal, as on the board's USB serial port: opened by tic_open as a site's
 * `tic ticc DEVICE [mode=...] [local=...]` opens it, then fed the input and read through
 * tic_read.  The first byte of the input picks the options (mode auto, interval or
 * timestamp; local A or B); the rest is what the board prints, in bursts separated by an
 * empty line, one second of the (manual) clock apart.  Each burst is in the port before
 * the driver reads, so a run does not depend on timing.  The readings handed out keep
 * tic_read's promises (fuzz_tic_reading). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "tic/tic.h"
#include "tests/fuzz/fuzzutil.h"

const char fuzz_target_name[] = "tic_ticc";

#define PIECE 2048 /* at most this much in the port at once: its buffer holds 4095 */

struct port {
  int master, watch; /* watch: our own descriptor of the terminal, to see what it holds */
  char path[128];
};

static void port_open(struct port *p)
{
  p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  FUZZ_ASSERT(p->master >= 0 && grantpt(p->master) == 0 && unlockpt(p->master) == 0);
  FUZZ_ASSERT(ptsname_r(p->master, p->path, sizeof p->path) == 0);
  p->watch = open(p->path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  FUZZ_ASSERT(p->watch >= 0);
}

/* Writes n bytes and waits until the terminal holds them all for the driver. */
static void port_put(struct port *p, const uint8_t *data, size_t n)
{
  fuzz_write_all(p->master, data, n);
  for (int waited = 0;; waited++) {
    int held = 0;
    FUZZ_ASSERT(ioctl(p->watch, FIONREAD, &held) == 0);
    if ((size_t)held >= n)
      return;
    FUZZ_ASSERT(waited < 10000); /* 10 s: the terminal lost bytes */
    poll(NULL, 0, 1);
  }
}

/* Reads what the driver can from what it has been given: 0, or -1 when it gave up the
 * port (a site would open it again). */
static int drain(struct tic *t, struct fuzz_tic_seen *seen)
{
  struct tic_reading r;
  char err[512];
  int rc;
  while ((rc = tic_read(t, &r, clk_now(), err, sizeof err)) == 1) {
    fuzz_tic_reading(t, &r, seen);
  }
  return rc;
}

/* The next burst: up to an empty line, or PIECE bytes. */
static size_t burst(const uint8_t *p, const uint8_t *end)
{
  size_t n = (size_t)(end - p) < PIECE ? (size_t)(end - p) : PIECE;
  for (size_t i = 0; i + 1 < n; i++)
    if (p[i] == '\n' && p[i + 1] == '\n')
      return i + 2;
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const modes[] = {"mode=auto", "mode=interval", "mode=timestamp"};
  fuzz_init();
  if (size < 1)
    return 0;
  struct port p;
  port_open(&p);
  char *argv[] = {"ticc", p.path, (char *)modes[data[0] % 3],
                  data[0] / 3 % 2 ? "local=B" : "local=A"};
  struct drvconf c;
  char err[512];
  FUZZ_ASSERT(drvconf_parse(4, argv, &c, err, sizeof err) == 0);
  struct tic t;
  if (tic_open(&t, &c, err, sizeof err) != 0)
    fuzz_fail(__FILE__, __LINE__, err);
  struct fuzz_tic_seen seen = {0};
  const uint8_t *at = data + 1, *end = data + size;
  while (at < end) {
    size_t n = burst(at, end);
    port_put(&p, at, n);
    at += n;
    if (drain(&t, &seen) < 0)
      break;
    clk_set(clk_now() + NS_PER_S);
  }
  tic_close(&t);
  close(p.watch);
  close(p.master);
  return 0;
}
