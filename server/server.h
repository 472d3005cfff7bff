/* The central server's application layer (DESIGN.md sections 1 and 4), between steering
 * (steer/) and HTTP (web/): what an authenticated upload does (ingest.c: the tracks
 * stored in one transaction, the common-view differences of every new slot, the steering
 * of the remotes they concern, the site's command as the answer), what time does
 * (holdover, alarms), the replay check of request signatures, and the read-outs (readout.c:
 * the grid with its colours, a pair's series, the steering log, the events).  It keeps
 * every clock's controller state in its store, so a restart takes up each clock where it
 * was.  Several servers may share one store (PostgreSQL, or one SQLite file): each ingests
 * and serves read-outs, and the one holding the store's steering lease (lease.c) alone
 * steers, the others following its controllers' states from the store.  `cvd server` puts
 * it behind libmicrohttpd (web/), `cvd simulate` calls it directly.  Every entry point takes the server's lock: HTTP handlers run on several threads. */
#ifndef CVD_SERVER_H
#define CVD_SERVER_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/msg.h"
#include "db/dbc.h"
#include "steer/ctl.h"
#include "steer/servo.h"

/* Up to this many sites every pair's common view is stored; above, each remote against the
 * reference only, and a pair A - B is derived as (A - REF) - (B - REF) when read. */
#define SERVER_ALL_PAIRS_MAX 16
/* Up to this many clocks the grid is every clock against every other; above, each clock
 * against the reference (one column), any other pair on its page and in the series. */
#define SERVER_GRID_FULL_MAX 100
#define SERVER_SECRET_MAX 129
#define SERVER_KEYS 4            /* keys a site may have at once, for rotating them */
#define SERVER_KEY_ID_MAX 16
#define SERVER_READERS 8         /* idle read-out connections kept */
#define SERVER_BATCH_MAX 16      /* uploads committed together at most (server/batch.h) */

/* One of a site's HMAC keys: requests name it in X-CVD-Key-Id ("1" when they do not). */
struct server_key {
  char id[SERVER_KEY_ID_MAX];
  char secret[SERVER_SECRET_MAX];
  int64_t until;           /* wall time from which it is refused; 0: no end */
};

struct server_site_conf {
  char name[SITE_NAME_MAX];
  struct server_key keys[SERVER_KEYS];
  int n_keys;
  int cggtts;              /* sends CGGTTS files (server/cggtts_ingest.h): measured only */
};

/* What the server's application layer is configured with (server/conf.h reads it). */
struct server_app_conf {
  char db_path[1024];
  char reference[SITE_NAME_MAX];
  int n_sites;
  struct server_site_conf *sites; /* as many as configured (server_app_conf_add_site) */
  int cap_sites;
  char servo[16];
  struct servo_params sp;
  struct ctl_params cp;
  int max_track_age_days;  /* tracks older than this are refused [60] */
  int record_states;       /* state changes and outliers are events too (cvd server: yes;
                              cvd simulate: no, its events are the faults alone) */
  char name[64];           /* this server's name in the steering lease [the host's name] */
  int lease_s;             /* the lease's length, service seconds [180] */
};

void server_app_conf_default(struct server_app_conf *c);
/* A new site, zeroed but for its name, at the end of c's sites (the array grows: no limit
 * on their number); NULL, with err, when memory runs out. */
struct server_site_conf *server_app_conf_add_site(struct server_app_conf *c, const char *name,
                                                  char *err, size_t errlen);
/* Frees what c holds (its sites); c is then empty. */
void server_app_conf_free(struct server_app_conf *c);

struct server_site {
  char name[SITE_NAME_MAX];
  struct server_key keys[SERVER_KEYS];
  int n_keys;
  int is_ref;
  int cggtts;              /* a CGGTTS site: no controller, measured, not steered */
  struct ctl *ctl;         /* remotes only (not CGGTTS sites) */
  int64_t last_slot;       /* newest track received */
  int64_t clock_warned;    /* when a disagreement of its clock was last said */
  int64_t predicted_slot;  /* the last slot whose holdover prediction is stored */
  int64_t caught_up_slot;  /* the newest slot the steering server looked for in the store */
  int64_t cmd_put_id;      /* the command this server stored last for it (0: none since the
                              controller was taken from the store) */
};

/* One event as the server records it (server_set_notify's callback sees it). */
struct server_event {
  int64_t t;               /* service time, UTC ns */
  const char *site;        /* "" for the server's own (a restart) */
  const char *kind;        /* "state", "outlier", "restart", "measurement_step", ... */
  const char *state;       /* the clock's state after it ("" for the server's own) */
  const char *previous_state; /* before it: differs from state for kind "state" */
  const char *message;
};
/* Told of every event, under the server's lock: it must not wait (queue and return). */
typedef void (*server_notify_fn)(void *ctx, const struct server_event *e);

