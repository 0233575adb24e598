/* Reference elementwise ops, BN, pooling, linear and squeeze-excite (plain C; -O3 vectorises the loops). */
#include "ck_internal.h"

void ck_act_ref(int act, size_t count, const float *in, float *out) {
  switch (act) {
  case CK_ACT_RELU:
    for (size_t i = 0; i < count; i++) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
    break;
  case CK_ACT_NONE:
    for (size_t i = 0; i < count; i++) out[i] = in[i];
    break;
  default:
    for (size_t i = 0; i < count; i++) out[i] = ck_apply_act(act, in[i]);
    break;
  }
}

void ck_scale_ref(size_t count, float scale, const float *in, float *out) {
  for (size_t i = 0; i < count; i++) out[i] = in[i] * scale;
}

void ck_add_ref(size_t count, const float *a, const float *b, float *out) {
  for (size_t i = 0; i < count; i++) out[i] = a[i] + b[i];
}

void ck_bn_ref(int n, int channels, int hw, const float *scale, const float *shift, int act, const float *in,
               float *out) {
  for (int b = 0; b < n; b++) {
    for (int c = 0; c < channels; c++) {
      const size_t base = ((size_t)b * channels + c) * hw;
      const float s = scale[c], t = shift[c];
      for (int i = 0; i < hw; i++) out[base + i] = ck_apply_act(act, in[base + i] * s + t);
    }
  }
}

int ck_pool_out(int side, int k, int s, int p) { return (side + 2 * p - k) / s + 1; }

void ck_avgpool_ref(int n, int channels, int h, int w, int k, int s, int p, int exclude_pad, const float *in,
                    float *out) {
  const int oh = ck_pool_out(h, k, s, p), ow = ck_pool_out(w, k, s, p);
  for (int plane = 0; plane < n * channels; plane++) {
    const float *x = in + (size_t)plane * h * w;
    float *y = out + (size_t)plane * oh * ow;
    for (int oy = 0; oy < oh; oy++) {
      const int y0 = oy * s - p, y1 = y0 + k;
      const int ys = ck_max(y0, 0), ye = ck_min(y1, h);
      for (int ox = 0; ox < ow; ox++) {
        const int x0 = ox * s - p, x1 = x0 + k;
        const int xs = ck_max(x0, 0), xe = ck_min(x1, w);
        float acc = 0.0f;
        for (int iy = ys; iy < ye; iy++)
          for (int ix = xs; ix < xe; ix++) acc += x[iy * w + ix];
        const int count = exclude_pad ? (ye - ys) * (xe - xs) : k * k;
        y[oy * ow + ox] = acc / (float)count;
      }
    }
  }
}

void ck_global_avgpool_ref(int n, int channels, int hw, const float *in, float *out) {
  for (int plane = 0; plane < n * channels; plane++) {
    const float *x = in + (size_t)plane * hw;
    float acc = 0.0f;
    for (int i = 0; i < hw; i++) acc += x[i];
    out[plane] = acc / (float)hw;
  }
}

void ck_linear_ref(int n, int inf, int outf, const float *x, const float *weight, const float *bias, int act,
                   float *y) {
  for (int b = 0; b < n; b++) {
    for (int o = 0; o < outf; o++) {
      const float *wr = weight + (size_t)o * inf, *xr = x + (size_t)b * inf;
      float acc = 0.0f;
      for (int i = 0; i < inf; i++) acc += wr[i] * xr[i];
      y[(size_t)b * outf + o] = ck_apply_act(act, acc + (bias ? bias[o] : 0.0f));
    }
  }
}

void ck_channel_scale_ref(int n, int c, int hw, const float *x, const float *s, float *out) {
  for (int plane = 0; plane < n * c; plane++) {
    const float f = s[plane];
    const float *xp = x + (size_t)plane * hw;
    float *op = out + (size_t)plane * hw;
    for (int i = 0; i < hw; i++) op[i] = xp[i] * f;
  }
}

void ck_se_ref(int n, int c, int hw, int mid, const float *w1, const float *b1, const float *w2, const float *b2,
               float *x, float *scratch) {
  float *pooled = scratch, *hidden = scratch + (size_t)n * c, *gate = hidden + (size_t)n * mid;
  ck_global_avgpool_ref(n, c, hw, x, pooled);
  ck_linear_ref(n, c, mid, pooled, w1, b1, CK_ACT_RELU, hidden);
  ck_linear_ref(n, mid, c, hidden, w2, b2, CK_ACT_HSIGMOID, gate);
  ck_channel_scale_ref(n, c, hw, x, gate, x);
}
