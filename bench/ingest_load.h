/* bench/ingest_load: the load generator of bench_ingest.  Simulated sites with their
 * secrets; signed one-track uploads (POST /api/v1/tracks, core/msg.h and core/sign.h, as
 * upload/client.c sends them) kept `conns` in flight at once with libcurl's multi
 * interface; latency measured from the request's start to its last byte. */
#ifndef CVD_BENCH_INGEST_LOAD_H
#define CVD_BENCH_INGEST_LOAD_H

#include <stdint.h>
#include <sys/types.h>

#include "core/track.h"

#define LOAD_SECRET_LEN 32

struct load_sites {
  int n;
  char (*name)[SITE_NAME_MAX];              /* "ref", "r1", ... */
  char (*secret)[LOAD_SECRET_LEN + 1];
};

struct load_plan {
  const struct load_sites *sites;
  int slots;          /* tracks a site */
  int64_t first_slot; /* UTC ns */
  int conns;
};

struct load_result {
  int accepted, failed;
  double seconds, rate;      /* accepted tracks per second of the run */
  double p50_ms, p99_ms;
  double cpu_ms_per_track;   /* filled by the caller */
};

int load_sites_make(struct load_sites *s, int n);
void load_sites_free(struct load_sites *s);
/* Sends every site's tracks, slot by slot (all sites' first slot, then the second...).
 * base_url may name two servers, "URL1,URL2": site i sends to the (i mod 2)th.
 * 0, or -1 when the run could not be made (the failures of requests are counted). */
int load_run(const struct load_plan *p, const char *base_url, struct load_result *r);
/* 0 once GET base/api/v1/grid answers, -1 after `seconds`. */
int load_wait_ready(const char *base_url, int seconds);
int load_free_port(void);
/* User plus system CPU time of a child process so far, ns (from /proc/PID/stat). */
int64_t load_child_cpu_ns(pid_t pid);

#endif
