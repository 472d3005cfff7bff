/* Unit tests of plot/: ticks of linear, log and time axes for known ranges; figures written
 * as valid PNG (signature, IHDR size), SVG and PDF (pdfinfo's page count when poppler-utils
 * is installed); gaps, empty series and bad input give gaps or errors, never crashes. */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plot/doc.h"
#include "plot/plot.h"
#include "plot/stabplot.h"
#include "tests/testutil.h"

static char *dir;

/* The width and height in a PNG's IHDR, after checking its signature: 0 or -1. */
static int pt_png_size(const char *path, int *w, int *h)
{
  unsigned char b[24];
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  size_t n = fread(b, 1, sizeof b, f);
  fclose(f);
  if (n < 24 || memcmp(b, "\x89PNG\r\n\x1a\n", 8) || memcmp(b + 12, "IHDR", 4))
    return -1;
  *w = b[16] << 24 | b[17] << 16 | b[18] << 8 | b[19];
  *h = b[20] << 24 | b[21] << 16 | b[22] << 8 | b[23];
  return 0;
}

/* What a poppler tool prints for "prog opts 'path'" (through a file in the test's
 * directory, read with th_read_file); free() it.  NULL if it cannot run. */
static char *pt_output(const char *prog, const char *opts, const char *path)
{
  char cmd[1400], out[520];
  snprintf(out, sizeof out, "%s/tool-output.txt", dir);
  snprintf(cmd, sizeof cmd, "%s %s '%s' %s'%s' 2>/dev/null", prog, opts, path,
           strstr(prog, "pdftotext") ? "" : "> ", out);
  return system(cmd) == 0 ? th_read_file(out) : NULL;
}

/* The page count pdfinfo reads in a PDF (after checking its header), or -1; when
 * poppler-utils is absent, 1 if the header is right. */
static int pt_pdf_pages(const char *path)
{
  char *pdf = th_read_file(path);
  int ok = pdf && !strncmp(pdf, "%PDF-1.", 7);
  free(pdf);
  if (!ok)
    return -1;
  if (access("/usr/bin/pdfinfo", X_OK) != 0)
    return 1;
  char *info = pt_output("/usr/bin/pdfinfo", "", path);
  char *pages = info ? strstr(info, "\nPages:") : NULL;
  int n = pages ? atoi(pages + 7) : -1;
  free(info);
  return n;
}

/* Pixels of rows y0..y1-1 of an RGB24 image within tol of (r, g, b) in every channel. */
static long pt_count_rgb_rows(cairo_surface_t *cs, int y0, int y1, int r, int g, int b,
                              int tol)
{
  const unsigned char *d = cairo_image_surface_get_data(cs);
  int w = cairo_image_surface_get_width(cs), h = cairo_image_surface_get_height(cs);
  int stride = cairo_image_surface_get_stride(cs);
  long n = 0;
  for (int y = y0; y < y1 && y < h; y++)
    for (int x = 0; x < w; x++) {
      uint32_t px = *(const uint32_t *)(const void *)(d + y * stride + 4 * x);
      int pr = (px >> 16) & 255, pg = (px >> 8) & 255, pb = px & 255;
      n += abs(pr - r) <= tol && abs(pg - g) <= tol && abs(pb - b) <= tol;
    }
  return n;
}

static long pt_count_rgb(cairo_surface_t *cs, int r, int g, int b, int tol)
{
  return pt_count_rgb_rows(cs, 0, cairo_image_surface_get_height(cs), r, g, b, tol);
}

/* Under LeakSanitizer: fontconfig keeps a few hundred bytes to its exit that nothing can
 * free safely (plot.h, plot_font_cleanup); only those are not reported. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }
const char *__lsan_default_options(void);
const char *__lsan_default_options(void) { return "print_suppressions=0"; }

static void setup(void) { dir = th_mkdtemp("plot"); }

static void teardown(void)
{
  th_rmtree(dir);
  free(dir);
  plot_font_cleanup(); /* fonts freed before LeakSanitizer looks */
}

static void path_in(char *p, size_t n, const char *name) { snprintf(p, n, "%s/%s", dir, name); }

