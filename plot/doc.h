/* doc: a flowing PDF document, what an auditor files: A4 portrait (595.28 x 841.89 pt),
 * 20 mm margins, headings, wrapped paragraphs, tables that split across pages repeating
 * their head, figures (plot.h, stabplot.h), and on every page a running footer with the
 * footer text and "page N of M".
 *
 * How: each page is drawn into a cairo recording surface as the content flows; doc_close
 * knows the page count M and replays the pages into the PDF with their footers, so the text
 * stays text (pdftotext finds it).  The PDF metadata carries the title.
 *
 * Errors: the drawing calls return nothing; the first error met anywhere (a figure that
 * cannot be drawn, a NULL argument, cairo's own) is kept and doc_close returns -1 with it.
 * Text is plain text, never pango markup: "<", "&" print as themselves. */
#ifndef CVD_DOC_H
#define CVD_DOC_H

#include <stddef.h>

#include "plot/plot.h"
#include "plot/stabplot.h"

struct doc;

/* Opens path (it must end in .pdf, any case) for writing.  NULL with err set. */
struct doc *doc_open(const char *path, const char *title, char *err, size_t errlen);
/* The footer text of this page and the following ones (copied). */
void doc_footer(struct doc *d, const char *text);
/* A heading, level 1 (16 pt) or 2 (12 pt); never left alone at a page's foot. */
void doc_heading(struct doc *d, int level, const char *text);
/* A wrapped paragraph (10 pt); "\n" starts a new line.  Splits across pages by lines. */
void doc_text(struct doc *d, const char *text);
/* A table of nrows rows of ncols cells (row-major), with the head row head (ncols cells,
 * may be NULL).  Cells that are numbers are right-aligned; long cells wrap.  A table longer
 * than the page continues on the next, repeating its head.  NULL cells print empty. */
void doc_table(struct doc *d, size_t ncols, const char *const *head, const char *const *cells,
               size_t nrows);
/* A figure of the full text width and height_pt points (a new page if it does not fit). */
void doc_figure(struct doc *d, double height_pt, const struct plot_fig *f);
void doc_stabfigure(struct doc *d, double height_pt, const char *title,
                    const struct stabplot_stat *s, size_t ns);
/* Starts a new page (nothing if the current page is still empty). */
void doc_page_break(struct doc *d);
/* Finishes the file and frees d.  0, or -1 with the first error met anywhere. */
int doc_close(struct doc *d, char *err, size_t errlen);

#endif
