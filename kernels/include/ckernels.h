#ifndef CKERNELS_H
#define CKERNELS_H
/*
 * CKernels: C kernels for helpprof's runtime. See kernels/README.md.
 *
 * Layout: NCHW float32, batch-major. Every kernel is a pure function of its arguments; none allocates.
 * Kernels that need scratch memory take a `workspace` pointer sized by the matching *_workspace_floats().
 * One variant per .c file; kernels/registry.c lists every variant (name, op, isa, function pointer).
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int ck_version(void);

/* ---------- activations (applied in epilogues and by the elementwise kernels) ---------- */
enum { CK_ACT_NONE = 0, CK_ACT_RELU = 1, CK_ACT_HSWISH = 2, CK_ACT_HSIGMOID = 3 };

/* ---------- CPU features ---------- */
/* What the CPU has: 2 = AVX-512F, 1 = AVX2+FMA, 0 = portable C (decided once, __builtin_cpu_supports). */
int ck_cpu_simd_level(void);
/* Level the *_simd dispatchers use: the CPU level, or a lower one forced with ck_force_simd_level. */
int ck_simd_level(void);
/* "avx512", "avx2+fma" or "portable". */
const char *ck_simd_level_name(void);
/* Forces the level used by the *_simd dispatchers (for tests); -1 restores detection. Clamped to what the CPU has. */
void ck_force_simd_level(int level);

/* ---------- convolution ---------- */
/* Describes one 2-D convolution: input n×cin×h×w, weights cout×(cin/groups)×kh×kw, output n×cout×oh×ow. */
typedef struct ck_conv {
  int n, cin, h, w;
  int cout, kh, kw, stride, pad, groups;
  int oh, ow;
  /* Epilogue: out = act(conv + bias[c]) + residual (bias and residual may be NULL). */
  int act;
} ck_conv;

/* Fills oh/ow from the other fields (floor formula). */
void ck_conv_init_output(ck_conv *c);

/* Signature shared by every conv variant (dense and depthwise). */
typedef void (*ck_conv_fn)(const ck_conv *c, const float *in, const float *weight, const float *bias,
                           const float *residual, float *out, float *workspace);

/* Dense convs (any groups for the reference; groups == 1 for the GEMM-based ones). */
void ck_conv2d_ref(const ck_conv *c, const float *in, const float *weight, const float *bias,
                   const float *residual, float *out, float *workspace);
void ck_conv2d_im2col_openblas(const ck_conv *c, const float *in, const float *weight, const float *bias,
                               const float *residual, float *out, float *workspace);
void ck_conv2d_im2col_simd(const ck_conv *c, const float *in, const float *weight, const float *bias,
                           const float *residual, float *out, float *workspace);
/* Workspace (floats) of the GEMM-based convs: im2col (skipped for 1×1 s1 p0) plus GEMM packing. */
size_t ck_conv2d_workspace_floats(const ck_conv *c);

/* Dense conv with pre-packed weights (our SIMD GEMM, run-time ISA): im2col written straight into GEMM panels,
 * weights packed once at plan time with ck_conv2d_pack_weights. `weight` below is the packed buffer.
 * Requires kw <= 32. Pack and run at the same ck_simd_level() (panel height 8 for AVX-512, else 6). */
void ck_conv2d_packed_simd(const ck_conv *c, const float *in, const float *packed_weight, const float *bias,
                           const float *residual, float *out, float *workspace);
size_t ck_conv2d_packed_weight_floats(const ck_conv *c);
void ck_conv2d_pack_weights(const ck_conv *c, const float *weight, float *packed);
size_t ck_conv2d_packed_workspace_floats(const ck_conv *c);

/* Depthwise convs (groups == cin == cout). */
void ck_dwconv_ref(const ck_conv *c, const float *in, const float *weight, const float *bias,
                   const float *residual, float *out, float *workspace);
void ck_dwconv_portable(const ck_conv *c, const float *in, const float *weight, const float *bias,
                        const float *residual, float *out, float *workspace);
void ck_dwconv_avx2(const ck_conv *c, const float *in, const float *weight, const float *bias,
                    const float *residual, float *out, float *workspace);
void ck_dwconv_avx512(const ck_conv *c, const float *in, const float *weight, const float *bias,
                      const float *residual, float *out, float *workspace);
