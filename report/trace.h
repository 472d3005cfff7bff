/* The traceability statement (MiFID II RTS 25, SEC CAT) of a remote clock over whole UTC
 * days: per day the largest |x| to UTC(k) with its expanded uncertainty (k = 2), the
 * share of measured time within 100 us, 1 us and 50 ns, and the chain UTC -> UTC(k) ->
 * remote clock, where UTC - UTC(k) is what the lab enters from BIPM Circular T.
 *
 * Signs: x = REMOTE - UTC(k) (DESIGN.md section 3); Circular T gives UTC - UTC(k); so
 * REMOTE - UTC = x - (UTC - UTC(k)).  Values in ns.  A slot counts as within a limit when
 * |x| + U of one track is under it (the uncertainty counted against the clock). */
#ifndef CVD_REPORT_TRACE_H
#define CVD_REPORT_TRACE_H

#include <jansson.h>

#include "report/report.h"

#define CIRCT_MAX 400

/* UTC - UTC(k) from BIPM Circular T section 1, as the lab enters it: one line per date,
 * "MJD VALUE_NS U_NS" (U_NS the standard uncertainty, Circular T's u), '#' comments. */
struct report_circt {
  int n;
  int mjd[CIRCT_MAX];
  double v_ns[CIRCT_MAX], u_ns[CIRCT_MAX];
  char source[256];
};
/* Reads path: 0, or -1 with "FILE:LINE: what is wrong" in err. */
int report_circt_read(const char *path, struct report_circt *c, char *err, size_t errlen);

struct report_trace_day {
  double utc_ns, u_utc_ns;   /* UTC - UTC(k) at noon (linear between Circular T dates), its u */
  double max_utck_ns, U_utck_ns; /* largest |x| and U of one track (k = 2) */
  double max_utc_ns, U_utc_ns;   /* largest |REMOTE - UTC| and its U (NAN without UTC) */
  double within_pct[3];      /* of measured slots: 100 us, 1 us, 50 ns */
  double coverage_pct;       /* measured slots of the day's 144 */
};

/* Per day of r (built over the days asked) with c (NULL: no UTC - UTC(k)); *out malloc'ed
 * with r->ndays rows.  0 or -1. */
int report_trace_days(const struct report_month *r, const struct report_circt *c,
                      struct report_trace_day **out);

/* The statement as one JSON object, and as an HTML page with the signature's place. */
json_t *report_trace_json(const struct report_month *r, const struct report_circt *c,
                          const struct report_trace_day *d);
char *report_trace_html(const struct report_month *r, const struct report_circt *c,
                        const struct report_trace_day *d, const char *pub, const char *fp);

#endif
