#include "config.h"
#include "server/conf.h"

#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/secret.h"
#include "core/timeutil.h"
#include "core/track.h"
#include "db/dbc.h"

#define SC ((struct server_conf *)u)

static int h_listen(void *u, int argc, char **argv, char *e, size_t n)
{
  long long port;
  (void)argc;
  if (conf_string("address", argv[0], SC->web.address, sizeof SC->web.address, e, n) ||
      conf_int("port", argv[1], 1, 65535, &port, e, n))
    return -1;
  SC->web.port = (int)port;
  return 0;
}

static int h_reference(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  if (!site_name_ok(argv[0])) {
    snprintf(e, n, "'%s' is not a site name (1 to 31 of A-Z a-z 0-9 _ . -)", argv[0]);
    return -1;
  }
  snprintf(SC->app.reference, sizeof SC->app.reference, "%s", argv[0]);
  return 0;
}

/* A secret given inline, or @FILE: read from FILE, which its owner alone may read. */
static int get_secret(struct server_conf *c, const char *arg, char *out, char *e, size_t n)
{
  if (arg[0] == '@')
    return secret_file_line(arg + 1, out, e, n);
  c->secret_inline = 1;
  size_t len = strlen(arg);
  if (len < SECRET_MIN || len > SECRET_MAX) {
    snprintf(e, n, "a secret must be %d to %d characters", SECRET_MIN, SECRET_MAX);
    return -1;
  }
  memcpy(out, arg, len + 1);
  return 0;
}

/* While the file is read, its sites by name in a tree (POSIX tsearch), so that each site
 * line's check for one given twice is not a search of all before it: reading 10,000 sites
 * took 0.15 s that way. */
struct site_node {
  int index; /* in the configuration's sites, which move as the array grows */
  char name[SITE_NAME_MAX];
};

static int cmp_node(const void *a, const void *b)
{
  return strcmp(((const struct site_node *)a)->name, ((const struct site_node *)b)->name);
}

static struct server_site_conf *site_of(struct server_conf *c, const char *name)
{
  struct site_node key = {0};
  snprintf(key.name, sizeof key.name, "%s", name);
  struct site_node *const *hit = tfind(&key, &c->site_names, cmp_node);
  return hit ? &c->app.sites[(*hit)->index] : NULL;
}

/* Indexes the configuration's newest site; -1 without memory. */
static int index_site(struct server_conf *c, char *e, size_t n)
{
  struct site_node *node = malloc(sizeof *node);
  if (node) {
    node->index = c->app.n_sites - 1;
    snprintf(node->name, sizeof node->name, "%s", c->app.sites[node->index].name);
    if (tsearch(node, &c->site_names, cmp_node))
      return 0;
    free(node);
  }
  snprintf(e, n, "out of memory for %d sites", c->app.n_sites);
  return -1;
}

static int add_key(struct server_conf *c, struct server_site_conf *sc, const char *id,
                   const char *secret, int64_t until, char *e, size_t n)
{
  if (!site_name_ok(id) || strlen(id) >= SERVER_KEY_ID_MAX) {
    snprintf(e, n, "'%s' is not a key id (1 to 15 of A-Z a-z 0-9 _ . -)", id);
    return -1;
  }
  for (int k = 0; k < sc->n_keys; k++)
    if (strcmp(sc->keys[k].id, id) == 0) {
      snprintf(e, n, "site '%s' has a key '%s' already", sc->name, id);
      return -1;
    }
  if (sc->n_keys == SERVER_KEYS) {
    snprintf(e, n, "site '%s' has %d keys already", sc->name, SERVER_KEYS);
    return -1;
  }
  struct server_key *k = &sc->keys[sc->n_keys];
  snprintf(k->id, sizeof k->id, "%s", id);
  if (get_secret(c, secret, k->secret, e, n) != 0)
    return -1;
  k->until = until;
  sc->n_keys++;
  return 0;
}

