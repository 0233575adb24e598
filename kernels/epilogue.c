/* Conv epilogue: bias, activation, residual add, in one pass over the output. */
#include "ck_internal.h"

CK_CLONES void ck_epilogue(float *out, int channels, int hw, const float *bias, int act, const float *residual) {
  if (!bias && act == CK_ACT_NONE && !residual) return;
  for (int c = 0; c < channels; c++) {
    float *o = out + (size_t)c * hw;
    const float b = bias ? bias[c] : 0.0f;
    const float *r = residual ? residual + (size_t)c * hw : 0;
    switch (act) {
    case CK_ACT_NONE:
      for (int i = 0; i < hw; i++) o[i] += b;
      break;
    case CK_ACT_RELU:
      for (int i = 0; i < hw; i++) { float v = o[i] + b; o[i] = v > 0.0f ? v : 0.0f; }
      break;
    default:
      for (int i = 0; i < hw; i++) o[i] = ck_apply_act(act, o[i] + b);
      break;
    }
    if (r) for (int i = 0; i < hw; i++) o[i] += r[i];
  }
}

void ck_conv_init_output(ck_conv *c) {
  c->oh = (c->h + 2 * c->pad - c->kh) / c->stride + 1;
  c->ow = (c->w + 2 * c->pad - c->kw) / c->stride + 1;
}
