#include "config.h"
#include "web/limits.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "core/log.h"
#include "core/timeutil.h"

void web_limits_init(struct web_limits *l, int per_address)
{
  memset(l, 0, sizeof *l);
  pthread_mutex_init(&l->mtx, NULL);
  l->per_address = per_address;
}

void web_limits_free(struct web_limits *l) { pthread_mutex_destroy(&l->mtx); }

/* The address of a client as (family, bytes); 0, or -1 for a kind not counted. */
static int key_of(const struct sockaddr *a, int *family, unsigned char key[16])
{
  memset(key, 0, 16);
  *family = a->sa_family;
  if (a->sa_family == AF_INET) {
    memcpy(key, &((const struct sockaddr_in *)a)->sin_addr, 4);
    return 0;
  }
  if (a->sa_family == AF_INET6) {
    memcpy(key, &((const struct sockaddr_in6 *)a)->sin6_addr, 16);
    return 0;
  }
  return -1;
}

/* The entry of an address (made if absent and make); NULL when the table is full. */
static int find(struct web_limits *l, int family, const unsigned char key[16], int make)
{
  int free_at = -1;
  for (int i = 0; i < WEB_LIMIT_ADDRS; i++) {
    if (l->tab[i].open > 0 && l->tab[i].family == family && !memcmp(l->tab[i].addr, key, 16))
      return i;
    if (free_at < 0 && l->tab[i].open == 0)
      free_at = i;
  }
  if (!make || free_at < 0)
    return -1;
  l->tab[free_at].family = family;
  memcpy(l->tab[free_at].addr, key, 16);
  return free_at;
}

enum MHD_Result web_limits_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
  struct web_limits *l = cls;
  int family;
  unsigned char key[16];
  (void)len;
  if (key_of(addr, &family, key) != 0)
    return MHD_YES;
  pthread_mutex_lock(&l->mtx);
  int i = find(l, family, key, 0);
  int over = i >= 0 && l->tab[i].open >= l->per_address;
  int64_t wall = tu_wall_ns();
  if (over) {
    l->refused++;
    if (wall - l->tab[i].warned > 60 * NS_PER_S) {
      char text[INET6_ADDRSTRLEN];
      inet_ntop(family, key, text, sizeof text);
      LOGW("web", "connections from %s refused: %d open from it (the limit per address); "
                  "said once a minute", text, l->tab[i].open);
      l->tab[i].warned = wall;
    }
  }
  pthread_mutex_unlock(&l->mtx);
  return over ? MHD_NO : MHD_YES;
}

void web_limits_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                       enum MHD_ConnectionNotificationCode code)
{
  struct web_limits *l = cls;
  (void)socket_context;
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  int family;
  unsigned char key[16];
  if (!ci || !ci->client_addr || key_of(ci->client_addr, &family, key) != 0)
    return;
  pthread_mutex_lock(&l->mtx);
  int i = find(l, family, key, code == MHD_CONNECTION_NOTIFY_STARTED);
  if (i >= 0) {
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
      l->tab[i].open++;
    else if (l->tab[i].open > 0)
      l->tab[i].open--;
  }
  pthread_mutex_unlock(&l->mtx);
}
