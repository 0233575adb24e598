/* Dense conv: im2col + OpenBLAS cblas_sgemm (1×1 stride-1 convs skip im2col). */
#include "ck_internal.h"

void ck_conv2d_im2col_openblas(const ck_conv *c, const float *in, const float *weight, const float *bias,
                               const float *residual, float *out, float *workspace) {
  ck_conv2d_gemm(c, in, weight, bias, residual, out, workspace, ck_gemm_openblas);
}
