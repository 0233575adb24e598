/* Naive direct convolution (any groups): the reference every other conv variant is tested against. */
#include "ck_internal.h"

void ck_conv2d_ref(const ck_conv *c, const float *in, const float *weight, const float *bias,
                   const float *residual, float *out, float *workspace) {
  (void)workspace;
  const int cpg_in = c->cin / c->groups, cpg_out = c->cout / c->groups;
  const size_t in_image = (size_t)c->cin * c->h * c->w, out_plane = (size_t)c->oh * c->ow;
  const size_t out_image = (size_t)c->cout * out_plane;
  for (int n = 0; n < c->n; n++) {
    const float *x = in + n * in_image;
    float *y = out + n * out_image;
    for (int co = 0; co < c->cout; co++) {
      const int g = co / cpg_out;
      for (int oy = 0; oy < c->oh; oy++) {
        for (int ox = 0; ox < c->ow; ox++) {
          float acc = 0.0f;
          for (int ci = 0; ci < cpg_in; ci++) {
            const float *xp = x + (size_t)(g * cpg_in + ci) * c->h * c->w;
            const float *wp = weight + ((size_t)co * cpg_in + ci) * c->kh * c->kw;
            for (int ky = 0; ky < c->kh; ky++) {
              const int iy = oy * c->stride - c->pad + ky;
              if (iy < 0 || iy >= c->h) continue;
              for (int kx = 0; kx < c->kw; kx++) {
                const int ix = ox * c->stride - c->pad + kx;
                if (ix < 0 || ix >= c->w) continue;
                acc += xp[iy * c->w + ix] * wp[ky * c->kw + kx];
              }
            }
          }
          y[(size_t)co * out_plane + (size_t)oy * c->ow + ox] = acc;
        }
      }
    }
    ck_epilogue(y, c->cout, (int)out_plane, bias, c->act, residual ? residual + n * out_image : 0);
  }
}
