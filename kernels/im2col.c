/* im2col for one image (groups = 1): rows = (ci, ky, kx), columns = output pixels, zero padding. */
#include <string.h>
#include "ck_internal.h"

void ck_im2col(const ck_conv *c, const float *x, float *col) {
  const int oh = c->oh, ow = c->ow, s = c->stride, p = c->pad;
  const size_t ohw = (size_t)oh * ow;
  for (int ci = 0; ci < c->cin; ci++) {
    const float *plane = x + (size_t)ci * c->h * c->w;
    for (int ky = 0; ky < c->kh; ky++) {
      for (int kx = 0; kx < c->kw; kx++) {
        float *dst = col + ((size_t)(ci * c->kh + ky) * c->kw + kx) * ohw;
        /* valid output columns: 0 <= ox*s - p + kx < w */
        int ox0 = 0, ox1 = ow;
        while (ox0 < ow && ox0 * s - p + kx < 0) ox0++;
        while (ox1 > ox0 && (ox1 - 1) * s - p + kx >= c->w) ox1--;
        for (int oy = 0; oy < oh; oy++) {
          const int iy = oy * s - p + ky;
          float *d = dst + (size_t)oy * ow;
          if (iy < 0 || iy >= c->h) {
            memset(d, 0, sizeof(float) * (size_t)ow);
            continue;
          }
          const float *srow = plane + (size_t)iy * c->w;
          for (int ox = 0; ox < ox0; ox++) d[ox] = 0.0f;
          if (s == 1) {
            memcpy(d + ox0, srow + ox0 - p + kx, sizeof(float) * (size_t)(ox1 - ox0));
          } else {
            for (int ox = ox0; ox < ox1; ox++) d[ox] = srow[ox * s - p + kx];
          }
          for (int ox = ox1; ox < ow; ox++) d[ox] = 0.0f;
        }
      }
    }
  }
}

static int is_pointwise(const ck_conv *c) {
  return c->kh == 1 && c->kw == 1 && c->stride == 1 && c->pad == 0;
}

size_t ck_conv2d_workspace_floats(const ck_conv *c) {
  const int k = c->cin * c->kh * c->kw, n = c->oh * c->ow;
  const size_t col = is_pointwise(c) ? 0 : ck_round16((size_t)k * n);
  return col + ck_gemm_workspace_floats(c->cout, n, k);
}

/* conv = weight[cout × cin·kh·kw] · col[cin·kh·kw × oh·ow] per image, then the epilogue. */
void ck_conv2d_gemm(const ck_conv *c, const float *in, const float *weight, const float *bias,
                      const float *residual, float *out, float *workspace, ck_gemm_fn gemm) {
  const int k = c->cin * c->kh * c->kw, n = c->oh * c->ow;
  const size_t in_image = (size_t)c->cin * c->h * c->w, out_image = (size_t)c->cout * n;
  const int pw = is_pointwise(c);
  float *col = workspace;
  float *gws = workspace + (pw ? 0 : ck_round16((size_t)k * n));
  for (int b = 0; b < c->n; b++) {
    const float *x = in + b * in_image;
    float *y = out + b * out_image;
    const float *bm = x;
    if (!pw) {
      ck_im2col(c, x, col);
      bm = col;
    }
    gemm(c->cout, n, k, weight, k, bm, n, y, n, 0, gws);
    ck_epilogue(y, c->cout, n, bias, c->act, residual ? residual + b * out_image : 0);
  }
}