START_TEST(test_ticks_linear)
{
  struct plot_ticks t;
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LINEAR, 0, 10, 6, &t), 0);
  ck_assert_uint_eq(t.n, 6);
  for (size_t i = 0; i < 6; i++)
    ck_assert(t.v[i] == 2.0 * (double)i);
  ck_assert_str_eq(t.label[0], "0");
  ck_assert_str_eq(t.label[5], "10");
  ck_assert(t.nminor == 21 && fabs(t.minor[1] - 0.5) < 1e-12); /* quarters of a step of 2 */
  /* -0.37..0.81 in at most 7 ticks: 0.2 needs 8, so 0.5, and the range widens to it. */
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LINEAR, -0.37, 0.81, 7, &t), 0);
  ck_assert_uint_eq(t.n, 4);
  ck_assert(t.lo == -0.5 && t.hi == 1.0 && t.step == 0.5);
  ck_assert_str_eq(t.label[0], "-0.5");
  ck_assert_str_eq(t.label[1], "0");
  ck_assert_str_eq(t.label[3], "1.0");
  /* Fractional frequencies: 1e-13 steps, labelled in exponent form. */
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LINEAR, 1e-13, 5e-13, 5, &t), 0);
  ck_assert_uint_eq(t.n, 5);
  ck_assert_str_eq(t.label[0], "1e-13");
  ck_assert_str_eq(t.label[4], "5e-13");
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LINEAR, 1.5e-13, 2.5e-13, 5, &t), 0);
  ck_assert_uint_eq(t.n, 3); /* steps of 5e-14 */
  ck_assert_str_eq(t.label[0], "1.5e-13");
  ck_assert_str_eq(t.label[1], "2.0e-13");
  /* One value: widened around it. */
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LINEAR, 42, 42, 5, &t), 0);
  ck_assert(t.lo < 42 && t.hi > 42 && t.n >= 2);
  /* A range of 1e-15 relative: as one value; an overflowing span: no ticks. */
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LINEAR, 1e9, 1e9 + 1e-6, 5, &t), 0);
  ck_assert(t.lo < 1e9 && t.hi > 1e9 && t.n >= 2 && t.v[1] > t.v[0]);
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LINEAR, -1e308, 1e308, 5, &t), -1);
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LINEAR, NAN, 1, 5, &t), -1);
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LINEAR, 2, 1, 5, &t), -1);
}
END_TEST

START_TEST(test_ticks_log)
{
  struct plot_ticks t;
  /* 3e-15..2e-12: the decades inside, minor ticks at 2..9 times each within the range. */
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LOG, 3e-15, 2e-12, 8, &t), 0);
  ck_assert(t.lo == 3e-15 && t.hi == 2e-12);
  ck_assert_uint_eq(t.n, 3);
  ck_assert_str_eq(t.label[0], "1e-14");
  ck_assert_str_eq(t.label[2], "1e-12");
  ck_assert_uint_eq(t.nminor, 7 + 8 + 8 + 1); /* 3..9e-15, 2..9e-14, 2..9e-13, 2e-12 */
  ck_assert(fabs(t.minor[0] / 3e-15 - 1) < 1e-12 && fabs(t.minor[23] / 2e-12 - 1) < 1e-12);
  /* 15 decades in at most 6 labels: every third decade, the others as minor ticks. */
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LOG, 1e-3, 1e12, 6, &t), 0);
  ck_assert_uint_eq(t.n, 6);
  ck_assert_str_eq(t.label[0], "1e-3");
  ck_assert_str_eq(t.label[1], "1e0");
  ck_assert_str_eq(t.label[5], "1e12");
  ck_assert_uint_eq(t.nminor, 10); /* the skipped decades */
  /* Within one decade: the decade around it. */
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LOG, 2e-13, 5e-13, 8, &t), 0);
  ck_assert(t.lo == 1e-13 && t.hi == 1e-12 && t.n == 4); /* 1, 2, 5, 10 e-13 */
  ck_assert_str_eq(t.label[1], "2e-13");
  ck_assert_str_eq(t.label[3], "1e-12");
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LOG, 2e-13, 5e-13, 3, &t), 0); /* no room: decades */
  ck_assert(t.n == 2);
  /* One decade inside: 2 and 5 labelled as well. */
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LOG, 3e-13, 4e-12, 8, &t), 0);
  ck_assert(t.lo == 3e-13 && t.hi == 4e-12 && t.n == 3); /* 5e-13, 1e-12, 2e-12 */
  ck_assert_str_eq(t.label[0], "5e-13");
  ck_assert_str_eq(t.label[2], "2e-12");
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LOG, 0, 1, 5, &t), -1);
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_LOG, -1, 1, 5, &t), -1);
}
END_TEST

