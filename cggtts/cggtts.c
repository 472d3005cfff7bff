#include "config.h"

#include "cggtts/cggtts.h"

int cggtts_placeholder_(void);
int cggtts_placeholder_(void) { return 0; }
