/* Naive GEMM (i-k-j loops): the reference for the GEMM variants. */
#include "ck_internal.h"

void ck_gemm_ref(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                 int accumulate, float *workspace) {
  (void)workspace;
  for (int i = 0; i < m; i++) {
    float *cr = c + (size_t)i * ldc;
    if (!accumulate)
      for (int j = 0; j < n; j++) cr[j] = 0.0f;
    for (int p = 0; p < k; p++) {
      const float av = a[(size_t)i * lda + p];
      const float *br = b + (size_t)p * ldb;
      for (int j = 0; j < n; j++) cr[j] += av * br[j];
    }
  }
}
