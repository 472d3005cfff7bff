/* bench/ingest_ceiling: the bare upload server (ingest_ceiling.h).  Benchmark code: its
 * one table and statement (SQLite or PostgreSQL) are here rather than in db/ because it stands for any server,
 * not for cvd's store. */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/ingest_ceiling.h"
#include "core/msg.h"
#include "core/sign.h"
#include "core/timeutil.h"
#include "db/checkpoint.h"
#include "db/db.h"

#define MAX_BODY (64 * 1024)

struct ceiling {
  struct MHD_Daemon *d;
  const struct load_sites *sites;
  int *order; /* site indices sorted by name, for bsearch */
  sqlite3 *db;
  struct db_ckpt *ckpt; /* with cvd's SQLite layer */
  sqlite3_stmt *ins;
  PGconn *pg; /* the PostgreSQL ceiling: one session, its INSERT prepared as "ins" */
  pthread_mutex_t lock;
  int port;
};

struct body {
  char *p;
  size_t n;
  int too_big;
};

static const struct load_sites *sort_sites;
static int cmp_idx(const void *a, const void *b)
{
  return strcmp(sort_sites->name[*(const int *)a], sort_sites->name[*(const int *)b]);
}

static const char *secret_of(const struct ceiling *c, const char *site)
{
  int lo = 0, hi = c->sites->n - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2, i = c->order[mid];
    int r = strcmp(site, c->sites->name[i]);
    if (r == 0)
      return c->sites->secret[i];
    if (r < 0)
      hi = mid - 1;
    else
      lo = mid + 1;
  }
  return NULL;
}

static enum MHD_Result answer(struct MHD_Connection *con, unsigned status, const char *secret,
                              const char *req_sig, const char *text)
{
  struct MHD_Response *r =
      MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
  if (secret) {
    int64_t ts = tu_wall_ns() / NS_PER_S;
    char sig[SIGN_HEX_LEN + 1], tsb[24];
    sign_response(secret, (int)status, ts, req_sig, text, strlen(text), sig);
    snprintf(tsb, sizeof tsb, "%" PRId64, ts);
    MHD_add_response_header(r, "X-CVD-Timestamp", tsb);
    MHD_add_response_header(r, "X-CVD-Signature", sig);
  }
  MHD_add_response_header(r, "Content-Type", "application/json");
  enum MHD_Result rc = MHD_queue_response(con, status, r);
  MHD_destroy_response(r);
  return rc;
}

/* One INSERT per track on PostgreSQL; a request of one track (the bench's) needs no
 * transaction of its own, one of several is one transaction. */
