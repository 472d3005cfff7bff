/* `cvd site --probe`: each configured instrument talked to for a few seconds. */
#ifndef CVD_PROBE_H
#define CVD_PROBE_H

#include "site/conf.h"

/* Prints what it found on stdout; returns 0 if all are usable, else 1. */
int site_probe(const struct site_conf *c, int seconds);

#endif
