/* Test harness helpers: temporary directories, free loopback ports, starting and stopping
 * the real cvd processes, and the shared data directory (absent in a user's clone). */
#ifndef CVD_TESTUTIL_H
#define CVD_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct Suite;
/* Runs every test of the suite with output mode (CK_NORMAL, CK_VERBOSE...) and returns
 * the exit status automake expects: 0 if all passed, 1 if not. */
int th_run_suite(struct Suite *s, int mode);

/* Path of the cvd binary under test ($CVD_BIN). */
const char *th_cvd_bin(void);
/* ../shared/data, or NULL when it is absent (the caller then skips). */
const char *th_shared_data(void);
/* The source tree ($CVD_SRCDIR), for committed test data. */
const char *th_srcdir(void);

/* A new empty directory under $TMPDIR; removed with th_rmtree. */
char *th_mkdtemp(const char *tag);
void th_rmtree(const char *dir);
/* A TCP port on 127.0.0.1 that was free a moment ago: below the kernel's ephemeral range
 * when there is room, so that no client connection holds it and none connects to itself
 * while polling it (testutil.c). */
int th_free_port(void);
/* The first of n consecutive TCP ports on 127.0.0.1 that were all free at once a moment
 * ago (a program given one port that takes the next ones too: cvd demo --servers), or -1.
 * The port after a free one is often a client's ephemeral port in a busy test run. */
int th_free_ports(int n);

/* Writes text to a new file of mode 0600 (a configuration may hold a secret).  0 or -1. */
int th_write_file(const char *path, const char *text);
/* Reads a whole file; free() the result.  NULL if unreadable. */
char *th_read_file(const char *path);

/* Starts argv[0] with stdout and stderr to log (append), in its own process group.
 * Returns the pid. */
pid_t th_spawn(char *const argv[], const char *log);
/* The timeouts below bound a hang, never pace a test: each is multiplied by
 * CK_TIMEOUT_MULTIPLIER (Check's own, which scales the test cases' timeouts too; the
 * make check environment sets it) so that a loaded machine is slower, not failing.
 * th_hang(s) is s so multiplied, for a test's own polling loops. */
double th_hang(double s);
/* Sends sig, then waits up to timeout_s; returns the wait status or -1 on timeout. */
int th_stop(pid_t pid, int sig, double timeout_s);
/* Waits up to timeout_s for exit; returns the wait status or -1 on timeout. */
int th_wait(pid_t pid, double timeout_s);
/* Runs argv to completion (timeout_s), capturing stdout into *out (malloc'ed) if out is
 * not NULL and stderr into the log.  Returns the exit status, or -1. */
int th_run(char *const argv[], const char *log, char **out, double timeout_s);
/* Polls until a TCP connection to 127.0.0.1:port succeeds; 0 or -1 on timeout. */
int th_wait_port(int port, double timeout_s);

/* Polls until path exists; 0 or -1 on timeout. */
int th_wait_path(const char *path, double timeout_s);
/* socat ($SOCAT, else /usr/bin/socat), or NULL after printing why (the caller skips). */
const char *th_socat(void);
/* A pair of pseudo-terminals joined by socat: `tty` for the code under test, `emu` for
 * the emulated instrument.  Returns socat's pid, or -1 when it could not be made. */
pid_t th_pty_pair(const char *tty, const char *emu, const char *log);

/* Tests paced by the lockstep clock (core/clock.h), never by the wall clock: the test
 * process takes part in a simulated time shared through DIR/clock from `start`, and so
 * does every process it starts with th_spawn_clocked.  The time moves only when all of
 * them wait, so a loaded machine makes a test slower, never different.  Writes the
 * clock directive's arguments for the processes' files ("lockstep DIR/clock") to clock. */
void th_lockstep(const char *dir, int64_t start, char *clock, size_t n);
/* th_spawn, the child taking part in the lockstep clock from its first instant. */
pid_t th_spawn_clocked(char *const argv[], const char *log);
/* Waits until the simulated time t, letting it move. */
void th_sim_until(int64_t t);

/* gpsfake (Debian's /usr/bin/gpsfake under /usr/bin/python3, gpsd from GPSD_HOME) replaying
 * log_file on 127.0.0.1:port in its own process group, once it listens; -1 if it does not.
 * Stop it with kill(-pid, SIGTERM) and th_stop. */
pid_t th_gpsfake(const char *log_file, int port, const char *log);

void th_sleep(double s);
double th_now(void); /* CLOCK_MONOTONIC seconds */

/* The one integer a query returns from the SQLite file at path, read beside its writers;
 * -1 when it cannot be read. */
long long th_db_int(const char *path, const char *sql);
/* sql run on the SQLite file at path beside its writers; the test fails if it cannot be. */
void th_db_exec(const char *path, const char *sql);
/* table of the SQLite file at path made to fail part way through a read, as a failing
 * store would: a view in its place (the table kept as TABLE_ok) whose column col, in the
 * rows where cond does not hold, is malformed JSON, an error found row by row; cols are
 * the table's other columns.  th_db_mend puts the table back. */
void th_db_break(const char *path, const char *table, const char *cols, const char *col,
                 const char *cond);
void th_db_mend(const char *path, const char *table);

#endif
