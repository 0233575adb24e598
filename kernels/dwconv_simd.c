/* Run-time dispatch to the best depthwise conv this CPU supports. */
#include "ck_internal.h"

void ck_dwconv_simd(const ck_conv *c, const float *in, const float *weight, const float *bias,
                    const float *residual, float *out, float *workspace) {
  switch (ck_simd_level()) {
  case 2: ck_dwconv_avx512(c, in, weight, bias, residual, out, workspace); break;
  case 1: ck_dwconv_avx2(c, in, weight, bias, residual, out, workspace); break;
  default: ck_dwconv_portable(c, in, weight, bias, residual, out, workspace); break;
  }
}
