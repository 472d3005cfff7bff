#include "config.h"
#include "server/slotcache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "db/store.h"

struct entry {
  int64_t slot;            /* 0: unused */
  struct track *tr;
  int n, cap;
  int ref;                 /* index of the reference's track, or -1 */
  uint64_t used;           /* when last asked for (the cache's own counter) */
};

struct slotcache {
  char ref[SITE_NAME_MAX];
  int sorted;              /* all pairs: every track held, in site order */
  uint64_t clock;
  int n_e;
  struct entry *e;
  struct track pair[2];    /* a remote's track and the reference's (reference mode) */
};

struct slotcache *slotcache_create(const char *ref, int sorted)
{
  struct slotcache *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  snprintf(c->ref, sizeof c->ref, "%s", ref);
  c->sorted = sorted;
  c->n_e = sorted ? SLOTCACHE_SLOTS_ALL : SLOTCACHE_SLOTS_REF;
  if (!(c->e = calloc((size_t)c->n_e, sizeof *c->e))) {
    free(c);
    return NULL;
  }
  return c;
}

void slotcache_destroy(struct slotcache *c)
{
  if (!c)
    return;
  for (int i = 0; i < c->n_e; i++)
    free(c->e[i].tr);
  free(c->e);
  free(c);
}

void slotcache_forget(struct slotcache *c)
{
  for (int i = 0; i < c->n_e; i++)
    c->e[i].slot = c->e[i].n = 0;
}

size_t slotcache_bytes(const struct slotcache *c)
{
  size_t b = sizeof *c;
  for (int i = 0; i < c->n_e; i++)
    b += (size_t)c->e[i].cap * sizeof(struct track);
  return b;
}

static int find_site(const struct entry *e, const char *site)
{
  for (int i = 0; i < e->n; i++)
    if (strcmp(e->tr[i].site, site) == 0)
      return i;
  return -1;
}

static int cmp_site(const void *a, const void *b)
{
  return strcmp(((const struct track *)a)->site, ((const struct track *)b)->site);
}

/* The slot read from the store into e (its old tracks dropped). */
static int load(struct slotcache *c, struct entry *e, struct dbc *db, int64_t slot)
{
  struct track *tr = NULL;
  int n = store_slot_tracks(db, slot, &tr);
  if (n < 0) {
    LOGE("server", "slot %lld: reading its tracks failed", (long long)slot);
    free(tr);
    return -1;
  }
  free(e->tr);
  e->tr = tr;
  e->n = e->cap = n;
  e->slot = slot;
  if (c->sorted)
    qsort(e->tr, (size_t)n, sizeof *e->tr, cmp_site);
  e->ref = find_site(e, c->ref);
  return 0;
}

/* t added to e; its index, or -1 without memory. */
static int append(struct slotcache *c, struct entry *e, const struct track *t)
{
  if (e->n == e->cap) {
    int cap = e->cap ? 2 * e->cap : 16;
    struct track *tr = realloc(e->tr, (size_t)cap * sizeof *tr);
    if (!tr)
      return -1;
    e->tr = tr;
    e->cap = cap;
  }
  int at = e->n;
  if (c->sorted) /* few sites: the place in site order */
    while (at > 0 && strcmp(e->tr[at - 1].site, t->site) > 0)
      at--;
  memmove(&e->tr[at + 1], &e->tr[at], (size_t)(e->n - at) * sizeof *e->tr);
  e->tr[at] = *t;
  e->n++;
  if (strcmp(t->site, c->ref) == 0)
    e->ref = at;
  else if (e->ref >= at)
    e->ref++;
  return at;
}

/* The entry of slot (held, or the least recently used one emptied for it). */
static struct entry *entry_for(struct slotcache *c, int64_t slot, int *held)
{
  struct entry *lru = &c->e[0];
  for (int i = 0; i < c->n_e; i++) {
    if (c->e[i].slot == slot && c->e[i].n > 0) {
      *held = 1;
      return &c->e[i];
    }
    if (c->e[i].used < lru->used)
      lru = &c->e[i];
  }
  *held = 0;
  return lru;
}

/* Reference mode (many sites): a remote's track needs the reference's alone, held or
 * looked up by its key; the reference's needs the whole slot, read once. */
static int ref_mode(struct slotcache *c, struct dbc *db, const struct track *t,
                    struct slotcache_view *v)
{
  int held;
  struct entry *e = entry_for(c, t->slot, &held);
  e->used = ++c->clock;
  if (strcmp(t->site, c->ref) == 0) {
    if (load(c, e, db, t->slot) != 0) {
      e->slot = 0;
      e->n = 0;
      return -1;
    }
    int up = find_site(e, t->site);
    *v = (struct slotcache_view){e->tr, e->n, up, up};
    return up < 0 ? -1 : 0;
  }
  if (!held || e->ref < 0) {
    struct track *rt = NULL;
    int n = store_site_tracks(db, c->ref, t->slot, t->slot + 1, &rt);
    if (n < 0) {
      LOGE("server", "slot %lld: reading the reference's track failed", (long long)t->slot);
      free(rt);
      return -1;
    }
    free(e->tr);
    e->tr = rt;
    e->n = e->cap = n;
    e->slot = n > 0 ? t->slot : 0;
    e->ref = n > 0 ? 0 : -1;
  }
  c->pair[0] = *t;
  if (e->ref >= 0)
    c->pair[1] = e->tr[e->ref];
  *v = (struct slotcache_view){c->pair, e->ref >= 0 ? 2 : 1, 0, e->ref >= 0 ? 1 : -1};
  return 0;
}

int slotcache_slot(struct slotcache *c, struct dbc *db, const struct track *t,
                   struct slotcache_view *v)
{
  if (!c->sorted)
    return ref_mode(c, db, t, v);
  int held;
  struct entry *e = entry_for(c, t->slot, &held);
  e->used = ++c->clock;
  int up = -1;
  if (held) {
    /* The store has every track held and t; more means another server took some. */
    int in_store = store_slot_count(db, t->slot);
    if (in_store < 0) {
      LOGE("server", "slot %lld: counting its tracks failed", (long long)t->slot);
      return -1;
    }
    if (in_store == e->n + 1)
      up = append(c, e, t);
    else if (in_store != e->n)
      held = 0;
    else
      up = find_site(e, t->site); /* held already (a slot steered again after catch-up) */
  }
  if (!held || up < 0) {
    if (load(c, e, db, t->slot) != 0) {
      e->slot = 0;
      e->n = 0;
      return -1;
    }
    up = find_site(e, t->site);
  }
  if (up < 0) {
    LOGE("server", "slot %lld: %s's track is not in the store", (long long)t->slot, t->site);
    return -1;
  }
  *v = (struct slotcache_view){e->tr, e->n, up, e->ref};
  return 0;
}
