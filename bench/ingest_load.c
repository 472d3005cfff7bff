/* bench/ingest_load: signed one-track uploads, many in flight (ingest_load.h). */
#include "config.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/ingest_load.h"
#include "core/jsonx.h"
#include "core/msg.h"
#include "core/sign.h"
#include "core/timeutil.h"

int load_sites_make(struct load_sites *s, int n)
{
  s->n = n;
  s->name = calloc((size_t)n, sizeof *s->name);
  s->secret = calloc((size_t)n, sizeof *s->secret);
  if (!s->name || !s->secret)
    return -1;
  for (int i = 0; i < n; i++) {
    if (i == 0)
      snprintf(s->name[i], sizeof s->name[i], "ref");
    else
      snprintf(s->name[i], sizeof s->name[i], "r%d", i);
    if (sign_random_hex(s->secret[i], LOAD_SECRET_LEN / 2) != 0)
      return -1;
  }
  return 0;
}

void load_sites_free(struct load_sites *s)
{
  free(s->name);
  free(s->secret);
  s->name = NULL;
  s->secret = NULL;
}

/* One request in flight. */
struct req {
  CURL *h;
  struct curl_slist *hdr;
  char *body;
  int64_t t0;
};

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
  (void)p;
  (void)ctx;
  return size * n;
}

/* Request number k: site k % n, slot k / n. */
static char *make_body(const struct load_plan *p, long k, const char **site, const char **secret)
{
  int i = (int)(k % p->sites->n);
  int64_t slot = p->first_slot + (k / p->sites->n) * SLOT_NS;
  *site = p->sites->name[i];
  *secret = p->sites->secret[i];
  struct track t;
  track_init(&t, *site, slot);
  t.value_ns = 12.5 + 0.01 * i;
  t.sigma_ns = 1.5;
  t.slope_ns_s = 0;
  t.n_used = 600;
  t.sats_visible = 11;
  t.sats_used = 9;
  snprintf(t.rx_state, sizeof t.rx_state, "TIME");
  json_t *j = msg_upload_request(*site, NULL, &t, 1);
  char *text = jx_dump(j);
  json_decref(j);
  return text;
}