START_TEST(test_ticks_time)
{
  const double jan1 = 1735689600; /* 2025-01-01T00:00:00Z */
  struct plot_ticks t;
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_TIME, jan1, jan1 + 86400, 7, &t), 0);
  ck_assert(t.step == 21600 && t.n == 5);
  ck_assert_str_eq(t.label[0], "00:00\n2025-01-01");
  ck_assert_str_eq(t.label[1], "06:00");
  ck_assert_str_eq(t.label[3], "18:00");
  ck_assert_str_eq(t.label[4], "00:00\n2025-01-02");
  ck_assert(t.lo == jan1 && t.hi == jan1 + 86400); /* a time axis keeps its range */
  /* A month in at most 8 labels: weeks, on Mondays. */
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_TIME, jan1, jan1 + 31 * 86400.0, 8, &t), 0);
  ck_assert(t.step == 604800 && t.n == 4);
  ck_assert_str_eq(t.label[0], "2025-01-06");
  ck_assert_str_eq(t.label[3], "2025-01-27");
  /* Ten minutes: every 2 minutes, seconds not shown. */
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_TIME, jan1 + 3600, jan1 + 4200, 6, &t), 0);
  ck_assert(t.step == 120 && t.n == 6);
  ck_assert_str_eq(t.label[0], "01:00\n2025-01-01");
  ck_assert_str_eq(t.label[1], "01:02");
  /* Years. */
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_TIME, 1577836800, jan1, 6, &t), 0);
  ck_assert_uint_eq(t.n, 6);
  ck_assert_str_eq(t.label[0], "2020");
  ck_assert_str_eq(t.label[5], "2025");
  /* Nanoseconds given as seconds: beyond the year 9999, refused. */
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_TIME, 1.7e18, 1.8e18, 6, &t), -1);
  /* Three months: month starts. */
  ck_assert_int_eq(plot_ticks(PLOT_AXIS_TIME, jan1, jan1 + 89 * 86400.0, 4, &t), 0);
  ck_assert_uint_eq(t.n, 3);
  ck_assert_str_eq(t.label[1], "2025-02");
}
END_TEST

