#include "config.h"
#include "sim/netcut.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NETCUT_LINKS 66
#define NETCUT_PAIRS 128

struct pair {
  int link;
  int fd[2];               /* client, target; -1 when free */
};

struct netcut {
  pthread_t thread;
  pthread_mutex_t mtx;
  int n, target;
  int listen_fd[NETCUT_LINKS];
  int port[NETCUT_LINKS];
  int cut[NETCUT_LINKS];
  struct pair pairs[NETCUT_PAIRS];
  int wake[2];             /* a pipe: stop, or a cut to do */
  volatile int stop;
};

/* Listens on 127.0.0.1:port (0: a free port), *bound getting the port. */
static int listen_on(int port, int *bound, char *err, size_t errlen)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0) {
    snprintf(err, errlen, "relay port %d: %s", port, strerror(errno));
    if (fd >= 0)
      close(fd);
    return -1;
  }
  socklen_t len = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &len);
  *bound = ntohs(a.sin_port);
  return fd;
}

static int connect_target(int port)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    fd = -1;
  }
  return fd;
}

static void close_pair(struct pair *p)
{
  for (int i = 0; i < 2; i++)
    if (p->fd[i] >= 0)
      close(p->fd[i]);
  p->fd[0] = p->fd[1] = -1;
}

static void accept_on(struct netcut *nc, int k)
{
  int c = accept4(nc->listen_fd[k], NULL, NULL, SOCK_CLOEXEC);
  if (c < 0)
    return;
  pthread_mutex_lock(&nc->mtx);
  int cut = nc->cut[k];
  pthread_mutex_unlock(&nc->mtx);
  int t = cut ? -1 : connect_target(nc->target);
  struct pair *free_pair = NULL;
  for (int i = 0; i < NETCUT_PAIRS && !free_pair; i++)
    if (nc->pairs[i].fd[0] < 0)
      free_pair = &nc->pairs[i];
  if (t < 0 || !free_pair) {
    close(c);
    if (t >= 0)
      close(t);
    return;
  }
  *free_pair = (struct pair){k, {c, t}};
}

/* Copies what is there from one side to the other; 0 when the pair is to be closed. */
static int relay(int from, int to)
{
  char buf[16384];
  ssize_t n = read(from, buf, sizeof buf);
  if (n <= 0)
    return 0;
  for (ssize_t off = 0; off < n;) {
    ssize_t w = write(to, buf + off, (size_t)(n - off));
    if (w <= 0)
      return 0;
    off += w;
  }
  return 1;
}

static void *run(void *arg)
{
  struct netcut *nc = arg;
  struct pollfd pf[NETCUT_LINKS + 2 * NETCUT_PAIRS + 1];
  int who[NETCUT_LINKS + 2 * NETCUT_PAIRS + 1];
  while (!nc->stop) {
    int m = 0;
    pf[m] = (struct pollfd){.fd = nc->wake[0], .events = POLLIN};
    who[m++] = -1;
    for (int k = 0; k < nc->n; k++) {
      pf[m] = (struct pollfd){.fd = nc->listen_fd[k], .events = POLLIN};
      who[m++] = k;
    }
    for (int i = 0; i < NETCUT_PAIRS; i++)
      for (int s = 0; s < 2 && nc->pairs[i].fd[0] >= 0; s++) {
        pf[m] = (struct pollfd){.fd = nc->pairs[i].fd[s], .events = POLLIN};
        who[m++] = 1000 + 2 * i + s;
      }
    if (poll(pf, (nfds_t)m, 200) <= 0)
      continue;
    for (int j = 0; j < m; j++) {
      if (!pf[j].revents)
        continue;
      if (who[j] < 0) {
        char b[64];
        if (read(nc->wake[0], b, sizeof b) < 0)
          continue;
      } else if (who[j] < 1000) {
        accept_on(nc, who[j]);
      } else {
        struct pair *p = &nc->pairs[(who[j] - 1000) / 2];
        int s = (who[j] - 1000) % 2;
        if (p->fd[0] >= 0 && !relay(p->fd[s], p->fd[1 - s]))
          close_pair(p);
      }
    }
    /* A link cut meanwhile drops what it carries. */
    pthread_mutex_lock(&nc->mtx);
    for (int i = 0; i < NETCUT_PAIRS; i++)
      if (nc->pairs[i].fd[0] >= 0 && nc->cut[nc->pairs[i].link])
        close_pair(&nc->pairs[i]);
    pthread_mutex_unlock(&nc->mtx);
  }
  return NULL;
}

struct netcut *netcut_start(const int *ports, int n, int target, char *err, size_t errlen)
{
  struct netcut *nc = calloc(1, sizeof *nc);
  if (!nc || n > NETCUT_LINKS) {
    snprintf(err, errlen, n > NETCUT_LINKS ? "too many links" : "out of memory");
    free(nc);
    return NULL;
  }
  nc->n = n;
  nc->target = target;
  pthread_mutex_init(&nc->mtx, NULL);
  for (int i = 0; i < NETCUT_PAIRS; i++)
    nc->pairs[i].fd[0] = nc->pairs[i].fd[1] = -1;
  for (int k = 0; k < n; k++)
    nc->listen_fd[k] = -1;
  int ok = pipe(nc->wake) == 0;
  for (int k = 0; k < n && ok; k++)
    ok = (nc->listen_fd[k] = listen_on(ports ? ports[k] : 0, &nc->port[k], err, errlen)) >= 0;
  if (ok && pthread_create(&nc->thread, NULL, run, nc) == 0)
    return nc;
  if (ok)
    snprintf(err, errlen, "cannot start the relay's thread");
  for (int k = 0; k < n; k++)
    if (nc->listen_fd[k] >= 0)
      close(nc->listen_fd[k]);
  free(nc);
  return NULL;
}

void netcut_set(struct netcut *nc, int k, int cut)
{
  if (k < 0 || k >= nc->n)
    return;
  pthread_mutex_lock(&nc->mtx);
  nc->cut[k] = cut;
  pthread_mutex_unlock(&nc->mtx);
  /* A wake-up; should it be lost, the relay looks at the cuts every 200 ms anyway. */
  ssize_t w = write(nc->wake[1], "c", 1);
  (void)w;
}

void netcut_stop(struct netcut *nc)
{
  if (!nc)
    return;
  nc->stop = 1;
  ssize_t w = write(nc->wake[1], "s", 1); /* else it stops within its poll's 200 ms */
  (void)w;
  pthread_join(nc->thread, NULL);
  for (int i = 0; i < NETCUT_PAIRS; i++)
    close_pair(&nc->pairs[i]);
  for (int k = 0; k < nc->n; k++)
    close(nc->listen_fd[k]);
  close(nc->wake[0]);
  close(nc->wake[1]);
  pthread_mutex_destroy(&nc->mtx);
  free(nc);
}

int netcut_port(const struct netcut *nc, int k) { return k >= 0 && k < nc->n ? nc->port[k] : -1; }
