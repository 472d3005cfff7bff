#include "config.h"
#include "core/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_mode(const char *path, const struct stat *st, char *err, size_t errlen)
{
  if (!S_ISREG(st->st_mode)) {
    snprintf(err, errlen, "%s: not a regular file", path);
    return -1;
  }
  if (st->st_mode & (S_IRWXG | S_IRWXO)) {
    snprintf(err, errlen, "%s holds a secret but its group or others may read it (mode %04o): "
             "chmod 600 it, owned by the user the daemon runs as", path,
             (unsigned)(st->st_mode & 07777));
    return -1;
  }
  return 0;
}

int secret_file_private(const char *path, char *err, size_t errlen)
{
  struct stat st;
  if (stat(path, &st) != 0) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  return check_mode(path, &st, err, errlen);
}

char *secret_file_read(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    if (fd >= 0)
      close(fd);
    return NULL;
  }
  if (check_mode(path, &st, err, errlen) != 0 || (size_t)st.st_size > max) {
    if ((size_t)st.st_size > max)
      snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
    close(fd);
    return NULL;
  }
  char *buf = malloc((size_t)st.st_size + 1);
  ssize_t n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
  close(fd);
  if (n < 0) {
    snprintf(err, errlen, "%s: %s", path, buf ? strerror(errno) : "out of memory");
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

int secret_file_line(const char *path, char *out, char *err, size_t errlen)
{
  size_t len;
  char *text = secret_file_read(path, 4096, &len, err, errlen);
  if (!text)
    return -1;
  text[strcspn(text, "\r\n")] = '\0';
  size_t n = strlen(text);
  int ok = n >= SECRET_MIN && n <= SECRET_MAX;
  for (size_t i = 0; ok && i < n; i++)
    ok = text[i] > ' ' && text[i] < 127;
  if (ok)
    memcpy(out, text, n + 1);
  else
    snprintf(err, errlen, "%s: its first line must be a secret of %d to %d printable "
             "characters without blanks", path, SECRET_MIN, SECRET_MAX);
  memset(text, 0, len);
  free(text);
  return ok ? 0 : -1;
}
