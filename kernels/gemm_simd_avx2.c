/* AVX2+FMA blocked GEMM: 6×16 micro-kernel (12 ymm accumulators). Compiles on any target; on non-x86 the
 * entry point falls back to the portable GEMM. */
#include "ck_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

enum { MR = 6, NR = 16 };

__attribute__((target("avx2,fma")))
void ck_ukr_avx2(int kc, const float *ap, const float *bp, float *c, int ldc, int mr, int nr, int acc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(),
         c11 = _mm256_setzero_ps(), c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(),
         c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps(), c40 = _mm256_setzero_ps(),
         c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int p = 0; p < kc; p++) {
    const __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
    __m256 a;
    a = _mm256_broadcast_ss(ap + 0); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(ap + 1); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(ap + 2); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(ap + 3); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(ap + 4); c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(ap + 5); c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);
    ap += MR;
    bp += NR;
  }
  __m256 r[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (mr == MR && nr == NR) {
    for (int i = 0; i < MR; i++) {
      float *cr = c + (size_t)i * ldc;
      if (acc) {
        r[i][0] = _mm256_add_ps(r[i][0], _mm256_loadu_ps(cr));
        r[i][1] = _mm256_add_ps(r[i][1], _mm256_loadu_ps(cr + 8));
      }
      _mm256_storeu_ps(cr, r[i][0]);
      _mm256_storeu_ps(cr + 8, r[i][1]);
    }
    return;
  }
  float t[MR][NR] __attribute__((aligned(32)));
  for (int i = 0; i < MR; i++) {
    _mm256_store_ps(t[i], r[i][0]);
    _mm256_store_ps(t[i] + 8, r[i][1]);
  }
  for (int i = 0; i < mr; i++) {
    float *cr = c + (size_t)i * ldc;
    if (acc)
      for (int j = 0; j < nr; j++) cr[j] += t[i][j];
    else
      for (int j = 0; j < nr; j++) cr[j] = t[i][j];
  }
}

/* 6×16 with B rows read in place at base + offs[p] (implicit-GEMM conv). */
__attribute__((target("avx2,fma")))
void ck_ukr_avx2_offs(int kc, const float *ap, const float *base, const int *offs, float *c, int ldc, int mr, int nr,
                      int acc) {
  __m256 r[6][2];
  for (int i = 0; i < 6; i++) { r[i][0] = _mm256_setzero_ps(); r[i][1] = _mm256_setzero_ps(); }
  for (int p = 0; p < kc; p++) {
    const float *bp = base + offs[p];
    const __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
    for (int i = 0; i < 6; i++) {
      const __m256 a = _mm256_broadcast_ss(ap + i);
      r[i][0] = _mm256_fmadd_ps(a, b0, r[i][0]);
      r[i][1] = _mm256_fmadd_ps(a, b1, r[i][1]);
    }
    ap += 6;
  }
  float t[6][16] __attribute__((aligned(32)));
  for (int i = 0; i < 6; i++) {
    _mm256_store_ps(t[i], r[i][0]);
    _mm256_store_ps(t[i] + 8, r[i][1]);
  }
  for (int i = 0; i < mr; i++) {
    float *cr = c + (size_t)i * ldc;
    if (acc)
      for (int j = 0; j < nr; j++) cr[j] += t[i][j];
    else
      for (int j = 0; j < nr; j++) cr[j] = t[i][j];
  }
}

void ck_gemm_avx2(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                  int accumulate, float *workspace) {
  ck_gemm_blocked(m, n, k, a, lda, b, ldb, c, ldc, accumulate, workspace, MR, NR, ck_ukr_avx2);
}
#else
void ck_gemm_avx2(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                  int accumulate, float *workspace) {
  ck_gemm_portable(m, n, k, a, lda, b, ldb, c, ldc, accumulate, workspace);
}
#endif
