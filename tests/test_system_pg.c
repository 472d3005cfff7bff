/* test_system's scenarios with the server's store on a real PostgreSQL server (issue 13):
 * the same tests, the cluster pointed at a server this program starts (tests/pgtest.h,
 * tests/cluster.h's $CVD_TEST_PG_HOST), each cluster on a database of its own. */
#define main test_system_main
int test_system_main(void);
#include "tests/test_system.c"
#undef main

#include "tests/pgtest.h"

int main(void)
{
  char why[1024];
  int rc = pgtest_start(why, sizeof why);
  if (rc != 0) {
    fprintf(stderr, "test_system_pg: %s\n", why);
    return rc == 77 ? 77 : 99;
  }
  rc = test_system_main();
  pgtest_stop();
  return rc;
}
