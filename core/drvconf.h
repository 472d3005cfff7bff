/* The arguments of a driver directive (`tic`, `receiver`, `oscillator`):
 *   DIRECTIVE DRIVER [DEVICE] [KEY=VALUE ...]
 * The driver checks its own keys when it opens, so an unknown key is still an error that
 * names the directive. */
#ifndef CVD_DRVCONF_H
#define CVD_DRVCONF_H

#include <stddef.h>

#define DRVCONF_MAX_OPTS 12

struct drvconf {
  char driver[32];
  char device[256]; /* "" when none */
  int n_opts;
  char key[DRVCONF_MAX_OPTS][32];
  char val[DRVCONF_MAX_OPTS][128];
  /* The driver's context, set by whoever opens the driver, never by the file: the
   * simulated drivers find their simulated site (struct sim_site) here; NULL otherwise. */
  void *ctx;
};

int drvconf_parse(int argc, char **argv, struct drvconf *c, char *err, size_t errlen);
/* The value of key, or NULL. */
const char *drvconf_get(const struct drvconf *c, const char *key);
/* Fails naming the first key not in the NULL-terminated list `known`. */
int drvconf_check_keys(const struct drvconf *c, const char *const *known, char *err,
                       size_t errlen);
/* Reads an optional number option; 0 if absent (out untouched) or valid, -1 otherwise. */
int drvconf_double(const struct drvconf *c, const char *key, double min, double max,
                   double *out, char *err, size_t errlen);

/* Driver tables: NULL-terminated arrays of pointers to driver structs whose first member
 * is the name (const char *).  Find one by name, or list the names comma-separated. */
const void *drvtab_find(const void *const *table, const char *name);
const char *drvtab_names(const void *const *table, char *buf, size_t n);

#endif