struct server {
  pthread_mutex_t mtx;
  server_notify_fn notify; /* NULL: nobody */
  void *notify_ctx;
  struct dbc *db;          /* the writer's connection, under mtx */
  struct db_busy busy;     /* how long db waits for another process's lock */
  pthread_mutex_t pool_mtx;
  struct dbc *readers[SERVER_READERS]; /* idle connections of the read-outs */
  int n_readers;
  int steering;            /* this server holds the steering lease */
  int64_t lease_deadline;  /* until when (service time) */
  int64_t pruned_wall;     /* when the replay records were last pruned (wall time) */
  struct server_app_conf conf;  /* a copy of the one opened with (its own sites) */
  struct server_site *sites;    /* one per configured site */
  struct slotcache *cache;      /* the open slots' tracks (server/slotcache.h), under mtx */
  int *by_name;                 /* site indexes in name order (NULL: searched in order) */
  int n_sites;
  int ref;                 /* index of the reference site */
  int64_t ref_fault_until; /* a fault flagged on the reference */
  char ref_fault[200];
  /* Group commit (server/batch.h), under mtx but batch_waiting. */
  int batch_waiting;       /* uploads waiting for mtx (atomic) */
  int batch_open;          /* a transaction holds the writes of batch_n uploads */
  int batch_n;
  struct batch_member *batch_members[SERVER_BATCH_MAX];
  pthread_cond_t batch_cond; /* a batch ended */
};

/* Opens the store and restores every clock's controller.  0, or -1 with err. */
int server_open(struct server *s, const struct server_app_conf *c, char *err, size_t errlen);
void server_close(struct server *s);

/* A connection for reading beside the writer, from a pool (its own: a read-out never waits
 * for the server's lock), or the writer's under the lock for an in-memory store; NULL,
 * logged, if none can be opened.  Given back with server_reader_put. */
struct dbc *server_reader_get(struct server *s);
void server_reader_put(struct server *s, struct dbc *c);

/* 1 if this server steers now (holds the store's steering lease). */
int server_is_steering(struct server *s);

/* The secret of a site's key (key_id NULL: "1") valid at wall time wall_now, or NULL with
 * why (an unknown site or key, or a key past its end).  No lock needed: fixed after open. */
const char *server_secret(const struct server *s, const char *site, const char *key_id,
                          int64_t wall_now, char *why, size_t whylen);

/* Time passing at service time now: holdover, predictions, alarms; replay records older
 * than the signatures' window (wall time) pruned, once a minute. */
void server_tick(struct server *s, int64_t now, int64_t wall_now);

/* A remote clock's state and its prediction at t (ns, 1-sigma), for simulate's score.
 * Returns -1 for an unknown site or the reference. */
int server_clock_state(struct server *s, const char *site, enum clock_state *state);
int server_predict(struct server *s, const char *site, int64_t t, double *x_ns, double *sigma_ns);

/* ingest.c */
/* What authenticated a request: its signature (hex) and timestamp (Unix seconds).  The
 * signature is recorded in the transaction that stores the request's tracks, so a request
 * is taken once (sent again: 409) and one refused for any reason leaves no record. */
struct upload_auth {
  const char *sig;
  int64_t ts;
};
/* Handles an authenticated, validated upload at service time now (its tracks are put in
 * time order, and those refused for good taken out); auth NULL: not signed (simulation).
 * Returns the HTTP status (200; 409 for a replayed signature; 503 when nothing could be
 * stored) and sets *resp to the JSON body (core/msg.h). */
int server_upload(struct server *s, struct upload_req *req, const struct upload_auth *auth,
                  int64_t now, int64_t wall_now, json_t **resp);

/* events.c */
/* Who is told of each event from now on (fn NULL: nobody). */
void server_set_notify(struct server *s, server_notify_fn fn, void *ctx);
/* The server's start at service time now, as an event of kind "restart". */
void server_note_start(struct server *s, int64_t now);
/* 1 if name is a configured site (the reference included).  No lock: fixed after open. */
int server_site_known(const struct server *s, const char *name);

/* readout.c */
/* The grid: every clock, its state and last update; the matrix row minus column, its
 * columns the first "columns" clocks: all of them up to SERVER_GRID_FULL_MAX, else the
 * reference's alone (column 0). */
json_t *server_grid(struct server *s, int64_t now);
/* A pair's common-view differences a - b over [from, to). */
json_t *server_series(struct server *s, const char *a, const char *b, int64_t from, int64_t to);
/* Events (measurement steps, reference faults) over [from, to). */
json_t *server_events(struct server *s, int64_t from, int64_t to);
/* Events matching f, newest first (db/store.h's store_events_query); NULL on error. */
struct store_event_filter;
json_t *server_events_query(struct server *s, const struct store_event_filter *f);
/* The steering log of a clock (all if NULL) over [from, to), newest first. */
json_t *server_steering(struct server *s, const char *site, int64_t from, int64_t to, int limit);
/* A clock's stored holdover predictions, one per slot it spent in holdover, from <= slot <
 * to: [slot_ns, x_ns, sigma_ns] rows, oldest first (store_predictions); NULL on error. */
json_t *server_predictions(struct server *s, const char *site, int64_t from, int64_t to);

#endif
