/* plot: placeholder until its module lands (see plot/local.mk). */
#ifndef CVD_PLOT_H
#define CVD_PLOT_H
#endif
