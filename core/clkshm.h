/* The lockstep clock (CLK_LOCKSTEP of core/clock.h): its shared file and the waits on it.
 * Internal to core/clock.c; the participant calls of clock.h live in clkshm.c. */
#ifndef CVD_CLKSHM_H
#define CVD_CLKSHM_H

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"

/* Maps the clock file at path and makes the calling thread a participant; any earlier
 * mapping is left and unmapped.  Returns 0 with the file's start time in *start, or -1
 * with a message in err and nothing changed. */
int cs_attach(const char *path, int64_t *start, char *err, size_t errlen);
/* Leaves and unmaps the current file, if any. */
void cs_detach(void);

int64_t cs_now(void);
/* Waits until time reaches wake, or *stop, or e (may be NULL) is signalled; the calling
 * thread waits as a participant if it is one.  Returns 1 if signalled (the flag is
 * consumed), 0 when wake was reached, -1 when stopped. */
int cs_wait(int64_t wake, const volatile sig_atomic_t *stop, struct clk_event *e);
void cs_signal(struct clk_event *e);
/* clk_poll for CLK_LOCKSTEP. */
int cs_poll(struct pollfd *fds, nfds_t n, int64_t until);
/* Bytes put in flight on a link (delta > 0: about to be written) or taken out of it
 * (delta < 0: read, discarded, or not written after all); never below zero. */
void cs_io(int64_t delta);

#endif
