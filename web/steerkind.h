/* Kinds of steering-log rows, as the clock page filters them and GET /api/v1/steering?kind=
 * selects them: all, steer (a command while not in holdover), step (a phase step), state
 * (a row whose state differs from the row before it in time), holdover, alarm,
 * reacquire, operator (by the reason's words).  Also the two readers of a row's fields
 * the pages share. */
#ifndef CVD_WEB_STEERKIND_H
#define CVD_WEB_STEERKIND_H

#include <jansson.h>
#include <stddef.h>

/* The kinds, NULL-terminated; "all" first. */
extern const char *const steer_kinds[];

/* The index of kind k in steer_kinds, or -1. */
int steer_kind_index(const char *k);

/* Whether row r is of kind k; `before` is the row before it in time (NULL: none). */
int steer_row_is(const json_t *r, const json_t *before, const char *k);

/* Of rows newest first, those of kind k, the newest `limit` at most, newest first (a new
 * array), or NULL when out of memory. */
json_t *steer_rows_of(const json_t *rows, const char *k, size_t limit);

/* Field k of a row: a number (NAN when absent or not a number), a string ("" likewise). */
double jrow_num(const json_t *r, const char *k);
const char *jrow_str(const json_t *r, const char *k);
/* Whether a row's state is HOLDOVER or ALARM (no command steers the clock). */
int jrow_in_holdover(const json_t *r);

#endif
