/* Run-time dispatch to the best GEMM this CPU supports (AVX-512F, AVX2+FMA, or portable C). */
#include "ck_internal.h"

void ck_gemm_simd(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                  int accumulate, float *workspace) {
  switch (ck_simd_level()) {
  case 2: ck_gemm_avx512(m, n, k, a, lda, b, ldb, c, ldc, accumulate, workspace); break;
  case 1: ck_gemm_avx2(m, n, k, a, lda, b, ldb, c, ldc, accumulate, workspace); break;
  default: ck_gemm_portable(m, n, k, a, lda, b, ldb, c, ldc, accumulate, workspace); break;
  }
}
