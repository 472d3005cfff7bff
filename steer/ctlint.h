/* Inside steer/: what the controller's two files share (ctl.c: states, measurements,
 * holdover, saving; ctl_cmd.c: what the site holds and will hold, and the commands made
 * from the servo's proposals within the one set of limits). */
#ifndef CVD_CTLINT_H
#define CVD_CTLINT_H

#include "steer/ctl.h"

/* Which limits a command is made within: the site's (core/command.h), as the site will
 * apply them: acquisition before any lock; after one, the locked clock's, or the
 * re-acquisition's while the servo re-acquires (or the site was locked before this
 * controller was, after a lost store). */
enum ctl_mode { CTL_ACQUIRE = 0, CTL_LOCKED, CTL_REACQUIRE };

/* A step issued that the site has not reported applying yet. */
int ctl_step_pending(const struct ctl *c);
/* The steering phase the site will have at t under the command it holds. */
double ctl_steer_at(const struct ctl *c, int64_t t);
/* The steering phase already commanded that is still to come after t. */
double ctl_committed_after(const struct ctl *c, int64_t t);
/* The frequency steering (without slew) the site holds at t. */
double ctl_hold_at(const struct ctl *c, int64_t t);
/* 1 if the site said it had taken a locked command (its limits are locked ones). */
int ctl_site_locked(const struct ctl *c);
enum ctl_mode ctl_mode(const struct ctl *c, int servo_reacquires);

/* The command for the servo's proposal out at now, within the limits of mode; d->reason
 * gets what was bounded.  Returns 1 with *cmd, or 0 when the site would refuse even the
 * bounded command (then nothing is sent, and d->reason says why). */
int ctl_make_command(struct ctl *c, const struct servo_out *out, int can_step, enum ctl_mode mode,
                     int64_t now, struct steer_cmd *cmd, struct ctl_decision *d);

#endif
