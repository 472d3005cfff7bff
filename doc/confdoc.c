/* confdoc: the man pages' lists of configuration directives, made from the tables the
 * programs parse with (core/conf.h), so that the pages cannot disagree with them.
 *
 *   confdoc TABLE            prints TABLE's list as man(7) paragraphs
 *   confdoc --update PAGE TABLE
 *                            replaces the lines between '.\" BEGIN TABLE' and
 *                            '.\" END TABLE' in PAGE with that list
 *
 * TABLE is site, server or scenario.  `make update-man` runs the second form on every
 * page; tests/test_manpages checks that each page holds what the first form prints. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/conf.h"
#include "sim/scenario.h"
#include "site/conf.h"

static const struct conf_item *table(const char *name)
{
  if (strcmp(name, "site") == 0)
    return site_items;
  if (strcmp(name, "server") == 0)
    return server_items;
  if (strcmp(name, "scenario") == 0)
    return scenario_items;
  return NULL;
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return NULL;
  char *text = NULL;
  size_t len = 0, cap = 0, n;
  char buf[4096];
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    if (len + n + 1 > cap) {
      cap = 2 * (len + n + 1);
      char *q = realloc(text, cap);
      if (!q) {
        free(text);
        fclose(f);
        return NULL;
      }
      text = q;
    }
    memcpy(text + len, buf, n);
    len += n;
  }
  fclose(f);
  if (text)
    text[len] = '\0';
  return text;
}

static int update(const char *page, const char *name, const struct conf_item *tab)
{
  char *text = slurp(page), begin[64], end[64];
  snprintf(begin, sizeof begin, ".\\\" BEGIN %s\n", name);
  snprintf(end, sizeof end, ".\\\" END %s\n", name);
  char *b = text ? strstr(text, begin) : NULL, *e = b ? strstr(b, end) : NULL;
  if (!b || !e) {
    fprintf(stderr, "confdoc: %s: no '%.*s' ... '%.*s' block\n", page, (int)strlen(begin) - 1,
            begin, (int)strlen(end) - 1, end);
    free(text);
    return 1;
  }
  FILE *f = fopen(page, "w");
  if (!f) {
    perror(page);
    free(text);
    return 1;
  }
  fwrite(text, 1, (size_t)(b - text) + strlen(begin), f);
  conf_roff(f, tab);
  fputs(e, f);
  free(text);
  return fclose(f) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
  const struct conf_item *tab;
  if (argc == 2 && (tab = table(argv[1]))) {
    conf_roff(stdout, tab);
    return 0;
  }
  if (argc == 4 && strcmp(argv[1], "--update") == 0 && (tab = table(argv[3])))
    return update(argv[2], argv[3], tab);
  fprintf(stderr, "usage: confdoc site|server|scenario\n"
                  "       confdoc --update PAGE site|server|scenario\n");
  return 2;
}
