#include "config.h"

#include "plot/plot.h"

int plot_placeholder_(void);
int plot_placeholder_(void) { return 0; }
