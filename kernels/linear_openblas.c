/* Linear layer through OpenBLAS (sgemv for batch 1, sgemm otherwise), then bias + activation. */
#include <cblas.h>
#include "ck_internal.h"

void ck_linear_openblas(int n, int inf, int outf, const float *x, const float *weight, const float *bias, int act,
                        float *y) {
  if (n == 1) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, outf, inf, 1.0f, weight, inf, x, 1, 0.0f, y, 1);
  } else {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, outf, inf, 1.0f, x, inf, weight, inf, 0.0f, y, outf);
  }
  for (int b = 0; b < n; b++)
    for (int o = 0; o < outf; o++) {
      float *v = y + (size_t)b * outf + o;
      *v = ck_apply_act(act, *v + (bias ? bias[o] : 0.0f));
    }
}
