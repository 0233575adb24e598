/* Reference elementwise ops, BN, pooling, linear and squeeze-excite (plain C; -O3 vectorises the loops). */
#include "ck_internal.h"

CK_CLONES void ck_act_ref(int act, size_t count, const float *in, float *out) {
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

CK_CLONES void ck_scale_ref(size_t count, float scale, const float *in, float *out) {
  for (size_t i = 0; i < count; i++) out[i] = in[i] * scale;
}

CK_CLONES void ck_add_ref(size_t count, const float *a, const float *b, float *out) {
  for (size_t i = 0; i < count; i++) out[i] = a[i] + b[i];
}

CK_CLONES void ck_bn_ref(int n, int channels, int hw, const float *scale, const float *shift, int act, const float *in,
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

/* 3×3, stride 1, padding 1 (the NB201 cell pool): vertical 3-sums into a row buffer, then horizontal 3-sums
 * times the reciprocal of the divisor (in-bounds count with exclude_pad, else 9). */
CK_CLONES static void avgpool3x3s1(int planes, int h, int w, int exclude_pad, const float *in, float *out) {
  float vbuf[w + 2];
  float inv[10];
  for (int i = 1; i < 10; i++) inv[i] = 1.0f / (float)i;
  vbuf[0] = 0.0f;
  vbuf[w + 1] = 0.0f;
  for (int plane = 0; plane < planes; plane++) {
    const float *x = in + (size_t)plane * h * w;
    float *y = out + (size_t)plane * h * w;
    for (int oy = 0; oy < h; oy++) {
      const float *r1 = x + (size_t)oy * w;
      float *v = vbuf + 1;
      int rows = 1;
      if (oy > 0 && oy + 1 < h) {
        const float *r0 = r1 - w, *r2 = r1 + w;
        for (int ox = 0; ox < w; ox++) v[ox] = r0[ox] + r1[ox] + r2[ox];
        rows = 3;
      } else if (oy > 0) {
        const float *r0 = r1 - w;
        for (int ox = 0; ox < w; ox++) v[ox] = r0[ox] + r1[ox];
        rows = 2;
      } else if (oy + 1 < h) {
        const float *r2 = r1 + w;
        for (int ox = 0; ox < w; ox++) v[ox] = r1[ox] + r2[ox];
        rows = 2;
      } else {
        for (int ox = 0; ox < w; ox++) v[ox] = r1[ox];
      }
      float *yr = y + (size_t)oy * w;
      const float inner = exclude_pad ? inv[rows * 3] : inv[9];
      for (int ox = 0; ox < w; ox++) yr[ox] = (vbuf[ox] + vbuf[ox + 1] + vbuf[ox + 2]) * inner;
      if (exclude_pad) {
        const float edge = inv[rows * (w > 1 ? 2 : 1)];
        yr[0] = (vbuf[0] + vbuf[1] + vbuf[2]) * edge;
        yr[w - 1] = (vbuf[w - 1] + vbuf[w] + vbuf[w + 1]) * edge;
      }
    }
  }
}

void ck_avgpool_ref(int n, int channels, int h, int w, int k, int s, int p, int exclude_pad, const float *in,
                    float *out) {
  if (k == 3 && s == 1 && p == 1 && in != out) {
    avgpool3x3s1(n * channels, h, w, exclude_pad, in, out);
    return;
  }
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

/* Sum of x[0..count) with 16 independent partial sums (vectorisable without reassociation flags). */
static float sum16(const float *x, int count) {
  float part[16] = {0};
  int i = 0;
  for (; i + 16 <= count; i += 16)
    for (int l = 0; l < 16; l++) part[l] += x[i + l];
  float acc = 0.0f;
  for (; i < count; i++) acc += x[i];
  for (int l = 0; l < 16; l++) acc += part[l];
  return acc;
}

/* Dot product with 16 independent partial sums. */
static float dot16(const float *a, const float *b, int count) {
  float part[16] = {0};
  int i = 0;
  for (; i + 16 <= count; i += 16)
    for (int l = 0; l < 16; l++) part[l] += a[i + l] * b[i + l];
  float acc = 0.0f;
  for (; i < count; i++) acc += a[i] * b[i];
  for (int l = 0; l < 16; l++) acc += part[l];
  return acc;
}

CK_CLONES void ck_global_avgpool_ref(int n, int channels, int hw, const float *in, float *out) {
  for (int plane = 0; plane < n * channels; plane++) out[plane] = sum16(in + (size_t)plane * hw, hw) / (float)hw;
}

CK_CLONES void ck_linear_ref(int n, int inf, int outf, const float *x, const float *weight, const float *bias, int act,
                   float *y) {
  for (int b = 0; b < n; b++) {
    for (int o = 0; o < outf; o++) {
      const float acc = dot16(weight + (size_t)o * inf, x + (size_t)b * inf, inf);
      y[(size_t)b * outf + o] = ck_apply_act(act, acc + (bias ? bias[o] : 0.0f));
    }
  }
}

CK_CLONES void ck_channel_scale_ref(int n, int c, int hw, const float *x, const float *s, float *out) {
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
