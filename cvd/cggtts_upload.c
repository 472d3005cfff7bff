/* cvd cggtts upload: a CGGTTS site's files to the server (server/cggtts_ingest.h), signed
 * like track uploads (upload/client.h) with the site's configuration (server, name,
 * secret: cvd-site(8)).  Each file is checked here first, so a damaged one is not sent;
 * the body is {"site", "file", "cggtts": the file's text}.  --json prints one object,
 * {"uploads": [the server's answer to each file sent, with "path"]}. */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cggtts/cggtts.h"
#include "core/jsonx.h"
#include "cvd/cmd.h"
#include "site/conf.h"
#include "upload/client.h"

int cvd_cggtts_upload(int argc, char **argv);

#define CGGTTS_UPLOAD_MAX (3u << 20) /* bytes of one file: the server takes 4 MB bodies */

/* The file's text (NUL-terminated), or NULL with err. */
static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
  FILE *f = fopen(path, "rb");
  char *buf = f ? malloc(CGGTTS_UPLOAD_MAX + 2) : NULL;
  if (!buf) {
    snprintf(err, errlen, "%s: cannot read it", path);
    if (f)
      fclose(f);
    return NULL;
  }
  *len = fread(buf, 1, CGGTTS_UPLOAD_MAX + 1, f);
  int bad = ferror(f);
  fclose(f);
  if (bad || *len > CGGTTS_UPLOAD_MAX) {
    snprintf(err, errlen, "%s: %s", path, bad ? "read error" : "larger than 3 MB");
    free(buf);
    return NULL;
  }
  buf[*len] = '\0';
  return buf;
}

/* Sends one file; an exit status. */
static int send_one(struct upl_client *c, const char *site, const char *path, json_t *json)
{
  char err[1024];
  size_t len;
  char *text = slurp(path, &len, err, sizeof err);
  if (!text) {
    fprintf(stderr, "cvd cggtts upload: %s\n", err);
    return EXIT_USAGE;
  }
  struct cggtts_file f;
  if (cggtts_parse(text, len, path, &f, err, sizeof err) != 0) {
    fprintf(stderr, "cvd cggtts upload: not sent: %s\n", err);
    free(text);
    return EXIT_USAGE;
  }
  for (size_t i = 0; i < f.nmsg; i++)
    fprintf(stderr, "%s:%u: %s: %s\n", path, f.msg[i].line,
            f.msg[i].level == CGGTTS_WARN ? "warning" : "refused", f.msg[i].text);
  cggtts_free(&f);
  char *dup = strdup(path);
  json_t *body = json_pack("{s:s, s:s, s:s%}", "site", site, "file", dup ? basename(dup) : "",
                           "cggtts", text, len);
  free(dup);
  free(text);
  if (!body) {
    fprintf(stderr, "cvd cggtts upload: %s: not text the server can take (NUL or not UTF-8)\n",
            path);
    return EXIT_USAGE;
  }
  json_t *resp = NULL;
  enum upl_result r = upl_post(c, "/api/v1/cggtts", body, &resp, err, sizeof err);
  json_decref(body);
  if (r != UPL_OK) {
    fprintf(stderr, "cvd cggtts upload: %s: %s\n", path, err);
    return r == UPL_REFUSED ? EXIT_USAGE : EXIT_RUNTIME;
  }
  json_t *cg = json_object_get(resp, "cggtts");
  if (json) {
    json_object_set_new(resp, "path", json_string(path));
    json_array_append(json, resp);
  } else {
    const char *signal = json_string_value(json_object_get(cg, "signal"));
    printf("%s: %lld slots stored, %lld already stored, %lld refused by the server; %lld "
           "GPS epochs of %s\n", path,
           (long long)json_integer_value(json_object_get(resp, "stored")),
           (long long)json_integer_value(json_object_get(resp, "duplicates")),
           (long long)json_array_size(json_object_get(resp, "refused")),
           (long long)json_integer_value(json_object_get(cg, "epochs")), signal ? signal : "?");
  }
  json_decref(resp);
  return 0;
}

int cvd_cggtts_upload(int argc, char **argv)
{
  static const struct option lopts[] = {{"config", required_argument, NULL, 'c'},
                                        {"json", no_argument, NULL, 'j'},
                                        {"help", no_argument, NULL, 'h'},
                                        {NULL, 0, NULL, 0}};
  const char *conf_path = NULL;
  int json = 0, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:h", lopts, NULL)) != -1) {
    switch (c) {
    case 'c': conf_path = optarg; break;
    case 'j': json = 1; break;
    case 'h': cvd_cggtts_help(stdout); return 0;
    default: cvd_cggtts_help(stderr); return EXIT_USAGE;
    }
  }
  if (!conf_path || optind >= argc) {
    fprintf(stderr, "cvd cggtts upload: -c FILE and at least one CGGTTS file are needed\n");
    return EXIT_USAGE;
  }
  static struct site_conf sc; /* large */
  struct upl_client cl;
  char err[1024];
  if (site_conf_load(conf_path, &sc, err, sizeof err) != 0 ||
      upl_client_init(&cl, &sc.up, err, sizeof err) != 0) {
    fprintf(stderr, "cvd cggtts upload: %s\n", err);
    return EXIT_USAGE;
  }
  snprintf(cl.site, sizeof cl.site, "%s", sc.name);
  int rc = 0;
  json_t *answers = json ? json_array() : NULL;
  for (int i = optind; i < argc; i++) {
    int r = send_one(&cl, sc.name, argv[i], answers);
    rc = r > rc ? r : rc;
  }
  upl_client_free(&cl);
  if (answers) {
    json_t *top = json_pack("{s:o}", "uploads", answers);
    char *s = jx_dump(top);
    if (s)
      printf("%s\n", s);
    free(s);
    json_decref(top);
  }
  return rc;
}
