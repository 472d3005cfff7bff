/* The replies of the SCPI counters, the Keysight 53230A and the SR620: both drivers read
 * with scpi_tic_read (tic/scpi.c), the whole of their read function, here behind a driver
 * of the same name on one end of a socket pair, through tic_read as a site reads it.  The
 * first byte of the input picks the counter and its `latency`; the rest is what the
 * counter answers, in bursts separated by an empty line, one second of the (manual) clock
 * apart.  The readings handed out keep
 * tic_read's promises (fuzz_tic_reading). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "tic/scpi.h"
#include "tic/tic.h"
#include "tests/fuzz/fuzzutil.h"

const char fuzz_target_name[] = "tic_scpi";

static struct {
  struct scpi io;
  struct scpi_poll poll;
  double latency_s;
} counter;

static int counter_read(struct tic *t, struct tic_reading *r, int64_t deadline, char *err,
                        size_t errlen)
{
  return scpi_tic_read(t, &counter.io, &counter.poll, counter.latency_s, r, deadline, err,
                       errlen);
}

/* As tic_53230a.c and tic_sr620.c poll their counters. */
static const struct tic_driver k532 = {.name = "53230a", .read = counter_read};
static const struct tic_driver sr620 = {.name = "sr620", .read = counter_read};

static size_t burst(const uint8_t *p, const uint8_t *end)
{
  size_t n = (size_t)(end - p);
  for (size_t i = 0; i + 1 < n; i++)
    if (p[i] == '\n' && p[i + 1] == '\n')
      return i + 2;
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  if (size < 1)
    return 0;
  int sv[2];
  FUZZ_ASSERT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
  int is_sr620 = data[0] & 1;
  memset(&counter, 0, sizeof counter);
  counter.io.io.fd = sv[0];
  snprintf(counter.io.io.path, sizeof counter.io.io.path, "fuzz");
  counter.poll = is_sr620 ? (struct scpi_poll){.query = "MEAS? 0", .timeout_ms = 4000}
                          : (struct scpi_poll){.query = "READ?", .timeout_ms = 5000};
  counter.latency_s = 0.01 + 0.79 * (data[0] >> 1) / 127.0;
  struct tic t = {.drv = is_sr620 ? &sr620 : &k532};
  struct fuzz_tic_seen seen = {0};
  const uint8_t *at = data + 1, *end = data + size;
  char err[512], junk[4096];
  for (int rc = 0; at < end && rc == 0;) {
    size_t n = burst(at, end);
    fuzz_write_all(sv[1], at, n);
    at += n;
    struct tic_reading r;
    while ((rc = tic_read(&t, &r, clk_now(), err, sizeof err)) == 1) {
      fuzz_tic_reading(&t, &r, &seen);
    }
    while (read(sv[1], junk, sizeof junk) > 0) /* the queries */
      ;
    clk_set(clk_now() + NS_PER_S);
  }
  close(sv[0]);
  close(sv[1]);
  return 0;
}
