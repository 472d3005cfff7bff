/* The site's store-and-forward sending (DESIGN.md section 2): a thread of its own that
 * sends the spool's unacknowledged tracks to the server, oldest first, in batches, and
 * brings back the steering command of each response.  A failed exchange is retried with
 * a backoff that doubles from retry_min_s to retry_max_s (service seconds); a track
 * leaves the queue only when the server has acknowledged it (queue.h).  A slow or absent
 * server never delays a measurement: the measuring thread only kicks the sender, gives it
 * the oscillator's report and takes the newest command, all without waiting. */
#ifndef CVD_UPLOAD_SENDER_H
#define CVD_UPLOAD_SENDER_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>

#include "core/clock.h"
#include "core/command.h"
#include "upload/conf.h"
#include "core/msg.h"



struct upl_sender {
  struct upl_conf conf;
  char spool_path[1024];
  pthread_t thread;
  int started;
  int clk_slot;               /* the thread's place on a lockstep clock */
  volatile sig_atomic_t stop;
  struct clk_event wake;      /* a kick, or the stop */
  pthread_mutex_t mtx;        /* guards what follows */
  int have_cmd;
  struct steer_cmd cmd;       /* the newest command received, not yet taken */
  int have_report;
  struct osc_report report;   /* the oscillator as last published */
};

/* Opens the sender's own connection to the spool and starts its thread, which sends at
 * once what the spool holds.  report: the oscillator's state to send first.  0 or -1. */
int upl_sender_start(struct upl_sender *s, const struct upl_conf *c, const char *spool_path,
                     const struct osc_report *report, char *err, size_t errlen);
/* Stops the thread (an exchange under way ends within the timeout) and waits for it. */
void upl_sender_stop(struct upl_sender *s);

/* New tracks are in the spool: send them now. */
void upl_sender_kick(struct upl_sender *s);
/* The oscillator's state, for the next request. */
void upl_sender_publish(struct upl_sender *s, const struct osc_report *r);
/* The newest command received since the last call: 1 with *c, or 0. */
int upl_sender_take_command(struct upl_sender *s, struct steer_cmd *c);

#endif
