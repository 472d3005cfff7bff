#include "config.h"
#include "tests/testutil.h"

#include <check.h>
#include <sqlite3.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"

const char *th_cvd_bin(void)
{
  const char *b = getenv("CVD_BIN");
  return b ? b : "../cvd/cvd";
}

const char *th_srcdir(void)
{
  const char *s = getenv("CVD_SRCDIR");
  return s ? s : "..";
}

const char *th_shared_data(void)
{
  static char path[4096];
  const char *s = getenv("CVD_SHARED");
  if (s)
    snprintf(path, sizeof path, "%s/data", s);
  else
    snprintf(path, sizeof path, "%s/../shared/data", th_srcdir());
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? path : NULL;
}

char *th_mkdtemp(const char *tag)
{
  const char *tmp = getenv("TMPDIR");
  char *p;
  if (asprintf(&p, "%s/cvd-%s-XXXXXX", tmp ? tmp : "/tmp", tag) < 0)
    return NULL;
  if (!mkdtemp(p)) {
    free(p);
    return NULL;
  }
  return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

void th_rmtree(const char *dir)
{
  if (dir && !getenv("CVD_KEEP_TMP"))
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A socket bound to 127.0.0.1:port (0: any), or -1. */
static int bound(int port)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                          .sin_port = htons((uint16_t)port)};
  if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    fd = -1;
  }
  return fd;
}

/* The lowest port the kernel gives a connect() as its own (net.ipv4.ip_local_port_range),
 * 32768 if unknown. */
static int ephemeral_low(void)
{
  int lo = 32768, hi;
  FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
  if (f) {
    if (fscanf(f, "%d %d", &lo, &hi) != 2)
      lo = 32768;
    fclose(f);
  }
  return lo;
}

/* A port below the ephemeral range where there is room: never a client connection's own
 * port, so that no other test's connection holds it, and a connect() that polls it before
 * its server listens cannot end up connected to itself (TCP's simultaneous open, when the
 * port the kernel picks for the client is the very port asked for).  Else the kernel's. */
int th_free_port(void)
{
  int lo = ephemeral_low();
  if (lo > 12000) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    /* getpid: each forked test draws its own ports */
    unsigned r = (unsigned)getpid() * 2654435761u ^ (unsigned)ts.tv_nsec;
    for (int attempt = 0; attempt < 1000; attempt++) {
      r = r * 1103515245u + 12345u;
      int port = 10000 + (int)((r >> 8) % (unsigned)(lo - 10000));
      int fd = bound(port);
      if (fd >= 0) {
        close(fd);
        return port;
      }
    }
  }
  int fd = bound(0);
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  if (fd < 0)
    return -1;
  if (getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
    close(fd);
    return -1;
  }
  close(fd);
  return ntohs(a.sin_port);
}

int th_free_ports(int n)
{
  for (int attempt = 0; attempt < 200; attempt++) {
    int first = th_free_port(), fds[16], got = 0;
    if (first < 0 || n > 16 || first + n - 1 > 65535)
      continue;
    while (got < n && (fds[got] = bound(first + got)) >= 0)
      got++;
    for (int i = 0; i < got; i++)
      close(fds[i]);
    if (got == n)
      return first;
  }
  return -1;
}

int th_write_file(const char *path, const char *text)
{
  /* Readable by the owner alone: configurations with secrets in them must be (issue 10). */
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f) {
    if (fd >= 0)
      close(fd);
    return -1;
  }
  size_t n = strlen(text);
  int rc = fwrite(text, 1, n, f) == n ? 0 : -1;
  return fclose(f) == 0 ? rc : -1;
}

char *th_read_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t r;
  while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += r;
    if (cap - n < 2) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
  }
  fclose(f);
  if (buf)
    buf[n] = '\0';
  return buf;
}

pid_t th_spawn(char *const argv[], const char *log)
{
  pid_t pid = fork();
  if (pid != 0)
    return pid;
  setpgid(0, 0);
  /* A test that fails (or is killed) takes what it started with it. */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (log) {
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
  }
  execv(argv[0], argv);
  fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
  _exit(127);
}

double th_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void th_lockstep(const char *dir, int64_t start, char *clock, size_t n)
{
  struct clk_conf c = {.kind = CLK_LOCKSTEP};
  char err[512];
  snprintf(c.path, sizeof c.path, "%s/clock", dir);
  ck_assert_msg(clk_lockstep_create(c.path, start, err, sizeof err) == 0, "%s", err);
  ck_assert_msg(clk_configure_checked(&c, err, sizeof err) == 0, "%s", err);
  snprintf(clock, n, "lockstep %s", c.path);
}

pid_t th_spawn_clocked(char *const argv[], const char *log)
{
  pid_t pid = th_spawn(argv, log);
  if (pid > 0)
    clk_reserve_pid(pid);
  return pid;
}

void th_sim_until(int64_t t) { clk_sleep_until(t, NULL); }