/* A figure of two series: a line with a gap (NaN), and points with error bars. */
static const double fx[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
static const double fy[] = {1, 2, 3, 2.5, NAN, NAN, 4, 3.5, 3, 2};
static const double fy2[] = {0.5, 1, 1.5, 1.2, 1.8, 2.2, 2.1, 1.7, 1.4, 1.1};
static const double flo[] = {0.3, 0.8, 1.2, 1, 1.5, 1.9, 1.8, 1.4, 1.1, 0.9};
static const double fhi[] = {0.7, 1.2, 1.8, 1.4, 2.1, 2.5, 2.4, 2.0, 1.7, 1.3};

static struct plot_fig fig2(struct plot_series *s)
{
  s[0] = (struct plot_series){"x (ns)", PLOT_LINE, 10, fx, fy, NULL, NULL};
  s[1] = (struct plot_series){"y with bars", PLOT_ERRBARS, 10, fx, fy2, flo, fhi};
  return (struct plot_fig){.title = "Two series", .xlabel = "t (s)", .ylabel = "value",
                           .series = s, .nseries = 2, .note = "a note"};
}

START_TEST(test_files)
{
  struct plot_series s[2];
  struct plot_fig f = fig2(s);
  char p[512], err[256];
  path_in(p, sizeof p, "f.png");
  ck_assert_msg(plot_file(p, 300, 200, &f, err, sizeof err) == 0, "%s", err);
  int w, h;
  ck_assert_int_eq(pt_png_size(p, &w, &h), 0);
  ck_assert(w == 600 && h == 400); /* 2 pixels a point */
  path_in(p, sizeof p, "f.SVG");
  ck_assert_msg(plot_file(p, 300, 200, &f, err, sizeof err) == 0, "%s", err);
  char *svg = th_read_file(p);
  ck_assert(svg && !strncmp(svg, "<?xml", 5) && strstr(svg, "<svg"));
  ck_assert(strstr(svg, "width=\"300"));
  free(svg);
  path_in(p, sizeof p, "f.pdf");
  ck_assert_msg(plot_file(p, 300, 200, &f, err, sizeof err) == 0, "%s", err);
  ck_assert_int_eq(pt_pdf_pages(p), 1);
}
END_TEST

START_TEST(test_bad_input)
{
  struct plot_series s[2];
  struct plot_fig f = fig2(s);
  char p[512], err[256];
  path_in(p, sizeof p, "f.jpg");
  ck_assert_int_eq(plot_file(p, 300, 200, &f, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "'.jpg'"), "%s", err);
  ck_assert(access(p, F_OK) != 0);
  path_in(p, sizeof p, "figure");
  ck_assert_int_eq(plot_file(p, 300, 200, &f, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "no extension"), "%s", err);
  ck_assert_int_eq(plot_file("/nonexistent-dir/f.pdf", 300, 200, &f, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "/nonexistent-dir/f.pdf"), "%s", err);
  /* A series without y, a band without lo/hi: errors naming the series, no file left. */
  path_in(p, sizeof p, "bad.png");
  s[0].y = NULL;
  ck_assert_int_eq(plot_file(p, 300, 200, &f, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "'x (ns)'") && strstr(err, "no y"), "%s", err);
  ck_assert(access(p, F_OK) != 0);
  s[0].y = fy;
  s[1].style = PLOT_BAND;
  s[1].lo = NULL;
  ck_assert_int_eq(plot_file(p, 300, 200, &f, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "'y with bars'") && strstr(err, "lo/hi"), "%s", err);
  s[1].lo = flo;
  ck_assert_int_eq(plot_file(p, 30, 20, &f, err, sizeof err), -1);
  ck_assert_int_eq(plot_file(p, 300, 200, NULL, err, sizeof err), -1);
  /* Ranges with no axis: the error says which and what. */
  double big[2] = {-1e308, 1e308}, ns[2] = {1.7e18, 1.8e18};
  struct plot_series bs = {"huge", PLOT_LINE, 2, fx, big, NULL, NULL};
  struct plot_fig bf = {.title = "huge", .series = &bs, .nseries = 1};
  ck_assert_int_eq(plot_file(p, 300, 200, &bf, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "no axis for the y range"), "%s", err);
  bs = (struct plot_series){"ns", PLOT_LINE, 2, ns, fy, NULL, NULL};
  bf.xtime = 1;
  ck_assert_int_eq(plot_file(p, 300, 200, &bf, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "no axis for the x range") && strstr(err, "Unix seconds"), "%s", err);
  /* A box too small for the plot. */
  cairo_surface_t *cs = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 100, 100);
  cairo_t *cr = cairo_create(cs);
  ck_assert_int_eq(plot_draw(cr, 0, 0, 60, 40, &f, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "too small"), "%s", err);
  cairo_destroy(cr);
  cairo_surface_destroy(cs);
}
END_TEST

/* Pixels of colour (r, g, b) in a 400 x 300 image of f. */
static long colour_pixels(const struct plot_fig *f, int r, int g, int b)
{
  cairo_surface_t *cs = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 300);
  cairo_t *cr = cairo_create(cs);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  char err[256];
  ck_assert_msg(plot_draw(cr, 0, 0, 400, 300, f, err, sizeof err) == 0, "%s", err);
  cairo_surface_flush(cs);
  long n = pt_count_rgb(cs, r, g, b, 30);
  cairo_destroy(cr);
  cairo_surface_destroy(cs);
  return n;
}

/* The first series' colour (Okabe-Ito blue), and its band's shade on white. */
static long blue_pixels(const struct plot_fig *f) { return colour_pixels(f, 0, 0x72, 0xB2); }

