/* Cache-blocked GEMM driver (Goto-style): pack B (kc×nc) and A (mc×kc) into micro-panels, call the ISA's
 * micro-kernel per MR×NR tile. Shared by gemm_portable.c, gemm_simd_avx2.c and gemm_simd_avx512.c. */
#include "ck_internal.h"

/* Bp[panel][kk][0..nr) from B[k0.., j0..]; columns past n are zero. */
static void pack_b(int kc, int nc, const float *b, int ldb, int nr, float *bp) {
  for (int j = 0; j < nc; j += nr) {
    const int w = ck_min(nr, nc - j);
    if (w == nr) {
      for (int kk = 0; kk < kc; kk++) {
        const float *src = b + (size_t)kk * ldb + j;
        for (int x = 0; x < nr; x++) bp[x] = src[x];
        bp += nr;
      }
    } else {
      for (int kk = 0; kk < kc; kk++) {
        const float *src = b + (size_t)kk * ldb + j;
        int x = 0;
        for (; x < w; x++) bp[x] = src[x];
        for (; x < nr; x++) bp[x] = 0.0f;
        bp += nr;
      }
    }
  }
}

/* Ap[panel][kk][0..mr) from A[i0.., k0..]; rows past m are zero. */
static void pack_a(int mc, int kc, const float *a, int lda, int mr, float *ap) {
  for (int i = 0; i < mc; i += mr) {
    const int h = ck_min(mr, mc - i);
    for (int kk = 0; kk < kc; kk++) {
      int y = 0;
      for (; y < h; y++) ap[y] = a[(size_t)(i + y) * lda + kk];
      for (; y < mr; y++) ap[y] = 0.0f;
      ap += mr;
    }
  }
}

size_t ck_gemm_workspace_floats(int m, int n, int k) {
  (void)m; (void)n; (void)k;
  const size_t bsize = (size_t)CK_GEMM_KC * (CK_GEMM_NC + CK_GEMM_MAX_NR);
  const size_t asize = (size_t)CK_GEMM_KC * CK_GEMM_MC_PANELS * CK_GEMM_MAX_MR;
  return ck_round16(bsize) + ck_round16(asize) + 16;
}

void ck_gemm_blocked(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                     int accumulate, float *workspace, int mr, int nr, ck_ukernel_fn ukr) {
  float *bp = workspace;
  float *ap = workspace + ck_round16((size_t)CK_GEMM_KC * (CK_GEMM_NC + CK_GEMM_MAX_NR));
  const int mc_max = CK_GEMM_MC_PANELS * mr;
  if (k == 0) {
    if (!accumulate)
      for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) c[(size_t)i * ldc + j] = 0.0f;
    return;
  }
  for (int jc = 0; jc < n; jc += CK_GEMM_NC) {
    const int nc = ck_min(CK_GEMM_NC, n - jc);
    for (int pc = 0; pc < k; pc += CK_GEMM_KC) {
      const int kc = ck_min(CK_GEMM_KC, k - pc);
      const int acc = accumulate || pc > 0;
      pack_b(kc, nc, b + (size_t)pc * ldb + jc, ldb, nr, bp);
      for (int ic = 0; ic < m; ic += mc_max) {
        const int mc = ck_min(mc_max, m - ic);
        pack_a(mc, kc, a + (size_t)ic * lda + pc, lda, mr, ap);
        for (int jr = 0; jr < nc; jr += nr) {
          const int nrr = ck_min(nr, nc - jr);
          const float *bpanel = bp + (size_t)(jr / nr) * kc * nr;
          for (int ir = 0; ir < mc; ir += mr) {
            const int mrr = ck_min(mr, mc - ir);
            ukr(kc, ap + (size_t)(ir / mr) * kc * mr, bpanel, c + (size_t)(ic + ir) * ldc + jc + jr, ldc, mrr, nrr,
                acc);
          }
        }
      }
    }
  }
}
