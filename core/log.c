#include "config.h"
#include "core/log.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"

static char log_ident[32] = "cvd";
static int log_syslog;
static enum log_sev log_max = LOG_SEV_INFO;
static pthread_mutex_t log_mtx = PTHREAD_MUTEX_INITIALIZER;

void log_open(const char *ident, int use_syslog)
{
  pthread_mutex_lock(&log_mtx);
  if (ident)
    snprintf(log_ident, sizeof log_ident, "%s", ident);
  if (log_syslog && !use_syslog)
    closelog();
  log_syslog = use_syslog;
  if (use_syslog)
    openlog(log_ident, LOG_PID, LOG_DAEMON);
  pthread_mutex_unlock(&log_mtx);
}

void log_set_level(enum log_sev max_shown) { log_max = max_shown; }
enum log_sev log_level(void) { return log_max; }

int log_parse_level(const char *s)
{
  static const char *names[] = {"error", "warn", "info", "debug"};
  for (int i = 0; i < 4; i++)
    if (strcasecmp(s, names[i]) == 0)
      return i;
  return -1;
}

/* The seconds a line is stamped with: wall time in service, exactly as before the clock
 * source existed; a simulated clock's time otherwise (every kind of it reads lock-free). */
static time_t log_seconds(void)
{
  if (clk_config()->kind != CLK_REAL) {
    int64_t t = clk_now();
    return (time_t)(t >= 0 ? t / 1000000000 : (t - 999999999) / 1000000000);
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec;
}

void log_vmsg(enum log_sev sev, const char *sub, const char *fmt, va_list ap)
{
  static const char *tag[] = {"error: ", "warning: ", "", ""};
  static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
  char msg[1024];

  if (sev > log_max)
    return;
  vsnprintf(msg, sizeof msg, fmt, ap);
  if (log_syslog) {
    syslog(prio[sev], "%s: %s%s", sub, tag[sev], msg);
    return;
  }
  struct tm tm;
  char stamp[32], line[1200];
  time_t secs = log_seconds();
  gmtime_r(&secs, &tm);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  pthread_mutex_lock(&log_mtx);
  int n = snprintf(line, sizeof line, "%s %s %s: %s%s\n", stamp, log_ident, sub, tag[sev], msg);
  pthread_mutex_unlock(&log_mtx);
  if (n > (int)sizeof line - 1) {
    n = sizeof line - 1;
    line[n - 1] = '\n';
  }
  ssize_t w = write(STDERR_FILENO, line, (size_t)n);
  (void)w;
}

void log_msg(enum log_sev sev, const char *sub, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  log_vmsg(sev, sub, fmt, ap);
  va_end(ap);
}
