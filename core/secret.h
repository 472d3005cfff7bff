/* Secrets kept in files (issue 10): a site's HMAC secret, a TLS private key.  Such a file
 * must be readable by its owner alone: a file the group or others may read is refused,
 * and the error says so and how to mend it.  What is read is never logged. */
#ifndef CVD_SECRET_H
#define CVD_SECRET_H

#include <stddef.h>

#define SECRET_MIN 16
#define SECRET_MAX 128

/* Reads a whole file of at most max bytes into a malloc'ed, NUL-terminated buffer (*len
 * its length) after checking its mode.  NULL with err. */
char *secret_file_read(const char *path, size_t max, size_t *len, char *err, size_t errlen);
/* A site secret from a file: its first line, SECRET_MIN to SECRET_MAX printable
 * characters, into out (of SECRET_MAX + 1).  0, or -1 with err. */
int secret_file_line(const char *path, char *out, char *err, size_t errlen);
/* 0 if a file that holds secrets is readable by its owner alone; -1 with err. */
int secret_file_private(const char *path, char *err, size_t errlen);

#endif
