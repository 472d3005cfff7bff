#include "config.h"
#include "server/conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/track.h"

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

static int h_site(void *u, int argc, char **argv, char *e, size_t n)
{
  (void)argc;
  struct server_app_conf *ec = &SC->app;
  if (!site_name_ok(argv[0])) {
    snprintf(e, n, "'%s' is not a site name (1 to 31 of A-Z a-z 0-9 _ . -)", argv[0]);
    return -1;
  }
  for (int i = 0; i < ec->n_sites; i++)
    if (strcmp(ec->sites[i].name, argv[0]) == 0) {
      snprintf(e, n, "site '%s' given twice", argv[0]);
      return -1;
    }
  if (ec->n_sites == SERVER_MAX_SITES) {
    snprintf(e, n, "more than %d sites", SERVER_MAX_SITES);
    return -1;
  }
  if (strlen(argv[1]) < 16 || strlen(argv[1]) >= SERVER_SECRET_MAX) {
    snprintf(e, n, "the secret of '%s' must be 16 to %d characters", argv[0],
             SERVER_SECRET_MAX - 1);
    return -1;
  }
  snprintf(ec->sites[ec->n_sites].name, SITE_NAME_MAX, "%s", argv[0]);
  snprintf(ec->sites[ec->n_sites].secret, SERVER_SECRET_MAX, "%s", argv[1]);
  ec->n_sites++;
  return 0;
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

const struct conf_item server_items[] = {
    {.type = CONF_CUSTOM, .name = "listen", .args = "ADDRESS PORT", .def = "127.0.0.1 8080",
     .help = "the IPv4 address and TCP port to serve HTTP on", .min_args = 2, .max_args = 2,
     .parse = h_listen},
    CONF_STR("database", "FILE", struct server_conf, app.db_path, "cvd-server.db",
             "the SQLite store (WAL mode)"),
    {.type = CONF_CUSTOM, .name = "reference", .args = "SITE", .flags = CONF_REQUIRED,
     .help = "the lab's reference site, whose clock is UTC(k)", .min_args = 1, .max_args = 1,
     .parse = h_reference},
    {.type = CONF_CUSTOM, .name = "site", .args = "NAME SECRET", .flags = CONF_REPEAT,
     .help = "a site and its HMAC secret, 16 to 128 characters: one line for every site, the "
             "reference included",
     .min_args = 2, .max_args = 2, .parse = h_site},
    {.type = CONF_CUSTOM, .name = "servo", .args = "NAME", .def = "kalman",
     .help = "the steering servo: kalman, pi, or null (never steers)", .min_args = 1,
     .max_args = 1, .parse = h_servo},
    CONF_INCL(servo_param_items, struct server_conf, app.sp),
    CONF_INCL(ctl_param_items, struct server_conf, app.cp),
    CONF_INTV("max_track_age", "DAYS", struct server_conf, app.max_track_age_days, 1, 3650, "60",
              "tracks older than this (by the server's clock) are refused for good, as are "
              "tracks of slots not yet over"),
    CONF_YESNO("web", struct server_conf, web.html, "yes",
               "serve the HTML pages (the API is always served)"),
    {.type = CONF_INT, .name = "max_body", .args = "BYTES", .def = "4194304",
     .help = "the largest upload accepted", .off = offsetof(struct server_conf, web.max_body),
     .lo = 1024, .hi = 1 << 30, .size = (int)sizeof(size_t)},
    CONF_INTV("threads", "N", struct server_conf, web.threads, 1, 64, "4", "HTTP threads"),
    CONF_INTV("max_connections", "N", struct server_conf, web.max_connections, 16, 100000,
              "1000", "HTTP connections open at once, in all"),
    CONF_INTV("max_connections_per_address", "N", struct server_conf, web.max_per_address, 1,
              10000, "32",
              "HTTP connections open at once from one client address (more are refused, said "
              "once a minute): a flood of slow connections from one address cannot take the "
              "places the sites need"),
    CONF_INTV("client_timeout", "SECONDS", struct server_conf, web.client_timeout_s, 1, 3600, "10",
              "an HTTP connection silent this long is closed"),
    CONF_INCL(proc_items, struct server_conf, proc),
    {.type = CONF_END},
};

void server_conf_default(struct server_conf *c)
{
  char err[200];
  memset(c, 0, sizeof *c);
  server_app_conf_default(&c->app);
  if (conf_defaults(server_items, c, err, sizeof err) != 0)
    abort(); /* a default the table's own bounds refuse: a bug caught by every test */
  c->tick_s = 60;
}

int server_conf_load(const char *path, struct server_conf *c, char *err, size_t errlen)
{
  if (conf_parse_file(path, server_items, c, err, errlen) != 0)
    return -1;
  c->app.cp.limits = c->proc.limits;
  for (int i = 0; i < c->app.n_sites; i++)
    if (strcmp(c->app.sites[i].name, c->app.reference) == 0)
      return 0;
  snprintf(err, errlen, "%s: the reference '%s' has no 'site' line", path, c->app.reference);
  return -1;
}