/* Dispatches to the best of avx512 / avx2 / portable for this CPU. */
void ck_dwconv_simd(const ck_conv *c, const float *in, const float *weight, const float *bias,
                    const float *residual, float *out, float *workspace);
size_t ck_dwconv_workspace_floats(const ck_conv *c);

/* ---------- GEMM: C[m×n] = A[m×k] · B[k×n] (+ C if accumulate), row-major with leading dims ---------- */
typedef void (*ck_gemm_fn)(int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                           float *c, int ldc, int accumulate, float *workspace);
void ck_gemm_ref(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                 int accumulate, float *workspace);
void ck_gemm_openblas(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                      int accumulate, float *workspace);
void ck_gemm_portable(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                      int accumulate, float *workspace);
void ck_gemm_avx2(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                  int accumulate, float *workspace);
void ck_gemm_avx512(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                    int accumulate, float *workspace);
void ck_gemm_simd(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                  int accumulate, float *workspace);
/* Packing workspace (floats) any ck_gemm_* needs for these sizes. */
size_t ck_gemm_workspace_floats(int m, int n, int k);

/* im2col for one image: col[(ci*kh*kw + ky*kw + kx) × (oh*ow)], zero padding. */
void ck_im2col(const ck_conv *c, const float *in_image, float *col);

/* Applies out[c][i] = act(out[c][i] + bias[c]) + residual[c][i] over channels × hw (bias/residual may be NULL). */
void ck_epilogue(float *out, int channels, int hw, const float *bias, int act, const float *residual);

/* ---------- elementwise / pooling / misc (reference C; the compiler vectorises them) ---------- */
void ck_act_ref(int act, size_t count, const float *in, float *out);
/* out = in * scale (the NB201 `none` op uses scale 0, really executed). */
void ck_scale_ref(size_t count, float scale, const float *in, float *out);
/* out = a + b (out may alias a or b). */
void ck_add_ref(size_t count, const float *a, const float *b, float *out);
/* Per-channel affine (inference BatchNorm with precomputed scale/shift), then act. */
void ck_bn_ref(int n, int channels, int hw, const float *scale, const float *shift, int act, const float *in,
               float *out);
/* Average pooling, square kernel k, stride s, padding p; count_include_pad = 0 when exclude_pad != 0. */
void ck_avgpool_ref(int n, int channels, int h, int w, int k, int s, int p, int exclude_pad, const float *in,
                    float *out);
/* Output side of ck_avgpool_ref (floor formula). */
int ck_pool_out(int side, int k, int s, int p);
/* Mean over h×w for each of n×channels planes. */
void ck_global_avgpool_ref(int n, int channels, int hw, const float *in, float *out);
/* y[n×outf] = act(x[n×inf] · W^T + bias), W is outf×inf (PyTorch Linear layout). */
void ck_linear_ref(int n, int inf, int outf, const float *x, const float *weight, const float *bias, int act,
                   float *y);
void ck_linear_openblas(int n, int inf, int outf, const float *x, const float *weight, const float *bias, int act,
                        float *y);
typedef void (*ck_linear_fn)(int n, int inf, int outf, const float *x, const float *weight, const float *bias,
                             int act, float *y);
/* Squeeze-excite in place on x (n×c×hw): pooled = mean(x); s = hsigmoid(W2·relu(W1·pooled + b1) + b2); x *= s.
 * scratch holds n*(c + mid + c) floats. */
void ck_se_ref(int n, int c, int hw, int mid, const float *w1, const float *b1, const float *w2, const float *b2,
               float *x, float *scratch);
/* x[n][c][i] *= s[n][c] (the SE channel scale), out may alias x. */
void ck_channel_scale_ref(int n, int c, int hw, const float *x, const float *s, float *out);

/* ---------- registry ---------- */
typedef struct ck_variant {
  const char *name; /* e.g. "gemm_avx512" */
  const char *op;   /* "conv2d", "conv2d_packed", "dwconv", "gemm", "linear" */
  const char *isa;  /* "c", "avx2+fma", "avx512", "openblas", "dispatch" */
  void *fn;         /* cast to ck_conv_fn / ck_gemm_fn / ck_linear_fn by op */
  int min_level;    /* ck_simd_level() needed to run it (0 = any) */
} ck_variant;
int ck_variant_count(void);
const ck_variant *ck_variant_at(int index);
/* NULL when unknown. */
const ck_variant *ck_variant_named(const char *name);

#ifdef __cplusplus
}
#endif
#endif
