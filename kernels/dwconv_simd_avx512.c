/* AVX-512F depthwise conv: per output row, up to 4 zmm accumulators (64 columns) over all k×k taps,
 * fused bias + activation + residual, masked tail stores. Non-x86 builds fall back to the portable kernel. */
#include "ck_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f"))) static inline __m512 act512(int act, __m512 v) {
  const __m512 zero = _mm512_setzero_ps();
  if (act == CK_ACT_RELU) return _mm512_max_ps(v, zero);
  if (act == CK_ACT_HSWISH || act == CK_ACT_HSIGMOID) {
    __m512 t = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(v, _mm512_set1_ps(3.0f)), zero), _mm512_set1_ps(6.0f));
    t = _mm512_mul_ps(t, _mm512_set1_ps(1.0f / 6.0f));
    return act == CK_ACT_HSWISH ? _mm512_mul_ps(v, t) : t;
  }
  return v;
}

/* One block of R output rows × NV vectors (16·NV columns starting at ox). Each loaded input vector feeds every
 * output row of the block that uses it, and the R·NV accumulators are independent FMA chains (the single-row
 * version was bound by FMA latency on narrow maps). R, NV, S, K are compile-time constants at the call sites. */
__attribute__((target("avx512f"), always_inline)) static inline void
dw_block(const int NV, const int R, const int S, const int K, const ck_conv *c, const float *buf, int pitch, int oy,
         int ox, const float *wp, float b, const float *r, float *y) {
  const int s = S, kh = K ? K : c->kh, kw = K ? K : c->kw, ow = c->ow;
  __m512 acc[8][4];
  for (int i = 0; i < R; i++)
    for (int v = 0; v < NV; v++) acc[i][v] = _mm512_set1_ps(b);
  const int rows = s * (R - 1) + kh;
  for (int q = 0; q < rows; q++) { /* input row oy*s + q */
    const float *row = buf + (size_t)(oy * s + q) * s * pitch + ox;
    for (int kx = 0; kx < kw; kx++) {
      const float *src = row + (size_t)(kx % s) * pitch + kx / s;
      __m512 in[4];
      for (int v = 0; v < NV; v++) in[v] = _mm512_loadu_ps(src + 16 * v);
      for (int i = 0; i < R; i++) {
        const int ky = q - s * i;
        if (ky < 0 || ky >= kh) continue;
        const __m512 wv = _mm512_set1_ps(wp[ky * kw + kx]);
        for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(wv, in[v], acc[i][v]);
      }
    }
  }
  for (int i = 0; i < R; i++) {
    float *yr = y + (size_t)(oy + i) * ow;
    const float *rr = r ? r + (size_t)(oy + i) * ow : 0;
    for (int v = 0; v < NV; v++) {
      const int col = ox + 16 * v, left = ow - col;
      const __mmask16 m = (__mmask16)(left >= 16 ? 0xFFFF : ((1u << left) - 1u));
      __m512 o = act512(c->act, acc[i][v]);
      if (rr) o = _mm512_add_ps(o, _mm512_maskz_loadu_ps(m, rr + col));
      _mm512_mask_storeu_ps(yr + col, m, o);
    }
  }
}

/* Columns of one block of R rows: 4-vector chunks, then the 1–3 vector tail. */
__attribute__((target("avx512f"), always_inline)) static inline void
dw_rows(const int R, const int S, const int K, const ck_conv *c, const float *buf, int pitch, int oy,
        const float *wp, float b, const float *r, float *y) {
  const int ow = c->ow;
  int ox = 0;
  if (R <= 4)
    for (; ox + 64 <= ow; ox += 64) dw_block(4, R, S, K, c, buf, pitch, oy, ox, wp, b, r, y);
  switch ((ow - ox + 15) / 16) {
  case 4: if (R <= 4) dw_block(4, R, S, K, c, buf, pitch, oy, ox, wp, b, r, y); break;
  case 3: if (R <= 4) dw_block(3, R, S, K, c, buf, pitch, oy, ox, wp, b, r, y); break;
  case 2: dw_block(2, R, S, K, c, buf, pitch, oy, ox, wp, b, r, y); break;
  case 1: dw_block(1, R, S, K, c, buf, pitch, oy, ox, wp, b, r, y); break;
  default: break;
  }
}

/* Stride-2 fill with AVX-512 permutes (see dwconv_pad.c for the layout): even source columns to one phase,
 * odd to the other. */
