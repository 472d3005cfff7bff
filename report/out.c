#include "config.h"
#include "report/out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"

int report_format_parse(const char *s)
{
  const char *dot = strrchr(s, '.');
  const char *e = dot ? dot + 1 : s;
  if (strcmp(e, "json") == 0)
    return REPORT_JSON;
  if (strcmp(e, "html") == 0 || strcmp(e, "htm") == 0)
    return REPORT_HTML;
  if (strcmp(e, "pdf") == 0)
    return REPORT_PDF;
  return -1;
}

/* The JSON of a report with its signature object last (report/sign.h). */
char *report_json_text(json_t *j, const char *pub, const char *fp, size_t *len)
{
  json_object_set_new(j, "signature",
                      json_pack("{s:s,s:s,s:s,s:s}", "algorithm", "Ed25519", "public_key", pub,
                                "fingerprint", fp, "value", RSIGN_PLACEHOLDER));
  char *t = jx_dump(j);
  json_decref(j);
  if (!t)
    return NULL;
  size_t n = strlen(t);
  char *out = realloc(t, n + 2);
  if (!out) {
    free(t);
    return NULL;
  }
  out[n] = '\n';
  out[n + 1] = '\0';
  *len = n + 1;
  return out;
}

char *report_month_text(const struct report_month *r, enum report_format f, const char *pub,
                        const char *fp, size_t *len)
{
  if (f == REPORT_JSON)
    return report_json_text(report_month_json(r), pub, fp, len);
  char *h = report_month_html(r, pub, fp);
  *len = h ? strlen(h) : 0;
  return h;
}

int report_write_signed(char *buf, size_t len, const char *path, const struct rsign_key *k,
                        char *err, size_t errlen)
{
  if (rsign_sign(k, buf, len, err, errlen) != 0)
    return -1;
  int to_stdout = !path || strcmp(path, "-") == 0;
  FILE *f = to_stdout ? stdout : fopen(path, "wb");
  if (!f) {
    snprintf(err, errlen, "%s: cannot be written: %s", path, strerror(errno));
    return -1;
  }
  int ok = fwrite(buf, 1, len, f) == len;
  ok = (to_stdout ? fflush(f) == 0 : fclose(f) == 0) && ok;
  if (!ok)
    snprintf(err, errlen, "%s: cannot be written: %s", to_stdout ? "standard output" : path,
             strerror(errno));
  return ok ? 0 : -1;
}

int report_month_write(const struct report_month *r, enum report_format f, const char *path,
                       const struct rsign_key *k, char *err, size_t errlen)
{
  char pub[RSIGN_KEY_HEX + 1], fp[RSIGN_KEY_HEX + 1];
  rsign_key_public(k, pub, fp);
  if (f == REPORT_PDF)
    return report_month_pdf(r, path, k, err, errlen);
  size_t len;
  char *buf = report_month_text(r, f, pub, fp, &len);
  if (!buf) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  int rc = report_write_signed(buf, len, path, k, err, errlen);
  free(buf);
  return rc;
}

int report_trace_write(const struct report_month *r, const struct report_circt *c,
                       const struct report_trace_day *d, enum report_format f, const char *path,
                       const struct rsign_key *k, char *err, size_t errlen)
{
  char pub[RSIGN_KEY_HEX + 1], fp[RSIGN_KEY_HEX + 1];
  rsign_key_public(k, pub, fp);
  if (f == REPORT_PDF)
    return report_trace_pdf(r, c, d, path, k, err, errlen);
  size_t len = 0;
  char *buf = f == REPORT_JSON ? report_json_text(report_trace_json(r, c, d), pub, fp, &len)
                               : report_trace_html(r, c, d, pub, fp);
  if (!buf) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (f == REPORT_HTML)
    len = strlen(buf);
  int rc = report_write_signed(buf, len, path, k, err, errlen);
  free(buf);
  return rc;
}
