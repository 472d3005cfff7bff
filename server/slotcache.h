/* The tracks of the slots open now, kept in memory (issue 13), so that the common view of a
 * new track needs neither a read of its whole slot nor a JSON parse of it: the most
 * recently used slots (SLOTCACHE_SLOTS_ALL in all-pairs mode, SLOTCACHE_SLOTS_REF in
 * reference mode), the least recently used one dropped for another; a slot not held
 * (after a restart, a late track) is read from the store once.
 *  - All pairs (few sites): every track of a slot is held, in site order.  Another server
 *    sharing the store may have stored tracks of a held slot: one count per new track
 *    finds out, and the slot is read again then.
 *  - Reference mode (many sites): a remote's track needs only the reference's, held, or
 *    looked up by its key while it has not come (by this server or another); the
 *    reference's track needs every remote's, and the slot is read once then.  Either way
 *    a track costs the same however many sites there are.
 * Under the server's lock. */
#ifndef CVD_SLOTCACHE_H
#define CVD_SLOTCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "core/track.h"
#include "db/dbc.h"

/* Reference mode: 80 minutes of slots, the open one and a backlog being resent; an entry
 * may hold a whole slot of every site (the reference's track asks for it). */
#define SLOTCACHE_SLOTS_REF 8
/* All pairs, a few sites: 64 slots of at most SERVER_ALL_PAIRS_MAX tracks (250 KB).
 * Sites that each resend a backlog have uploads of many slots in flight at once, and a
 * slot dropped while its tracks still come is read and parsed again for each (8 slots
 * were too few for 10 sites sending 64 uploads at once: a slot in two was read again). */
#define SLOTCACHE_SLOTS_ALL 64

struct slotcache;

/* A cache of the slots' tracks; ref is the reference site's name; sorted: all pairs (each
 * slot's tracks held in site order), else reference mode.  NULL: no memory. */
struct slotcache *slotcache_create(const char *ref, int sorted);
void slotcache_destroy(struct slotcache *c);

/* What common view needs of a slot now. */
struct slotcache_view {
  const struct track *tr; /* every track of the slot (reference mode, for a remote's track:
                             it and the reference's), valid until the next call */
  int n;
  int up;                 /* the index of the track asked about */
  int ref;                /* the index of the reference's track, or -1 */
};

/* The tracks of t's slot with t among them (t is in db already: committed by this server
 * or another, or stored in the transaction db has open); 0, or -1 (logged) when the store
 * cannot be read. */
int slotcache_slot(struct slotcache *c, struct dbc *db, const struct track *t,
                   struct slotcache_view *v);
/* Every slot dropped, to be read from the store when next asked for: after a rollback of
 * tracks the cache was told of. */
void slotcache_forget(struct slotcache *c);

/* Tracks held, and bytes, for the bench's and the metrics' figures. */
size_t slotcache_bytes(const struct slotcache *c);

#endif
