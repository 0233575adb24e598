/* GEMM through OpenBLAS cblas_sgemm (row-major). */
#include <cblas.h>
#include "ck_internal.h"

void ck_gemm_openblas(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                      int accumulate, float *workspace) {
  (void)workspace;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb, accumulate ? 1.0f : 0.0f,
              c, ldc);
}
