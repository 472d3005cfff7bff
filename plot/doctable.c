/* Tables of a document (doc.h): column widths from the cells' natural widths, shrunk to
 * the text width when needed; numbers right-aligned; rows split across pages, the head
 * repeated on each. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot/docint.h"
#include "plot/plotint.h"

#define FS_CELL 8.5
#define HPAD 4.0
#define VPAD 2.2

struct table {
  size_t ncols, nrows;
  const char *const *head, *const *cells;
  double *w;    /* column widths */
  int *numeric; /* every non-empty cell of the column is a number */
};

/* A number as a report prints one: "-12.5", "1.2e-13", "+3", "99.5 %", "99.5%". */
static int is_number(const char *s)
{
  if (!s || !*s)
    return 0;
  char *end;
  strtod(s, &end);
  if (end == s || !(isdigit((unsigned char)end[-1]) || end[-1] == '.'))
    return 0;
  while (*end == ' ')
    end++;
  if (*end == '%')
    end++;
  return *end == 0;
}

/* A cell that says "no value" ("", "-", "nan", "n/a", "null"): it does not make a column
 * of numbers a column of text. */
static int is_blank(const char *s)
{
  static const char *const blanks[] = {"", "-", "\u2014", "nan", "NaN", "n/a", "null"};
  for (size_t i = 0; i < sizeof blanks / sizeof blanks[0]; i++)
    if (!strcmp(s, blanks[i]))
      return 1;
  return 0;
}

static const char *cell(const struct table *t, size_t r, size_t c)
{
  const char *s = t->cells[r * t->ncols + c];
  return s ? s : "";
}

static double natural_width(cairo_t *cr, const char *s, int bold)
{
  PangoLayout *l = plot_text(cr, s, FS_CELL, bold);
  double w;
  plot_text_size(l, &w, NULL);
  g_object_unref(l);
  return w + 2 * HPAD;
}

/* Natural widths, then the widest columns shrunk until the table fits: columns narrower
 * than an equal share keep their width, the others share what is left in proportion. */
static void widths(cairo_t *cr, struct table *t)
{
  double *nat = t->w, total = 0;
  for (size_t c = 0; c < t->ncols; c++) {
    nat[c] = t->head ? natural_width(cr, t->head[c] ? t->head[c] : "", 1) : 2 * HPAD;
    int num = 1, any = 0;
    for (size_t r = 0; r < t->nrows; r++) {
      const char *s = cell(t, r, c);
      nat[c] = fmax(nat[c], natural_width(cr, s, 0));
      num &= is_blank(s) || is_number(s);
      any |= !is_blank(s);
    }
    t->numeric[c] = num && any;
    total += nat[c];
  }
  if (total <= DOC_WIDTH)
    return;
  double left = DOC_WIDTH, wide = 0;
  size_t nleft = t->ncols;
  int changed = 1;
  char *fixed = calloc(t->ncols, 1);
  while (changed && fixed) {
    changed = 0;
    for (size_t c = 0; c < t->ncols; c++)
      if (!fixed[c] && nat[c] <= left / (double)nleft) {
        fixed[c] = 1;
        left -= nat[c];
        nleft--;
        changed = 1;
      }
  }
  for (size_t c = 0; c < t->ncols; c++)
    wide += fixed && fixed[c] ? 0 : nat[c];
  for (size_t c = 0; c < t->ncols; c++)
    if (!fixed || !fixed[c])
      nat[c] = fmax(left * nat[c] / wide, 4 * HPAD);
  free(fixed);
}

/* Lays out (and when draw is set, draws at d->y) one row; returns its height. */
static double row(struct doc *d, const struct table *t, const char *const *texts, int bold,
                  int draw)
{
  double h = 0, x = DOC_X0;
  for (size_t c = 0; c < t->ncols; c++) {
    const char *s = texts[c] ? texts[c] : "";
    PangoLayout *l = plot_text(d->cr, s, FS_CELL, bold);
    pango_layout_set_width(l, (int)((t->w[c] - 2 * HPAD) * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    if (t->numeric[c])
      pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
    double lh;
    plot_text_size(l, NULL, &lh);
    h = fmax(h, lh + 2 * VPAD);
    if (draw) {
      cairo_set_source_rgb(d->cr, 0, 0, 0);
      cairo_move_to(d->cr, x + HPAD, d->y + VPAD);
      pango_cairo_show_layout(d->cr, l);
    }
    g_object_unref(l);
    x += t->w[c];
  }
  return h;
}

static double table_width(const struct table *t)
{
  double w = 0;
  for (size_t c = 0; c < t->ncols; c++)
    w += t->w[c];
  return w;
}

/* A rule across the table at d->y. */
static void rule(struct doc *d, const struct table *t, double grey, double width)
{
  cairo_set_source_rgb(d->cr, grey, grey, grey);
  cairo_set_line_width(d->cr, width);
  cairo_move_to(d->cr, DOC_X0, d->y);
  cairo_line_to(d->cr, DOC_X0 + table_width(t), d->y);
  cairo_stroke(d->cr);
  d->page_empty = 0;
}

static void head_row(struct doc *d, const struct table *t)
{
  if (!t->head)
    return;
  double h = row(d, t, t->head, 1, 0);
  cairo_set_source_rgb(d->cr, 0.9, 0.9, 0.9);
  cairo_rectangle(d->cr, DOC_X0, d->y, table_width(t), h);
  cairo_fill(d->cr);
  row(d, t, t->head, 1, 1);
  d->y += h;
  rule(d, t, 0.35, 0.7);
}

static void body(struct doc *d, const struct table *t)
{
  for (size_t r = 0; r < t->nrows && !d->failed; r++) {
    const char *const *texts = t->cells + r * t->ncols;
    double h = row(d, t, texts, 0, 0);
    if (d->y + h > DOC_BOTTOM) {
      if (doc_new_page(d) < 0)
        return;
      head_row(d, t);
    }
    row(d, t, texts, 0, 1);
    d->y += h;
    rule(d, t, 0.82, 0.4);
  }
}

void doc_table(struct doc *d, size_t ncols, const char *const *head, const char *const *cells,
               size_t nrows)
{
  if (!d || d->failed)
    return;
  if (ncols == 0 || (nrows && !cells)) {
    doc_fail(d, "%s: a table of %zu columns and %zu rows%s", d->path, ncols, nrows,
             nrows && !cells ? " without cells" : "");
    return;
  }
  struct table t = {ncols, nrows, head, cells, calloc(ncols, sizeof(double)),
                    calloc(ncols, sizeof(int))};
  if (!t.w || !t.numeric) {
    doc_fail(d, "%s: out of memory", d->path);
  } else if (doc_need(d, 0) == 0) {
    widths(d->cr, &t);
    /* The head never alone at a page's foot: with the first row, or on the next page. */
    double first = (head ? row(d, &t, head, 1, 0) : 0) + (nrows ? row(d, &t, cells, 0, 0) : 0);
    if (doc_need(d, first) == 0) {
      head_row(d, &t);
      body(d, &t);
      d->y += 8;
    }
  }
  free(t.w);
  free(t.numeric);
}
