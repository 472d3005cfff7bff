/* The PDFs' shared parts (report/pdf.c, report/trace_pdf.c): a table filled row by row,
 * cell by cell, then drawn by plot/doc.h; and the signing of a finished PDF file. */
#ifndef CVD_REPORT_PDFTAB_H
#define CVD_REPORT_PDFTAB_H

#include <stddef.h>

#include "plot/doc.h"
#include "report/sign.h"

#define TAB_CELL 256

/* A table being filled: rows of ncols cells of text (cut at TAB_CELL - 1 bytes). */
struct tab {
  size_t ncols, nrows, cap;
  char (*text)[TAB_CELL];
  const char **ptr;
};
/* Starts a new row; tab_put writes v with fmt ("-" when not finite), tab_puts a text, into
 * column col of the row. */
void tab_row(struct tab *t);
void tab_put(struct tab *t, size_t col, const char *fmt, double v);
void tab_puts(struct tab *t, size_t col, const char *s);
/* Draws the table with its head and frees it. */
void tab_done(struct doc *d, struct tab *t, const char *const *head);

/* The closing section: how the file is signed, the public key and its fingerprint. */
void report_pdf_signature(struct doc *d, const char *pub, const char *fp);

/* Appends "%CVD-Public-Key: PUB" and the signature's place after the PDF's end, then signs
 * the file in place.  0, or -1 with err. */
int report_pdf_sign(const char *path, const struct rsign_key *k, const char *pub, char *err,
                    size_t errlen);

#endif