static int h_site(void *u, int argc, char **argv, char *e, size_t n)
{
  struct server_app_conf *ec = &SC->app;
  if (!site_name_ok(argv[0])) {
    snprintf(e, n, "'%s' is not a site name (1 to 31 of A-Z a-z 0-9 _ . -)", argv[0]);
    return -1;
  }
  if (site_of(SC, argv[0])) {
    snprintf(e, n, "site '%s' given twice", argv[0]);
    return -1;
  }
  struct server_site_conf *sc = server_app_conf_add_site(ec, argv[0], e, n);
  if (!sc || index_site(SC, e, n) != 0)
    return -1;
  if (add_key(SC, sc, "1", argv[1], 0, e, n) != 0)
    return -1;
  if (argc == 3 && strcmp(argv[2], "cggtts") != 0) {
    snprintf(e, n, "site kind '%s' is not known (cggtts, or none for a 1PPS site)", argv[2]);
    return -1;
  }
  sc->cggtts = argc == 3;
  return 0;
}

static int h_site_key(void *u, int argc, char **argv, char *e, size_t n)
{
  struct server_site_conf *sc = site_of(SC, argv[0]);
  if (!sc) {
    snprintf(e, n, "no site '%s' yet: give its 'site' line first", argv[0]);
    return -1;
  }
  int64_t until = 0;
  if (argc == 4 && tu_parse(argv[3], &until) != 0) {
    snprintf(e, n, "bad end '%s' (want YYYY-MM-DDTHH:MM:SSZ)", argv[3]);
    return -1;
  }
  return add_key(SC, sc, argv[1], argv[2], until, e, n);
}

static int h_key_end(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  struct server_site_conf *sc = site_of(SC, argv[0]);
  int64_t until;
  if (!sc) {
    snprintf(e, n, "no site '%s' yet: give its 'site' line first", argv[0]);
    return -1;
  }
  if (tu_parse(argv[2], &until) != 0) {
    snprintf(e, n, "bad end '%s' (want YYYY-MM-DDTHH:MM:SSZ)", argv[2]);
    return -1;
  }
  for (int k = 0; k < sc->n_keys; k++)
    if (strcmp(sc->keys[k].id, argv[1]) == 0) {
      sc->keys[k].until = until;
      return 0;
    }
  snprintf(e, n, "site '%s' has no key '%s'", argv[0], argv[1]);
  return -1;
}

static int h_tls_file(const char *what, const char *arg, char *out, size_t outlen, char *e,
                      size_t n)
{
  if (conf_string(what, arg, out, outlen, e, n) != 0)
    return -1;
  if (access(arg, R_OK) != 0) {
    snprintf(e, n, "%s: %s", arg, strerror(errno));
    return -1;
  }
  return 0;
}

static int h_tls_cert(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  return h_tls_file("tls_certificate", argv[0], SC->web.tls_cert, sizeof SC->web.tls_cert, e, n);
}

static int h_tls_key(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  if (h_tls_file("tls_key", argv[0], SC->web.tls_key, sizeof SC->web.tls_key, e, n) != 0)
    return -1;
  return secret_file_private(argv[0], e, n);
}

static int h_report_key(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  if (h_tls_file("report_key", argv[0], SC->web.report_key, sizeof SC->web.report_key, e,
                 n) != 0)
    return -1;
  return secret_file_private(argv[0], e, n);
}

static int h_servo(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  struct servo *probe = servo_create(argv[0], &SC->app.sp, e, n);
  if (!probe)
    return -1;
  servo_destroy(probe);
  return conf_string("servo", argv[0], SC->app.servo, sizeof SC->app.servo, e, n);
}

/* store: a PostgreSQL server's URI, or a SQLite file as `database` names one. */
static int h_store(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  if (!dbc_target_is_pg(argv[0]) && strstr(argv[0], "://")) {
    snprintf(e, n, "'%s' is neither a postgresql:// URI nor a file", argv[0]);
    return -1;
  }
  return conf_string("store", argv[0], SC->app.db_path, sizeof SC->app.db_path, e, n);
}

static int h_alert_webhook(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  return alert_conf_add(&SC->alerts, argv[0], e, n);
}

