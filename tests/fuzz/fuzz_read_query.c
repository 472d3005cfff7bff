/* The query string of the read API (GET /api/v1/series and /api/v1/steering): split and
 * unescaped as libmicrohttpd does ('&' between arguments, '=' in each, '+' a blank, %XX
 * by MHD_http_unescape; the first of a name wins), then checked by web_query_series and
 * web_query_steering as the handlers check it, before any store is asked.  What they
 * accept names valid sites, a time range from before to, and a limit within bounds. */
#include "config.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "core/track.h"
#include "web/query.h"
#include "tests/fuzz/fuzzutil.h"

const char fuzz_target_name[] = "read_query";

#define MAX_ARGS 64

struct args {
  int n;
  const char *name[MAX_ARGS], *value[MAX_ARGS];
};

static const char *get(void *ctx, const char *name)
{
  const struct args *a = ctx;
  for (int i = 0; i < a->n; i++)
    if (strcmp(a->name[i], name) == 0)
      return a->value[i];
  return NULL;
}

static void unescape(char *s)
{
  for (char *p = s; *p; p++)
    if (*p == '+')
      *p = ' ';
  MHD_http_unescape(s);
}

static void split(char *q, struct args *a)
{
  a->n = 0;
  for (char *save = NULL, *kv = strtok_r(q, "&", &save); kv && a->n < MAX_ARGS;
       kv = strtok_r(NULL, "&", &save)) {
    char *eq = strchr(kv, '=');
    if (eq) {
      *eq = '\0';
      unescape(eq + 1);
    }
    unescape(kv);
    a->name[a->n] = kv;
    a->value[a->n++] = eq ? eq + 1 : NULL;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  char *q = fuzz_cstr(data, size), err[256];
  struct args a;
  split(q, &a);
  struct web_query w;
  if (web_query_series(get, &a, FUZZ_T0, &w, err, sizeof err) == 0)
    FUZZ_ASSERT(site_name_ok(w.a) && site_name_ok(w.b) && w.from < w.to);
  if (web_query_steering(get, &a, FUZZ_T0, &w, err, sizeof err) == 0) {
    FUZZ_ASSERT(!w.site || site_name_ok(w.site));
    FUZZ_ASSERT(w.from < w.to && w.limit >= 1 && w.limit <= 1000000);
  }
  free(q);
  return 0;
}
