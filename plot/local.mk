# plot: figures with cairo and pango (PNG, SVG, PDF) for reports and `cvd stability --plot`.
noinst_LIBRARIES += plot/libplot.a
plot_libplot_a_SOURCES = plot/plot.h plot/plot.c plot/stabplot.h plot/doc.h