const struct conf_item server_items[] = {
    {.type = CONF_CUSTOM, .name = "listen", .args = "ADDRESS PORT", .def = "127.0.0.1 8080",
     .help = "the IPv4 address and TCP port to serve HTTP on", .min_args = 2, .max_args = 2,
     .parse = h_listen},
    CONF_STR("database", "FILE", struct server_conf, app.db_path, "cvd-server.db",
             "the SQLite store (WAL mode)"),
    {.type = CONF_CUSTOM, .name = "store", .args = "postgresql://...|FILE",
     .help = "the store: a PostgreSQL server, as a libpq URI (postgresql://USER@HOST/DB; "
             "several servers may share it, one of them steering), or a SQLite file as "
             "'database' names one; the last of 'store' and 'database' counts",
     .min_args = 1, .max_args = 1, .parse = h_store},
    {.type = CONF_STRING, .name = "server_name", .args = "NAME", .def = "the host's name",
     .flags = CONF_DERIVED, .off = offsetof(struct server_conf, app.name),
     .size = (int)sizeof(((struct server_conf *)0)->app.name),
     .help = "this server's name in the store's steering lease: each of the servers that "
             "share one store needs its own"},
    CONF_INTV("steering_lease", "SECONDS", struct server_conf, app.lease_s, 10, 3600, "180",
              "how long the steering server's lease lasts without renewal (it renews it at "
              "each tick): when it dies, another server sharing the store steers after this "
              "at most, plus a tick"),
    {.type = CONF_CUSTOM, .name = "reference", .args = "SITE", .flags = CONF_REQUIRED,
     .help = "the lab's reference site, whose clock is UTC(k)", .min_args = 1, .max_args = 1,
     .parse = h_reference},
    {.type = CONF_CUSTOM, .name = "site", .args = "NAME SECRET|@FILE [cggtts]",
     .flags = CONF_REPEAT,
     .help = "a site and its HMAC secret, 16 to 128 characters, or @FILE to read it from "
             "FILE's first line (readable by its owner alone): one line for every site, the "
             "reference included; its key id is 1.  'cggtts': the site sends CGGTTS files "
             "(cvd cggtts upload), measured against the reference, not steered",
     .min_args = 2, .max_args = 3, .parse = h_site},
    {.type = CONF_CUSTOM, .name = "site_key", .args = "NAME KEYID SECRET|@FILE [END]",
     .flags = CONF_REPEAT,
     .help = "another HMAC key of a site, for rotating keys: requests name theirs in "
             "X-CVD-Key-Id (the 'site' line's key is 1); accepted until END (wall-clock UTC), "
             "if given.  @FILE reads the secret from FILE's first line; FILE must be readable "
             "by its owner alone",
     .min_args = 3, .max_args = 4, .parse = h_site_key},
    {.type = CONF_CUSTOM, .name = "site_key_end", .args = "NAME KEYID END", .flags = CONF_REPEAT,
     .help = "the end of a site's key, the 'site' line's (1) among them: requests signed with "
             "it are refused from END on (wall-clock UTC)",
     .min_args = 3, .max_args = 3, .parse = h_key_end},
    {.type = CONF_CUSTOM, .name = "servo", .args = "NAME", .def = "kalman",
     .help = "the steering servo: kalman, pi, or null (never steers)", .min_args = 1,
     .max_args = 1, .parse = h_servo},
    CONF_INCL(servo_param_items, struct server_conf, app.sp),
    CONF_INCL(ctl_param_items, struct server_conf, app.cp),
    CONF_INTV("max_track_age", "DAYS", struct server_conf, app.max_track_age_days, 1, 3650, "60",
              "tracks older than this (by the server's clock) are refused for good, as are "
              "tracks of slots not yet over"),
    {.type = CONF_CUSTOM, .name = "tls_certificate", .args = "FILE",
     .help = "the server's certificate (PEM, the chain after it): the server serves HTTPS, "
             "TLS 1.2 and later only",
     .min_args = 1, .max_args = 1, .parse = h_tls_cert},
    {.type = CONF_CUSTOM, .name = "tls_key", .args = "FILE",
     .help = "its private key (PEM), readable by the server's user alone",
     .min_args = 1, .max_args = 1, .parse = h_tls_key},
    {.type = CONF_CUSTOM, .name = "report_key", .args = "FILE",
     .help = "the lab's Ed25519 private key (cvd report keygen) that signs the /report pages, "
             "readable by the server's user alone; without it each server process signs with "
             "a key of its own, which an auditor cannot pin with cvd report verify --pubkey",
     .min_args = 1, .max_args = 1, .parse = h_report_key},
    CONF_YESNO("plain_http", struct server_conf, web.plain_http, "no",
               "serve plain HTTP, without TLS, on purpose (loopback tests, the demo); without "
               "it a server with no certificate does not start"),
    CONF_YESNO("web", struct server_conf, web.html, "yes",
               "serve the HTML pages (the API is always served)"),
    {.type = CONF_INT, .name = "max_body", .args = "BYTES", .def = "4194304",
     .help = "the largest upload accepted", .off = offsetof(struct server_conf, web.max_body),
     .lo = 1024, .hi = 1 << 30, .size = (int)sizeof(size_t)},
    CONF_INTV("threads", "N", struct server_conf, web.threads, 1, 64, "8", "HTTP threads"),
    CONF_INTV("max_connections", "N", struct server_conf, web.max_connections, 16, 100000,
              "1000", "HTTP connections open at once, in all"),
    CONF_INTV("max_connections_per_address", "N", struct server_conf, web.max_per_address, 1,
              10000, "32",
              "HTTP connections open at once from one client address (more are refused, said "
              "once a minute): a flood of slow connections from one address cannot take the "
              "places the sites need"),
    CONF_INTV("client_timeout", "SECONDS", struct server_conf, web.client_timeout_s, 1, 3600, "10",
              "an HTTP connection silent this long is closed"),
    {.type = CONF_CUSTOM, .name = "alert_webhook", .args = "URL", .flags = CONF_REPEAT,
     .help = "POST a JSON alert to URL (http:// or https://) on every state change and fault "
             "of a clock: {\"site\", \"kind\", \"state\", \"previous_state\", \"message\", "
             "\"t_ns\", \"time\"}; sent by a thread of its own, tried again after 1, 2, 4 ... "
             "s (6 tries), the same site, kind and state once while it stands; up to 8 lines",
     .min_args = 1, .max_args = 1, .parse = h_alert_webhook},
    CONF_INCL(proc_items, struct server_conf, proc),
    {.type = CONF_END},
};

