#include "config.h"
#include "sim/netconf.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "core/sign.h"

const char *netconf_path(const struct netconf *n, const char *file, char *buf, size_t len)
{
  snprintf(buf, len, "%s/%s", n->dir, file);
  return buf;
}

int netconf_init(struct netconf *n, const char *dir, int port, int nsites, const char *clock,
                 char *err, size_t errlen)
{
  memset(n, 0, sizeof *n);
  if (nsites < 2 || nsites > SIM_MAX_REMOTES + 1) {
    snprintf(err, errlen, "a network of %d sites", nsites);
    return -1;
  }
  snprintf(n->dir, sizeof n->dir, "%s", dir);
  snprintf(n->clock, sizeof n->clock, "%s", clock);
  n->port = port;
  n->nsites = nsites;
  n->web = 1;
  for (int k = 0; k < nsites; k++) {
    n->site_port[k] = port;
    if (sign_random_hex(n->secret[k], 32) != 0) {
      snprintf(err, errlen, "no random source for the secrets");
      return -1;
    }
  }
  return 0;
}

static int write_file(const struct netconf *n, const char *file, const char *text, char *err,
                      size_t errlen)
{
  char path[1200];
  netconf_path(n, file, path, sizeof path);
  /* The files hold the sites' secrets: their owner alone reads them (issue 10). */
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f && fd >= 0)
    close(fd);
  if (f && fchmod(fd, 0600) == 0) {
    fputs(text, f);
    if (fclose(f) == 0)
      return 0;
  } else if (f) {
    fclose(f);
  }
  snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
  return -1;
}

int netconf_write_scenario(const struct netconf *n, const struct scenario *sc, char *err,
                           size_t errlen)
{
  char path[1200];
  if (scenario_write(sc, netconf_path(n, "scenario.conf", path, sizeof path)) == 0)
    return 0;
  snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
  return -1;
}

int netconf_write_server(const struct netconf *n, char *err, size_t errlen)
{
  char text[16384], name[16];
  int off = snprintf(text, sizeof text,
                     "# a simulated network's server\nlisten 127.0.0.1 %d\ndatabase %s/server.db\n"
                     "reference ref\nweb %s\nclock %s\n",
                     n->port, n->dir, n->web ? "yes" : "no", n->clock);
  if (n->tls_cert[0])
    off += snprintf(text + off, sizeof text - (size_t)off, "tls_certificate %s\ntls_key %s\n",
                    n->tls_cert, n->tls_key);
  else
    off += snprintf(text + off, sizeof text - (size_t)off, "plain_http yes\n");
  if (n->servo[0])
    off += snprintf(text + off, sizeof text - (size_t)off, "servo %s\n", n->servo);
  for (int k = 0; k < n->nsites; k++)
    off += snprintf(text + off, sizeof text - (size_t)off, "site %s %s\n",
                    scenario_site_name(k, name, sizeof name), n->secret[k]);
  snprintf(text + off, sizeof text - (size_t)off, "%s", n->server_extra);
  return write_file(n, "server.conf", text, err, errlen);
}

int netconf_write_site(const struct netconf *n, int k, char *err, size_t errlen)
{
  char text[8192], name[16], file[32], tls[1400];
  scenario_site_name(k, name, sizeof name);
  if (!n->tls_cert[0])
    snprintf(tls, sizeof tls, "plain_http yes\n");
  else
    snprintf(tls, sizeof tls, "%s%s%s%s%s%s", n->tls_ca[0] ? "tls_ca " : "", n->tls_ca,
             n->tls_ca[0] ? "\n" : "", n->tls_pin[0] ? "tls_pin " : "", n->tls_pin,
             n->tls_pin[0] ? "\n" : "");
  /* The simulated oscillator keeps its setting across restarts of its daemon there. */
  snprintf(file, sizeof file, "%s.hw", name);
  snprintf(text, sizeof text,
           "# a simulated network's site\nname %s\nserver %s://127.0.0.1:%d\nsecret %s\n"
           "spool %s/%s.db\ntic sim\nreceiver sim\noscillator %s%s%s%s\n"
           "simulation %s/scenario.conf\nclock %s\n%s%s",
           name, n->tls_cert[0] ? "https" : "http", n->site_port[k], n->secret[k], n->dir, name,
           k ? "sim state=" : "none", k ? n->dir : "", k ? "/" : "", k ? file : "", n->dir,
           n->clock, tls, n->site_extra);
  snprintf(file, sizeof file, "%s.conf", name);
  return write_file(n, file, text, err, errlen);
}
