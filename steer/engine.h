/* The central server's logic without its HTTP: what an authenticated upload does (store
 * the tracks, form common-view differences for every pair of sites in each new slot, run
 * the steering of the remotes they concern, answer with the site's command), what time
 * does (holdover, alarms), and the grid.  `cvd server` puts it behind libmicrohttpd and
 * `cvd simulate` calls it directly.  Every entry point takes the engine's lock. */
#ifndef CVD_ENGINE_H
#define CVD_ENGINE_H

#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>

#include "core/msg.h"
#include "steer/ctl.h"
#include "steer/servo.h"

#define ENGINE_MAX_SITES 64
#define ENGINE_SECRET_MAX 129

struct engine_site_conf {
  char name[SITE_NAME_MAX];
  char secret[ENGINE_SECRET_MAX];
};

struct engine_conf {
  char db_path[1024];
  char reference[SITE_NAME_MAX];
  int n_sites;
  struct engine_site_conf sites[ENGINE_MAX_SITES];
  char servo[16];
  struct servo_params sp;
  struct ctl_params cp;
};

void engine_conf_default(struct engine_conf *c);

struct engine_site {
  char name[SITE_NAME_MAX];
  char secret[ENGINE_SECRET_MAX];
  int is_ref;
  struct ctl *ctl;         /* remotes only */
  int64_t last_slot;       /* newest track received */
};

struct engine {
  pthread_mutex_t mtx;
  sqlite3 *db;
  struct engine_conf conf;
  struct engine_site sites[ENGINE_MAX_SITES];
  int n_sites;
  int ref;                 /* index of the reference site */
  int64_t ref_fault_until; /* a fault flagged on the reference */
  char ref_fault[200];
};

/* Opens the store and restores every clock's controller.  Returns 0 or -1 with err. */
int engine_open(struct engine *e, const struct engine_conf *c, char *err, size_t errlen);
void engine_close(struct engine *e);

/* The site's secret, or NULL for an unknown site (no lock needed: fixed after open). */
const char *engine_secret(const struct engine *e, const char *site);

/* Records a request signature; 1 if it was seen before (a replay), 0 if new, -1 error. */
int engine_seen_signature(struct engine *e, const char *sig, int64_t wall_s);

/* Handles an authenticated, validated upload at service time `now`.  Returns the HTTP
 * status and sets *resp to the JSON body. */
int engine_upload(struct engine *e, const struct upload_req *req, int64_t now, int64_t wall_now,
                  json_t **resp);

/* Time passing: holdover, predictions, alarms; pruning. */
void engine_tick(struct engine *e, int64_t now, int64_t wall_now);

/* The grid: every clock against every other, states, last updates. */
json_t *engine_grid(struct engine *e, int64_t now);
/* A pair's common-view differences a - b over [from, to). */
json_t *engine_series(struct engine *e, const char *a, const char *b, int64_t from, int64_t to);
/* Events (measurement steps, reference faults) over [from, to). */
json_t *engine_events(struct engine *e, int64_t from, int64_t to);
/* The steering log of a clock (all if NULL) over [from, to). */
json_t *engine_steering(struct engine *e, const char *site, int64_t from, int64_t to, int limit);

#endif
