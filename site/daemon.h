/* The site daemon's measuring loop (DESIGN.md section 1): the site core steps once a
 * second; each stored track kicks the sender, each command the sender brought back is
 * applied, the oscillator's state is published for the next upload, and the spool is
 * pruned of acknowledged tracks older than keep_days once a day.  The sender runs in its
 * own thread (upload/sender.h), so a slow or absent server never delays a measurement. */
#ifndef CVD_SITE_DAEMON_H
#define CVD_SITE_DAEMON_H

#include <signal.h>

#include "site/core.h"
#include "upload/sender.h"

/* Runs until *stop is set; logs its start and end. */
void site_run(struct site_core *core, struct upl_sender *snd, const volatile sig_atomic_t *stop);

#endif
