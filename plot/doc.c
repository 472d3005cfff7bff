/* A flowing A4 PDF document (doc.h): pages recorded as the content flows, replayed into
 * the PDF with "page N of M" footers once M is known. */
#include "config.h"

#include <cairo-pdf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plot/docint.h"
#include "plot/plotint.h"

#define FS_BODY 10.0
#define FS_FOOT 8.0

void doc_fail(struct doc *d, const char *fmt, ...)
{
  if (d->failed)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->err, sizeof d->err, fmt, ap);
  va_end(ap);
  d->failed = 1;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

int doc_new_page(struct doc *d)
{
  if (d->failed)
    return -1;
  if (d->npages == d->cap) {
    size_t cap = d->cap ? 2 * d->cap : 8;
    struct doc_page *p = realloc(d->pages, cap * sizeof *p);
    if (!p) {
      doc_fail(d, "%s: out of memory", d->path);
      return -1;
    }
    d->pages = p;
    d->cap = cap;
  }
  cairo_rectangle_t ext = {0, 0, DOC_PAGE_W, DOC_PAGE_H};
  cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
  d->pages[d->npages++] = (struct doc_page){rec, dup_or_null(d->footer)};
  if (d->cr)
    cairo_destroy(d->cr);
  d->cr = cairo_create(rec);
  d->y = DOC_TOP;
  d->page_empty = 1;
  if (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS) {
    doc_fail(d, "%s: page %zu: %s", d->path, d->npages,
             cairo_status_to_string(cairo_status(d->cr)));
    return -1;
  }
  return 0;
}

int doc_need(struct doc *d, double h)
{
  if (d->failed)
    return -1;
  if (!d->cr || (d->y + h > DOC_BOTTOM && !d->page_empty))
    return doc_new_page(d);
  return 0;
}

