/* TLS and keys (issue 10), with real parts: certificates made here (tests/certs.c), the
 * server serving HTTPS through libmicrohttpd and GnuTLS, the sites verifying it through
 * libcurl, on a shared simulated clock.  A wrong CA, an expired certificate, a pin, a plain
 * client, an old protocol; a site key rotated with overlap and the old one refused after
 * its window; the secrets never in a log; no track lost or duplicated through any of it. */
#include "config.h"

#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/msg.h"
#include "core/sign.h"
#include "core/timeutil.h"
#include "server/server.h"
#include "tests/certs.h"
#include "tests/cluster.h"
#include "tests/testutil.h"
#include "tests/upreq.h"

struct pki {
  char ca[1024], other_ca[1024];    /* the lab's CA, and one that signed nothing of ours */
  char cert[1024], key[1024];       /* the server's, by the lab's CA */
  char expired[1024], expired_key[1024];
  char self[1024], self_key[1024];  /* self-signed */
  char pin[64], self_pin[64];
};

static void make_pki(const char *dir, struct pki *p)
{
  struct test_ca ca, other;
  snprintf(p->ca, sizeof p->ca, "%s/ca.pem", dir);
  snprintf(p->other_ca, sizeof p->other_ca, "%s/other-ca.pem", dir);
  snprintf(p->cert, sizeof p->cert, "%s/server.pem", dir);
  snprintf(p->key, sizeof p->key, "%s/server.key", dir);
  snprintf(p->expired, sizeof p->expired, "%s/expired.pem", dir);
  snprintf(p->expired_key, sizeof p->expired_key, "%s/expired.key", dir);
  snprintf(p->self, sizeof p->self, "%s/self.pem", dir);
  snprintf(p->self_key, sizeof p->self_key, "%s/self.key", dir);
  ck_assert_int_eq(tc_ca_new(&ca, "cvd test lab CA", p->ca), 0);
  ck_assert_int_eq(tc_ca_new(&other, "some other CA", p->other_ca), 0);
  ck_assert_int_eq(tc_server_cert(&ca, -3600, 30L * 86400, p->cert, p->key, p->pin, sizeof p->pin), 0);
  ck_assert_int_eq(tc_server_cert(&ca, -30L * 86400, -86400, p->expired, p->expired_key, NULL, 0), 0);
  ck_assert_int_eq(tc_server_cert(NULL, -3600, 30L * 86400, p->self, p->self_key, p->self_pin,
                                  sizeof p->self_pin), 0);
  tc_ca_free(&ca);
  tc_ca_free(&other);
}

/* GET /api/v1/grid from scheme://127.0.0.1:port checked by tls: the status, or 0 with err. */
static long get_grid(const char *scheme, int port, const char *ca, const char *pin, char *err,
                     size_t errlen)
{
  char url[128];
  snprintf(url, sizeof url, "%s://127.0.0.1:%d/api/v1/grid", scheme, port);
  struct http_tls tls = {ca, pin};
  struct http_reply r;
  err[0] = '\0';
  int rc = http_exchange_tls(NULL, "GET", url, NULL, NULL, 0, 10000, 1 << 20, &tls, &r, err, errlen);
  long st = rc == 0 ? r.status : 0;
  http_reply_free(&r);
  return st;
}

/* A client of TLS 1.0 up to `max` (OpenSSL offers the old versions at security level 0):
 * libcurl's result, and why into why. */
static CURLcode tls_upto(int port, const char *ca, long max, char *why)
{
  char url[128];
  snprintf(url, sizeof url, "https://127.0.0.1:%d/api/v1/grid", port);
  why[0] = '\0';
  CURL *cu = curl_easy_init();
  ck_assert_ptr_nonnull(cu);
  curl_easy_setopt(cu, CURLOPT_URL, url);
  curl_easy_setopt(cu, CURLOPT_CAINFO, ca);
  curl_easy_setopt(cu, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_0 | max);
  curl_easy_setopt(cu, CURLOPT_SSL_CIPHER_LIST, "DEFAULT:@SECLEVEL=0");
  curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, why);
  curl_easy_setopt(cu, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(cu, CURLOPT_NOBODY, 1L);
  CURLcode rc = curl_easy_perform(cu);
  curl_easy_cleanup(cu);
  return rc;
}

/* TLS 1.2 and later only: the same client that is served up to TLS 1.2 is cut off in the
 * handshake up to TLS 1.1 (by the server: the client sent its hello). */
