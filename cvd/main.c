/* cvd: common-view disciplined clock service.  Subcommand dispatch. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvd/cmd.h"

static char self_path[PATH_MAX];

const char *cvd_self_path(void) { return self_path; }

static void usage(FILE *out)
{
  fprintf(out, "Usage: cvd SUBCOMMAND [OPTIONS]\n"
               "       cvd help SUBCOMMAND\n"
               "       cvd --version\n\n"
               "cvd holds remote rubidium clocks to a timing lab's reference by GPS common view.\n\n"
               "Subcommands:\n");
  for (const struct cvd_cmd *c = cvd_commands; c->name; c++)
    fprintf(out, "  %-10s %s\n", c->name, c->summary);
  fprintf(out, "\nEach subcommand describes its options with --help.\n");
}

static const struct cvd_cmd *find(const char *name)
{
  for (const struct cvd_cmd *c = cvd_commands; c->name; c++)
    if (strcmp(c->name, name) == 0)
      return c;
  return NULL;
}

int main(int argc, char **argv)
{
  ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
  if (n > 0)
    self_path[n] = '\0';
  else
    snprintf(self_path, sizeof self_path, "%s", argv[0]);

  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("cvd %s\n", PACKAGE_VERSION);
    return 0;
  }
  if (strcmp(argv[1], "help") == 0) {
    if (argc < 3) {
      usage(stdout);
      return 0;
    }
    const struct cvd_cmd *c = find(argv[2]);
    if (!c) {
      fprintf(stderr, "cvd: unknown subcommand '%s'\n", argv[2]);
      return EXIT_USAGE;
    }
    c->help(stdout);
    return 0;
  }
  const struct cvd_cmd *c = find(argv[1]);
  if (!c) {
    fprintf(stderr, "cvd: unknown subcommand '%s' (cvd --help lists them)\n", argv[1]);
    return EXIT_USAGE;
  }
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0)
      break;
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      c->help(stdout);
      return 0;
    }
  }
  return c->run(argc - 1, argv + 1);
}
