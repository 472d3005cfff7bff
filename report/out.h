/* Writing a report in its format, signed (report/sign.h): JSON (one object on one line),
 * HTML (one page, nothing loaded from elsewhere) or PDF (drawn by plot/, cairo). */
#ifndef CVD_REPORT_OUT_H
#define CVD_REPORT_OUT_H

#include <stddef.h>

#include "report/report.h"
#include "report/sign.h"
#include "report/trace.h"

enum report_format { REPORT_JSON, REPORT_HTML, REPORT_PDF };

/* "json", "html", "pdf" (or a file name's extension), or -1. */
int report_format_parse(const char *s);

/* The report's text in format f, unsigned: the signature's placeholder and the signer's
 * public key pub (hex) in it.  malloc'ed, its length in *len; NULL when out of memory.
 * HTML and JSON only (the PDF is drawn to a file). */
char *report_month_text(const struct report_month *r, enum report_format f, const char *pub,
                        const char *fp, size_t *len);

/* Writes the report to path (NULL or "-": standard output, JSON and HTML only), signed
 * with k.  0, or -1 with err. */
int report_month_write(const struct report_month *r, enum report_format f, const char *path,
                       const struct rsign_key *k, char *err, size_t errlen);

/* Signs a buffer and writes it (path NULL or "-": stdout).  0, or -1 with err. */
int report_write_signed(char *buf, size_t len, const char *path, const struct rsign_key *k,
                        char *err, size_t errlen);

/* j (taken) with its "signature" object last, as one line: malloc'ed, *len its length. */
char *report_json_text(json_t *j, const char *pub, const char *fp, size_t *len);

/* The traceability statement of r's days (report/trace.h), signed; JSON, HTML or PDF. */
int report_trace_write(const struct report_month *r, const struct report_circt *c,
                       const struct report_trace_day *d, enum report_format f, const char *path,
                       const struct rsign_key *k, char *err, size_t errlen);

/* The traceability statement as a PDF, signed (report/trace_pdf.c).  0, or -1 with err. */
int report_trace_pdf(const struct report_month *r, const struct report_circt *c,
                     const struct report_trace_day *d, const char *path,
                     const struct rsign_key *k, char *err, size_t errlen);

/* The PDF of a monthly report, signed (report/pdf.c).  0, or -1 with err. */
int report_month_pdf(const struct report_month *r, const char *path, const struct rsign_key *k,
                     char *err, size_t errlen);

/* The HTML page of a monthly report (web/ serves it as /report): a malloc'ed string. */
char *report_month_html(const struct report_month *r, const char *pub, const char *fp);

#endif
