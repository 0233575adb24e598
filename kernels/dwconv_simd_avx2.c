/* AVX2+FMA depthwise conv: per output row, up to 4 ymm accumulators (32 columns) over all k×k taps,
 * fused bias + activation + residual, masked tail stores. Non-x86 builds fall back to the portable kernel. */
#include "ck_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma"))) static inline __m256 act256(int act, __m256 v) {
  const __m256 zero = _mm256_setzero_ps();
  if (act == CK_ACT_RELU) return _mm256_max_ps(v, zero);
  if (act == CK_ACT_HSWISH || act == CK_ACT_HSIGMOID) {
    __m256 t = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(v, _mm256_set1_ps(3.0f)), zero), _mm256_set1_ps(6.0f));
    t = _mm256_mul_ps(t, _mm256_set1_ps(1.0f / 6.0f));
    return act == CK_ACT_HSWISH ? _mm256_mul_ps(v, t) : t;
  }
  return v;
}

static const int32_t tail_mask[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

__attribute__((target("avx2,fma"), always_inline)) static inline void
dw_block(const int NV, const int S, const int K, const ck_conv *c, const float *buf, int pitch, int oy, int ox, const float *wp, float b,
         const float *r, float *yr) {
  const int s = S, kh = K ? K : c->kh, kw = K ? K : c->kw;
  __m256 acc[4];
  for (int v = 0; v < NV; v++) acc[v] = _mm256_set1_ps(b);
  for (int ky = 0; ky < kh; ky++) {
    const float *row = buf + (size_t)(oy * s + ky) * s * pitch + ox;
    for (int kx = 0; kx < kw; kx++) {
      const __m256 wv = _mm256_set1_ps(wp[ky * kw + kx]);
      const float *src = row + (size_t)(kx % s) * pitch + kx / s;
      for (int v = 0; v < NV; v++) acc[v] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(src + 8 * v), acc[v]);
    }
  }
  for (int v = 0; v < NV; v++) {
    const int col = ox + 8 * v, left = c->ow - col;
    __m256 o = act256(c->act, acc[v]);
    if (left >= 8) {
      if (r) o = _mm256_add_ps(o, _mm256_loadu_ps(r + col));
      _mm256_storeu_ps(yr + col, o);
    } else {
      const __m256i m = _mm256_loadu_si256((const __m256i *)(tail_mask + 8 - left));
      if (r) o = _mm256_add_ps(o, _mm256_maskload_ps(r + col, m));
      _mm256_maskstore_ps(yr + col, m, o);
    }
  }
}

/* All output rows of one channel plane; S (stride) and K (kernel side, 0 = from c) are compile-time constants
 * in the specialised calls so the tap loops unroll and kx % S, kx / S fold away. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
dw_plane(const int S, const int K, const ck_conv *c, const float *buf, int pitch, const float *wp, float b,
         const float *r, float *y) {
  const int ow = c->ow;
  for (int oy = 0; oy < c->oh; oy++) {
    float *yr = y + (size_t)oy * ow;
    const float *rr = r ? r + (size_t)oy * ow : 0;
    int ox = 0;
    for (; ox + 32 <= ow; ox += 32) dw_block(4, S, K, c, buf, pitch, oy, ox, wp, b, rr, yr);
    switch ((ow - ox + 7) / 8) {
    case 4: dw_block(4, S, K, c, buf, pitch, oy, ox, wp, b, rr, yr); break;
    case 3: dw_block(3, S, K, c, buf, pitch, oy, ox, wp, b, rr, yr); break;
    case 2: dw_block(2, S, K, c, buf, pitch, oy, ox, wp, b, rr, yr); break;
    case 1: dw_block(1, S, K, c, buf, pitch, oy, ox, wp, b, rr, yr); break;
    default: break;
    }
  }
}

__attribute__((target("avx2,fma")))
void ck_dwconv_avx2(const ck_conv *c, const float *in, const float *weight, const float *bias,
                      const float *residual, float *out, float *workspace) {
  const int pitch = ck_dw_pitch(c), s = c->stride, k = c->kh == c->kw ? c->kh : 0;
  const size_t in_plane = (size_t)c->h * c->w, out_plane = (size_t)c->oh * c->ow;
  float *buf = workspace;
  ck_dw_clear(c, buf);
  for (int n = 0; n < c->n; n++) {
    for (int ch = 0; ch < c->cin; ch++) {
      const size_t pi = (size_t)n * c->cin + ch;
      ck_dw_fill(c, in + pi * in_plane, buf);
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
void ck_dwconv_avx2(const ck_conv *c, const float *in, const float *weight, const float *bias,
                    const float *residual, float *out, float *workspace) {
  ck_dwconv_portable(c, in, weight, bias, residual, out, workspace);
}
#endif
