/* The monthly report's record of the clock's month: time in each state, holdovers with
 * their predictions, re-acquisitions, faults and events, the delays applied, and the
 * steering commands the site's tracks never show it holding. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "report/reportint.h"

#define REPORT_MAX_EVENTS 500

static void add_event(struct report_month *r, int64_t t, const char *kind, const char *text)
{
  if (r->nevents >= REPORT_MAX_EVENTS)
    return;
  struct report_event *e = &r->events[r->nevents++];
  e->t = t;
  snprintf(e->kind, sizeof e->kind, "%s", kind);
  snprintf(e->text, sizeof e->text, "%s", text);
}

static int in_holdover(const char *state, int was)
{
  return strcmp(state, "HOLDOVER") == 0 || (was && strcmp(state, "ALARM") == 0);
}

/* The holdover from start to end: its largest predicted |x| and 95 % bound. */
static int holdover(struct dbc *db, struct report_month *r, int64_t start, int64_t end)
{
  struct report_holdover *h = &r->holds[r->nholds++];
  h->start = start;
  h->end = end;
  h->hours = (double)(end - start) / 3600e9;
  return reportq_predicted_max(db, r->site, tu_slot_start(start), end, &h->max_pred_abs_x_ns,
                               &h->max_bound95_ns);
}

/* Time in LOCKED and in holdover, weighted by how long each row's state held. */
static void shares(struct report_month *r, const struct reportq_state *st, int n)
{
  int64_t end = n ? st[n - 1].t + SLOT_NS : r->from;
  if (end > r->to)
    end = r->to;
  double locked = 0, hold = 0, all = 0;
  int was = 0;
  for (int i = 0; i < n; i++) {
    int64_t a = st[i].t < r->from ? r->from : st[i].t;
    int64_t b = i + 1 < n ? st[i + 1].t : end;
    was = in_holdover(st[i].state, was);
    if (b <= a)
      continue;
    all += (double)(b - a);
    locked += strcmp(st[i].state, "LOCKED") == 0 ? (double)(b - a) : 0;
    hold += was ? (double)(b - a) : 0;
  }
  r->locked_pct = all > 0 ? 100 * locked / all : NAN;
  r->holdover_pct = all > 0 ? 100 * hold / all : NAN;
}

static void store_event_of(void *ctx, int64_t t, const char *kind, const char *msg)
{
  struct report_month *r = ctx;
  if (strcmp(kind, "state") == 0)
    return; /* the steering log's states are read already */
  if (strcmp(kind, "outlier") == 0) {
    r->outliers++;
    return;
  }
  r->faults++;
  add_event(r, t, kind, msg);
}

int report_log(struct dbc *db, struct report_month *r, const struct reportq_state *st, int n,
               int *first_lock)
{
  r->holds = calloc((size_t)n + 1, sizeof *r->holds);
  r->events = calloc(REPORT_MAX_EVENTS, sizeof *r->events);
  if (!r->holds || !r->events)
    return -1;
  shares(r, st, n);
  *first_lock = r->nslots;
  int was = 0;
  int64_t hold_start = 0;
  for (int i = 0; i < n; i++) {
    int64_t t = st[i].t < r->from ? r->from : st[i].t;
    int k = (int)((t - r->from) / SLOT_NS);
    if (strcmp(st[i].state, "ACQUIRING") != 0 && k < *first_lock)
      *first_lock = k;
    int now = in_holdover(st[i].state, was);
    if (now && !was)
      hold_start = t;
    if (!now && was && holdover(db, r, hold_start, t) != 0)
      return -1;
    if (strstr(st[i].reason, "reacquire") || strstr(st[i].reason, "re-acquire")) {
      r->reacquisitions++;
      add_event(r, t, "reacquire", st[i].reason);
    }
    if (strcmp(st[i].state, "ALARM") == 0 && (i == 0 || strcmp(st[i - 1].state, "ALARM") != 0)) {
      r->faults++;
      add_event(r, t, "alarm", st[i].reason);
    }
    was = now;
  }
  int64_t end = n && st[n - 1].t + SLOT_NS < r->to ? st[n - 1].t + SLOT_NS : r->to;
  if (was && holdover(db, r, hold_start, end) != 0)
    return -1;
  return reportq_events(db, r->site, r->from, r->to, store_event_of, r);
}

/* Appends a row when the delays applied by site change (or for its first track). */
static int delay_rows(struct dbc *db, struct report_month *r, const char *site, int64_t **held,
                      int *nheld)
{
  struct track *t = NULL;
  int n = reportq_tracks(db, site, r->from, r->to, &t);
  if (n < 0)
    return -1;
  struct report_delays *last = NULL;
  for (int i = 0; i < n; i++) {
    struct report_delays d = {.from = t[i].slot, .intdly = t[i].intdly, .cabdly = t[i].cabdly,
                              .ppsdly = t[i].ppsdly, .refdly = t[i].refdly};
    snprintf(d.site, sizeof d.site, "%s", site);
    if (last && last->intdly == d.intdly && last->cabdly == d.cabdly &&
        last->ppsdly == d.ppsdly && last->refdly == d.refdly)
      continue;
    void *p = realloc(r->delays, (size_t)(r->ndelays + 1) * sizeof *r->delays);
    if (!p) {
      free(t);
      return -1;
    }
    r->delays = p;
    r->delays[r->ndelays] = d;
    last = &r->delays[r->ndelays++];
  }
  if (held) {
    *held = malloc(((size_t)n + 1) * sizeof **held);
    for (int i = 0; *held && i < n; i++)
      (*held)[i] = t[i].osc.cmd_id;
    *nheld = n;
  }
  free(t);
  return held && !*held ? -1 : 0;
}

int report_delays(struct dbc *db, struct report_month *r)
{
  int64_t *held = NULL, *ids = NULL, *issued = NULL;
  int nheld = 0;
  if (delay_rows(db, r, r->site, &held, &nheld) != 0 || delay_rows(db, r, r->ref, NULL, NULL) != 0) {
    free(held);
    return -1;
  }
  int nc = reportq_commands(db, r->site, r->from, r->to, &ids, &issued);
  if (nc < 0) {
    free(held);
    return -1;
  }
  /* Held ids only grow, track by track; a command no later track holds was refused by the
   * site, lost, or replaced by a newer one before the slot ended. */
  r->commands = nc;
  int j = 0;
  for (int i = 0; i < nc; i++) {
    while (j < nheld && held[j] < ids[i])
      j++;
    if (j < nheld && held[j] != ids[i])
      r->commands_not_held++;
  }
  free(held);
  free(ids);
  free(issued);
  return 0;
}