static void assert_old_tls_refused(int port, const char *ca)
{
  char why[CURL_ERROR_SIZE];
  ck_assert_msg(tls_upto(port, ca, CURL_SSLVERSION_MAX_TLSv1_2, why) == CURLE_OK, "TLS 1.2: %s", why);
  ck_assert_int_ne(tls_upto(port, ca, CURL_SSLVERSION_MAX_TLSv1_1, why), CURLE_OK);
  ck_assert_msg(!strstr(why, "no protocols available"), "the client refused TLS 1.1 itself");
  fprintf(stderr, "a TLS 1.1 client: %s\n", why);
}

static void assert_log_says(struct cluster *c, const char *name, const char *what)
{
  char path[1100];
  snprintf(path, sizeof path, "%s/%s.log", c->dir, name);
  char *text = th_read_file(path);
  ck_assert_msg(text && strstr(text, what), "%s.log does not say '%s'", name, what);
  free(text);
}

static long long count(struct cluster *c, const char *sql)
{
  sqlite3 *db = cl_server_db(c);
  long long n = cl_query_int(db, sql);
  sqlite3_close(db);
  return n;
}

/* The whole network over HTTPS, and everything that must not work, not working. */
START_TEST(test_tls_verified)
{
  struct cluster c;
  struct pki p;
  char err[CURL_ERROR_SIZE + 64];
  cl_init(&c, "tls", 1, NULL);
  make_pki(c.dir, &p);
  snprintf(c.nc.tls_cert, sizeof c.nc.tls_cert, "%s", p.cert);
  snprintf(c.nc.tls_key, sizeof c.nc.tls_key, "%s", p.key);
  snprintf(c.nc.tls_ca, sizeof c.nc.tls_ca, "%s", p.ca);
  cl_write_server_conf(&c);
  cl_start_server(&c);
  cl_write_site_conf(&c, 0);
  /* r1 trusts a CA that signed nothing of ours. */
  snprintf(c.nc.tls_ca, sizeof c.nc.tls_ca, "%s", p.other_ca);
  cl_write_site_conf(&c, 1);
  cl_start_site(&c, 0);
  cl_start_site(&c, 1);
  cl_wait_hours(&c, 2);

  ck_assert_int_eq(get_grid("https", c.port, p.ca, "", err, sizeof err), 200);
  ck_assert_int_eq(get_grid("https", c.port, p.other_ca, "", err, sizeof err), 0);
  ck_assert_msg(strstr(err, "unable to get local issuer certificate"), "%s", err);
  ck_assert_int_eq(get_grid("https", c.port, "", "", err, sizeof err), 0); /* system CAs */
  ck_assert_int_eq(get_grid("https", c.port, "", p.pin, err, sizeof err), 200);
  ck_assert_int_eq(get_grid("https", c.port, p.ca, p.self_pin, err, sizeof err), 0);
  ck_assert_msg(strstr(err, "pinned public key"), "%s", err);
  ck_assert_int_eq(get_grid("https", c.port, "", p.self_pin, err, sizeof err), 0);
  ck_assert_int_eq(get_grid("http", c.port, "", "", err, sizeof err), 0);
  fprintf(stderr, "a plain HTTP client to the HTTPS server: %s\n", err);
  assert_old_tls_refused(c.port, p.ca);
  ck_assert_int_eq(get_grid("https", c.port, p.ca, "", err, sizeof err), 200); /* still up */

  long long ref_n = count(&c, "SELECT count(*) FROM tracks WHERE site = 'ref'");
  ck_assert_int_ge(ref_n, 9);
  ck_assert_int_eq(count(&c, "SELECT count(*) FROM tracks WHERE site = 'r1'"), 0);
  assert_log_says(&c, "r1", "SSL certificate problem: unable to get local issuer certificate");
  sqlite3 *sp = cl_spool_db(&c, 1);
  long long waiting = cl_query_int(sp, "SELECT count(*) FROM tracks WHERE acked IS NULL");
  sqlite3_close(sp);
  ck_assert_int_ge(waiting, 9);

  /* Given the right CA, r1 sends all it kept. */
  th_stop(c.site[1], SIGTERM, 10);
  snprintf(c.nc.tls_ca, sizeof c.nc.tls_ca, "%s", p.ca);
  cl_write_site_conf(&c, 1);
  cl_start_site(&c, 1);
  cl_wait_hours(&c, 4);

  /* The server restarted with an expired certificate: the sites refuse it and keep their
   * tracks; with a good one again, every track arrives once.  The books are read with the
   * server stopped (cl_check_exactly_once): a server still storing would move under them. */
  th_stop(c.server, SIGTERM, 10);
  long long r1_n = cl_check_exactly_once(&c, 1);
  ck_assert_int_ge(r1_n, 21);
  long long before = count(&c, "SELECT count(*) FROM tracks");
  snprintf(c.nc.tls_cert, sizeof c.nc.tls_cert, "%s", p.expired);
  snprintf(c.nc.tls_key, sizeof c.nc.tls_key, "%s", p.expired_key);
  cl_write_server_conf(&c);
  cl_start_server(&c);
  cl_wait_hours(&c, 5);
  ck_assert_int_eq(get_grid("https", c.port, p.ca, "", err, sizeof err), 0);
  ck_assert_msg(strstr(err, "certificate has expired"), "%s", err);
  assert_log_says(&c, "ref", "SSL certificate problem: certificate has expired");
  assert_log_says(&c, "r1", "SSL certificate problem: certificate has expired");
  th_stop(c.server, SIGTERM, 10);
  /* Nothing came through the expired certificate. */
  ck_assert_int_eq(count(&c, "SELECT count(*) FROM tracks"), before);
  snprintf(c.nc.tls_cert, sizeof c.nc.tls_cert, "%s", p.cert);
  snprintf(c.nc.tls_key, sizeof c.nc.tls_key, "%s", p.key);
  cl_write_server_conf(&c);
  cl_start_server(&c);
  cl_wait_hours(&c, 7);
  cl_stop(&c);
  long long ref_all = cl_check_exactly_once(&c, 0), r1_all = cl_check_exactly_once(&c, 1);
  ck_assert_int_ge(ref_all, 39);
  ck_assert_int_ge(r1_all, 39);
  fprintf(stderr, "over TLS: ref %lld tracks, r1 %lld, each once; r1 kept %lld while it "
          "trusted the wrong CA and the hour's tracks of both through the expired "
          "certificate, and sent them after\n", ref_all, r1_all, waiting);
  cl_cleanup(&c);
}
END_TEST

