#include "config.h"
#include "tic/edgepair.h"

#include <string.h>

#include "core/timeutil.h"

void edgepair_init(struct edgepair *p, int64_t half)
{
  memset(p, 0, sizeof *p);
  p->half = half;
}

int edgepair_add(struct edgepair *p, enum edge_input in, int64_t stamp, int64_t *local,
                 int64_t *gps)
{
  enum edge_input other = in == EDGE_LOCAL ? EDGE_GPS : EDGE_LOCAL;
  if (p->have[other]) {
    int64_t d = stamp - p->pend[other];
    if (d < p->half && d > -p->half) {
      *local = in == EDGE_LOCAL ? stamp : p->pend[other];
      *gps = in == EDGE_GPS ? stamp : p->pend[other];
      p->have[other] = 0;
      return 1;
    }
    if (d >= p->half) {
      /* The other input's edge is from an earlier second and will never be paired. */
      p->have[other] = 0;
      p->unpaired[other]++;
    }
  }
  if (p->have[in])
    p->unpaired[in]++;
  p->pend[in] = stamp;
  p->have[in] = 1;
  return 0;
}

double edge_offset_from_second(int64_t stamp_ns, int64_t *second)
{
  *second = tu_floor_div(stamp_ns + NS_PER_S / 2, NS_PER_S) * NS_PER_S;
  return (double)(stamp_ns - *second) / 1e9;
}
