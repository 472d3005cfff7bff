/* Talking to a command/response instrument line by line: a SCPI counter on a raw TCP
 * socket (the Keysight 53230A's port 5025) or an IEEE 488.2-style one on a serial port
 * (the SR620).  Commands end with LF; replies are one line.  The line reading of
 * core/serial serves both, since it only needs a file descriptor: every wait is on the
 * clock source and every timeout is wall time as clk_io_until gives it (DESIGN.md
 * section 3).  A peer that closes or fails is gone: the caller
 * closes and opens again later.  Writing to a socket the peer closed raises SIGPIPE,
 * which the process ignores (cvd does, cvd/sig.c), so that it is an error like any
 * other. */
#ifndef CVD_SCPI_H
#define CVD_SCPI_H

#include <stddef.h>
#include <stdint.h>

#include "core/serial.h"
#include "tic/tic.h"

struct scpi {
  struct serial io;
};

/* "HOST", "HOST:PORT" or "[V6ADDR]:PORT", connecting within timeout_ms. */
int scpi_open_tcp(struct scpi *s, const char *where, int default_port, int timeout_ms,
                  char *err, size_t errlen);
int scpi_open_serial(struct scpi *s, const char *path, int baud, char *err, size_t errlen);
void scpi_close(struct scpi *s);

/* Sends one command line (the LF is added).  0, or -1 with err. */
int scpi_send(struct scpi *s, const char *cmd, char *err, size_t errlen);
/* Reads one reply line until service time `until`: 1, 0 at `until`, -1. */
int scpi_reply(struct scpi *s, char *reply, size_t n, int64_t until, char *err, size_t errlen);
/* Sends a query and reads its reply within timeout_ms; a timeout is an error here. */
int scpi_query(struct scpi *s, const char *cmd, char *reply, size_t n, int timeout_ms,
               char *err, size_t errlen);

/* Reads the SCPI error queue (SYST:ERR?) until it says 0: returns 0 when it held no
 * error, or -1 with "after CONTEXT: the instrument reports -113,"Undefined header"" (the
 * first error) in err.  At most 20 entries are read (the queue holds 20). */
int scpi_check_errors(struct scpi *s, const char *context, char *err, size_t errlen);

/* A query repeated once per reading (READ?, MEAS? 0): sent when none is outstanding, its
 * reply awaited across calls.  Returns 1 with the reply, 0 at service time `until` with
 * the query still outstanding, -1 on an I/O error or when the reply is overdue by more
 * than timeout_ms (clk_io_until) after the query was sent. */
struct scpi_poll {
  const char *query;
  int timeout_ms;
  int outstanding;
  int64_t overdue; /* service time */
};
int scpi_poll(struct scpi *s, struct scpi_poll *p, char *reply, size_t n, int64_t until,
              char *err, size_t errlen);

/* A reply that is exactly one number (NR1/NR2/NR3, blanks around allowed): 0, or -1. */
int scpi_number(const char *reply, double *v);

/* A TIC reading from a counter that answers one query per measurement: polls p, parses
 * the reply, labels it by arrival (ticlabel.h) and fills r.  A reply that is not a number
 * or comes too late is skipped and counted (ticutil.h); SCPI's Not a Number (9.91E37, a
 * measurement that timed out) is a missing second.  Returns as tic_driver.read. */
int scpi_tic_read(struct tic *t, struct scpi *io, struct scpi_poll *p, double latency_s,
                  struct tic_reading *r, int64_t deadline, char *err, size_t errlen);

#endif
