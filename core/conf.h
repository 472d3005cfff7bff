/* Configuration files (DESIGN.md section 4): plain text, one directive per line, words
 * separated by blanks, '#' starts a comment.  Each caller gives a table of the directives
 * it knows; an unknown or malformed directive is an error naming the file and line. */
#ifndef CVD_CONF_H
#define CVD_CONF_H

#include <stddef.h>

#define CONF_MAX_ARGS 16

/* Handles one directive's arguments (argv[0] is the first argument, not the name).
 * Returns 0, or -1 after writing what was wrong into err (without file and line). */
typedef int (*conf_handler)(void *user, int argc, char **argv, char *err, size_t errlen);

struct conf_directive {
  const char *name;
  int min_args, max_args;
  conf_handler handle;
};

/* Parse a file or a text; the directives are looked up in tab, which ends with a NULL
 * name.  The first error stops parsing and is returned as -1 with
 * "FILE:LINE: message" in err. */
int conf_parse_file(const char *path, const struct conf_directive *tab, void *user,
                    char *err, size_t errlen);
int conf_parse_text(const char *name, const char *text, const struct conf_directive *tab,
                    void *user, char *err, size_t errlen);

/* Strict conversions for handlers: the whole word must be the value.  Each returns 0, or
 * -1 after writing "bad NAME 'WORD' (want ...)" into err. */
int conf_double(const char *what, const char *s, double min, double max, double *out,
                char *err, size_t errlen);
int conf_int(const char *what, const char *s, long long min, long long max, long long *out,
             char *err, size_t errlen);
int conf_bool(const char *what, const char *s, int *out, char *err, size_t errlen);
/* Copies s into out (of size n); fails if it does not fit or is empty. */
int conf_string(const char *what, const char *s, char *out, size_t n, char *err, size_t errlen);

#endif
