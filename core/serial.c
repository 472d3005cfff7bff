#include "config.h"
#include "core/serial.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "core/clock.h"

static speed_t baud_code(int baud)
{
  switch (baud) {
  case 1200: return B1200;
  case 2400: return B2400;
  case 4800: return B4800;
  case 9600: return B9600;
  case 19200: return B19200;
  case 38400: return B38400;
  case 57600: return B57600;
  case 115200: return B115200;
  case 230400: return B230400;
  default: return 0;
  }
}

int serial_open(struct serial *s, const char *path, int baud, char *err, size_t errlen)
{
  memset(s, 0, sizeof *s);
  s->fd = -1;
  speed_t sp = baud_code(baud);
  if (!sp) {
    snprintf(err, errlen, "%s: unsupported baud rate %d", path, baud);
    return -1;
  }
  int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  struct termios tio;
  if (tcgetattr(fd, &tio) != 0) {
    snprintf(err, errlen, "%s: not a serial port: %s", path, strerror(errno));
    close(fd);
    return -1;
  }
  cfmakeraw(&tio);
  tio.c_cflag &= ~(tcflag_t)(CSTOPB | PARENB | CRTSCTS | CSIZE);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  tio.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
  /* VMIN 1: with O_NONBLOCK a read never blocks, and an empty line reads EAGAIN while
   * end of file means a hung-up port (with VMIN 0 Linux reads 0 for "no data"). */
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  cfsetispeed(&tio, sp);
  cfsetospeed(&tio, sp);
  if (tcsetattr(fd, TCSANOW, &tio) != 0) {
    snprintf(err, errlen, "%s: cannot set %d 8N1: %s", path, baud, strerror(errno));
    close(fd);
    return -1;
  }
  s->fd = fd;
  snprintf(s->path, sizeof s->path, "%s", path);
  return 0;
}

void serial_close(struct serial *s)
{
  if (s->fd >= 0)
    close(s->fd);
  s->fd = -1;
  s->len = 0;
  s->cut = 0;
}

int serial_is_open(const struct serial *s) { return s->fd >= 0; }

int serial_write(struct serial *s, const char *data, size_t len, int timeout_ms, char *err,
                 size_t errlen)
{
  int64_t until = clk_io_until((int64_t)timeout_ms * 1000000);
  size_t off = 0;
  while (off < len) {
    ssize_t w = clk_io_write(s->fd, data + off, len - off);
    if (w > 0) {
      off += (size_t)w;
      continue;
    }
    if (w < 0 && errno != EAGAIN && errno != EINTR) {
      snprintf(err, errlen, "%s: write failed: %s", s->path, strerror(errno));
      return -1;
    }
    struct pollfd p = {.fd = s->fd, .events = POLLOUT};
    int pr = clk_poll(&p, 1, until);
    if (pr <= 0) {
      snprintf(err, errlen, "%s: write %s", s->path, pr == 0 ? "timed out" : strerror(errno));
      return -1;
    }
  }
  return 0;
}

int serial_puts(struct serial *s, const char *text, int timeout_ms, char *err, size_t errlen)
{
  return serial_write(s, text, strlen(text), timeout_ms, err, errlen);
}

/* Where the buffer's first line ends (s->len: it has not ended); *skip past its end of
 * line (LF, CR LF, or a lone CR). */
static size_t line_end(const struct serial *s, size_t *skip)
{
  for (size_t i = 0; i < s->len; i++) {
    if (s->buf[i] != '\n' && s->buf[i] != '\r')
      continue;
    *skip = i + 1;
    if (s->buf[i] == '\r' && *skip < s->len && s->buf[*skip] == '\n')
      (*skip)++;
    return i;
  }
  return s->len;
}

/* Drops the rest of a line that serial_drain_stream cut, up to and with its end of line:
 * 1 once it is gone, 0 while its end has not come (what came of it is dropped). */
static int drop_cut_rest(struct serial *s)
{
  size_t skip;
  if (line_end(s, &skip) == s->len) {
    s->len = 0;
    return 0;
  }
  memmove(s->buf, s->buf + skip, s->len - skip);
  s->len -= skip;
  s->cut = 0;
  return 1;
}

/* Takes a line out of the buffer if one is complete (or the buffer is full). */
static int take_line(struct serial *s, char *line, size_t n)
{
  if (s->cut && !drop_cut_rest(s))
    return 0;
  size_t skip, len = line_end(s, &skip);
  if (len < s->len) {
    if (len >= n)
      len = n - 1;
    memcpy(line, s->buf, len);
    line[len] = '\0';
    memmove(s->buf, s->buf + skip, s->len - skip);
    s->len -= skip;
    return 1;
  }
  if (s->len >= SERIAL_LINE_MAX) {
    size_t take = n - 1 < SERIAL_LINE_MAX ? n - 1 : SERIAL_LINE_MAX;
    memcpy(line, s->buf, take);
    line[take] = '\0';
    memmove(s->buf, s->buf + SERIAL_LINE_MAX, s->len - SERIAL_LINE_MAX);
    s->len -= SERIAL_LINE_MAX;
    s->overlong++;
    return 1;
  }
  return 0;
}

int serial_read_line(struct serial *s, char *line, size_t n, int64_t until, char *err,
                     size_t errlen)
{
  for (;;) {
    if (take_line(s, line, n))
      return 1;
    ssize_t r = clk_io_read(s->fd, s->buf + s->len, sizeof s->buf - s->len);
    if (r > 0) {
      s->len += (size_t)r;
      continue;
    }
    if (r == 0) {
      snprintf(err, errlen, "%s: end of file (device gone)", s->path);
      return -1;
    }
    if (errno != EAGAIN && errno != EINTR) {
      snprintf(err, errlen, "%s: read failed: %s", s->path, strerror(errno));
      return -1;
    }
    if (clk_now() >= until)
      return 0;
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    int pr = clk_poll(&p, 1, until);
    if (pr < 0) {
      snprintf(err, errlen, "%s: %s", s->path, strerror(errno)); /* EINTR: stopping */
      return -1;
    }
    if (pr > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)) && !(p.revents & POLLIN)) {
      snprintf(err, errlen, "%s: hung up (device gone)", s->path);
      return -1;
    }
  }
}

/* Drops what is buffered and waiting; 1 when that ended in the middle of a line (or
 * held bytes not seen here, flushed below). */
static int drain(struct serial *s)
{
  char last = s->len ? s->buf[s->len - 1] : '\n', junk[256];
  s->len = 0;
  ssize_t r;
  while ((r = clk_io_read(s->fd, junk, sizeof junk)) > 0)
    last = junk[r - 1];
  /* What came since the reads, and what the driver below still holds: flushed unseen, and
   * counted as read so that it does not hold a lockstep clock (core/clock.h).  Nothing
   * is flushed when nothing is left, so that what comes later follows `last`. */
  int left = 0;
  if (ioctl(s->fd, FIONREAD, &left) == 0 && left > 0) {
    clk_io_discarded((size_t)left);
    tcflush(s->fd, TCIFLUSH);
  }
  return left > 0 || (last != '\n' && last != '\r');
}

void serial_drain(struct serial *s)
{
  drain(s);
  s->cut = 0;
}

void serial_drain_stream(struct serial *s) { s->cut = drain(s); }
