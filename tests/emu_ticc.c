/* A TAPR TICC on a pseudo-terminal, for tests, as its firmware behaves (TICC.ino,
 * config.cpp and misc.cpp of github.com/TAPR/TICC): on start the banner and configuration
 * as '#' lines, "# Type any character for config menu", a dot every 250 ms for 7 s during
 * which any byte received enters the configuration menu (and then no measurement is ever
 * printed: a test sees its readings stop), the mode header, and from then on one line per
 * measurement, ended by CR LF:
 *   interval mode   "%.11f TI(A->B)"   B - A of one second, once both edges have come
 *   timestamp mode  "%.11f chA"        each edge on the board's timebase, zero at start
 *   TimeLab mode    "%.11f A", "%.11f B", "%.11f chC (B - A)" once both edges have come
 *                   (the 2020 firmware's names)
 * The first two measurements after a start are thrown away, as the firmware does.
 * A start is when the emulator begins (the test starts it as it opens the port: the
 * DTR reset, which socat cannot carry) and at reset@K.  What is due at one instant is
 * written at once, as one piece.
 *
 * Arguments besides ticemu.h's: --mode interval|timestamp|timelab, --places 11|12,
 * --local A|B.
 * Faults at second K: garbage@K (five malformed lines before the second), skip@K (no GPS
 * pulse), late@K:MS (its lines MS ms late), burst@K:N (the lines of N seconds held and
 * sent together after the last), reset@K (the board restarts), exit@K (the emulator
 * exits; the test takes socat away for a disconnect). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "tests/ticemu.h"

#define S 1000000000LL
#define MS 1000000LL
#define QMAX 128

struct qline {
  int64_t due;
  char text[96];
};

struct board {
  struct ticemu e;
  int fd;
  int timestamp, timelab, places, local_b;
  int64_t boot;
  int dots, menu, discard;
  int64_t next_gen;
  struct qline q[QMAX];
  int nq;
};

static void queue(struct board *b, int64_t due, const char *text)
{
  if (b->nq == QMAX)
    return;
  int i = b->nq++;
  while (i > 0 && b->q[i - 1].due > due) {
    b->q[i] = b->q[i - 1];
    i--;
  }
  b->q[i].due = due;
  snprintf(b->q[i].text, sizeof b->q[i].text, "%s", text);
}

static void start(struct board *b)
{
  static const char *const banner[] = {
      "", "# TAPR TICC Timestamping Counter", "# Copyright 2016-2020 N8UR, K9TRV, NH6Z, WA8YWQ",
      "", "#####################", "# TICC Configuration: ", "#   Measurement Mode: %s",
      "#   Clock Speed: 10 MHz", "#   Coarse tick: 100 us", "#   Cal Periods: 20",
      "#####################", "", "# Type any character for config menu"};
  int64_t now = clk_now();
  b->boot = now;
  b->nq = 0;
  b->dots = b->menu = 0;
  b->discard = 2;
  char line[96];
  for (size_t i = 0; i < sizeof banner / sizeof banner[0]; i++) {
    snprintf(line, sizeof line, banner[i],
             b->timelab ? "TimeLab" : b->timestamp ? "Timestamp" : "Time Interval A->B");
    queue(b, now, line);
  }
  b->next_gen = (now + 7 * S) / S * S + S;
  ticemu_log(&b->e, "started at %.3f s", (double)(now - b->e.start) / 1e9);
}

static void emit_due(struct board *b, int64_t now)
{
  char out[QMAX * 100];
  size_t len = 0;
  int n = 0;
  while (n < b->nq && b->q[n].due <= now) {
    len += (size_t)snprintf(out + len, sizeof out - len, "%s\r\n", b->q[n].text);
    n++;
  }
  if (len)
    ticemu_write(b->fd, out);
  memmove(b->q, b->q + n, sizeof b->q[0] * (size_t)(b->nq - n));
  b->nq -= n;
}

/* The dots of the menu window, then the mode header. */
static void window(struct board *b, int64_t now)
{
  if (b->menu || b->dots > 28 || b->nq)
    return;
  char out[160] = "";
  if (b->dots == 0) {
    strcat(out, "# ");
    b->dots = 1;
  }
  while (b->dots <= 28 && now >= b->boot + b->dots * 250 * MS) {
    strcat(out, b->dots == 28 ? ".\r\n\r\n\r\n" : ".");
    if (b->dots++ == 28)
      snprintf(out + strlen(out), sizeof out - strlen(out),
               "# %s (seconds with %d decimal places)\r\n",
               b->timelab     ? "timestamp chA, chB; interval chA->B"
               : b->timestamp ? "timestamp"
                              : "time interval A->B",
               b->places);
  }
  if (out[0])
    ticemu_write(b->fd, out);
}

static int64_t line_due(const struct board *b, int64_t n)
{
  int64_t local = n - ticemu_u_ps(n, b->e.offset_ps) / 1000;
  return (local > n ? local : n) + MS;
}

static void garbage(struct board *b, int64_t at)
{
  static const char *const g[] = {"\x07\x1b[2J@@@@ %%%", "12.3456 chA", "0.0000000123 TI(A->B)",
                                  "0.00000001234 TI(A->C)", "-3.14159265358 chB"};
  for (size_t i = 0; i < sizeof g / sizeof g[0]; i++)
    queue(b, at, g[i]);
}

