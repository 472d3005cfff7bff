/* gpsd's JSON as the site's receiver driver takes it (receiver/rx_gpsd.c): each line of
 * the input is one message, unpacked by libgps's gps_unpack as gps_read() unpacks it and
 * mapped into the receiver's state by the driver (rx_gpsd_feed), one second of the
 * (manual) clock apart; then the state is aged (rx_poll) and the qErr of a few seconds
 * asked for (rx_qerr).  Whatever gpsd says, the state stays within its bounds.
 *
 * libgps 3.22 (Debian 12) itself loops forever on lines that gpsd never writes (found
 * here; its JSON reader was reworked upstream after 3.22): text that is not one JSON
 * object, an object with a key twice ("class" first TOFF then WATCH), an array of objects
 * where it expects none (in a TPV), a "class" inside before the message's own, and a DEVICES list holding a device it cannot read (a
 * member of the wrong type, a string too long for its field, another class).  The target
 * does not hand libgps a line that jansson does not read as one object without a key
 * given twice, that has a member which is an object or an array of anything but strings
 * and numbers (SKY's satellites excepted), that does not begin with its "class" (as
 * gpsd's do) or has another, or that holds DEVICES or a "devices" key anywhere; so the driver's use of the device list (the receiver's model) is not fuzzed.
 * The site's driver reads gpsd through libgps and trusts gpsd to write what it
 * documents. */
#include "config.h"

#include <jansson.h>
#include <string.h>

#include "core/clock.h"
#include "core/timeutil.h"
#include "receiver/rx_gpsd.h"
#include "tests/fuzz/fuzzutil.h"

const char fuzz_target_name[] = "gpsd";

/* 1 if libgps 3.22 could loop forever on the line (above). */
static int libgps_loops(const char *line)
{
  json_t *j = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
  int loops = !json_is_object(j);
  const char *key;
  json_t *v;
  json_object_foreach(j, key, v) {
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
      loops |= !json_is_string(e) && !json_is_number(e) && strcmp(key, "satellites") != 0;
    loops |= json_is_object(v);
  }
  json_decref(j);
  /* libgps picks its reader by looking for the class names in the raw text, wherever
   * they are (a path ending in DEVICES will do). */
  return loops || strstr(line, "DEVICES") || strstr(line, "\"devices\"") ||
         strncmp(line, "{\"class\":\"", 9) != 0 || strstr(line + 1, "\"class\"");
}

static void check(const struct rx_state *s)
{
  FUZZ_ASSERT(s->n_sats >= 0 && s->n_sats <= RX_MAX_SATS);
  FUZZ_ASSERT(s->sats_used >= 0 && s->sats_used <= s->n_sats);
  FUZZ_ASSERT(s->fix >= RX_FIX_NODATA && s->fix <= RX_FIX_TIME);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  char *argv[] = {"gpsd", "localhost", "pps_wait=0"};
  struct drvconf c;
  char err[512], line[8192];
  FUZZ_ASSERT(drvconf_parse(3, argv, &c, err, sizeof err) == 0);
  struct receiver rx;
  FUZZ_ASSERT(rx_gpsd_open_offline(&rx, &c, err, sizeof err) == 0);
  const uint8_t *p = data, *end = data + size;
  while (fuzz_line(&p, end, line, sizeof line)) {
    if (!libgps_loops(line))
      rx_gpsd_feed(&rx, line, clk_now());
    check(&rx.state);
    clk_set(clk_now() + NS_PER_S);
  }
  FUZZ_ASSERT(rx_poll(&rx, clk_now(), err, sizeof err) == 0);
  check(&rx.state);
  for (int64_t s = FUZZ_T0 - 2 * NS_PER_S; s <= clk_now(); s += NS_PER_S) {
    int64_t ps;
    rx_qerr(&rx, s, &ps);
  }
  rx_close(&rx);
  return 0;
}
