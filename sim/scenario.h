/* The simulated network (DESIGN.md section 3): one ideal reference clock `ref` and remote
 * rubidium clocks `r1`..`rN`, GPS errors common to all sites, and each site's receiver
 * errors.  A scenario is read from a file in config syntax; every directive and its
 * default is in cvd-simulate(1).  Times in a scenario are hours from its start. */
#ifndef CVD_SIM_SCENARIO_H
#define CVD_SIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "core/conf.h"

/* Remotes of a network of processes (cvd demo, netconf: one process each). */
#define SIM_MAX_REMOTES 64
/* Remotes of a network simulated in one process (cvd simulate): its arrays are allocated
 * to fit; the bound only stops a typo asking for more memory than any machine has. */
#define SIM_REMOTES_LIMIT 100000
/* Remotes that common_clock can name (a bit each in struct scenario's ideal). */
#define SIM_IDEAL_MAX 64
#define SIM_MAX_EVENTS 64

enum { SIM_ALL = -1, SIM_REF = 0 }; /* site index: 0 ref, k >= 1 remote rk */

struct sim_freq_step { double hour, size; int site; };          /* site: SIM_ALL or k */
struct sim_outage { double start_h, dur_h; int site; };          /* SIM_ALL, SIM_REF or k */
struct sim_delay_step { double hour, ns; int site; };             /* SIM_REF or k */
/* A site daemon stopped for dur_h (site_freeze) or killed and started again at start_h
 * (site_restart, dur_h 0); the server killed and started again (site SIM_SERVER). */
struct sim_host_event { double start_h, dur_h; int site; };
enum { SIM_SERVER = -2 };
/* A site's host clock reading `seconds` off UTC for dur_h hours from start_h (a wrong NTP
 * step and its correction, a bad RTC at boot): what its instruments' readings are labelled
 * with, while its receiver keeps the true time. */
struct sim_clock_step { double start_h, dur_h, seconds; int site; };

struct scenario {
  int64_t start;            /* UTC ns of hour 0 [2025-01-01T00:00:00Z] */
  int start_given;          /* `start` was in the file (else a site on the real clock
                               starts the scenario when it starts) */
  double days;              /* [30] */
  uint64_t seed;            /* [1] */
  int remotes;              /* [3] */
  /* Remote rubidium clocks. */
  double rb_adev_1s;        /* white FM, as ADEV at 1 s [1e-11] */
  double rb_flicker_floor;  /* flicker FM, as ADEV [2e-13] */
  double rb_rwfm_adev_1d;   /* random-walk FM, as ADEV at 1 day [0] */
  double rb_drift_per_day;  /* [1e-12] */
  double init_time_ns;      /* x at the start [3000] */
  double init_freq;         /* y at the start [1e-10] */
  int has_phase_step;       /* the oscillator accepts phase steps, as a PRS10 does [yes] */
  unsigned long long ideal; /* bit k-1: remote rk runs on the reference's clock (a
                               common-clock calibration run); read with scenario_ideal() */
  /* Common view and receivers. */
  double cv_noise_ns;       /* white PM of one 10-minute CV difference, half at each end [2] */
  double cv_diurnal_ns;     /* 24 h delay variation at each remote [0] */
  double gps_common_ns;     /* rms of the error common to all sites [5] */
  double rx_white_ns;       /* white noise of the 1PPS at 1 s, each site [3] */
  double rx_sawtooth_ns;    /* peak-to-peak sawtooth of the 1PPS, reported as qErr [8] */
  double tic_resolution_ns; /* [0.06] */
  struct sim_freq_step freq_steps[SIM_MAX_EVENTS];
  int n_freq_steps;
  struct sim_outage outages[SIM_MAX_EVENTS];
  int n_outages;
  struct sim_delay_step delay_steps[SIM_MAX_EVENTS];
  int n_delay_steps;
  /* Hosts: daemons frozen (SIGSTOP), sites and the server killed and restarted. */
  struct sim_host_event freezes[SIM_MAX_EVENTS];
  int n_freezes;
  struct sim_host_event restarts[SIM_MAX_EVENTS];
  int n_restarts;
  struct sim_clock_step clock_steps[SIM_MAX_EVENTS];
  int n_clock_steps;
};

/* The scenario's directives (core/conf.h): parsing, defaults, help and writing back. */
extern const struct conf_item scenario_items[];

void scenario_defaults(struct scenario *sc);
/* Reads directives into sc (which holds defaults or earlier values).  Returns 0, or -1
 * with "FILE:LINE: message" in err. */
int scenario_parse_file(const char *path, struct scenario *sc, char *err, size_t errlen);
/* Checks what single directives cannot: events name existing remotes. */
int scenario_check(const struct scenario *sc, char *err, size_t errlen);
/* Writes the scenario back in its own syntax (for child processes of `demo`). */
int scenario_write(const struct scenario *sc, const char *path);

/* Site index of a name ("ref" 0, "rK" K), or -1. */
/* Whether site k (0 the reference, k the remote rk) runs on the reference's clock. */
int scenario_ideal(const struct scenario *sc, int k);

int scenario_site_index(const struct scenario *sc, const char *name);
/* Name of site index k into buf. */
const char *scenario_site_name(int k, char *buf, size_t n);
/* 1 if the site's track of the slot starting at slot_start is lost to an outage. */
int scenario_slot_lost(const struct scenario *sc, int site, int64_t slot_start);
/* 1 if no command reaches any site at time t (an `all` outage). */
int scenario_commands_cut(const struct scenario *sc, int64_t t);
/* How far site's host clock reads from UTC at UTC t (host_clock_step), ns. */
int64_t scenario_host_offset(const struct scenario *sc, int site, int64_t t);
/* 1 if site's daemon is frozen at t (site_freeze). */
int scenario_frozen(const struct scenario *sc, int site, int64_t t);
/* 1 if site's daemon (SIM_SERVER: the server) is killed and restarted at t, a whole
 * second. */
int scenario_restart_at(const struct scenario *sc, int site, int64_t t);
/* 1 if an outage cuts site's network at t (an `all` outage, or one naming it: `ref` cuts
 * the reference alone) -- cvd demo's view of an outage, where simulate loses the slots. */
int scenario_link_cut(const struct scenario *sc, int site, int64_t t);
/* The first time after `after` at which a host fault or an outage begins or ends, or
 * INT64_MAX. */
int64_t scenario_next_event(const struct scenario *sc, int64_t after);
/* 1 if a host restart of site (SIM_SERVER: the server) falls in (after, upto]. */
int scenario_restart_in(const struct scenario *sc, int site, int64_t after, int64_t upto);
/* The time of hour h of the scenario, rounded to the second. */
int64_t scenario_time(const struct scenario *sc, double h);

#endif
