/* The PDFs' shared parts: tables filled cell by cell for plot/doc.h, and the signature
 * appended after the PDF's end (report/sign.h). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/out.h"
#include "report/pdftab.h"

void tab_row(struct tab *t)
{
  if (t->nrows + 1 > t->cap) {
    size_t c = t->cap ? 2 * t->cap : 32;
    void *a = realloc(t->text, c * t->ncols * sizeof *t->text);
    if (!a)
      return;
    t->text = a;
    t->cap = c;
  }
  memset(t->text[t->nrows * t->ncols], 0, t->ncols * sizeof *t->text);
  t->nrows++;
}

void tab_put(struct tab *t, size_t col, const char *fmt, double v)
{
  if (!t->text || !t->nrows)
    return;
  char *c = t->text[(t->nrows - 1) * t->ncols + col];
  if (isfinite(v))
    snprintf(c, TAB_CELL, fmt, v);
  else
    snprintf(c, TAB_CELL, "-");
}

void tab_puts(struct tab *t, size_t col, const char *s)
{
  if (t->text && t->nrows)
    snprintf(t->text[(t->nrows - 1) * t->ncols + col], TAB_CELL, "%.255s", s);
}

/* Draws the table and frees it. */
void tab_done(struct doc *d, struct tab *t, const char *const *head)
{
  t->ptr = calloc(t->nrows * t->ncols + 1, sizeof *t->ptr);
  for (size_t i = 0; t->ptr && i < t->nrows * t->ncols; i++)
    t->ptr[i] = t->text[i];
  if (t->ptr)
    doc_table(d, t->ncols, head, t->ptr, t->nrows);
  free(t->ptr);
  free(t->text);
}

/* Appends the key and the signature's place to the finished PDF, then signs the file. */
int report_pdf_sign(const char *path, const struct rsign_key *k, const char *pub, char *err,
                     size_t errlen)
{
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  long n = -1;
  if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    size_t tail = 40 + RSIGN_KEY_HEX + RSIGN_SIG_HEX;
    buf = malloc((size_t)n + tail);
    if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
      int m = snprintf(buf + n, tail, "%%CVD-Public-Key: %s\n%%CVD-Signature: %s\n", pub,
                       RSIGN_PLACEHOLDER);
      fclose(f);
      int rc = report_write_signed(buf, (size_t)n + (size_t)m, path, k, err, errlen);
      free(buf);
      return rc;
    }
  }
  if (f)
    fclose(f);
  free(buf);
  snprintf(err, errlen, "%s: cannot be read back to sign it: %s", path, strerror(errno));
  return -1;
}


void report_pdf_signature(struct doc *d, const char *pub, const char *fp)
{
  char s[512];
  doc_heading(d, 2, "Signature");
  snprintf(s, sizeof s, "This file is signed with Ed25519 over every byte, the signature's own "
           "digits read as 0; the key and the signature are in comment lines after the end "
           "of the PDF.  Check it with: cvd report verify FILE.\nPublic key: %s\nFingerprint "
           "(SHA-256): %s", pub, fp);
  doc_text(d, s);
}
