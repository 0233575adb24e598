/* Dense conv on our SIMD GEMM with pre-packed weights: the im2col matrix is written directly in the GEMM's
 * B-panel layout (NR columns per panel, full K), weights are packed once into MR-row panels (full K), and the
 * micro-kernel (AVX-512 6×32, AVX2 6×16 or portable 6×16, chosen at run time) runs over K blocks of KC. */
#include <string.h>
#include "ck_internal.h"

static int conv_k(const ck_conv *c) { return c->cin * c->kh * c->kw; }

static int level_nr(int level) { return level == 2 ? 32 : 16; }

/* Rows per weight panel: 8 with AVX-512 (8×32 micro-kernel), 6 otherwise. Weights must be packed and run at
 * the same ck_simd_level(). */
static int level_mr(int level) { return level == 2 ? 8 : 6; }

static ck_ukernel_fn level_ukr(int level) {
#if defined(__x86_64__)
  if (level == 2) return ck_ukr_avx512_8x32;
  if (level == 1) return ck_ukr_avx2;
#endif
  (void)level;
  return ck_ukr_portable;
}

size_t ck_conv2d_packed_weight_floats(const ck_conv *c) {
  const size_t panels = (size_t)(c->cout + 5) / 6; /* enough for MR = 6 and MR = 8 */
  return panels * 6 * (size_t)conv_k(c) + 8 * (size_t)conv_k(c);
}

void ck_conv2d_pack_weights(const ck_conv *c, const float *w, float *packed) {
  const int m = c->cout, k = conv_k(c), mr = level_mr(ck_simd_level());
  for (int i = 0; i < m; i += mr) {
    const int h = ck_min(mr, m - i);
    for (int p = 0; p < k; p++) {
      int y = 0;
      for (; y < h; y++) packed[y] = w[(size_t)(i + y) * k + p];
      for (; y < mr; y++) packed[y] = 0.0f;
      packed += mr;
    }
  }
}

static ck_ukernel_offs_fn level_ukr_offs(int level) {
#if defined(__x86_64__)
  if (level == 2) return ck_ukr_avx512_8x32_offs;
  if (level == 1) return ck_ukr_avx2_offs;
#endif
  (void)level;
  return ck_ukr_portable_offs;
}

/* Workspace of the stride-1 implicit-GEMM path: padded input (+ slack), offsets (2 sets), C tile, a packed tail
 * panel. Floats. */
static size_t implicit_floats(const ck_conv *c) {
  const size_t k = (size_t)conv_k(c), hp = (size_t)c->h + 2 * c->pad, wp = (size_t)c->w + 2 * c->pad;
  const size_t padded = (size_t)c->cin * hp * wp + c->kw + 64;
  const size_t mpad = (size_t)c->cout + 8;
  return ck_round16(padded) + ck_round16(2 * k) + ck_round16(mpad * 32) + ck_round16(k * 32) + 64;
}

size_t ck_conv2d_packed_workspace_floats(const ck_conv *c) {
  const size_t panel = (size_t)32 * conv_k(c) + 64;
  const size_t implicit = c->stride == 1 ? implicit_floats(c) : 0;
  return panel > implicit ? panel : implicit;
}

/* im2col of output pixels [j0, j1) of one image into a single B panel bp[k][nr] (stays in L1/L2 while the
 * micro-kernels consume it). Columns past j1 are left as they are: the micro-kernel never stores them. */
static void im2col_panel(const ck_conv *c, const float *x, int j0, int j1, float *bp, int nr) {
  const int ow = c->ow, s = c->stride, p = c->pad, kh = c->kh, kw = c->kw, w = c->w, h = c->h;
  const int oy0 = j0 / ow, ox00 = j0 % ow;
  int los[32], his[32]; /* valid output columns per kx: lo <= ox < hi */
  for (int kx = 0; kx < kw && kx < 32; kx++) {
    int lo = 0, hi = ow;
    while (lo < ow && lo * s - p + kx < 0) lo++;
    while (hi > lo && (hi - 1) * s - p + kx >= w) hi--;
    los[kx] = lo;
    his[kx] = hi;
  }
  for (int ci = 0; ci < c->cin; ci++) {
    const float *plane = x + (size_t)ci * h * w;
    for (int ky = 0; ky < kh; ky++) {
      for (int kx = 0; kx < kw; kx++) {
        float *d = bp + (size_t)((ci * kh + ky) * kw + kx) * nr;
        const int lo = los[kx], hi = his[kx];
        int j = j0, oy = oy0, ox = ox00, lane = 0;
        while (j < j1) {
          const int seg = ck_min(ow - ox, j1 - j);
          const int iy = oy * s - p + ky;
          float *dd = d + lane;
          if (iy < 0 || iy >= h) {
            for (int t = 0; t < seg; t++) dd[t] = 0.0f;
          } else {
            const float *srow = plane + (size_t)iy * w - p + kx;
            const int a = ck_max(lo, ox), b = ck_min(hi, ox + seg);
            int t = 0;
            for (; t < a - ox; t++) dd[t] = 0.0f;
            if (s == 1) {
              const float *src = srow + ox;
              for (; t < b - ox; t++) dd[t] = src[t];
            } else {
              for (; t < b - ox; t++) dd[t] = srow[(ox + t) * s];
            }
            for (; t < seg; t++) dd[t] = 0.0f;
          }
          lane += seg;
          j += seg;
          ox = 0;
          oy++;
        }
      }
    }
  }
}

