#include "config.h"
#include "tic/ticutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/conf.h"
#include "core/log.h"

static void say(struct tic *t, long n, const char *fmt, va_list ap)
{
  if (n > 10 && n % 100 != 0)
    return;
  char msg[400];
  vsnprintf(msg, sizeof msg, fmt, ap);
  LOGW("tic", "%s: %s (%ld so far)", t->drv->name, msg, n);
}

void tic_skip(struct tic *t, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  say(t, ++t->counts.garbage, fmt, ap);
  va_end(ap);
}

void tic_late(struct tic *t, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  say(t, ++t->counts.late, fmt, ap);
  va_end(ap);
}

int tic_opt_choice(const struct drvconf *c, const char *key, const char *const *choices,
                   int def, int *out, char *err, size_t errlen)
{
  const char *v = drvconf_get(c, key);
  *out = def;
  if (!v)
    return 0;
  char list[200] = "";
  for (int i = 0; choices[i]; i++) {
    if (strcmp(v, choices[i]) == 0) {
      *out = i;
      return 0;
    }
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
             choices[i]);
  }
  snprintf(err, errlen, "bad %s '%s' (want one of %s)", key, v, list);
  return -1;
}

int tic_opt_baud(const struct drvconf *c, int def, int *out, char *err, size_t errlen)
{
  static const int rates[] = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200};
  const char *v = drvconf_get(c, "baud");
  long long b;
  *out = def;
  if (!v)
    return 0;
  if (conf_int("baud", v, 1, 1000000, &b, err, errlen) != 0)
    return -1;
  for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
    if (rates[i] == b) {
      *out = (int)b;
      return 0;
    }
  snprintf(err, errlen, "bad baud '%s' (want 1200, 2400, 4800, 9600, 19200, 38400, 57600 "
                        "or 115200)", v);
  return -1;
}
