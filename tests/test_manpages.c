/* The man pages list every configuration directive as its table says (core/conf.h):
 * each page's generated block is what conf_roff makes of the table the program parses
 * with.  After changing a table, `make update-man` rewrites the blocks. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/conf.h"
#include "sim/scenario.h"
#include "site/conf.h"
#include "tests/testutil.h"

static void check_page(const char *page, const char *name, const struct conf_item *tab)
{
  char path[1024], begin[64], end[64];
  snprintf(path, sizeof path, "%s/doc/%s", th_srcdir(), page);
  char *text = th_read_file(path);
  ck_assert_msg(text != NULL, "cannot read %s", path);
  snprintf(begin, sizeof begin, ".\\\" BEGIN %s\n", name);
  snprintf(end, sizeof end, ".\\\" END %s\n", name);
  char *b = strstr(text, begin), *e = b ? strstr(b, end) : NULL;
  ck_assert_msg(b && e, "%s: no generated block for %s", page, name);
  b += strlen(begin);
  char *want = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&want, &len);
  conf_roff(f, tab);
  fclose(f);
  ck_assert_msg(len == (size_t)(e - b) && memcmp(want, b, len) == 0,
                "%s lists the %s directives otherwise than the table does: run `make "
                "update-man`", page, name);
  /* And so every directive is there, by name. */
  for (const struct conf_item *it = tab; it->type != CONF_END; it++)
    if (it->type != CONF_INCLUDE) {
      char tp[128];
      snprintf(tp, sizeof tp, ".TP\n\\fB%s\\fR", it->name);
      ck_assert_msg(strstr(b, tp) != NULL, "%s does not list %s", page, it->name);
    }
  free(want);
  free(text);
}

START_TEST(test_site_page) { check_page("cvd-site.8", "site", site_items); }
END_TEST

START_TEST(test_server_page) { check_page("cvd-server.8", "server", server_items); }
END_TEST

START_TEST(test_simulate_page) { check_page("cvd-simulate.1", "scenario", scenario_items); }
END_TEST

int main(void)
{
  Suite *s = suite_create("manpages");
  TCase *tc = tcase_create("manpages");
  tcase_add_test(tc, test_site_page);
  tcase_add_test(tc, test_server_page);
  tcase_add_test(tc, test_simulate_page);
  suite_add_tcase(s, tc);
  return th_run_suite(s, CK_NORMAL);
}