/* The lines of second n, queued at n - 0.6 s. */
static void second(struct board *b, int64_t n)
{
  long k = ticemu_index(&b->e, n), arg;
  if (ticemu_fault(&b->e, "exit", k, NULL)) {
    ticemu_log(&b->e, "exit at second %ld", k);
    exit(0);
  }
  if (ticemu_fault(&b->e, "reset", k, NULL)) {
    start(b);
    return;
  }
  if (ticemu_fault(&b->e, "garbage", k, NULL))
    garbage(b, n - 300 * MS);
  if (b->discard > 0) {
    b->discard--;
    return;
  }
  int64_t extra = ticemu_fault(&b->e, "late", k, &arg) ? arg * MS : 0, due = -1;
  for (int i = 0; i < b->e.nf; i++)
    if (!strcmp(b->e.f[i].kind, "burst") && k >= b->e.f[i].k && k < b->e.f[i].k + b->e.f[i].arg)
      due = line_due(b, ticemu_second(&b->e, b->e.f[i].k + b->e.f[i].arg - 1));
  int64_t u = ticemu_u_ps(n, b->e.offset_ps);
  int gps = ticemu_has_gps(&b->e, n);
  char v[40], line[96];
  if (!b->timestamp && !b->timelab) {
    if (!gps)
      return;
    /* TI(A->B) = B - A; with the local pulse on A that is GPS - LOCAL = u. */
    ticemu_format_ps(v, sizeof v, b->local_b ? -u : u, b->places);
    snprintf(line, sizeof line, "%s TI(A->B)", v);
    queue(b, (due >= 0 ? due : line_due(b, n)) + extra, line);
    return;
  }
  int64_t local = n - u / 1000, base = (n - b->boot) * 1000;
  if (b->timelab) {
    if (!gps)
      return;
    int64_t when = (due >= 0 ? due : line_due(b, n)) + extra, ts[2] = {base - u, base};
    for (int ch = 0; ch < 2; ch++) { /* A, then B */
      ticemu_format_ps(v, sizeof v, ts[ch == b->local_b ? 0 : 1], b->places);
      snprintf(line, sizeof line, "%s %c", v, ch ? 'B' : 'A');
      queue(b, when, line);
    }
    int64_t a = ts[b->local_b], bb = ts[!b->local_b];
    ticemu_format_ps(v, sizeof v, bb / 1000000000000LL * 1000000000000LL + (bb - a), b->places);
    snprintf(line, sizeof line, "%s chC (B - A)", v);
    queue(b, when, line);
    return;
  }
  ticemu_format_ps(v, sizeof v, base - u, b->places);
  snprintf(line, sizeof line, "%s ch%c", v, b->local_b ? 'B' : 'A');
  queue(b, (due >= 0 ? due : local + MS) + extra, line);
  if (gps) {
    ticemu_format_ps(v, sizeof v, base, b->places);
    snprintf(line, sizeof line, "%s ch%c", v, b->local_b ? 'A' : 'B');
    queue(b, (due >= 0 ? due : n + MS) + extra, line);
  }
}

/* A byte from the driver: in the window it opens the menu, as any character does. */
static void input(struct board *b)
{
  char c[64];
  ssize_t r = ticemu_read_pty(&b->e, b->fd, c, sizeof c);
  if (r <= 0 || b->menu || b->dots > 28)
    return;
  b->menu = 1;
  b->nq = 0;
  ticemu_log(&b->e, "the driver sent %zd byte(s) in the menu window: menu entered", r);
  ticemu_write(b->fd, "\r\n\r\n# TICC Configuration Menu\r\nchoose one:\r\n");
}

int main(int argc, char **argv)
{
  struct board b = {.e = {.name = "emu_ticc"}, .places = 11};
  for (int i = 1; i + 1 < argc; i += 2) {
    int rc = ticemu_arg(&b.e, argv[i], argv[i + 1]);
    if (rc == 0 && !strcmp(argv[i], "--mode")) {
      b.timestamp = !strcmp(argv[i + 1], "timestamp");
      b.timelab = !strcmp(argv[i + 1], "timelab");
    }
    else if (rc == 0 && !strcmp(argv[i], "--places"))
      b.places = atoi(argv[i + 1]) == 12 ? 12 : 11;
    else if (rc == 0 && !strcmp(argv[i], "--local"))
      b.local_b = !strcmp(argv[i + 1], "B");
    else if (rc != 1) {
      fprintf(stderr, "emu_ticc: bad argument %s %s\n", argv[i], argv[i + 1]);
      return 2;
    }
  }
  ticemu_args_done(&b.e);
  b.fd = ticemu_open_pty(b.e.port);
  start(&b);
  for (;;) {
    int64_t now = clk_now();
    emit_due(&b, now);
    window(&b, now);
    while (!b.menu && b.next_gen - 600 * MS <= now) {
      int64_t n = b.next_gen;
      b.next_gen += S; /* before: a restart in second() sets it afresh */
      second(&b, n);
    }
    int64_t next = b.menu ? INT64_MAX : b.next_gen - 600 * MS; /* in the menu: input only */
    if (b.nq && b.q[0].due < next)
      next = b.q[0].due;
    if (b.dots <= 28 && b.boot + b.dots * 250 * MS < next)
      next = b.boot + b.dots * 250 * MS;
    if (ticemu_wait(b.fd, next))
      input(&b);
  }
}
