#include "config.h"
#include "steer/clockmodel.h"

#include <string.h>

void cm_default(struct clock_model *m)
{
  m->adev_1s = 1e-11;
  m->flicker_floor = 2e-13;
  m->rwfm_adev_1d = 0;
  m->drift_rw = 0;
}

static void process_noise(const struct clock_model *m, double dt, double Q[3][3])
{
  /* ns^2/s, (ns/s)^2/s and (ns/s^2)^2/s */
  double q1 = m->adev_1s * m->adev_1s * 1e18;
  double q2 = 3.0 * (m->flicker_floor * m->flicker_floor / 1e4 +
                     m->rwfm_adev_1d * m->rwfm_adev_1d / 86400.0) * 1e18;
  double dr = m->drift_rw * 1e9 / 86400.0;
  double q3 = dr * dr / 86400.0;
  double t2 = dt * dt, t3 = t2 * dt, t4 = t3 * dt, t5 = t4 * dt;
  /* The integrated random walks of the continuous model (Zucca & Tavella 2005). */
  Q[0][0] = q1 * dt + q2 * t3 / 3 + q3 * t5 / 20;
  Q[0][1] = Q[1][0] = q2 * t2 / 2 + q3 * t4 / 8;
  Q[0][2] = Q[2][0] = q3 * t3 / 6;
  Q[1][1] = q2 * dt + q3 * t3 / 3;
  Q[1][2] = Q[2][1] = q3 * t2 / 2;
  Q[2][2] = q3 * dt;
}

void cm_propagate(const struct clock_model *m, double dt, double P[3][3])
{
  double F[3][3] = {{1, dt, dt * dt / 2}, {0, 1, dt}, {0, 0, 1}};
  double FP[3][3] = {{0}}, R[3][3] = {{0}}, Q[3][3];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 3; k++)
        FP[i][j] += F[i][k] * P[k][j];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 3; k++)
        R[i][j] += FP[i][k] * F[j][k];
  process_noise(m, dt, Q);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      P[i][j] = R[i][j] + Q[i][j];
}