void server_conf_default(struct server_conf *c)
{
  char err[200];
  memset(c, 0, sizeof *c);
  server_app_conf_default(&c->app);
  c->app.record_states = 1;
  if (conf_defaults(server_items, c, err, sizeof err) != 0)
    abort(); /* a default the table's own bounds refuse: a bug caught by every test */
  c->tick_s = 60;
}

int server_conf_load(const char *path, struct server_conf *c, char *err, size_t errlen)
{
  int rc = conf_parse_file(path, server_items, c, err, errlen);
  tdestroy(c->site_names, free);
  c->site_names = NULL;
  if (rc != 0)
    return -1;
  c->app.cp.limits = c->proc.limits;
  if (!c->web.plain_http && (!c->web.tls_cert[0] || !c->web.tls_key[0])) {
    snprintf(err, errlen, "%s: the server serves HTTPS: give tls_certificate and tls_key, or "
             "'plain_http yes' to serve plain HTTP on purpose", path);
    return -1;
  }
  if (c->web.plain_http && (c->web.tls_cert[0] || c->web.tls_key[0])) {
    snprintf(err, errlen, "%s: plain_http yes and a TLS certificate: choose one", path);
    return -1;
  }
  /* Secrets written in the file make it a secret file (issue 10). */
  if (c->secret_inline && secret_file_private(path, err, errlen) != 0)
    return -1;
  for (int i = 0; i < c->app.n_sites; i++)
    if (strcmp(c->app.sites[i].name, c->app.reference) == 0)
      return 0;
  snprintf(err, errlen, "%s: the reference '%s' has no 'site' line", path, c->app.reference);
  return -1;
}
