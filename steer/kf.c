#include "config.h"
#include "steer/kf.h"

#include <math.h>
#include <string.h>

#define M2 (2 * KF_MAX)

typedef double big[M2][M2];

static void mul(int n, const big a, const big b, big c)
{
  big t;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++)
        s += a[i][k] * b[k][j];
      t[i][j] = s;
    }
  memcpy(c, t, sizeof t);
}

/* exp(M) by scaling and squaring with a Taylor series: the norm is brought under 1/2,
 * where 16 terms leave an error far below double precision. */
static void expm(int n, big m, big e)
{
  double norm = 0;
  for (int i = 0; i < n; i++) {
    double r = 0;
    for (int j = 0; j < n; j++)
      r += fabs(m[i][j]);
    if (r > norm)
      norm = r;
  }
  int s = 0;
  while (norm > 0.5) {
    norm /= 2;
    s++;
  }
  double scale = ldexp(1.0, -s);
  big a, term;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      a[i][j] = m[i][j] * scale;
      e[i][j] = term[i][j] = i == j;
    }
  for (int k = 1; k <= 16; k++) {
    mul(n, term, a, term);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        term[i][j] /= k;
        e[i][j] += term[i][j];
      }
  }
  for (int k = 0; k < s; k++)
    mul(n, e, e, e);
}

void kf_discretize(const struct kf_model *m, double dt, kf_mat F, kf_mat Q)
{
  int n = m->n;
  big v, e;
  memset(v, 0, sizeof v);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      v[i][j] = -m->A[i][j] * dt;
      v[i][n + j] = m->Qc[i][j] * dt;
      v[n + i][n + j] = m->A[j][i] * dt;
    }
  expm(2 * n, v, e);
  /* e = [[., G], [0, F']]: F = e22', Q = F G. */
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      F[i][j] = e[n + j][n + i];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++)
        s += F[i][k] * e[k][n + j];
      Q[i][j] = s;
    }
  /* Symmetric to the last bit. */
  for (int i = 0; i < n; i++)
    for (int j = 0; j < i; j++)
      Q[i][j] = Q[j][i] = 0.5 * (Q[i][j] + Q[j][i]);
}

void kf_transition(const struct kf_model *m, double dt, kf_mat F)
{
  int n = m->n;
  big a, e;
  memset(a, 0, sizeof a);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      a[i][j] = m->A[i][j] * dt;
  expm(n, a, e);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      F[i][j] = e[i][j];
}

void kf_predict_mean(const struct kf *f, const kf_mat F, double *x)
{
  double t[KF_MAX];
  for (int i = 0; i < f->n; i++) {
    double s = 0;
    for (int k = 0; k < f->n; k++)
      s += F[i][k] * f->x[k];
    t[i] = s;
  }
  memcpy(x, t, sizeof(double) * (size_t)f->n);
}

void kf_predict(struct kf *f, const kf_mat F, const kf_mat Q)
{
  int n = f->n;
  kf_mat fp;
  kf_predict_mean(f, F, f->x);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++)
        s += F[i][k] * f->P[k][j];
      fp[i][j] = s;
    }
  for (int i = 0; i < n; i++)
    for (int j = 0; j <= i; j++) {
      double s = 0;
      for (int k = 0; k < n; k++)
        s += fp[i][k] * F[j][k];
      f->P[i][j] = f->P[j][i] = s + 0.5 * (Q[i][j] + Q[j][i]);
    }
}

void kf_innovation(const struct kf *f, const double *h, double z, double r, double *nu,
                   double *s)
{
  double hx = 0, hph = 0;
  for (int i = 0; i < f->n; i++) {
    hx += h[i] * f->x[i];
    for (int j = 0; j < f->n; j++)
      hph += h[i] * f->P[i][j] * h[j];
  }
  *nu = z - hx;
  *s = hph + r;
}

void kf_update(struct kf *f, const double *h, double z, double r)
{
  int n = f->n;
  double nu, s, ph[KF_MAX], k[KF_MAX];
  kf_innovation(f, h, z, r, &nu, &s);
  for (int i = 0; i < n; i++) {
    ph[i] = 0;
    for (int j = 0; j < n; j++)
      ph[i] += f->P[i][j] * h[j];
    k[i] = ph[i] / s;
  }
  for (int i = 0; i < n; i++)
    f->x[i] += k[i] * nu;
  /* Joseph form, (I - K H) P (I - K H)' + K r K', which stays positive definite. */
  kf_mat ikh, t;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      ikh[i][j] = (i == j) - k[i] * h[j];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double v = 0;
      for (int q = 0; q < n; q++)
        v += ikh[i][q] * f->P[q][j];
      t[i][j] = v;
    }
  for (int i = 0; i < n; i++)
    for (int j = 0; j <= i; j++) {
      double v = 0;
      for (int q = 0; q < n; q++)
        v += t[i][q] * ikh[j][q];
      f->P[i][j] = f->P[j][i] = v + k[i] * r * k[j];
    }
}
