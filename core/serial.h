/* Serial ports for instruments: raw mode, 8 data bits, no parity, one stop bit, no flow
 * control, and line-oriented reading with a deadline.  Every wait is on the clock source
 * (clk_poll) and every byte is counted (clk_io_read, clk_io_write), so that an emulated
 * instrument on a lockstep clock is heard at the instant it spoke.  Timeouts are wall
 * time as clk_io_until gives them (they bound I/O, DESIGN.md section 3).  A port that
 * returns EOF or an I/O error is gone (unplugged USB): the caller closes it and opens it
 * again later.  The line code serves any descriptor (tic/scpi.h uses it on sockets). */
#ifndef CVD_SERIAL_H
#define CVD_SERIAL_H

#include <stddef.h>
#include <stdint.h>

#define SERIAL_LINE_MAX 512

struct serial {
  int fd;
  char path[256];
  char buf[SERIAL_LINE_MAX * 2];
  size_t len;
  long overlong;  /* lines longer than SERIAL_LINE_MAX, cut and reported as such */
  int cut;        /* serial_drain_stream cut a line: its rest is dropped when it comes */
};

/* Opens path at baud (9600, 19200, 38400, 57600, 115200).  0, or -1 with err. */
int serial_open(struct serial *s, const char *path, int baud, char *err, size_t errlen);
void serial_close(struct serial *s);
int serial_is_open(const struct serial *s);

/* Writes all of data within timeout_ms (clk_io_until).  0, or -1 with err. */
int serial_write(struct serial *s, const char *data, size_t len, int timeout_ms, char *err,
                 size_t errlen);
int serial_puts(struct serial *s, const char *text, int timeout_ms, char *err, size_t errlen);

/* Reads one line, ended by LF (a CR before it is dropped, as is a lone CR), into line
 * (NUL-terminated, without the end of line) until service time `until` (one that has
 * passed, such as 0, takes only what has arrived).  Returns 1 with a line, 0 at `until`,
 * -1 when the port is gone or failed (err says which).  An overlong line is cut, counted
 * in s->overlong and returned: callers see garbage. */
int serial_read_line(struct serial *s, char *line, size_t n, int64_t until, char *err,
                     size_t errlen);

/* Drops what the port has received and not yet read (counted as read).  For a device
 * that speaks only when asked: what comes next is whole. */
void serial_drain(struct serial *s);
/* The same for a device that prints lines on its own (a TICC): when the drain cut a line
 * in two, or dropped bytes it did not see, the rest of that line is dropped too when it
 * comes, up to its end of line, and never handed out as a line of its own. */
void serial_drain_stream(struct serial *s);

#endif