START_TEST(test_gaps_and_empty)
{
  /* The same line with and without two NaN points: the gap leaves out about a third of
   * the line's ink (the points on either side stay). */
  double y[10] = {1, 2, 3, 2.5, 3, 3.5, 4, 3.5, 3, 2};
  struct plot_series s = {"line", PLOT_LINE, 10, fx, y, NULL, NULL};
  struct plot_fig f = {.title = "gaps", .series = &s, .nseries = 1};
  long full = blue_pixels(&f);
  y[4] = y[5] = NAN;
  long gap = blue_pixels(&f);
  ck_assert_msg(full > 150 && gap < full * 0.8 && gap > full * 0.4, "%ld %ld", full, gap);
  /* Empty series, all-NaN series, nothing at all: an empty frame saying "no data". */
  double nan2[2] = {NAN, NAN};
  struct plot_series e[2] = {{"empty", PLOT_LINE, 0, NULL, NULL, NULL, NULL},
                             {"nans", PLOT_POINTS, 2, nan2, nan2, NULL, NULL}};
  f = (struct plot_fig){.title = "empty", .series = e, .nseries = 2};
  ck_assert_int_eq(blue_pixels(&f), 0);
  f.nseries = 0;
  ck_assert_int_eq(blue_pixels(&f), 0);
  /* 200000 points drawn column by column keep their extremes: a one-point spike to 1 over
   * zeros still reaches the top half of the image. */
  size_t nb = 200000;
  double *bx = malloc(nb * sizeof *bx), *by = calloc(nb, sizeof *by);
  for (size_t i = 0; i < nb; i++)
    bx[i] = (double)i;
  by[123457] = 1;
  struct plot_series sp = {"spike", PLOT_LINE, nb, bx, by, NULL, NULL};
  f = (struct plot_fig){.series = &sp, .nseries = 1};
  cairo_surface_t *cs = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 300);
  cairo_t *cr = cairo_create(cs);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  char err[256];
  ck_assert_msg(plot_draw(cr, 0, 0, 400, 300, &f, err, sizeof err) == 0, "%s", err);
  cairo_surface_flush(cs);
  ck_assert(pt_count_rgb_rows(cs, 20, 120, 0, 0x72, 0xB2, 30) > 50);
  cairo_destroy(cr);
  cairo_surface_destroy(cs);
  free(bx);
  free(by);
  /* Log axes skip non-positive values; a single drawable point is enough. */
  double ly[4] = {-1, 0, 1e-12, NAN}, lx[4] = {1, 10, 100, 1000};
  struct plot_series l = {"log", PLOT_POINTS, 4, lx, ly, NULL, NULL};
  f = (struct plot_fig){.series = &l, .nseries = 1, .logx = 1, .logy = 1};
  ck_assert(blue_pixels(&f) > 10);
  /* A band with gaps and a lone point, and a time axis. */
  double tx[6] = {1735689600, 1735693200, 1735696800, NAN, 1735704000, 1735707600};
  double lo[6] = {1, 2, 1, 1, NAN, 2}, hi[6] = {3, 4, 3, 3, 5, 4};
  struct plot_series b = {"band", PLOT_BAND, 6, tx, NULL, lo, hi};
  f = (struct plot_fig){.series = &b, .nseries = 1, .xtime = 1};
  ck_assert(colour_pixels(&f, 199, 224, 238) > 1000);
}
END_TEST

/* OADEV and MDEV of white FM at 1e-11 at 1 s, octave tau 1..512 s, with +-20 % bars. */
static double st_tau[10], st_ad[10], st_alo[10], st_ahi[10], st_md[10], st_mlo[10], st_mhi[10];
static const char *const st_noise[10] = {"WFM", "WFM", "WFM", "WFM", "WFM",
                                         "FLFM", "FLFM", "FLFM", "RWFM", "RWFM"};

