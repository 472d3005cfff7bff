/* The simulated instruments of one site: its clock (ideal at `ref`, a simulated rubidium
 * at a remote), its GPS receiver's 1PPS and the TIC between them.  The simulated TIC,
 * receiver and oscillator drivers share one sim_site. */
#ifndef CVD_SIM_SITE_H
#define CVD_SIM_SITE_H

#include <stdint.h>

#include "sim/rb.h"
#include "sim/scenario.h"

struct sim_site {
  struct scenario sc;  /* own copy */
  int index;           /* 0 ref, k remote rk */
  int ideal;           /* on the reference's clock: the ref, or a common_clock remote */
  char name[32];
  struct sim_rb rb;    /* remotes not on the reference's clock */
};

/* Returns 0, or -1 when the name is not a site of the scenario. */
int sim_site_init(struct sim_site *s, const struct scenario *sc, const char *name);
void sim_site_free(struct sim_site *s);

/* The reading a TIC started by the local 1PPS and stopped by the receiver's would give
 * for the pulses of second t, in seconds within [0, 1) as a counter reports it, and the
 * receiver's qErr for that pulse in ps.  Advances the clock to t. */
double sim_site_tic(struct sim_site *s, int64_t t, int64_t *qerr_ps);
/* True x = LOCAL - REF at t (after sim_site_tic has reached t's second). */
double sim_site_true_x(const struct sim_site *s, int64_t t);
void sim_site_set_freq(struct sim_site *s, double correction);
/* Returns 0, or -1 if this oscillator takes no phase steps. */
int sim_site_phase_step(struct sim_site *s, double ns);
/* The hardware runs on to t without anyone reading it (a frozen daemon's clock). */
void sim_site_run(struct sim_site *s, int64_t t);
/* The oscillator's steering as its hardware holds it (sim/rb.h); -1 at an ideal site. */
int sim_site_hw_get(const struct sim_site *s, struct sim_rb_hw *hw);
int sim_site_hw_set(struct sim_site *s, const struct sim_rb_hw *hw);
/* Satellites in view and used at t. */
void sim_site_sats(const struct sim_site *s, int64_t t, int *visible, int *used);

#endif