__attribute__((target("avx512f"))) static void fill_s2_avx512(const ck_conv *c, const float *plane, float *buf,
                                                              int pitch) {
  const int p = c->pad, w = c->w;
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  for (int iy = 0; iy < c->h; iy++) {
    const float *src = plane + (size_t)iy * w;
    float *row = buf + (size_t)(iy + p) * 2 * pitch;
    float *de = row + (size_t)(p & 1) * pitch + (p >> 1);
    float *dodd = row + (size_t)((p + 1) & 1) * pitch + ((p + 1) >> 1);
    const int ne = (w + 1) / 2, no = w / 2;
    int i = 0;
    for (; 2 * i + 32 <= w; i += 16) {
      const __m512 a = _mm512_loadu_ps(src + 2 * i), b = _mm512_loadu_ps(src + 2 * i + 16);
      _mm512_storeu_ps(de + i, _mm512_permutex2var_ps(a, even, b));
      _mm512_storeu_ps(dodd + i, _mm512_permutex2var_ps(a, odd, b));
    }
    for (int j = i; j < ne; j++) de[j] = src[2 * j];
    for (int j = i; j < no; j++) dodd[j] = src[2 * j + 1];
  }
}

/* All output rows of one channel plane; S (stride) and K (kernel side, 0 = from c) are compile-time constants
 * in the specialised calls so the tap loops unroll. Rows go in blocks of R = 8 (≤ 2 vectors per row), 4 (≤ 4) or
 * 2 (wider), then single rows. */
__attribute__((target("avx512f"), always_inline)) static inline void
dw_plane(const int S, const int K, const ck_conv *c, const float *buf, int pitch, const float *wp, float b,
         const float *r, float *y) {
  const int vecs = (c->ow + 15) / 16;
  int oy = 0;
  if (vecs <= 2)
    for (; oy + 8 <= c->oh; oy += 8) dw_rows(8, S, K, c, buf, pitch, oy, wp, b, r, y);
  if (vecs <= 4)
    for (; oy + 4 <= c->oh; oy += 4) dw_rows(4, S, K, c, buf, pitch, oy, wp, b, r, y);
  for (; oy + 2 <= c->oh; oy += 2) dw_rows(2, S, K, c, buf, pitch, oy, wp, b, r, y);
  for (; oy < c->oh; oy++) dw_rows(1, S, K, c, buf, pitch, oy, wp, b, r, y);
}

__attribute__((target("avx512f")))
void ck_dwconv_avx512(const ck_conv *c, const float *in, const float *weight, const float *bias,
                      const float *residual, float *out, float *workspace) {
  const int pitch = ck_dw_pitch(c), s = c->stride, k = c->kh == c->kw ? c->kh : 0;
  const size_t in_plane = (size_t)c->h * c->w, out_plane = (size_t)c->oh * c->ow;
  float *buf = workspace;
  ck_dw_clear(c, buf);
  for (int n = 0; n < c->n; n++) {
    for (int ch = 0; ch < c->cin; ch++) {
      const size_t pi = (size_t)n * c->cin + ch;
      if (s == 2) fill_s2_avx512(c, in + pi * in_plane, buf, pitch);
      else ck_dw_fill(c, in + pi * in_plane, buf);
      const float *wp = weight + (size_t)ch * c->kh * c->kw;
      const float b = bias ? bias[ch] : 0.0f;
      float *y = out + pi * out_plane;
      const float *r = residual ? residual + pi * out_plane : 0;
      if (s == 1 && k == 3) dw_plane(1, 3, c, buf, pitch, wp, b, r, y);
      else if (s == 1 && k == 5) dw_plane(1, 5, c, buf, pitch, wp, b, r, y);
      else if (s == 1 && k == 7) dw_plane(1, 7, c, buf, pitch, wp, b, r, y);
      else if (s == 2 && k == 3) dw_plane(2, 3, c, buf, pitch, wp, b, r, y);
      else if (s == 2 && k == 5) dw_plane(2, 5, c, buf, pitch, wp, b, r, y);
      else if (s == 2 && k == 7) dw_plane(2, 7, c, buf, pitch, wp, b, r, y);
      else if (s == 1) dw_plane(1, 0, c, buf, pitch, wp, b, r, y);
      else if (s == 2) dw_plane(2, 0, c, buf, pitch, wp, b, r, y);
      else dw_plane(s, 0, c, buf, pitch, wp, b, r, y);
    }
  }
}
#else
void ck_dwconv_avx512(const ck_conv *c, const float *in, const float *weight, const float *bias,
                      const float *residual, float *out, float *workspace) {
  ck_dwconv_portable(c, in, weight, bias, residual, out, workspace);
}
#endif
