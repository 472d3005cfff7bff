/* cvd operator: staff's requests to the server, through its store. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "cvd/cmd.h"
#include "db/db.h"
#include "db/operator.h"
#include "server/conf.h"

void cvd_operator_help(FILE *out)
{
  fprintf(out,
"Usage: cvd operator -c SERVER.CONF step SITE clock|delay\n"
"       cvd operator -c SERVER.CONF list\n"
"\n"
"Tells the central server what staff know and it cannot: the request goes into the\n"
"server's store, and the server does it at its next tick (within a minute), writes it to\n"
"the steering log and the events, and keeps its result beside the request.\n"
"\n"
"  step SITE clock   the last measurement step the server found at SITE (and corrected as\n"
"                    a receiver's delay, which it cannot tell from the clock's own phase)\n"
"                    was the clock's phase: the clock takes it, and time steering removes\n"
"                    it at the locked limits\n"
"  step SITE delay   it was a receiver's delay, as taken: logged\n"
"  list              the latest requests, and what came of each\n"
"\n"
"Options:\n"
"  -c, --config FILE   the server's configuration file (for its store and its sites)\n"
"  -h, --help          this text\n"
"\n"
"Exit status: 0 when queued (or listed), 1 on a runtime failure, 2 on bad usage.\n");
}

static int list(struct dbc *db)
{
  struct op_request r[50];
  int n = store_op_list(db, 0, r, 50);
  if (n < 0) {
    fprintf(stderr, "cvd operator: reading the requests failed: %s\n", dbc_errmsg(db));
    return EXIT_RUNTIME;
  }
  char t[40];
  for (int i = 0; i < n; i++)
    printf("%lld  %s  %-6s %-15s %s\n", (long long)r[i].id, tu_format(r[i].t, t, sizeof t, 0),
           r[i].site, r[i].kind, r[i].done ? r[i].result : "(pending)");
  return 0;
}

static int step(struct dbc *db, const struct server_conf *sc, const char *site, const char *what)
{
  int known = 0;
  for (int i = 0; i < sc->app.n_sites; i++)
    known |= strcmp(sc->app.sites[i].name, site) == 0;
  if (!known || strcmp(site, sc->app.reference) == 0) {
    fprintf(stderr, "cvd operator: '%s' is not a remote site of this server\n", site);
    return EXIT_USAGE;
  }
  const char *kind = strcmp(what, "clock") == 0   ? "step_was_clock"
                     : strcmp(what, "delay") == 0 ? "step_was_delay"
                                                  : NULL;
  if (!kind) {
    fprintf(stderr, "cvd operator: step %s %s: want clock or delay\n", site, what);
    return EXIT_USAGE;
  }
  int64_t id = store_op_put(db, tu_wall_ns(), site, kind);
  if (id < 0) {
    fprintf(stderr, "cvd operator: queuing failed: %s\n", dbc_errmsg(db));
    return EXIT_RUNTIME;
  }
  printf("request %lld queued: %s's last measurement step was %s; the server does it within "
         "a minute (cvd operator list shows what came of it)\n",
         (long long)id, site, strcmp(what, "clock") == 0 ? "the clock's phase" : "a delay");
  return 0;
}

int cvd_operator_main(int argc, char **argv)
{
  static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *conf = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    if (c == 'c')
      conf = optarg;
    else if (c == 'h') {
      cvd_operator_help(stdout);
      return 0;
    } else {
      fprintf(stderr, "cvd operator: see cvd operator --help\n");
      return EXIT_USAGE;
    }
  }
  int rest = argc - optind;
  int is_list = rest == 1 && strcmp(argv[optind], "list") == 0;
  int is_step = rest == 3 && strcmp(argv[optind], "step") == 0;
  if (!conf || (!is_list && !is_step)) {
    fprintf(stderr, "cvd operator: want -c FILE and 'step SITE clock|delay' or 'list' "
                    "(see cvd operator --help)\n");
    return EXIT_USAGE;
  }
  static struct server_conf sc;
  char err[1024];
  server_conf_default(&sc);
  if (server_conf_load(conf, &sc, err, sizeof err) != 0) {
    fprintf(stderr, "cvd operator: %s\n", err);
    server_app_conf_free(&sc.app);
    return EXIT_USAGE;
  }
  struct dbc *db = dbc_open(sc.app.db_path, 0, err, sizeof err);
  if (!db) {
    fprintf(stderr, "cvd operator: %s\n", err);
    server_app_conf_free(&sc.app);
    return EXIT_RUNTIME;
  }
  int rc = is_list ? list(db) : step(db, &sc, argv[optind + 1], argv[optind + 2]);
  dbc_close(db);
  server_app_conf_free(&sc.app);
  return rc;
}
