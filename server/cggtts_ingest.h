/* CGGTTS sites on the server (issue 12): a site declared `site NAME SECRET cggtts` sends
 * CGGTTS files (POST /api/v1/cggtts, authenticated as track uploads are).  The file is
 * checked (cggtts/cggtts.h: a damaged header refuses it, broken data lines are refused
 * and counted), its GPS epochs made into 10-minute tracks (cggtts/slots.h says how the
 * CGGTTS schedule meets the slots), and those go through the server's own upload path:
 * stored once each (the same file twice stores nothing twice), each making its common
 * view with the reference's 1PPS track of its slot, whichever comes first.  The clock is
 * measured, not steered: no controller, state MEASURED on the grid. */
#ifndef CVD_SERVER_CGGTTS_INGEST_H
#define CVD_SERVER_CGGTTS_INGEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "server/server.h"

#define SERVER_CGGTTS_PATH "/api/v1/cggtts"

/* The CGGTTS file text[0..len), named file (for its messages), from site at service time
 * now, authenticated by auth (server_upload's).  Returns the HTTP status
 * (200; 400 for a file refused as a whole or without a usable GPS track; 403 for a site
 * not declared cggtts; 409 for a replayed signature; 503 when it cannot be stored) and
 * sets *resp to the JSON body:
 * server_upload's, with "cggtts": {"signal", "epochs", "tracks", "skipped",
 * "refused_lines", "warnings", "messages": ["FILE:LINE: ..."]}. */
/* 1 if name is a site declared cggtts.  No lock: the sites are fixed after open. */
int server_site_cggtts(const struct server *s, const char *name);

int server_cggtts_upload(struct server *s, const char *site, const char *file,
                         const char *text, size_t len, const struct upload_auth *auth,
                         int64_t now, int64_t wall_now, json_t **resp);

#endif
