/* The site daemon's configuration file, parsed exactly as `cvd site -c FILE` parses it
 * (site_conf_default, then site_conf_load on the file) without starting anything.  The
 * input is written to a private file of mode 0600, as a file holding a secret must be.
 * A configuration that loads has a site name, a server URL and a secret. */
#include "config.h"

#include <string.h>

#include "core/track.h"
#include "site/conf.h"
#include "tests/fuzz/fuzzutil.h"

const char fuzz_target_name[] = "conf_site";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  char path[FUZZ_PATH_MAX], err[1024];
  fuzz_file("site.conf", data, size, path, sizeof path);
  struct site_conf c;
  site_conf_default(&c);
  if (site_conf_load(path, &c, err, sizeof err) != 0) {
    FUZZ_ASSERT(strncmp(err, path, strlen(path)) == 0);
    return 0;
  }
  FUZZ_ASSERT(site_name_ok(c.name));
  FUZZ_ASSERT(c.up.server[0] && c.up.secret[0]);
  FUZZ_ASSERT(c.spool[0] && c.tic.driver[0] && c.receiver.driver[0] && c.osc.driver[0]);
  return 0;
}
