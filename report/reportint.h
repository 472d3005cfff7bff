/* report/'s internals shared by its files: the parts of a monthly report built apart. */
#ifndef CVD_REPORTINT_H
#define CVD_REPORTINT_H

#include <stdio.h>

#include "db/reportq.h"
#include "report/report.h"

/* TDEV and MDEV of r->slot_x from slot index first on (gaps filled by straight lines),
 * into r->tdev, r->mdev, r->tdev_1d_ns, r->mdev_1d.  0, or -1 when too few points. */
int report_stability(struct report_month *r, int first);

/* States, holdovers, re-acquisitions, faults and events of the month from the steering
 * log st[0..n) and the store; sets *first_lock to the first slot index the clock is not
 * ACQUIRING (nslots when never).  0, or -1 on a failed read. */
int report_log(struct dbc *db, struct report_month *r, const struct reportq_state *st, int n,
               int *first_lock);

/* The delays applied by the site and its reference, one row per change, and the commands
 * the site's tracks never show it holding.  0, or -1 on a failed read. */
int report_delays(struct dbc *db, struct report_month *r);

/* Appends one line to the budget. */
void report_item(struct report_month *r, char type, const char *name, double u_ns,
                 const char *source);

/* HTML: text escaped; the signature's paragraph and the page's end (report/sign.h). */
void report_html_esc(FILE *f, const char *s);
void report_html_signature(FILE *f, const char *pub, const char *fp);

/* ISO 8601 UTC of t, to the second, in buf. */
const char *report_time(int64_t t, char *buf, size_t len);

#endif
