#include "config.h"
#include "cvd/demo_ha.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/timeutil.h"
#include "upload/http.h"

#define DOWN_NS (2 * 3600 * NS_PER_S) /* how long each server stays down */

void demo_ha_lines(struct netconf *nc, int port2)
{
  size_t n = strlen(nc->server_extra);
  snprintf(nc->server_extra + n, sizeof nc->server_extra - n, "server_name s1\n");
  n = strlen(nc->site_extra);
  snprintf(nc->site_extra + n, sizeof nc->site_extra - n, "server http://127.0.0.1:%d\n", port2);
}

int demo_ha_write_server2(const struct netconf *nc, int port2, char *err, size_t errlen)
{
  char path[1200], listen[64];
  snprintf(path, sizeof path, "%s/server.conf", nc->dir);
  FILE *in = fopen(path, "r");
  snprintf(path, sizeof path, "%s/server2.conf", nc->dir);
  /* It holds the sites' secrets: its owner alone may read it (the server checks). */
  int fd = in ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600) : -1;
  FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!out) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    if (fd >= 0)
      close(fd);
    if (in)
      fclose(in);
    return -1;
  }
  snprintf(listen, sizeof listen, "listen 127.0.0.1 %d\n", nc->port);
  char line[4096];
  while (fgets(line, sizeof line, in)) {
    if (strcmp(line, listen) == 0)
      fprintf(out, "listen 127.0.0.1 %d\n", port2);
    else if (strcmp(line, "server_name s1\n") == 0)
      fprintf(out, "server_name s2\n");
    else
      fputs(line, out);
  }
  fclose(in);
  if (fclose(out) != 0) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  return 0;
}

int demo_ha_events(int64_t start, int64_t end, int64_t last, int64_t now)
{
  if (end == INT64_MAX)
    return 0;
  int64_t at[4] = {start + (end - start) / 3, start + (end - start) / 3 + DOWN_NS,
                   start + 2 * (end - start) / 3, start + 2 * (end - start) / 3 + DOWN_NS};
  int ev = 0;
  for (int i = 0; i < 4; i++)
    if (at[i] > last && at[i] <= now && at[i] < end)
      ev |= 1 << i;
  return ev;
}

void demo_ha_note(int port, int port2)
{
  char line[512];
  int off = snprintf(line, sizeof line, "cvd demo: servers:");
  for (int i = 0; i < 2; i++) {
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/grid", i ? port2 : port);
    json_t *g = http_get_json(url, 5000, NULL);
    const json_t *s = json_object_get(g, "server");
    off += snprintf(line + off, sizeof line - (size_t)off, " s%d on %d %s", i + 1,
                    i ? port2 : port, !g ? "(not answering)"
                                         : json_is_true(json_object_get(s, "steering"))
                                               ? "(steering)" : "(following)");
    json_decref(g);
  }
  fprintf(stderr, "%s\n", line);
}