/* The window of a key by the server's wall clock: accepted before its end, refused from it
 * on, saying when it ended; a key the site does not have is named as such. */
START_TEST(test_key_window)
{
  static struct server s;
  static struct server_site one;
  memset(&s, 0, sizeof s);
  memset(&one, 0, sizeof one);
  s.sites = &one;
  s.n_sites = 1;
  snprintf(s.sites[0].name, sizeof s.sites[0].name, "r1");
  int64_t end;
  ck_assert_int_eq(tu_parse("2027-01-01T00:00:00Z", &end), 0);
  s.sites[0].keys[0] = (struct server_key){.id = "1", .secret = "old-secret-0123456789", .until = end};
  s.sites[0].keys[1] = (struct server_key){.id = "2", .secret = "new-secret-0123456789"};
  s.sites[0].n_keys = 2;
  char why[200];
  ck_assert_str_eq(server_secret(&s, "r1", NULL, end - 1, why, sizeof why), "old-secret-0123456789");
  ck_assert_str_eq(server_secret(&s, "r1", "1", end - 1, why, sizeof why), "old-secret-0123456789");
  ck_assert_str_eq(server_secret(&s, "r1", "2", end - 1, why, sizeof why), "new-secret-0123456789");
  ck_assert_ptr_null(server_secret(&s, "r1", "1", end, why, sizeof why));
  ck_assert_str_eq(why, "key 1 of site r1 ended at 2027-01-01T00:00:00Z");
  ck_assert_ptr_null(server_secret(&s, "r1", NULL, end + 1, why, sizeof why));
  ck_assert_str_eq(server_secret(&s, "r1", "2", INT64_MAX, why, sizeof why), "new-secret-0123456789");
  ck_assert_ptr_null(server_secret(&s, "r1", "3", end - 1, why, sizeof why));
  ck_assert_str_eq(why, "site r1 has no key 3");
  ck_assert_ptr_null(server_secret(&s, "r9", "1", end - 1, why, sizeof why));
  ck_assert_str_eq(why, "unknown site");
}
END_TEST

static long keyed(struct cluster *c, const char *key_id, const char *secret, long long ts,
                  const char *says)
{
  char base[64], err[256];
  snprintf(base, sizeof base, "http://127.0.0.1:%d", c->port);
  char *body = up_one_track_body("r1", 0);
  struct answer a;
  ck_assert_msg(up_keyed_post(base, NULL, "r1", key_id, secret, ts, body, &a, err, sizeof err) == 0,
                "%s", err);
  free(body);
  long st = a.status;
  if (says)
    up_assert_refused(a, st, says);
  else
    free(a.body);
  return st;
}

