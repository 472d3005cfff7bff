/* doc internals shared by doc.c (pages, text, figures, the file) and doctable.c (tables).
 * Units: points, y downwards from the page's top edge. */
#ifndef CVD_DOCINT_H
#define CVD_DOCINT_H

#include <cairo.h>

#include "plot/doc.h"

#define DOC_PAGE_W 595.276 /* A4, ISO 216: 210 x 297 mm */
#define DOC_PAGE_H 841.890
#define DOC_MARGIN 56.693 /* 20 mm */
#define DOC_X0 DOC_MARGIN
#define DOC_WIDTH (DOC_PAGE_W - 2 * DOC_MARGIN)
#define DOC_TOP DOC_MARGIN
#define DOC_BOTTOM (DOC_PAGE_H - DOC_MARGIN)

struct doc_page {
  cairo_surface_t *rec; /* the page's drawing, replayed into the PDF by doc_close */
  char *footer;
};

struct doc {
  char *path;
  cairo_surface_t *pdf;
  struct doc_page *pages;
  size_t npages, cap;
  cairo_t *cr;    /* on the current page's recording surface; NULL before the first */
  double y;       /* where the next block starts */
  int page_empty; /* nothing drawn on the current page yet */
  char *footer;
  char err[256];
  int failed;
};

/* Keeps the first error. */
void doc_fail(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes sure h points fit below d->y, starting a new page if not (unless the page is
 * empty: a block taller than a page is drawn and cut).  0, or -1 once failed. */
int doc_need(struct doc *d, double h);
/* Starts a new page. */
int doc_new_page(struct doc *d);

#endif