static size_t stab_stats(struct stabplot_stat *st, int with_noise)
{
  for (int i = 0; i < 10; i++) {
    st_tau[i] = ldexp(1, i);
    st_ad[i] = 1e-11 / sqrt(st_tau[i]);
    st_md[i] = st_ad[i] * 0.7;
    st_alo[i] = st_ad[i] * 0.8;
    st_ahi[i] = st_ad[i] * 1.2;
    st_mlo[i] = st_md[i] * 0.8;
    st_mhi[i] = st_md[i] * 1.2;
  }
  st[0] = (struct stabplot_stat){"OADEV", 10, st_tau, st_ad, st_alo, st_ahi,
                                 with_noise ? st_noise : NULL};
  st[1] = (struct stabplot_stat){"MDEV", 10, st_tau, st_md, st_mlo, st_mhi, NULL};
  return 2;
}

/* Pixels of colour (r, g, b), or with r < 0 all darker than 200 in every channel, in a
 * 500 x 400 pt stability plot drawn at 2 pixels a point. */
static long stab_pixels(const struct stabplot_stat *st, size_t n, int r, int g, int b)
{
  cairo_surface_t *cs = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1000, 800);
  cairo_t *cr = cairo_create(cs);
  cairo_scale(cr, 2, 2); /* 6 pt labels get solid pixels */
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  char err[256];
  ck_assert_msg(stabplot_draw(cr, 0, 0, 500, 400, "t", st, n, err, sizeof err) == 0, "%s", err);
  cairo_surface_flush(cs);
  long k = r < 0 ? pt_count_rgb(cs, 0, 0, 0, 200) : pt_count_rgb(cs, r, g, b, 30);
  cairo_destroy(cr);
  cairo_surface_destroy(cs);
  return k;
}

START_TEST(test_stabplot)
{
  struct stabplot_stat st[2];
  size_t n = stab_stats(st, 1);
  char p[512], err[256];
  path_in(p, sizeof p, "stab.png");
  ck_assert_msg(stabplot_file(p, "White FM", st, n, err, sizeof err) == 0, "%s", err);
  int w, h;
  ck_assert_int_eq(pt_png_size(p, &w, &h), 0);
  ck_assert(w == 1080 && h == 800);
  path_in(p, sizeof p, "stab.pdf");
  ck_assert_msg(stabplot_file(p, "White FM", st, n, err, sizeof err) == 0, "%s", err);
  ck_assert_int_eq(pt_pdf_pages(p), 1);
  /* The noise labels: more ink with them. */
  long with = stab_pixels(st, n, -1, 0, 0);
  stab_stats(st, 0);
  long without = stab_pixels(st, n, -1, 0, 0);
  ck_assert_msg(with > without + 50, "%ld %ld", with, without);
  /* Three statistics or more: a noise type only where it changes, so one that changes at
   * every point writes more labels than one that never does. */
  static const char *const same[10] = {"WFM", "WFM", "WFM", "WFM", "WFM",
                                       "WFM", "WFM", "WFM", "WFM", "WFM"};
  static const char *const alt[10] = {"WFM", "FLFM", "WFM", "FLFM", "WFM",
                                      "FLFM", "WFM", "FLFM", "WFM", "FLFM"};
  struct stabplot_stat three[3] = {st[0], st[1], st[0]};
  three[2].name = "OHDEV";
  three[2].dev = st_md; /* drawn over MDEV: the labels of OADEV are the ones counted */
  three[0].noise = same;
  long ink_same = stab_pixels(three, 3, -1, 0, 0);
  three[0].noise = alt;
  long ink_alt = stab_pixels(three, 3, -1, 0, 0);
  ck_assert_msg(ink_alt > ink_same + 100, "%ld %ld", ink_alt, ink_same);
  /* Zero, negative and NaN deviations and a NaN bar are skipped, not fatal. */
  st_md[3] = 0;
  st_md[4] = -1;
  st_md[5] = NAN;
  st_mlo[6] = NAN;
  ck_assert(stab_pixels(st, n, 0xD5, 0x5E, 0x00) > 100);
  /* Errors name the statistic; no file is left. */
  path_in(p, sizeof p, "bad.svg");
  st[1].tau = NULL;
  ck_assert_int_eq(stabplot_file(p, "x", st, n, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "'MDEV'") && strstr(err, "tau"), "%s", err);
  st[1].tau = st_tau;
  st[0].hi = NULL;
  ck_assert_int_eq(stabplot_file(p, "x", st, n, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "'OADEV'") && strstr(err, "lo and hi"), "%s", err);
  ck_assert(access(p, F_OK) != 0);
  st[0].hi = st_ahi;
  ck_assert_int_eq(stabplot_file(p, "x", NULL, 2, err, sizeof err), -1);
  path_in(p, sizeof p, "stab.gif");
  ck_assert_int_eq(stabplot_file(p, "x", st, n, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "'.gif'"), "%s", err);
  /* No statistics at all: an empty plot. */
  path_in(p, sizeof p, "empty.svg");
  ck_assert_msg(stabplot_file(p, "none", st, 0, err, sizeof err) == 0, "%s", err);
}
END_TEST