static inline void epilogue_row(int act, float *o, const float *src, int count, float bv, const float *rr) {
  if (act == CK_ACT_NONE) for (int t = 0; t < count; t++) o[t] = src[t] + bv;
  else if (act == CK_ACT_RELU) for (int t = 0; t < count; t++) { const float v = src[t] + bv; o[t] = v > 0.0f ? v : 0.0f; }
  else for (int t = 0; t < count; t++) o[t] = ck_apply_act(act, src[t] + bv);
  if (rr) for (int t = 0; t < count; t++) o[t] += rr[t];
}

/* Stride-1 conv as an implicit GEMM: output computed over the padded-width domain f = oy * Wp + ox, where B row
 * (ci, ky, kx) is the padded input plane shifted by ky * Wp + kx -- read in place by the micro-kernel, no im2col.
 * 1×1 unpadded convs read the input rows directly and write the output directly. */
static void conv_implicit(const ck_conv *c, const float *in, const float *pw, const float *bias,
                          const float *residual, float *out, float *ws, int level) {
  const int nr = level_nr(level), MR = level_mr(level);
  const ck_ukernel_offs_fn ukr = level_ukr_offs(level);
  const int m = c->cout, k = conv_k(c), kh = c->kh, kw = c->kw, p = c->pad, oh = c->oh, ow = c->ow;
  const int n = oh * ow, pointwise = kh == 1 && kw == 1 && p == 0;
  const int hp = c->h + 2 * p, wpd = c->w + 2 * p;
  const size_t plane = (size_t)hp * wpd, in_image = (size_t)c->cin * c->h * c->w, out_image = (size_t)m * n;
  const size_t k_sz = (size_t)k;
  float *padded = ws;
  int *offs = (int *)(ws + ck_round16((size_t)c->cin * plane + kw + 64));
  int *offs_tail = offs + k;
  float *tile = (float *)(offs + ck_round16(2 * k_sz));
  float *tail_panel = tile + ck_round16(((size_t)m + 8) * 32);
  const int nprime = pointwise ? n : oh * wpd;
  const int mpanels = (m + MR - 1) / MR;
  for (int ci = 0, row = 0; ci < c->cin; ci++)
    for (int ky = 0; ky < kh; ky++)
      for (int kx = 0; kx < kw; kx++, row++) {
        offs[row] = pointwise ? ci * n : (int)(ci * plane) + ky * wpd + kx;
        offs_tail[row] = row * nr;
      }
  if (!pointwise) memset(padded, 0, sizeof(float) * ((size_t)c->cin * plane + kw + 64));
  for (int b = 0; b < c->n; b++) {
    const float *x = in + b * in_image;
    float *y = out + b * out_image;
    const float *r = residual ? residual + b * out_image : 0;
    const float *base = x;
    if (!pointwise) {
      for (int ci = 0; ci < c->cin; ci++)
        for (int iy = 0; iy < c->h; iy++)
          memcpy(padded + ci * plane + (size_t)(iy + p) * wpd + p, x + ci * (size_t)c->h * c->w + (size_t)iy * c->w,
                 sizeof(float) * (size_t)c->w);
      base = padded;
    }
    for (int j0 = 0; j0 < nprime; j0 += nr) {
      const int nrr = ck_min(nr, nprime - j0);
      const float *bbase = base + j0;
      const int *o = offs;
      if (pointwise && nrr < nr) { /* last partial panel: pack it so no load runs past the input tensor */
        for (int q = 0; q < k; q++)
          for (int t = 0; t < nr; t++) tail_panel[(size_t)q * nr + t] = t < nrr ? x[(size_t)q * n + j0 + t] : 0.0f;
        bbase = tail_panel;
        o = offs_tail;
      }
      float *dst = pointwise ? y + j0 : tile;
      const int ldc = pointwise ? n : nr;
      for (int pc = 0; pc < k; pc += CK_GEMM_KC) {
        const int kc = ck_min(CK_GEMM_KC, k - pc);
        for (int ip = 0; ip < mpanels; ip++) {
          const int mrr = ck_min(MR, m - ip * MR);
          ukr(kc, pw + (size_t)ip * k * MR + (size_t)pc * MR, bbase, o + pc, dst + (size_t)ip * MR * ldc, ldc, mrr,
              nrr, pc > 0);
        }
      }
      if (pointwise) {
        for (int i = 0; i < m; i++)
          epilogue_row(c->act, y + (size_t)i * n + j0, y + (size_t)i * n + j0, nrr, bias ? bias[i] : 0.0f,
                       r ? r + (size_t)i * n + j0 : 0);
        continue;
      }
      for (int f = j0, end = j0 + nrr; f < end;) {
        const int oy = f / wpd, ox = f % wpd, seg = ck_min(wpd - ox, end - f);
        const int valid = ox < ow ? ck_min(seg, ow - ox) : 0;
        for (int i = 0; valid > 0 && i < m; i++) {
          const size_t at = (size_t)i * n + (size_t)oy * ow + ox;
          epilogue_row(c->act, y + at, tile + (size_t)i * nr + (f - j0), valid, bias ? bias[i] : 0.0f, r ? r + at : 0);
        }
        f += seg;
      }
    }
  }
}

