/* AVX-512F blocked GEMM: 6×32 micro-kernel (12 zmm accumulators). Compiles on any target; on non-x86 the
 * entry point falls back to the portable GEMM. */
#include "ck_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

enum { MR = 6, NR = 32 };

__attribute__((target("avx512f")))
void ck_ukr_avx512(int kc, const float *ap, const float *bp, float *c, int ldc, int mr, int nr, int acc) {
  __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps(), c10 = _mm512_setzero_ps(),
         c11 = _mm512_setzero_ps(), c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps(),
         c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps(), c40 = _mm512_setzero_ps(),
         c41 = _mm512_setzero_ps(), c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
  for (int p = 0; p < kc; p++) {
    const __m512 b0 = _mm512_loadu_ps(bp), b1 = _mm512_loadu_ps(bp + 16);
    __m512 a;
    a = _mm512_set1_ps(ap[0]); c00 = _mm512_fmadd_ps(a, b0, c00); c01 = _mm512_fmadd_ps(a, b1, c01);
    a = _mm512_set1_ps(ap[1]); c10 = _mm512_fmadd_ps(a, b0, c10); c11 = _mm512_fmadd_ps(a, b1, c11);
    a = _mm512_set1_ps(ap[2]); c20 = _mm512_fmadd_ps(a, b0, c20); c21 = _mm512_fmadd_ps(a, b1, c21);
    a = _mm512_set1_ps(ap[3]); c30 = _mm512_fmadd_ps(a, b0, c30); c31 = _mm512_fmadd_ps(a, b1, c31);
    a = _mm512_set1_ps(ap[4]); c40 = _mm512_fmadd_ps(a, b0, c40); c41 = _mm512_fmadd_ps(a, b1, c41);
    a = _mm512_set1_ps(ap[5]); c50 = _mm512_fmadd_ps(a, b0, c50); c51 = _mm512_fmadd_ps(a, b1, c51);
    ap += MR;
    bp += NR;
  }
  __m512 r[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (nr == NR) {
    for (int i = 0; i < mr; i++) {
      float *cr = c + (size_t)i * ldc;
      if (acc) {
        r[i][0] = _mm512_add_ps(r[i][0], _mm512_loadu_ps(cr));
        r[i][1] = _mm512_add_ps(r[i][1], _mm512_loadu_ps(cr + 16));
      }
      _mm512_storeu_ps(cr, r[i][0]);
      _mm512_storeu_ps(cr + 16, r[i][1]);
    }
    return;
  }
  const __mmask16 m0 = (__mmask16)(nr >= 16 ? 0xFFFF : ((1u << nr) - 1u));
  const __mmask16 m1 = (__mmask16)(nr <= 16 ? 0 : ((1u << (nr - 16)) - 1u));
  for (int i = 0; i < mr; i++) {
    float *cr = c + (size_t)i * ldc;
    if (acc) {
      r[i][0] = _mm512_add_ps(r[i][0], _mm512_maskz_loadu_ps(m0, cr));
      r[i][1] = _mm512_add_ps(r[i][1], _mm512_maskz_loadu_ps(m1, cr + 16));
    }
    _mm512_mask_storeu_ps(cr, m0, r[i][0]);
    _mm512_mask_storeu_ps(cr + 16, m1, r[i][1]);
  }
}

/* 8×32 variant (16 zmm accumulators) for the packed conv: every channel count in NB201/OFA is a multiple of 8. */
__attribute__((target("avx512f")))
void ck_ukr_avx512_8x32(int kc, const float *ap, const float *bp, float *c, int ldc, int mr, int nr, int acc) {
  __m512 r[8][2];
  for (int i = 0; i < 8; i++) { r[i][0] = _mm512_setzero_ps(); r[i][1] = _mm512_setzero_ps(); }
  for (int p = 0; p < kc; p++) {
    const __m512 b0 = _mm512_loadu_ps(bp), b1 = _mm512_loadu_ps(bp + 16);
    for (int i = 0; i < 8; i++) {
      const __m512 a = _mm512_set1_ps(ap[i]);
      r[i][0] = _mm512_fmadd_ps(a, b0, r[i][0]);
      r[i][1] = _mm512_fmadd_ps(a, b1, r[i][1]);
    }
    ap += 8;
    bp += 32;
  }
  const __mmask16 m0 = (__mmask16)(nr >= 16 ? 0xFFFF : ((1u << nr) - 1u));
  const __mmask16 m1 = (__mmask16)(nr >= 32 ? 0xFFFF : (nr <= 16 ? 0 : ((1u << (nr - 16)) - 1u)));
  for (int i = 0; i < mr; i++) {
    float *cr = c + (size_t)i * ldc;
    if (acc) {
      r[i][0] = _mm512_add_ps(r[i][0], _mm512_maskz_loadu_ps(m0, cr));
      r[i][1] = _mm512_add_ps(r[i][1], _mm512_maskz_loadu_ps(m1, cr + 16));
    }
    _mm512_mask_storeu_ps(cr, m0, r[i][0]);
    _mm512_mask_storeu_ps(cr + 16, m1, r[i][1]);
  }
}

/* 8×32 with B rows read in place: row p of the panel starts at base + offs[p] (implicit-GEMM conv, no im2col). */
__attribute__((target("avx512f")))
void ck_ukr_avx512_8x32_offs(int kc, const float *ap, const float *base, const int *offs, float *c, int ldc, int mr,
                             int nr, int acc) {
  __m512 r[8][2];
  for (int i = 0; i < 8; i++) { r[i][0] = _mm512_setzero_ps(); r[i][1] = _mm512_setzero_ps(); }
  for (int p = 0; p < kc; p++) {
    const float *bp = base + offs[p];
    const __m512 b0 = _mm512_loadu_ps(bp), b1 = _mm512_loadu_ps(bp + 16);
    for (int i = 0; i < 8; i++) {
      const __m512 a = _mm512_set1_ps(ap[i]);
      r[i][0] = _mm512_fmadd_ps(a, b0, r[i][0]);
      r[i][1] = _mm512_fmadd_ps(a, b1, r[i][1]);
    }
    ap += 8;
  }
  const __mmask16 m0 = (__mmask16)(nr >= 16 ? 0xFFFF : ((1u << nr) - 1u));
  const __mmask16 m1 = (__mmask16)(nr >= 32 ? 0xFFFF : (nr <= 16 ? 0 : ((1u << (nr - 16)) - 1u)));
  for (int i = 0; i < mr; i++) {
    float *cr = c + (size_t)i * ldc;
    if (acc) {
      r[i][0] = _mm512_add_ps(r[i][0], _mm512_maskz_loadu_ps(m0, cr));
      r[i][1] = _mm512_add_ps(r[i][1], _mm512_maskz_loadu_ps(m1, cr + 16));
    }
    _mm512_mask_storeu_ps(cr, m0, r[i][0]);
    _mm512_mask_storeu_ps(cr + 16, m1, r[i][1]);
  }
}

void ck_gemm_avx512(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                    int accumulate, float *workspace) {
  ck_gemm_blocked(m, n, k, a, lda, b, ldb, c, ldc, accumulate, workspace, MR, NR, ck_ukr_avx512);
}
#else
void ck_gemm_avx512(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                    int accumulate, float *workspace) {
  ck_gemm_portable(m, n, k, a, lda, b, ldb, c, ldc, accumulate, workspace);
}
#endif
