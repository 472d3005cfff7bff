/* The lines a TAPR TICC prints on its USB serial port (firmware 2017 and later,
 * TICC.ino and misc.cpp of github.com/TAPR/TICC):
 *   "0.00000004512 TI(A->B)"       Time Interval mode: B - A, signed
 *   "1234.56789012345 chA"         Timestamp mode: seconds of the board's timebase since
 *                                  it started (optionally wrapped to its last digits)
 *   "1234.56789012345 A"           TimeLab mode (2020 firmware): the same, then
 *   "0.00000004512 chC (B - A)"    a derived line
 *   "# ..."                        banner, configuration, mode header, menu prompt
 * with 11 or 12 decimals (10 ps or 1 ps).  Values are parsed exactly into integer
 * picoseconds: a double cannot hold 1e5 s to the picosecond. */
#ifndef CVD_TICCLINE_H
#define CVD_TICCLINE_H

#include <stdint.h>

enum ticc_line {
  TICC_GARBAGE = 0, /* anything else */
  TICC_COMMENT,     /* '#' lines and empty lines */
  TICC_INTERVAL,    /* "x TI(A->B)" */
  TICC_CHAN_A,      /* "x chA" (or TimeLab's "x A") */
  TICC_CHAN_B,      /* "x chB" (or "x B") */
  TICC_CHAN_C,      /* TimeLab mode's "x chC (B - A)": derived, not an edge */
};

/* Classifies one line and, for the data lines, parses its value into *ps. */
enum ticc_line ticc_parse_line(const char *line, int64_t *ps);

/* The measuring mode a '#' header line announces after a reset, or NULL: "interval",
 * "timestamp", "timelab" or "period" / "debug" (which carry no TIC readings). */
const char *ticc_header_mode(const char *line);

#endif
