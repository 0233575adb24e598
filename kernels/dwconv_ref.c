/* Naive depthwise convolution: the reference for the depthwise variants. */
#include "ck_internal.h"

void ck_dwconv_ref(const ck_conv *c, const float *in, const float *weight, const float *bias,
                   const float *residual, float *out, float *workspace) {
  (void)workspace;
  const size_t in_plane = (size_t)c->h * c->w, out_plane = (size_t)c->oh * c->ow;
  for (int n = 0; n < c->n; n++) {
    for (int ch = 0; ch < c->cin; ch++) {
      const float *x = in + ((size_t)n * c->cin + ch) * in_plane;
      const float *wp = weight + (size_t)ch * c->kh * c->kw;
      float *y = out + ((size_t)n * c->cout + ch) * out_plane;
      const float *r = residual ? residual + ((size_t)n * c->cout + ch) * out_plane : 0;
      const float b = bias ? bias[ch] : 0.0f;
      for (int oy = 0; oy < c->oh; oy++) {
        for (int ox = 0; ox < c->ow; ox++) {
          float acc = 0.0f;
          for (int ky = 0; ky < c->kh; ky++) {
            const int iy = oy * c->stride - c->pad + ky;
            if (iy < 0 || iy >= c->h) continue;
            for (int kx = 0; kx < c->kw; kx++) {
              const int ix = ox * c->stride - c->pad + kx;
              if (ix < 0 || ix >= c->w) continue;
              acc += x[iy * c->w + ix] * wp[ky * c->kw + kx];
            }
          }
          float v = ck_apply_act(c->act, acc + b);
          if (r) v += r[oy * c->ow + ox];
          y[oy * c->ow + ox] = v;
        }
      }
    }
  }
}
