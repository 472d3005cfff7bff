# plot: figures with cairo and pango (PNG, SVG, PDF) for reports and `cvd stability --plot`.
noinst_LIBRARIES += plot/libplot.a
plot_libplot_a_SOURCES = plot/plot.h plot/plotint.h plot/plot.c plot/axis.c plot/series.c \
	plot/text.c plot/output.c plot/stabplot.h plot/stabplot.c plot/doc.h \
	plot/docint.h plot/doc.c plot/doctable.c

check_PROGRAMS += tests/test_plot
tests_test_plot_SOURCES = tests/test_plot.c
tests_test_plot_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
# Only plot/ and core/: this test does not wait for the rest of the tree to build.
tests_test_plot_LDADD = tests/libtestutil.a plot/libplot.a core/libcore.a $(CHECK_LIBS) \
	$(CVD_EXTLIBS)