static int store_pg(struct ceiling *c, const struct upload_req *req)
{
  int rc = 0, tx = req->n_tracks > 1;
  if (tx)
    PQclear(PQexec(c->pg, "BEGIN"));
  for (int i = 0; i < req->n_tracks && rc == 0; i++) {
    const struct track *t = &req->tracks[i];
    json_t *j = track_to_json(t);
    char *text = json_dumps(j, JSON_COMPACT), slot[24], value[32];
    json_decref(j);
    snprintf(slot, sizeof slot, "%" PRId64, t->slot);
    snprintf(value, sizeof value, "%.17g", t->value_ns);
    const char *vals[4] = {t->site, slot, value, text};
    PGresult *r = PQexecPrepared(c->pg, "ins", 4, vals, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
      rc = -1;
    PQclear(r);
    free(text);
  }
  if (tx)
    PQclear(PQexec(c->pg, rc == 0 ? "COMMIT" : "ROLLBACK"));
  return rc;
}

static int store(struct ceiling *c, const struct upload_req *req)
{
  int rc = 0;
  pthread_mutex_lock(&c->lock);
  if (c->pg) {
    rc = store_pg(c, req);
    pthread_mutex_unlock(&c->lock);
    return rc;
  }
  sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL);
  for (int i = 0; i < req->n_tracks && rc == 0; i++) {
    const struct track *t = &req->tracks[i];
    json_t *j = track_to_json(t);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    sqlite3_bind_text(c->ins, 1, t->site, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(c->ins, 2, t->slot);
    sqlite3_bind_double(c->ins, 3, t->value_ns);
    sqlite3_bind_text(c->ins, 4, text, -1, free);
    if (sqlite3_step(c->ins) != SQLITE_DONE)
      rc = -1;
    sqlite3_reset(c->ins);
  }
  sqlite3_exec(c->db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
  pthread_mutex_unlock(&c->lock);
  return rc;
}

static enum MHD_Result handle(struct ceiling *c, struct MHD_Connection *con, struct body *b)
{
  const char *site = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-CVD-Site");
  const char *ts = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-CVD-Timestamp");
  const char *sig = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-CVD-Signature");
  const char *secret = site ? secret_of(c, site) : NULL;
  if (b->too_big)
    return answer(con, 413, NULL, NULL, "{\"ok\":false}");
  if (!secret || !ts || !sig || !sign_is_hex(sig))
    return answer(con, 401, NULL, NULL, "{\"ok\":false}");
  char want[SIGN_HEX_LEN + 1];
  sign_request(secret, "POST", MSG_PATH_TRACKS, strtoll(ts, NULL, 10), b->p ? b->p : "", b->n,
               want);
  if (!sign_equal(want, sig))
    return answer(con, 401, NULL, NULL, "{\"ok\":false}");
  json_error_t je;
  json_t *j = json_loadb(b->p ? b->p : "", b->n, 0, &je);
  struct upload_req req;
  char err[256];
  int ok = j && msg_parse_request(j, &req, err, sizeof err) == 0;
  json_decref(j);
  if (!ok)
    return answer(con, 400, secret, sig, "{\"ok\":false}");
  int st = store(c, &req);
  char text[64];
  snprintf(text, sizeof text, "{\"ok\":true,\"stored\":%d}", req.n_tracks);
  msg_request_free(&req);
  return st == 0 ? answer(con, 200, secret, sig, text)
                 : answer(con, 503, secret, sig, "{\"ok\":false}");
}

static enum MHD_Result dispatch(void *cls, struct MHD_Connection *con, const char *url,
                                const char *method, const char *version, const char *data,
                                size_t *size, void **ctx)
{
  (void)version;
  struct ceiling *c = cls;
  if (strcmp(method, "GET") == 0 && strcmp(url, "/api/v1/grid") == 0)
    return answer(con, 200, NULL, NULL, "{}");
  if (strcmp(method, "POST") != 0 || strcmp(url, MSG_PATH_TRACKS) != 0)
    return answer(con, 404, NULL, NULL, "{\"ok\":false}");
  struct body *b = *ctx;
  if (!b) {
    *ctx = calloc(1, sizeof *b);
    return *ctx ? MHD_YES : MHD_NO;
  }
  if (*size) {
    if (b->n + *size > MAX_BODY) {
      b->too_big = 1;
    } else {
      char *p = realloc(b->p, b->n + *size + 1);
      if (!p)
        return MHD_NO;
      memcpy(p + b->n, data, *size);
      b->p = p;
      b->n += *size;
      b->p[b->n] = 0;
    }
    *size = 0;
    return MHD_YES;
  }
  return handle(c, con, b);
}

static void completed(void *cls, struct MHD_Connection *con, void **ctx,
                      enum MHD_RequestTerminationCode toe)
{
  (void)cls;
  (void)con;
  (void)toe;
  struct body *b = *ctx;
  if (b) {
    free(b->p);
    free(b);
  }
  *ctx = NULL;
}

static int open_pg(struct ceiling *c, const char *uri)
{
  c->pg = PQconnectdb(uri);
  if (PQstatus(c->pg) != CONNECTION_OK) {
    fprintf(stderr, "bench_ingest: ceiling: %s", PQerrorMessage(c->pg));
    return -1;
  }
  PGresult *r = PQexec(c->pg, "SET client_min_messages = warning;"
                              "CREATE TABLE IF NOT EXISTS tracks (site TEXT NOT NULL, slot "
                              "BIGINT NOT NULL, value_ns DOUBLE PRECISION, json TEXT NOT NULL, "
                              "PRIMARY KEY (site, slot))");
  int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  r = ok ? PQprepare(c->pg, "ins", "INSERT INTO tracks VALUES ($1, $2, $3, $4) "
                                   "ON CONFLICT DO NOTHING", 4, NULL)
         : NULL;
  ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok)
    fprintf(stderr, "bench_ingest: ceiling: %s", PQerrorMessage(c->pg));
  PQclear(r);
  return ok ? 0 : -1;
}

static int open_db(struct ceiling *c, const char *path, int cvd_sqlite)
{
  char err[512];
  if (strncmp(path, "postgresql:", 11) == 0)
    return open_pg(c, path);
  if (cvd_sqlite) {
    /* As cvd server opens its store: db_open's VFS and PRAGMAs, cvd's checkpoint thread. */
    if (!(c->db = db_open(path, DB_SERVER, err, sizeof err)) ||
        !(c->ckpt = db_ckpt_start(c->db, path, err, sizeof err))) {
      fprintf(stderr, "bench_ingest: ceiling: %s\n", err);
      return -1;
    }
  } else if (sqlite3_open(path, &c->db) != SQLITE_OK) {
    return -1;
  }
  const char *schema = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                       "CREATE TABLE IF NOT EXISTS tracks (site TEXT NOT NULL, slot INTEGER "
                       "NOT NULL, value_ns REAL, json TEXT NOT NULL, PRIMARY KEY (site, slot))"
                       " WITHOUT ROWID;";
  if (sqlite3_exec(c->db, schema, NULL, NULL, NULL) != SQLITE_OK)
    return -1;
  return sqlite3_prepare_v2(c->db, "INSERT OR IGNORE INTO tracks VALUES (?, ?, ?, ?)", -1,
                            &c->ins, NULL) == SQLITE_OK
             ? 0
             : -1;
}

struct ceiling *ceiling_start(const char *db_path, const struct load_sites *sites, int threads,
                              int cvd_sqlite)
{
  struct ceiling *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->sites = sites;
  c->order = calloc((size_t)sites->n, sizeof *c->order);
  pthread_mutex_init(&c->lock, NULL);
  if (!c->order || open_db(c, db_path, cvd_sqlite) != 0) {
    fprintf(stderr, "bench_ingest: ceiling: cannot open %s\n", db_path);
    ceiling_stop(c);
    return NULL;
  }
  for (int i = 0; i < sites->n; i++)
    c->order[i] = i;
  sort_sites = sites;
  qsort(c->order, (size_t)sites->n, sizeof *c->order, cmp_idx);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  c->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL, NULL,
                          dispatch, c, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                          MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
                          MHD_OPTION_CONNECTION_LIMIT, 8192u, MHD_OPTION_NOTIFY_COMPLETED,
                          completed, c, MHD_OPTION_END);
  const union MHD_DaemonInfo *info = c->d ? MHD_get_daemon_info(c->d, MHD_DAEMON_INFO_BIND_PORT)
                                          : NULL;
  if (!info) {
    fprintf(stderr, "bench_ingest: ceiling: libmicrohttpd did not start\n");
    ceiling_stop(c);
    return NULL;
  }
  c->port = info->port;
  return c;
}

int ceiling_port(const struct ceiling *c)
{
  return c->port;
}

void ceiling_stop(struct ceiling *c)
{
  if (!c)
    return;
  if (c->d)
    MHD_stop_daemon(c->d);
  PQfinish(c->pg);
  sqlite3_finalize(c->ins);
  db_ckpt_stop(c->ckpt);
  sqlite3_close(c->db);
  pthread_mutex_destroy(&c->lock);
  free(c->order);
  free(c);
}