/* A table of n rows: day, mean (ns), U (ns), n tracks, and a long remark. */
static void table_rows(struct doc *d, size_t n)
{
  static const char *const head[5] = {"date", "mean_ns", "U_ns", "n", "remark"};
  const char **cells = calloc(5 * n, sizeof *cells);
  char(*buf)[4][32] = calloc(n, sizeof *buf);
  for (size_t r = 0; r < n; r++) {
    snprintf(buf[r][0], 32, "2025-01-%02zu", r % 31 + 1);
    snprintf(buf[r][1], 32, "%.2f", -3.25 + 0.1 * (double)r);
    snprintf(buf[r][2], 32, "%.2f", 2.5);
    snprintf(buf[r][3], 32, "%zu", 144 - r % 3);
    for (int c = 0; c < 4; c++)
      cells[5 * r + c] = buf[r][c];
    cells[5 * r + 4] = r % 10 == 3 ? "holdover 02:10 to 05:40 UTC, largest predicted |x| 8.1 ns, "
                                     "then re-acquired (a remark long enough to wrap)"
                                   : r % 7 ? "" : NULL;
  }
  doc_table(d, 5, head, cells, n);
  free(cells);
  free(buf);
}

START_TEST(test_doc)
{
  char p[512], err[256];
  path_in(p, sizeof p, "report.pdf");
  struct doc *d = doc_open(p, "Monthly report r1 <2025-01>", err, sizeof err);
  ck_assert_msg(d != NULL, "%s", err);
  doc_footer(d, "cvd report r1 2025-01 & co");
  doc_heading(d, 1, "Monthly report: r1 - ref");
  doc_text(d, "Plain text, not markup: a < b & c > d.");
  struct plot_series s[2];
  struct plot_fig f = fig2(s);
  doc_figure(d, 220, &f);
  struct stabplot_stat st[2];
  size_t nst = stab_stats(st, 1);
  doc_stabfigure(d, 260, "TDEV", st, nst);
  doc_heading(d, 2, "Daily means");
  table_rows(d, 120); /* longer than a page */
  doc_page_break(d);
  doc_page_break(d); /* a second break makes no blank page */
  doc_text(d, "The end.");
  ck_assert_msg(doc_close(d, err, sizeof err) == 0, "%s", err);
  int pages = pt_pdf_pages(p);
  ck_assert_msg(pages >= 4 && pages <= 6, "%d pages", pages);
  if (access("/usr/bin/pdftotext", X_OK) == 0) {
    char *all = pt_output("/usr/bin/pdftotext", "-layout", p);
    ck_assert(all != NULL);
    ck_assert(strstr(all, "a < b & c > d."));
    ck_assert(strstr(all, "page 1 of "));
    ck_assert(strstr(all, "cvd report r1 2025-01 & co"));
    free(all);
    char opts[64];
    snprintf(opts, sizeof opts, "-f %d -l %d", pages - 1, pages - 1);
    char *last = pt_output("/usr/bin/pdftotext", opts, p); /* the table's last page */
    ck_assert(last && strstr(last, "mean_ns") && strstr(last, "remark")); /* head repeated */
    char want[32];
    snprintf(want, sizeof want, "page %d of %d", pages - 1, pages);
    ck_assert_msg(strstr(last, want), "%s", last);
    free(last);
    char *info = pt_output("/usr/bin/pdfinfo", "", p);
    ck_assert(info && strstr(info, "Monthly report r1 <2025-01>"));
    ck_assert(strstr(info, "Page size:") && strstr(info, "595.27"));
    free(info);
  }
  /* A paragraph longer than a page flows on by lines; a table without a head. */
  path_in(p, sizeof p, "long.pdf");
  d = doc_open(p, "long", err, sizeof err);
  size_t nw = 1500;
  char *text = malloc(nw * 12 + 16);
  size_t k = 0;
  for (size_t i = 0; i < nw; i++)
    k += (size_t)sprintf(text + k, "word%zu ", i);
  strcpy(text + k, "lastword.");
  doc_text(d, text);
  free(text);
  static const char *const nohead[4] = {"a", "1.5", "b", "-2"};
  doc_table(d, 2, NULL, nohead, 2);
  ck_assert_msg(doc_close(d, err, sizeof err) == 0, "%s", err);
  pages = pt_pdf_pages(p);
  ck_assert_msg(pages >= 2 && pages <= 4, "%d pages", pages);
  if (access("/usr/bin/pdftotext", X_OK) == 0) {
    char *all = pt_output("/usr/bin/pdftotext", "", p);
    ck_assert(all && strstr(all, "word0 ") && strstr(all, "word1499") && strstr(all, "lastword."));
    free(all);
  }
  /* A short table fits on the one page; an empty document still has one page. */
  path_in(p, sizeof p, "short.pdf");
  d = doc_open(p, "short", err, sizeof err);
  table_rows(d, 20);
  ck_assert_msg(doc_close(d, err, sizeof err) == 0, "%s", err);
  ck_assert_int_eq(pt_pdf_pages(p), 1);
  path_in(p, sizeof p, "empty.pdf");
  d = doc_open(p, NULL, err, sizeof err);
  ck_assert_msg(doc_close(d, err, sizeof err) == 0, "%s", err);
  ck_assert_int_eq(pt_pdf_pages(p), 1);
}
END_TEST

