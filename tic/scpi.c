#include "config.h"
#include "tic/scpi.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "tic/ticlabel.h"
#include "tic/ticutil.h"

/* Splits "HOST[:PORT]" or "[V6]:PORT". */
static int split_where(const char *where, int def, char *host, size_t n, char *port,
                       char *err, size_t errlen)
{
  const char *p;
  size_t hl;
  if (where[0] == '[') {
    const char *close = strchr(where, ']');
    if (!close || (close[1] && close[1] != ':'))
      goto bad;
    hl = (size_t)(close - where - 1);
    where++;
    p = close[1] ? close + 2 : NULL;
  } else {
    p = strchr(where, ':');
    hl = p ? (size_t)(p - where) : strlen(where);
    if (p)
      p++;
  }
  if (hl == 0 || hl >= n)
    goto bad;
  memcpy(host, where, hl);
  host[hl] = '\0';
  if (!p) {
    snprintf(port, 8, "%d", def);
    return 0;
  }
  char *end;
  long v = strtol(p, &end, 10);
  if (*end || v < 1 || v > 65535)
    goto bad;
  snprintf(port, 8, "%ld", v);
  return 0;
bad:
  snprintf(err, errlen, "bad address '%s' (want HOST, HOST:PORT or [IPV6]:PORT)", where);
  return -1;
}

static int connect_within(int fd, const struct addrinfo *a, int timeout_ms)
{
  if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
    return 0;
  if (errno != EINPROGRESS)
    return -1;
  struct pollfd p = {.fd = fd, .events = POLLOUT};
  if (clk_poll(&p, 1, clk_io_until((int64_t)timeout_ms * 1000000)) != 1) {
    errno = ETIMEDOUT;
    return -1;
  }
  int e = 0;
  socklen_t len = sizeof e;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len);
  errno = e;
  return e ? -1 : 0;
}

int scpi_open_tcp(struct scpi *s, const char *where, int default_port, int timeout_ms,
                  char *err, size_t errlen)
{
  memset(s, 0, sizeof *s);
  s->io.fd = -1;
  char host[256], port[8];
  if (split_where(where, default_port, host, sizeof host, port, err, errlen) != 0)
    return -1;
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *res;
  int g = getaddrinfo(host, port, &hints, &res);
  if (g != 0) {
    snprintf(err, errlen, "%s: %s", where, gai_strerror(g));
    return -1;
  }
  int fd = -1, e = 0;
  for (struct addrinfo *a = res; a; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && connect_within(fd, a, timeout_ms) == 0)
      break;
    e = errno;
    if (fd >= 0)
      close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) {
    snprintf(err, errlen, "%s: cannot connect: %s", where, strerror(e));
    return -1;
  }
  s->io.fd = fd;
  snprintf(s->io.path, sizeof s->io.path, "%s", where);
  return 0;
}

int scpi_open_serial(struct scpi *s, const char *path, int baud, char *err, size_t errlen)
{
  memset(s, 0, sizeof *s);
  return serial_open(&s->io, path, baud, err, errlen);
}

void scpi_close(struct scpi *s) { serial_close(&s->io); }

int scpi_send(struct scpi *s, const char *cmd, char *err, size_t errlen)
{
  char line[256];
  int n = snprintf(line, sizeof line, "%s\n", cmd);
  if (n < 0 || (size_t)n >= sizeof line) {
    snprintf(err, errlen, "command too long");
    return -1;
  }
  return serial_write(&s->io, line, (size_t)n, 2000, err, errlen);
}

int scpi_reply(struct scpi *s, char *reply, size_t n, int64_t until, char *err, size_t errlen)
{
  return serial_read_line(&s->io, reply, n, until, err, errlen);
}

int scpi_query(struct scpi *s, const char *cmd, char *reply, size_t n, int timeout_ms,
               char *err, size_t errlen)
{
  if (scpi_send(s, cmd, err, errlen) != 0)
    return -1;
  int rc = scpi_reply(s, reply, n, clk_io_until((int64_t)timeout_ms * 1000000), err, errlen);
  if (rc == 0)
    snprintf(err, errlen, "%s: no reply to %s within %d ms", s->io.path, cmd, timeout_ms);
  return rc == 1 ? 0 : -1;
}

int scpi_check_errors(struct scpi *s, const char *context, char *err, size_t errlen)
{
  char reply[256], first[256] = "";
  for (int i = 0; i < 20; i++) {
    if (scpi_query(s, "SYST:ERR?", reply, sizeof reply, 2000, err, errlen) != 0)
      return -1;
    char *end;
    long code = strtol(reply, &end, 10);
    if (end == reply || *end != ',') {
      snprintf(err, errlen, "%s: unreadable reply to SYST:ERR?: '%.80s'", s->io.path, reply);
      return -1;
    }
    if (code == 0)
      break;
    if (!first[0])
      snprintf(first, sizeof first, "%s", reply);
  }
  if (!first[0])
    return 0;
  snprintf(err, errlen, "%s: after %s the instrument reports %s", s->io.path, context, first);
  return -1;
}

int scpi_poll(struct scpi *s, struct scpi_poll *p, char *reply, size_t n, int64_t until,
              char *err, size_t errlen)
{
  if (!p->outstanding) {
    if (scpi_send(s, p->query, err, errlen) != 0)
      return -1;
    p->outstanding = 1;
    p->overdue = clk_io_until((int64_t)p->timeout_ms * 1000000);
  }
  int rc = scpi_reply(s, reply, n, until < p->overdue ? until : p->overdue, err, errlen);
  if (rc == 1)
    p->outstanding = 0;
  if (rc == 0 && clk_now() >= p->overdue) {
    snprintf(err, errlen, "%s: no reply to %s for %d ms", s->io.path, p->query, p->timeout_ms);
    return -1;
  }
  return rc;
}

int scpi_number(const char *reply, double *v)
{
  char *end;
  errno = 0;
  *v = strtod(reply, &end);
  if (end == reply || errno == ERANGE)
    return -1;
  while (*end == ' ' || *end == '\t')
    end++;
  return *end ? -1 : 0;
}

int scpi_tic_read(struct tic *t, struct scpi *io, struct scpi_poll *p, double latency_s,
                  struct tic_reading *r, int64_t deadline, char *err, size_t errlen)
{
  char reply[128];
  for (;;) {
    int rc = scpi_poll(io, p, reply, sizeof reply, deadline, err, errlen);
    if (rc <= 0)
      return rc;
    int64_t arrival = clk_now();
    double v;
    if (scpi_number(reply, &v) != 0) {
      tic_skip(t, "unreadable reply '%.60s' to %s", reply, p->query);
      continue;
    }
    if (v > 9.9e37) {
      LOGD("tic", "%s: no measurement (a pulse missing)", t->drv->name);
      continue;
    }
    if (!ticlabel_by_arrival(arrival, v, latency_s, &r->t)) {
      tic_late(t, "a reading came too late to name its second");
      continue;
    }
    r->raw_s = v;
    return 1;
  }
}
