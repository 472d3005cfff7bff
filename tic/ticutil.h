/* What the instrument drivers share besides labelling (ticlabel.h). */
#ifndef CVD_TICUTIL_H
#define CVD_TICUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "tic/tic.h"

/* Counts what a driver skips, an input line that is not a reading (garbage) or a
 * reading that cannot be labelled with its second (late), in t->counts.garbage (the
 * generic counts have no field of their own for late readings), and logs it: the first
 * ten of a driver's life and then every hundredth, so a babbling instrument cannot flood
 * the log. */
void tic_skip(struct tic *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a reading that came too late to name its second (counts.late). */
void tic_late(struct tic *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads option `key`, one of the NULL-terminated `choices`, into *out as its index
 * (def when absent).  0, or -1 with err naming the option and the choices. */
int tic_opt_choice(const struct drvconf *c, const char *key, const char *const *choices,
                   int def, int *out, char *err, size_t errlen);
/* Reads `baud=` (def when absent), one of the rates core/serial supports. */
int tic_opt_baud(const struct drvconf *c, int def, int *out, char *err, size_t errlen);

#endif