void th_sleep(double s)
{
  struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = (long)((s - (double)(time_t)s) * 1e9)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

double th_hang(double s)
{
  const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
  double f = m ? strtod(m, NULL) : 1;
  return f >= 1 && f <= 100 ? s * f : s;
}

/* Waits for pid's exit until the monotonic time end. */
static int wait_until(pid_t pid, double end)
{
  int status;
  do {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
      return status;
    if (r < 0)
      return -1;
    th_sleep(0.01);
  } while (th_now() < end);
  return -1;
}

int th_wait(pid_t pid, double timeout_s) { return wait_until(pid, th_now() + th_hang(timeout_s)); }

int th_stop(pid_t pid, int sig, double timeout_s)
{
  kill(pid, sig);
  int st = th_wait(pid, timeout_s);
  if (st == -1) {
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return -1;
  }
  return st;
}

int th_run(char *const argv[], const char *log, char **out, double timeout_s)
{
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  pid_t pid = fork();
  if (pid == 0) {
    if (log) {
      int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        dup2(fd, STDERR_FILENO);
        close(fd);
      }
    }
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execv(argv[0], argv);
    _exit(127);
  }
  close(fds[1]);
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  double end = th_now() + th_hang(timeout_s);
  int status = -1, done = 0;
  while (!done) {
    ssize_t r = read(fds[0], buf + n, cap - n - 1);
    if (r > 0) {
      n += (size_t)r;
      if (cap - n < 2)
        buf = realloc(buf, cap *= 2);
      continue;
    }
    if (r == 0) {
      done = 1;
      break;
    }
    if (th_now() > end) {
      kill(pid, SIGKILL);
      break;
    }
    th_sleep(0.005);
  }
  close(fds[0]);
  status = wait_until(pid, end > th_now() + 1 ? end : th_now() + 1);
  if (status == -1) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
  }
  buf[n] = '\0';
  if (out)
    *out = buf;
  else
    free(buf);
  if (status == -1 || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

int th_wait_port(int port, double timeout_s)
{
  double end = th_now() + th_hang(timeout_s);
  do {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    if (ok)
      return 0;
    th_sleep(0.02);
  } while (th_now() < end);
  return -1;
}

int th_wait_path(const char *path, double timeout_s)
{
  struct stat st;
  double end = th_now() + th_hang(timeout_s);
  while (stat(path, &st) != 0) {
    if (th_now() > end)
      return -1;
    th_sleep(0.01);
  }
  return 0;
}

const char *th_socat(void)
{
  const char *s = getenv("SOCAT");
  if (!s || !*s)
    s = "/usr/bin/socat";
  if (access(s, X_OK) != 0) {
    printf("socat not found (SOCAT='%s'): the serial instrument tests need it\n", s);
    return NULL;
  }
  return s;
}

pid_t th_pty_pair(const char *tty, const char *emu, const char *log)
{
  const char *socat = th_socat();
  if (!socat)
    return -1;
  char a1[700], a2[700];
  snprintf(a1, sizeof a1, "pty,raw,echo=0,link=%s", tty);
  snprintf(a2, sizeof a2, "pty,raw,echo=0,link=%s", emu);
  char *argv[] = {(char *)socat, (char *)"-d", a1, a2, NULL};
  unlink(tty);
  unlink(emu);
  pid_t pid = th_spawn(argv, log);
  if (th_wait_path(tty, 10) != 0 || th_wait_path(emu, 10) != 0) {
    th_stop(pid, SIGTERM, 5);
    return -1;
  }
  return pid;
}

int th_run_suite(Suite *s, int mode)
{
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, (enum print_output)mode);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

pid_t th_gpsfake(const char *log_file, int port, const char *log)
{
  char portarg[16];
  snprintf(portarg, sizeof portarg, "%d", port);
  char *argv[] = {(char *)"/usr/bin/python3", (char *)"/usr/bin/gpsfake", (char *)"-q",
                  (char *)"-c", (char *)"0.05", (char *)"-P", portarg, (char *)log_file, NULL};
  pid_t pid = th_spawn(argv, log);
  if (th_wait_port(port, 20) != 0) {
    kill(-pid, SIGTERM);
    th_stop(pid, SIGTERM, 5);
    return -1;
  }
  return pid;
}

void th_db_exec(const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *msg = NULL;
  ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
  ck_assert_msg(rc == SQLITE_OK, "%s: %s: %s", path, sql, msg ? msg : sqlite3_errstr(rc));
  sqlite3_free(msg);
  sqlite3_close(db);
}

void th_db_break(const char *path, const char *table, const char *cols, const char *col,
                 const char *cond)
{
  char sql[2048];
  snprintf(sql, sizeof sql, "ALTER TABLE %s RENAME TO %s_ok; CREATE VIEW %s AS SELECT %s, "
           "CASE WHEN %s THEN %s ELSE json_extract(%s || '}', '$') END AS %s FROM %s_ok",
           table, table, table, cols, cond, col, col, col, table);
  th_db_exec(path, sql);
}

void th_db_mend(const char *path, const char *table)
{
  char sql[256];
  snprintf(sql, sizeof sql, "DROP VIEW %s; ALTER TABLE %s_ok RENAME TO %s", table, table,
           table);
  th_db_exec(path, sql);
}

long long th_db_int(const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  long long v = -1;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 10000);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}