START_TEST(test_doc_errors)
{
  char p[512], err[256];
  path_in(p, sizeof p, "report.png");
  ck_assert(doc_open(p, "x", err, sizeof err) == NULL);
  ck_assert_msg(strstr(err, "report.png") && strstr(err, ".pdf"), "%s", err);
  path_in(p, sizeof p, "report.txt");
  ck_assert(doc_open(p, "x", err, sizeof err) == NULL);
  ck_assert_msg(strstr(err, "'.txt'"), "%s", err);
  ck_assert(doc_open("/nonexistent-dir/r.pdf", "x", err, sizeof err) == NULL);
  ck_assert_msg(strstr(err, "/nonexistent-dir/r.pdf"), "%s", err);
  /* The first error met anywhere comes out of doc_close; later ones do not replace it. */
  path_in(p, sizeof p, "bad.pdf");
  struct doc *d = doc_open(p, "x", err, sizeof err);
  ck_assert(d != NULL);
  doc_text(d, "before");
  struct plot_series s[2];
  struct plot_fig f = fig2(s);
  s[1].hi = NULL;
  doc_figure(d, 200, &f);
  doc_heading(d, 3, "no such level");
  doc_table(d, 0, NULL, NULL, 0);
  ck_assert_int_eq(doc_close(d, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "'y with bars'") && strstr(err, "lo/hi"), "%s", err);
  d = doc_open(p, "x", err, sizeof err);
  doc_heading(d, 3, "no such level");
  ck_assert_int_eq(doc_close(d, err, sizeof err), -1);
  ck_assert_msg(strstr(err, "heading level 3"), "%s", err);
  ck_assert_int_eq(doc_close(NULL, err, sizeof err), -1);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("plot");
  TCase *tc = tcase_create("plot");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_ticks_linear);
  tcase_add_test(tc, test_ticks_log);
  tcase_add_test(tc, test_ticks_time);
  tcase_add_test(tc, test_files);
  tcase_add_test(tc, test_bad_input);
  tcase_add_test(tc, test_gaps_and_empty);
  tcase_add_test(tc, test_stabplot);
  tcase_add_test(tc, test_doc);
  tcase_add_test(tc, test_doc_errors);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
