/* Private helpers shared by the kernel files (not part of the public header). */
#ifndef CK_INTERNAL_H
#define CK_INTERNAL_H
#include "ckernels.h"

static inline float ck_apply_act(int act, float x) {
  switch (act) {
  case CK_ACT_RELU: return x > 0.0f ? x : 0.0f;
  case CK_ACT_HSWISH: {
    float t = x + 3.0f;
    t = t < 0.0f ? 0.0f : (t > 6.0f ? 6.0f : t);
    return x * t * (1.0f / 6.0f);
  }
  case CK_ACT_HSIGMOID: {
    float t = x + 3.0f;
    t = t < 0.0f ? 0.0f : (t > 6.0f ? 6.0f : t);
    return t * (1.0f / 6.0f);
  }
  default: return x;
  }
}

/* Elementwise kernels get AVX-512 / AVX2 clones picked at load time (ifunc); plain C elsewhere. */
#if defined(__x86_64__) && defined(__linux__)
#define CK_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CK_CLONES
#endif

static inline int ck_min(int a, int b) { return a < b ? a : b; }
static inline int ck_max(int a, int b) { return a > b ? a : b; }

/* Round up to a multiple of 16 floats (64 bytes) so workspace sub-buffers stay aligned. */
static inline size_t ck_round16(size_t n) { return (n + 15) & ~(size_t)15; }

/* ---- GEMM blocking shared by the portable / AVX2 / AVX-512 GEMMs (gemm_driver.c) ---- */
/* Micro-kernel: C[mr×nr] (+)= Ap[kc×MR panel] · Bp[kc×NR panel]; mr ≤ MR, nr ≤ NR; acc != 0 adds to C. */
typedef void (*ck_ukernel_fn)(int kc, const float *ap, const float *bp, float *c, int ldc, int mr, int nr, int acc);
enum { CK_GEMM_KC = 256, CK_GEMM_MC_PANELS = 24, CK_GEMM_NC = 2048, CK_GEMM_MAX_MR = 8, CK_GEMM_MAX_NR = 32 };
void ck_gemm_blocked(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                     int accumulate, float *workspace, int mr, int nr, ck_ukernel_fn ukr);
/* Dense conv through im2col (skipped for 1×1 s1 p0) + the given GEMM, then ck_epilogue (im2col.c). */
void ck_conv2d_gemm(const ck_conv *c, const float *in, const float *weight, const float *bias,
                    const float *residual, float *out, float *workspace, ck_gemm_fn gemm);
/* Depthwise helpers (dwconv_pad.c): each channel plane is copied into a zero-padded buffer split into
 * `stride` column phases, so output column ox with tap kx reads phase kx % s at index ox + kx / s (contiguous).
 * Padded row r, phase q starts at buf + (r * s + q) * pitch. */
int ck_dw_pitch(const ck_conv *c);
void ck_dw_clear(const ck_conv *c, float *buf);
void ck_dw_fill(const ck_conv *c, const float *plane, float *buf);
/* The micro-kernels (MR = 6 rows for all; NR = 32 for AVX-512, 16 for AVX2 and portable). On non-x86 builds
 * the AVX ones are not defined; use ck_ukernel_for_level. */
void ck_ukr_portable(int kc, const float *ap, const float *bp, float *c, int ldc, int mr, int nr, int acc);
#if defined(__x86_64__)
void ck_ukr_avx2(int kc, const float *ap, const float *bp, float *c, int ldc, int mr, int nr, int acc);
void ck_ukr_avx512(int kc, const float *ap, const float *bp, float *c, int ldc, int mr, int nr, int acc);
void ck_ukr_avx512_8x32(int kc, const float *ap, const float *bp, float *c, int ldc, int mr, int nr, int acc);
#endif
typedef void (*ck_ukernel_offs_fn)(int kc, const float *ap, const float *base, const int *offs, float *c, int ldc,
                                   int mr, int nr, int acc);
void ck_ukr_portable_offs(int kc, const float *ap, const float *base, const int *offs, float *c, int ldc, int mr,
                          int nr, int acc);
#if defined(__x86_64__)
void ck_ukr_avx2_offs(int kc, const float *ap, const float *base, const int *offs, float *c, int ldc, int mr, int nr,
                      int acc);
void ck_ukr_avx512_8x32_offs(int kc, const float *ap, const float *base, const int *offs, float *c, int ldc, int mr,
                             int nr, int acc);
#endif
enum { CK_PACK_MR = 6 };
#endif
