/* Logging: one line per event, to stderr or syslog, with the subsystem prefix.
 *
 * A line on stderr reads
 *   2026-11-23T18:44:00Z r1 site: track 60676 00:10 stored (600 used, 0 rejected)
 * i.e. the time, the process identity (set by log_open), the subsystem and the message.
 * The time is the clock source's (core/clock.h): wall time in service (CLK_REAL), the
 * simulated time when the clock is simulated (cvd demo, cvd simulate, the tests), so that
 * a demo's logs read beside its grid.  Logging is thread-safe; a line is written with one
 * write(2). */
#ifndef CVD_LOG_H
#define CVD_LOG_H

#include <stdarg.h>

enum log_sev { LOG_SEV_ERROR = 0, LOG_SEV_WARN, LOG_SEV_INFO, LOG_SEV_DEBUG };

/* ident: the process's name in each line (e.g. "server", "r1"); use_syslog: send to
 * syslog(3) instead of stderr. May be called again to change either. */
void log_open(const char *ident, int use_syslog);
void log_set_level(enum log_sev max_shown);
enum log_sev log_level(void);
/* Parses "error", "warn", "info" or "debug"; returns -1 on anything else. */
int log_parse_level(const char *s);

void log_msg(enum log_sev sev, const char *sub, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vmsg(enum log_sev sev, const char *sub, const char *fmt, va_list ap);

#define LOGE(sub, ...) log_msg(LOG_SEV_ERROR, sub, __VA_ARGS__)
#define LOGW(sub, ...) log_msg(LOG_SEV_WARN, sub, __VA_ARGS__)
#define LOGI(sub, ...) log_msg(LOG_SEV_INFO, sub, __VA_ARGS__)
#define LOGD(sub, ...) \
  do { if (log_level() >= LOG_SEV_DEBUG) log_msg(LOG_SEV_DEBUG, sub, __VA_ARGS__); } while (0)

#endif
