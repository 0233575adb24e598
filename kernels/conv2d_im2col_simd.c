/* Dense conv: im2col + our own SIMD GEMM (AVX-512 / AVX2+FMA / portable, chosen at run time). */
#include "ck_internal.h"

void ck_conv2d_im2col_simd(const ck_conv *c, const float *in, const float *weight, const float *bias,
                           const float *residual, float *out, float *workspace) {
  ck_conv2d_gemm(c, in, weight, bias, residual, out, workspace, ck_gemm_simd);
}
