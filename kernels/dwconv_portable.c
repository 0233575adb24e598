/* Portable depthwise conv: padded phase-split planes, unit-stride inner loops the compiler vectorises. */
#include "ck_internal.h"

void ck_dwconv_portable(const ck_conv *c, const float *in, const float *weight, const float *bias,
                        const float *residual, float *out, float *workspace) {
  const int s = c->stride, pitch = ck_dw_pitch(c), ow = c->ow, kh = c->kh, kw = c->kw;
  const size_t in_plane = (size_t)c->h * c->w, out_plane = (size_t)c->oh * ow;
  float *buf = workspace;
  ck_dw_clear(c, buf);
  for (int n = 0; n < c->n; n++) {
    for (int ch = 0; ch < c->cin; ch++) {
      const size_t pi = (size_t)n * c->cin + ch;
      ck_dw_fill(c, in + pi * in_plane, buf);
      const float *wp = weight + (size_t)ch * kh * kw;
      const float b = bias ? bias[ch] : 0.0f;
      float *y = out + pi * out_plane;
      const float *r = residual ? residual + pi * out_plane : 0;
      for (int oy = 0; oy < c->oh; oy++) {
        float *yr = y + (size_t)oy * ow;
        for (int ox = 0; ox < ow; ox++) yr[ox] = b;
        for (int ky = 0; ky < kh; ky++) {
          const float *row = buf + (size_t)(oy * s + ky) * s * pitch;
          for (int kx = 0; kx < kw; kx++) {
            const float wv = wp[ky * kw + kx];
            const float *src = row + (size_t)(kx % s) * pitch + kx / s;
            for (int ox = 0; ox < ow; ox++) yr[ox] += wv * src[ox];
          }
        }
        for (int ox = 0; ox < ow; ox++) yr[ox] = ck_apply_act(c->act, yr[ox]);
        if (r)
          for (int ox = 0; ox < ow; ox++) yr[ox] += r[(size_t)oy * ow + ox];
      }
    }
  }
}
