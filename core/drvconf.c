#include "config.h"
#include "core/drvconf.h"

#include <stdio.h>
#include <string.h>

#include "core/conf.h"

int drvconf_parse(int argc, char **argv, struct drvconf *c, char *err, size_t errlen)
{
  memset(c, 0, sizeof *c);
  if (argc < 1) {
    snprintf(err, errlen, "missing driver name");
    return -1;
  }
  if (conf_string("driver", argv[0], c->driver, sizeof c->driver, err, errlen))
    return -1;
  for (int i = 1; i < argc; i++) {
    const char *eq = strchr(argv[i], '=');
    if (!eq) {
      if (i != 1) {
        snprintf(err, errlen, "'%s': options are KEY=VALUE, and only the device comes bare",
                 argv[i]);
        return -1;
      }
      if (conf_string("device", argv[i], c->device, sizeof c->device, err, errlen))
        return -1;
      continue;
    }
    if (c->n_opts == DRVCONF_MAX_OPTS) {
      snprintf(err, errlen, "more than %d options", DRVCONF_MAX_OPTS);
      return -1;
    }
    size_t klen = (size_t)(eq - argv[i]);
    if (klen == 0 || klen >= sizeof c->key[0]) {
      snprintf(err, errlen, "bad option '%s'", argv[i]);
      return -1;
    }
    memcpy(c->key[c->n_opts], argv[i], klen);
    c->key[c->n_opts][klen] = '\0';
    if (drvconf_get(c, c->key[c->n_opts])) {
      snprintf(err, errlen, "option '%s' given twice", c->key[c->n_opts]);
      return -1;
    }
    if (conf_string(c->key[c->n_opts], eq + 1, c->val[c->n_opts], sizeof c->val[0], err, errlen))
      return -1;
    c->n_opts++;
  }
  return 0;
}

const char *drvconf_get(const struct drvconf *c, const char *key)
{
  for (int i = 0; i < c->n_opts; i++)
    if (strcmp(c->key[i], key) == 0)
      return c->val[i];
  return NULL;
}

int drvconf_check_keys(const struct drvconf *c, const char *const *known, char *err,
                       size_t errlen)
{
  for (int i = 0; i < c->n_opts; i++) {
    int ok = 0;
    for (const char *const *k = known; *k; k++)
      if (strcmp(*k, c->key[i]) == 0)
        ok = 1;
    if (!ok) {
      snprintf(err, errlen, "driver '%s' has no option '%s'", c->driver, c->key[i]);
      return -1;
    }
  }
  return 0;
}

int drvconf_double(const struct drvconf *c, const char *key, double min, double max,
                   double *out, char *err, size_t errlen)
{
  const char *v = drvconf_get(c, key);
  if (!v)
    return 0;
  return conf_double(key, v, min, max, out, err, errlen);
}

static const char *entry_name(const void *entry) { return *(const char *const *)entry; }

const void *drvtab_find(const void *const *table, const char *name)
{
  for (int i = 0; table[i]; i++)
    if (strcmp(entry_name(table[i]), name) == 0)
      return table[i];
  return NULL;
}

const char *drvtab_names(const void *const *table, char *buf, size_t n)
{
  buf[0] = '\0';
  for (int i = 0; table[i]; i++)
    snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", i ? ", " : "", entry_name(table[i]));
  return buf;
}
