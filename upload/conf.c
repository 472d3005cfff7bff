#include "config.h"
#include "upload/conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/secret.h"
#include "upload/client.h"

static int h_server(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  if (!upl_url_ok(argv[0])) {
    snprintf(e, n, "'%s' is not an http:// or https:// URL", argv[0]);
    return -1;
  }
  struct upl_conf *c = u;
  if (!c->server[0])
    return conf_string("server", argv[0], c->server, sizeof c->server, e, n);
  for (int i = 0; i < upl_conf_n_servers(c); i++)
    if (strcmp(upl_conf_server(c, i), argv[0]) == 0) {
      snprintf(e, n, "server %s is given twice", argv[0]);
      return -1;
    }
  if (c->n_more == UPL_MAX_SERVERS - 1) {
    snprintf(e, n, "at most %d servers", UPL_MAX_SERVERS);
    return -1;
  }
  char *slot = c->more_servers[c->n_more];
  if (conf_string("server", argv[0], slot, sizeof c->more_servers[0], e, n) != 0)
    return -1;
  c->n_more++;
  return 0;
}

int upl_conf_n_servers(const struct upl_conf *c) { return 1 + c->n_more; }

const char *upl_conf_server(const struct upl_conf *c, int i)
{
  return i == 0 ? c->server : c->more_servers[i - 1];
}

static int h_secret(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  struct upl_conf *c = u;
  if (argv[0][0] == '@')
    return secret_file_line(argv[0] + 1, c->secret, e, n);
  if (strlen(argv[0]) < SECRET_MIN || strlen(argv[0]) > SECRET_MAX) {
    snprintf(e, n, "the secret must be %d to %d characters", SECRET_MIN, SECRET_MAX);
    return -1;
  }
  c->secret_inline = 1;
  return conf_string("secret", argv[0], c->secret, sizeof c->secret, e, n);
}

static int h_key_id(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  struct upl_conf *c = u;
  if (!site_name_ok(argv[0]) || strlen(argv[0]) >= sizeof c->key_id) {
    snprintf(e, n, "'%s' is not a key id (1 to 15 of A-Z a-z 0-9 _ . -)", argv[0]);
    return -1;
  }
  snprintf(c->key_id, sizeof c->key_id, "%s", argv[0]);
  return 0;
}

static int h_tls_ca(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  struct upl_conf *c = u;
  if (access(argv[0], R_OK) != 0) {
    snprintf(e, n, "%s: %s", argv[0], strerror(errno));
    return -1;
  }
  return conf_string("tls_ca", argv[0], c->tls_ca, sizeof c->tls_ca, e, n);
}

static int h_tls_pin(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  struct upl_conf *c = u;
  if (strncmp(argv[0], "sha256//", 8) != 0 || strlen(argv[0]) < 40) {
    snprintf(e, n, "'%s' is not sha256//BASE64 of a public key", argv[0]);
    return -1;
  }
  return conf_string("tls_pin", argv[0], c->tls_pin, sizeof c->tls_pin, e, n);
}

static int h_retry(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  struct upl_conf *c = u;
  long long lo, hi;
  if (conf_int("minimum", argv[0], 1, 86400, &lo, e, n) ||
      conf_int("maximum", argv[1], 1, 86400, &hi, e, n))
    return -1;
  if (hi < lo) {
    snprintf(e, n, "the maximum is below the minimum");
    return -1;
  }
  c->retry_min_s = (int)lo;
  c->retry_max_s = (int)hi;
  return 0;
}

const struct conf_item upl_items[] = {
    {.type = CONF_CUSTOM, .name = "server", .args = "URL", .flags = CONF_REQUIRED | CONF_REPEAT,
     .help = "a central server, https:// (or http:// with plain_http yes), e.g. "
             "https://lab.example:8443.  Several lines name servers that share one store "
             "(at most 8): tracks go to the first that answers, and after a failed upload "
             "to the next one, in turn; a track any of them stored is stored once, and "
             "each one's commands are accepted (each signs with this site's key)",
     .min_args = 1, .max_args = 1, .parse = h_server},
    {.type = CONF_CUSTOM, .name = "secret", .args = "SECRET|@FILE", .flags = CONF_REQUIRED,
     .help = "the HMAC secret shared with the server, 16 to 128 characters, or @FILE to read "
             "it from FILE's first line (FILE readable by its owner alone)",
     .min_args = 1, .max_args = 1, .parse = h_secret},
    {.type = CONF_CUSTOM, .name = "key_id", .args = "ID", .def = "1",
     .help = "the id of the secret, which the server knows it by (X-CVD-Key-Id): a new key "
             "and its id are given to the server first, then to the site",
     .min_args = 1, .max_args = 1, .parse = h_key_id},
    {.type = CONF_CUSTOM, .name = "tls_ca", .args = "FILE",
     .help = "CA certificates (PEM) to verify the server's certificate by, instead of the "
             "system's",
     .min_args = 1, .max_args = 1, .parse = h_tls_ca},
    {.type = CONF_CUSTOM, .name = "tls_pin", .args = "sha256//BASE64",
     .help = "the server's public key, pinned: the connection is refused for any other.  "
             "With tls_ca both must hold; alone, the key is the whole check (a self-signed "
             "certificate serves; its chain, name and dates are not looked at).  Make it "
             "with: openssl x509 -in CERT -pubkey -noout | openssl pkey -pubin -outform der "
             "| openssl dgst -sha256 -binary | base64",
     .min_args = 1, .max_args = 1, .parse = h_tls_pin},
    CONF_YESNO("plain_http", struct upl_conf, plain_http, "no",
               "talk to an http:// server, without TLS, on purpose (loopback tests, the demo)"),
    CONF_DBL("upload_timeout", "SECONDS", struct upl_conf, timeout_s, 0.1, 600, "10",
             "wall-clock limit of one upload"),
    CONF_INTV("upload_batch", "N", struct upl_conf, batch, 1, 1008, "144",
              "tracks per upload"),
    {.type = CONF_CUSTOM, .name = "retry", .args = "MIN MAX", .def = "10 600",
     .help = "backoff between failed uploads in seconds of the clock source, doubling from "
             "MIN to MAX",
     .min_args = 2, .max_args = 2, .parse = h_retry},
    {.type = CONF_END},
};

void upl_conf_default(struct upl_conf *c)
{
  char err[200];
  memset(c, 0, sizeof *c);
  if (conf_defaults(upl_items, c, err, sizeof err) != 0)
    abort(); /* a default the table's own bounds refuse: a bug caught by every test */
}

int upl_conf_check(const struct upl_conf *c, char *err, size_t errlen)
{
  for (int i = 0; i < upl_conf_n_servers(c); i++)
    if (strncmp(upl_conf_server(c, i), "http://", 7) == 0 && !c->plain_http) {
      snprintf(err, errlen, "server %s is plain HTTP: use https://, or say 'plain_http yes' "
               "to send without TLS on purpose", upl_conf_server(c, i));
      return -1;
    }
  if (c->plain_http && (c->tls_ca[0] || c->tls_pin[0])) {
    snprintf(err, errlen, "plain_http yes with tls_ca or tls_pin: choose one");
    return -1;
  }
  return 0;
}
