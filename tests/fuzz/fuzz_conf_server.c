/* The server's configuration file, parsed exactly as `cvd server -c FILE` parses it
 * (server_conf_default, then server_conf_load on the file) without starting anything.
 * The input is written to a private file of mode 0600, as a file holding secrets must
 * be.  A configuration that loads names a reference that is one of its sites, and every
 * site has a key. */
#include "config.h"

#include <string.h>

#include "server/conf.h"
#include "tests/fuzz/fuzzutil.h"

const char fuzz_target_name[] = "conf_server";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  char path[FUZZ_PATH_MAX], err[1024];
  fuzz_file("server.conf", data, size, path, sizeof path);
  static struct server_conf c; /* large: not on the stack */
  server_conf_default(&c);
  if (server_conf_load(path, &c, err, sizeof err) != 0) {
    FUZZ_ASSERT(strncmp(err, path, strlen(path)) == 0);
    server_app_conf_free(&c.app);
    return 0;
  }
  int ref = 0;
  for (int i = 0; i < c.app.n_sites; i++) {
    FUZZ_ASSERT(c.app.sites[i].n_keys >= 1);
    ref |= strcmp(c.app.sites[i].name, c.app.reference) == 0;
  }
  FUZZ_ASSERT(ref);
  FUZZ_ASSERT(c.web.port >= 1 && c.web.port <= 65535);
  server_app_conf_free(&c.app);
  return 0;
}