struct doc *doc_open(const char *path, const char *title, char *err, size_t errlen)
{
  int f = plot_format_of(path, err, errlen);
  if (f < 0)
    return NULL;
  if (f != PLOT_PDF) {
    snprintf(err, errlen, "%s: a document is written as .pdf", path);
    return NULL;
  }
  struct doc *d = calloc(1, sizeof *d);
  if (!d || !(d->path = strdup(path))) {
    free(d);
    snprintf(err, errlen, "%s: out of memory", path);
    return NULL;
  }
  d->pdf = cairo_pdf_surface_create(path, DOC_PAGE_W, DOC_PAGE_H);
  if (cairo_surface_status(d->pdf) != CAIRO_STATUS_SUCCESS) {
    snprintf(err, errlen, "%s: cannot write: %s", path,
             cairo_status_to_string(cairo_surface_status(d->pdf)));
    cairo_surface_destroy(d->pdf);
    free(d->path);
    free(d);
    return NULL;
  }
  if (title)
    cairo_pdf_surface_set_metadata(d->pdf, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata(d->pdf, CAIRO_PDF_METADATA_CREATOR, "cvd");
  return d;
}

void doc_footer(struct doc *d, const char *text)
{
  if (!d)
    return;
  free(d->footer);
  d->footer = dup_or_null(text);
  if (d->npages) {
    struct doc_page *p = &d->pages[d->npages - 1];
    free(p->footer);
    p->footer = dup_or_null(text);
  }
}

/* A paragraph of wrapped lines at size fs, split across pages between lines. */
static void paragraph(struct doc *d, const char *text, double fs, int bold, double after)
{
  if (doc_need(d, 0) < 0)
    return;
  PangoLayout *l = plot_text(d->cr, text, fs, bold);
  pango_layout_set_width(l, (int)(DOC_WIDTH * PANGO_SCALE));
  pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  PangoLayoutIter *it = pango_layout_get_iter(l);
  double shift = d->y, end = d->y;
  do {
    PangoRectangle r;
    pango_layout_iter_get_line_extents(it, NULL, &r);
    double top = (double)r.y / PANGO_SCALE, h = (double)r.height / PANGO_SCALE;
    if (shift + top + h > DOC_BOTTOM && !d->page_empty) {
      if (doc_new_page(d) < 0)
        break;
      shift = d->y - top;
    }
    cairo_set_source_rgb(d->cr, 0, 0, 0);
    cairo_move_to(d->cr, DOC_X0 + (double)r.x / PANGO_SCALE,
                  shift + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE);
    pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
    d->page_empty = 0;
    end = shift + top + h;
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
  g_object_unref(l);
  d->y = end + after;
}

void doc_text(struct doc *d, const char *text)
{
  if (!d)
    return;
  if (!text) {
    doc_fail(d, "%s: a paragraph without text", d->path);
    return;
  }
  paragraph(d, text, FS_BODY, 0, 6);
}

void doc_heading(struct doc *d, int level, const char *text)
{
  if (!d)
    return;
  if ((level != 1 && level != 2) || !text) {
    doc_fail(d, "%s: heading level %d (1 or 2) '%s'", d->path, level, text ? text : "(null)");
    return;
  }
  double fs = level == 1 ? 15 : 11.5, before = level == 1 ? 14 : 10;
  /* Never alone at the foot of a page: room for it and a few lines after it. */
  if (doc_need(d, before + fs * 1.4 + 60) < 0)
    return;
  if (!d->page_empty)
    d->y += before;
  paragraph(d, text, fs, 1, level == 1 ? 3 : 4);
  if (level == 1 && d->cr) {
    cairo_set_source_rgb(d->cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(d->cr, 0.6);
    cairo_move_to(d->cr, DOC_X0, d->y);
    cairo_line_to(d->cr, DOC_X0 + DOC_WIDTH, d->y);
    cairo_stroke(d->cr);
    d->y += 6;
  }
}

/* Room for a figure of height h (at most a page), then its box. */
static int figure_box(struct doc *d, double *h)
{
  if (*h > DOC_BOTTOM - DOC_TOP)
    *h = DOC_BOTTOM - DOC_TOP;
  if (!(*h >= 60)) {
    doc_fail(d, "%s: a figure of height %g pt (at least 60)", d->path, *h);
    return -1;
  }
  return doc_need(d, *h + 4);
}

static void figure_done(struct doc *d, double h, int rc, const char *err)
{
  if (rc < 0)
    doc_fail(d, "%s: page %zu: %s", d->path, d->npages, err);
  d->page_empty = 0;
  d->y += h + 10;
}

void doc_figure(struct doc *d, double height_pt, const struct plot_fig *f)
{
  char err[256];
  if (!d || figure_box(d, &height_pt) < 0)
    return;
  int rc = plot_draw(d->cr, DOC_X0, d->y, DOC_WIDTH, height_pt, f, err, sizeof err);
  figure_done(d, height_pt, rc, err);
}

void doc_stabfigure(struct doc *d, double height_pt, const char *title,
                    const struct stabplot_stat *s, size_t ns)
{
  char err[256];
  if (!d || figure_box(d, &height_pt) < 0)
    return;
  int rc = stabplot_draw(d->cr, DOC_X0, d->y, DOC_WIDTH, height_pt, title, s, ns, err,
                         sizeof err);
  figure_done(d, height_pt, rc, err);
}

void doc_page_break(struct doc *d)
{
  if (d && d->cr && !d->page_empty)
    doc_new_page(d);
}

/* The running footer: a rule, the footer text on the left, "page N of M" on the right. */
static void footer(cairo_t *cr, const char *text, size_t n, size_t m)
{
  double y = DOC_BOTTOM + 16;
  cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
  cairo_set_line_width(cr, 0.5);
  cairo_move_to(cr, DOC_X0, y);
  cairo_line_to(cr, DOC_X0 + DOC_WIDTH, y);
  cairo_stroke(cr);
  cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
  char pg[64];
  snprintf(pg, sizeof pg, "page %zu of %zu", n, m);
  PangoLayout *l = plot_text(cr, pg, FS_FOOT, 0);
  double pw;
  plot_text_size(l, &pw, NULL);
  plot_text_at(cr, l, DOC_X0 + DOC_WIDTH, y + 4, 1, 0);
  g_object_unref(l);
  if (text && *text) {
    l = plot_text(cr, text, FS_FOOT, 0);
    pango_layout_set_width(l, (int)((DOC_WIDTH - pw - 12) * PANGO_SCALE));
    pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    plot_text_at(cr, l, DOC_X0, y + 4, 0, 0);
    g_object_unref(l);
  }
}

static void doc_free(struct doc *d)
{
  if (d->cr)
    cairo_destroy(d->cr);
  for (size_t i = 0; i < d->npages; i++) {
    cairo_surface_destroy(d->pages[i].rec);
    free(d->pages[i].footer);
  }
  free(d->pages);
  free(d->footer);
  free(d->path);
  free(d);
}

int doc_close(struct doc *d, char *err, size_t errlen)
{
  if (!d) {
    snprintf(err, errlen, "no document");
    return -1;
  }
  if (!d->npages)
    doc_new_page(d); /* an empty document still has its one page */
  cairo_t *cr = cairo_create(d->pdf);
  for (size_t i = 0; i < d->npages && !d->failed; i++) {
    cairo_surface_t *rec = d->pages[i].rec;
    cairo_surface_flush(rec);
    if (cairo_surface_status(rec) != CAIRO_STATUS_SUCCESS)
      doc_fail(d, "%s: page %zu: %s", d->path, i + 1,
               cairo_status_to_string(cairo_surface_status(rec)));
    cairo_set_source_surface(cr, rec, 0, 0);
    cairo_paint(cr);
    footer(cr, d->pages[i].footer, i + 1, d->npages);
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(d->pdf);
  if (!d->failed && cairo_surface_status(d->pdf) != CAIRO_STATUS_SUCCESS)
    doc_fail(d, "%s: cannot write: %s", d->path,
             cairo_status_to_string(cairo_surface_status(d->pdf)));
  cairo_surface_destroy(d->pdf);
  int rc = d->failed ? -1 : 0;
  if (rc < 0)
    snprintf(err, errlen, "%s", d->err);
  doc_free(d);
  return rc;
}
