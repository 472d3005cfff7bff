/* A small dense Kalman filter for the clock models: a continuous-time linear model
 * dX = A X dt + dW (E[dW dW'] = Qc dt) discretised exactly by Van Loan's method
 * (C. F. Van Loan, "Computing integrals involving the matrix exponential", IEEE Trans.
 * Automatic Control 23, 1978), and scalar measurements of a linear combination of the
 * state, updated in Joseph form. */
#ifndef CVD_KF_H
#define CVD_KF_H

#define KF_MAX 10

typedef double kf_mat[KF_MAX][KF_MAX];

struct kf_model {
  int n;
  kf_mat A;
  kf_mat Qc;
};

struct kf {
  int n;
  double x[KF_MAX];
  kf_mat P;
};

/* F = exp(A dt) and Q = integral over [0, dt] of exp(A s) Qc exp(A s)' ds. */
void kf_discretize(const struct kf_model *m, double dt, kf_mat F, kf_mat Q);
/* F = exp(A dt) alone: an eighth of kf_discretize's work, for predictions of the mean. */
void kf_transition(const struct kf_model *m, double dt, kf_mat F);
/* x <- F x, P <- F P F' + Q. */
void kf_predict(struct kf *f, const kf_mat F, const kf_mat Q);
/* Mean only: x <- F x. */
void kf_predict_mean(const struct kf *f, const kf_mat F, double *x);
/* The innovation z - h x and its variance h P h' + r. */
void kf_innovation(const struct kf *f, const double *h, double z, double r, double *nu,
                   double *s);
/* Updates with the measurement z = h x + v, var(v) = r. */
void kf_update(struct kf *f, const double *h, double z, double r);

#endif
