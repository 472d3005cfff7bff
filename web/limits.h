/* What the HTTP server lets one client and all of them hold (issue 10): connections per
 * client address and in all, counted here (libmicrohttpd's own per-address limit refuses
 * in silence), so that a flood of slow connections from one address cannot take the
 * places the sites need; a refusal is logged at most once a minute per address. */
#ifndef CVD_WEB_LIMITS_H
#define CVD_WEB_LIMITS_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>

#define WEB_LIMIT_ADDRS 1024

struct web_limits {
  pthread_mutex_t mtx;
  int per_address;
  struct {
    unsigned char addr[16];   /* IPv4 in the first 4 bytes, or IPv6 */
    int family, open;
    int64_t warned;           /* wall time a refusal was last logged */
  } tab[WEB_LIMIT_ADDRS];
  unsigned long refused;      /* connections refused, for /metrics */
};

void web_limits_init(struct web_limits *l, int per_address);
void web_limits_free(struct web_limits *l);
/* libmicrohttpd's accept policy (MHD_AcceptPolicyCallback) and connection notices
 * (MHD_NotifyConnectionCallback); cls is the struct web_limits. */
enum MHD_Result web_limits_accept(void *cls, const struct sockaddr *addr, socklen_t len);
void web_limits_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                       enum MHD_ConnectionNotificationCode code);

#endif
