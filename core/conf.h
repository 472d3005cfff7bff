/* Configuration files (DESIGN.md section 4): plain text, one directive per line, words
 * separated by blanks, '#' starts a comment.  An unknown or malformed directive is an
 * error naming the file and line.
 *
 * Each configuration is one table of struct conf_item (its name, arguments, default,
 * bounds, help line), from which everything is made: parsing (conf_parse_file), the
 * defaults (conf_defaults), the directive list of --help (conf_help), the man page's
 * list (conf_roff) and, where every item can write itself, the file back (conf_write).
 * A default is written as the directive's arguments and goes through the same parsing
 * as the file, so it cannot disagree with what the help says. */
#ifndef CVD_CONF_H
#define CVD_CONF_H

#include <stddef.h>
#include <stdio.h>

#define CONF_MAX_ARGS 16

/* Handles one directive's arguments (argv[0] is the first argument, not the name) for
 * the configuration struct conf.  Returns 0, or -1 after writing what was wrong into err
 * (without file and line). */
typedef int (*conf_handler)(void *conf, int argc, char **argv, char *err, size_t errlen);

enum conf_type {
  CONF_END = 0,    /* ends a table */
  CONF_DOUBLE,     /* a double, within [lo, hi], stored times scale */
  CONF_INT,        /* an integer within [lo, hi] into an int (size 4) or an int64_t (8),
                      stored times scale */
  CONF_BOOL,       /* yes/no into an int */
  CONF_STRING,     /* into a char array of `size` */
  CONF_CUSTOM,     /* parse(conf, ...) with min_args to max_args arguments */
  CONF_INCLUDE,    /* the table `sub`, for a struct at `off` */
};

enum {
  CONF_REQUIRED = 1,   /* must be given */
  CONF_REPEAT = 2,     /* may be given more than once, each adding one (help says so) */
  CONF_DERIVED = 4,    /* def only documents a default computed after parsing */
};

struct conf_item {
  enum conf_type type;
  const char *name;
  const char *args;    /* its arguments as the help shows them, e.g. "NS" or "yes|no" */
  const char *def;     /* the default as the directive's arguments; NULL: none */
  const char *help;    /* what it is: a sentence or two, without the default */
  size_t off;          /* offsetof the value in the configuration struct */
  double lo, hi;       /* bounds of a number as written in the file */
  double scale;        /* a number is stored times scale; 0 means 1 */
  int size;            /* CONF_INT: sizeof the field; CONF_STRING: size of the array */
  int min_args, max_args;                             /* CONF_CUSTOM */
  conf_handler parse;                                 /* CONF_CUSTOM */
  int (*write)(FILE *f, const char *name, const void *conf); /* CONF_CUSTOM: its lines */
  const struct conf_item *sub;                        /* CONF_INCLUDE */
  unsigned flags;
};

/* Designated initialisers for the common kinds. */
#define CONF_DBL(NAME, ARGS, STRUCT, FIELD, LO, HI, DEF, HELP)                            \
  {.type = CONF_DOUBLE, .name = NAME, .args = ARGS, .def = DEF, .help = HELP,             \
   .off = offsetof(STRUCT, FIELD), .lo = LO, .hi = HI}
#define CONF_INTV(NAME, ARGS, STRUCT, FIELD, LO, HI, DEF, HELP)                           \
  {.type = CONF_INT, .name = NAME, .args = ARGS, .def = DEF, .help = HELP,                \
   .off = offsetof(STRUCT, FIELD), .lo = LO, .hi = HI,                                    \
   .size = (int)sizeof(((STRUCT *)0)->FIELD)}
#define CONF_YESNO(NAME, STRUCT, FIELD, DEF, HELP)                                         \
  {.type = CONF_BOOL, .name = NAME, .args = "yes|no", .def = DEF, .help = HELP,            \
   .off = offsetof(STRUCT, FIELD)}
#define CONF_STR(NAME, ARGS, STRUCT, FIELD, DEF, HELP)                                     \
  {.type = CONF_STRING, .name = NAME, .args = ARGS, .def = DEF, .help = HELP,              \
   .off = offsetof(STRUCT, FIELD), .size = (int)sizeof(((STRUCT *)0)->FIELD)}
#define CONF_INCL(TABLE, STRUCT, FIELD)                                                   \
  {.type = CONF_INCLUDE, .sub = TABLE, .off = offsetof(STRUCT, FIELD)}

/* Sets every item that has a default (not CONF_DERIVED) to it, in table order.  The rest
 * of the struct is left as it is: zero it first.  0, or -1 with err (a bad table). */
int conf_defaults(const struct conf_item *tab, void *conf, char *err, size_t errlen);

/* Parses a file or a text into conf (which holds defaults or earlier values).  The first
 * error stops parsing and is returned as -1 with "FILE:LINE: message" in err; a required
 * directive that is missing is "FILE: no 'NAME' directive (required)". */
int conf_parse_file(const char *path, const struct conf_item *tab, void *conf, char *err,
                    size_t errlen);
int conf_parse_text(const char *name, const char *text, const struct conf_item *tab,
                    void *conf, char *err, size_t errlen);

/* The directive list as --help shows it: a line per directive with its arguments, its
 * help wrapped, and [its default] or (required). */
void conf_help(FILE *f, const struct conf_item *tab);
/* The same as man(7) .TP paragraphs. */
void conf_roff(FILE *f, const struct conf_item *tab);
/* Writes conf back as directives.  -1 if an item cannot write itself. */
int conf_write(FILE *f, const struct conf_item *tab, const void *conf);

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