static int start_req(CURLM *m, struct req *r, const struct load_plan *p, long k,
                     const char *url)
{
  const char *site, *secret;
  r->body = make_body(p, k, &site, &secret);
  if (!r->body)
    return -1;
  size_t n = strlen(r->body);
  int64_t ts = tu_wall_ns() / NS_PER_S;
  char sig[SIGN_HEX_LEN + 1], h[4][128];
  sign_request(secret, "POST", MSG_PATH_TRACKS, ts, r->body, n, sig);
  snprintf(h[0], sizeof h[0], "X-CVD-Site: %s", site);
  snprintf(h[1], sizeof h[1], "X-CVD-Timestamp: %" PRId64, ts);
  snprintf(h[2], sizeof h[2], "X-CVD-Signature: %s", sig);
  snprintf(h[3], sizeof h[3], "Content-Type: application/json");
  r->hdr = NULL;
  for (int i = 0; i < 4; i++)
    r->hdr = curl_slist_append(r->hdr, h[i]);
  r->hdr = curl_slist_append(r->hdr, "Expect:");
  curl_easy_setopt(r->h, CURLOPT_URL, url);
  curl_easy_setopt(r->h, CURLOPT_HTTPHEADER, r->hdr);
  curl_easy_setopt(r->h, CURLOPT_POSTFIELDS, r->body);
  curl_easy_setopt(r->h, CURLOPT_POSTFIELDSIZE, (long)n);
  curl_easy_setopt(r->h, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(r->h, CURLOPT_TIMEOUT_MS, 60000L);
  curl_easy_setopt(r->h, CURLOPT_PRIVATE, r);
  r->t0 = tu_mono_ns();
  return curl_multi_add_handle(m, r->h) == CURLM_OK ? 0 : -1;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void finish(struct load_result *r, double *lat, long nlat, int64_t t0)
{
  r->seconds = (tu_mono_ns() - t0) / 1e9;
  r->rate = r->seconds > 0 ? r->accepted / r->seconds : 0;
  qsort(lat, (size_t)nlat, sizeof *lat, cmp_double);
  r->p50_ms = nlat ? lat[nlat / 2] : NAN;
  r->p99_ms = nlat ? lat[(long)floor(0.99 * (double)(nlat - 1))] : NAN;
}

int load_run(const struct load_plan *p, const char *base_url, struct load_result *res)
{
  memset(res, 0, sizeof *res);
  long total = (long)p->sites->n * p->slots, next = 0, done = 0;
  /* "URL" or "URL1,URL2": site i sends to the (i mod 2)th. */
  char url[2][256];
  const char *comma = strchr(base_url, ',');
  int n_urls = comma ? 2 : 1;
  snprintf(url[0], sizeof url[0], "%.*s%s", comma ? (int)(comma - base_url) : 200, base_url,
           MSG_PATH_TRACKS);
  snprintf(url[1], sizeof url[1], "%.200s%s", comma ? comma + 1 : base_url, MSG_PATH_TRACKS);
  double *lat = calloc((size_t)total, sizeof *lat);
  struct req *rq = calloc((size_t)p->conns, sizeof *rq);
  CURLM *m = curl_multi_init();
  if (!lat || !rq || !m)
    return -1;
  curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)p->conns);
  int64_t t0 = tu_mono_ns();
  for (int i = 0; i < p->conns && next < total; i++) {
    rq[i].h = curl_easy_init();
    if (start_req(m, &rq[i], p, next, url[(next % p->sites->n) % n_urls]) != 0)
      return -1;
    next++;
  }
  while (done < total) {
    int running;
    curl_multi_perform(m, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left))) {
      if (msg->msg != CURLMSG_DONE)
        continue;
      struct req *r;
      long status = 0;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
      curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
      if (msg->data.result == CURLE_OK && status == 200) {
        res->accepted++;
        lat[done] = (tu_mono_ns() - r->t0) / 1e6;
      } else {
        res->failed++;
        lat[done] = NAN;
      }
      done++;
      curl_multi_remove_handle(m, r->h);
      curl_slist_free_all(r->hdr);
      free(r->body);
      if (next < total && start_req(m, r, p, next, url[(next % p->sites->n) % n_urls]) != 0)
        return -1;
      if (next < total)
        next++;
    }
    if (done < total)
      curl_multi_poll(m, NULL, 0, 100, NULL);
  }
  long nlat = 0;
  for (long i = 0; i < total; i++)
    if (!isnan(lat[i]))
      lat[nlat++] = lat[i];
  finish(res, lat, nlat, t0);
  for (int i = 0; i < p->conns; i++)
    if (rq[i].h)
      curl_easy_cleanup(rq[i].h);
  curl_multi_cleanup(m);
  free(rq);
  free(lat);
  return 0;
}

int load_wait_ready(const char *base_url, int seconds)
{
  char url[256];
  snprintf(url, sizeof url, "%s/api/v1/grid", base_url);
  CURL *h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 2000L);
  int rc = -1;
  for (int i = 0; i < seconds * 10 && rc != 0; i++) {
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK &&
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status == 200)
      rc = 0;
    else
      usleep(100000);
  }
  curl_easy_cleanup(h);
  return rc;
}

int load_free_port(void)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  int port = -1;
  if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
      getsockname(fd, (struct sockaddr *)&a, &len) == 0)
    port = ntohs(a.sin_port);
  if (fd >= 0)
    close(fd);
  return port;
}

int64_t load_child_cpu_ns(pid_t pid)
{
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  /* Fields 14 and 15 (utime, stime, clock ticks) come after the ")" that ends field 2. */
  char *p = strrchr(buf, ')');
  unsigned long ut = 0, st = 0;
  if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
    return 0;
  return (int64_t)(ut + st) * (NS_PER_S / sysconf(_SC_CLK_TCK));
}