void ck_conv2d_packed_simd(const ck_conv *c, const float *in, const float *packed_weight, const float *bias,
                           const float *residual, float *out, float *workspace) {
  if (c->stride == 1) {
    conv_implicit(c, in, packed_weight, bias, residual, out, workspace, ck_simd_level());
    return;
  }
  const int level = ck_simd_level(), nr = level_nr(level), MR = level_mr(level);
  const ck_ukernel_fn ukr = level_ukr(level);
  const int m = c->cout, k = conv_k(c), n = c->oh * c->ow;
  const size_t in_image = (size_t)c->cin * c->h * c->w, out_image = (size_t)m * n;
  const int npanels = (n + nr - 1) / nr, mpanels = (m + MR - 1) / MR;
  const int pointwise = c->kh == 1 && c->kw == 1 && c->stride == 1 && c->pad == 0;
  for (int b = 0; b < c->n; b++) {
    const float *x = in + b * in_image;
    float *y = out + b * out_image;
    const float *r = residual ? residual + b * out_image : 0;
    for (int jp = 0; jp < npanels; jp++) {
      const int j0 = jp * nr, nrr = ck_min(nr, n - j0);
      if (pointwise) { /* B panel = rows of the input, NR columns each */
        for (int p = 0; p < k; p++) {
          const float *src = x + (size_t)p * n + j0;
          float *d = workspace + (size_t)p * nr;
          for (int t = 0; t < nrr; t++) d[t] = src[t];
        }
      } else {
        im2col_panel(c, x, j0, j0 + nrr, workspace, nr);
      }
      for (int pc = 0; pc < k; pc += CK_GEMM_KC) {
        const int kc = ck_min(CK_GEMM_KC, k - pc);
        for (int ip = 0; ip < mpanels; ip++) {
          const int mrr = ck_min(MR, m - ip * MR);
          ukr(kc, packed_weight + (size_t)ip * k * MR + (size_t)pc * MR, workspace + (size_t)pc * nr,
              y + (size_t)ip * MR * n + j0, n, mrr, nrr, pc > 0);
        }
      }
      /* epilogue on this panel's columns while they are in cache */
      for (int i = 0; i < m; i++) {
        float *o = y + (size_t)i * n + j0;
        const float bv = bias ? bias[i] : 0.0f;
        const float *rr = r ? r + (size_t)i * n + j0 : 0;
        if (c->act == CK_ACT_NONE) for (int t = 0; t < nrr; t++) o[t] += bv;
        else if (c->act == CK_ACT_RELU) for (int t = 0; t < nrr; t++) { const float v = o[t] + bv; o[t] = v > 0.0f ? v : 0.0f; }
        else for (int t = 0; t < nrr; t++) o[t] = ck_apply_act(c->act, o[t] + bv);
        if (rr) for (int t = 0; t < nrr; t++) o[t] += rr[t];
      }
    }
  }
}
