/* Portable blocked GEMM: 6×16 micro-kernel in plain C (vectorised by the compiler for any target). */
#include "ck_internal.h"

enum { MR = 6, NR = 16 };

void ck_ukr_portable(int kc, const float *ap, const float *bp, float *c, int ldc, int mr, int nr, int acc) {
  float t[MR][NR];
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NR; j++) t[i][j] = 0.0f;
  for (int p = 0; p < kc; p++) {
    for (int i = 0; i < MR; i++) {
      const float av = ap[i];
      for (int j = 0; j < NR; j++) t[i][j] += av * bp[j];
    }
    ap += MR;
    bp += NR;
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
void ck_ukr_portable_offs(int kc, const float *ap, const float *base, const int *offs, float *c, int ldc, int mr,
                          int nr, int acc) {
  float t[MR][NR];
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NR; j++) t[i][j] = 0.0f;
  for (int p = 0; p < kc; p++) {
    const float *bp = base + offs[p];
    for (int i = 0; i < MR; i++) {
      const float av = ap[i];
      for (int j = 0; j < NR; j++) t[i][j] += av * bp[j];
    }
    ap += MR;
  }
  for (int i = 0; i < mr; i++) {
    float *cr = c + (size_t)i * ldc;
    if (acc)
      for (int j = 0; j < nr; j++) cr[j] += t[i][j];
    else
      for (int j = 0; j < nr; j++) cr[j] = t[i][j];
  }
}

void ck_gemm_portable(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                      int accumulate, float *workspace) {
  ck_gemm_blocked(m, n, k, a, lda, b, ldb, c, ldc, accumulate, workspace, MR, NR, ck_ukr_portable);
}