/* A key rotated without downtime: the new key given to the server beside the old, then to
 * the site, then the old one's window closed; every track of r1 arrives once throughout,
 * and no secret is in any log. */
START_TEST(test_key_rotation)
{
  struct cluster c;
  char s1[65], s2[65];
  cl_init(&c, "keys", 1, NULL);
  snprintf(s1, sizeof s1, "%s", c.nc.secret[1]);
  ck_assert_int_eq(sign_random_hex(s2, 32), 0);
  snprintf(c.nc.server_extra, sizeof c.nc.server_extra, "site_key r1 2 %s\n", s2);
  cl_write_server_conf(&c);
  cl_start_server(&c);
  cl_write_site_conf(&c, 0);
  cl_write_site_conf(&c, 1);
  cl_start_site(&c, 0);
  cl_start_site(&c, 1);
  cl_wait_hours(&c, 1);
  long long now = tu_wall_ns() / NS_PER_S;
  /* Both keys accepted during the overlap, each by its id. */
  ck_assert_int_eq(keyed(&c, "1", s1, now, NULL), 200);
  ck_assert_int_eq(keyed(&c, NULL, s1, now + 1, NULL), 200);
  ck_assert_int_eq(keyed(&c, "2", s2, now + 2, NULL), 200);
  ck_assert_int_eq(keyed(&c, "2", s1, now + 3, "bad signature"), 401);
  ck_assert_int_eq(keyed(&c, "3", s2, now + 4, "site r1 has no key 3"), 401);

  /* The site takes the new key. */
  th_stop(c.site[1], SIGTERM, 10);
  snprintf(c.nc.secret[1], sizeof c.nc.secret[1], "%s", s2);
  snprintf(c.nc.site_extra, sizeof c.nc.site_extra, "key_id 2\n");
  cl_write_site_conf(&c, 1);
  c.nc.site_extra[0] = '\0';
  snprintf(c.nc.secret[1], sizeof c.nc.secret[1], "%s", s1);
  cl_start_site(&c, 1);
  cl_wait_hours(&c, 2);

  /* The old key's window ends (a minute ago by the wall clock). */
  char end[40];
  tu_format((tu_wall_ns() / NS_PER_S - 60) * NS_PER_S, end, sizeof end, 0);
  snprintf(c.nc.server_extra, sizeof c.nc.server_extra, "site_key r1 2 %s\nsite_key_end r1 1 %s\n",
           s2, end);
  th_stop(c.server, SIGTERM, 10);
  cl_write_server_conf(&c);
  cl_start_server(&c);
  cl_wait_hours(&c, 3);
  now = tu_wall_ns() / NS_PER_S;
  char says[96];
  snprintf(says, sizeof says, "key 1 of site r1 ended at %s", end);
  /* (Timestamps past the first requests': the same request again would be a replay.) */
  ck_assert_int_eq(keyed(&c, "1", s1, now + 10, says), 401);
  ck_assert_int_eq(keyed(&c, NULL, s1, now + 11, says), 401);
  ck_assert_int_eq(keyed(&c, "2", s2, now + 12, NULL), 200);
  cl_stop(&c);
  long long n = cl_check_exactly_once(&c, 1);
  ck_assert_int_ge(n, 15);

  const char *logs[] = {"server", "ref", "r1"};
  for (int i = 0; i < 3; i++) {
    char path[1100];
    snprintf(path, sizeof path, "%s/%s.log", c.dir, logs[i]);
    char *text = th_read_file(path);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(!strstr(text, s1) && !strstr(text, s2) && !strstr(text, c.nc.secret[0]),
                  "a secret is in %s.log", logs[i]);
    free(text);
  }
  fprintf(stderr, "key rotation: r1 %lld tracks at the server, each once; key 1 refused after "
          "%s\n", n, end);
  cl_cleanup(&c);
}
END_TEST

int main(void)
{
  curl_global_init(CURL_GLOBAL_DEFAULT);
  Suite *s = suite_create("tls");
  TCase *tc = tcase_create("tls");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, test_key_window);
  tcase_add_test(tc, test_tls_verified);
  tcase_add_test(tc, test_key_rotation);
  suite_add_tcase(s, tc);
  int rc = th_run_suite(s, CK_VERBOSE);
  curl_global_cleanup();
  return rc;
}
