/* Every kernel variant, for tests and benchmarks: name, op, ISA, function pointer, CPU level needed. */
#include <string.h>
#include "ckernels.h"

int ck_version(void) { return 2; }

static const ck_variant variants[] = {
    {"conv2d_ref", "conv2d", "c", (void *)ck_conv2d_ref, 0},
    {"conv2d_im2col_openblas", "conv2d", "openblas", (void *)ck_conv2d_im2col_openblas, 0},
    {"conv2d_im2col_simd", "conv2d", "dispatch", (void *)ck_conv2d_im2col_simd, 0},
    /* takes weights packed by ck_conv2d_pack_weights; not interchangeable with the others */
    {"conv2d_packed_simd", "conv2d_packed", "dispatch", (void *)ck_conv2d_packed_simd, 0},
    {"dwconv_ref", "dwconv", "c", (void *)ck_dwconv_ref, 0},
    {"dwconv_portable", "dwconv", "c", (void *)ck_dwconv_portable, 0},
    {"dwconv_avx2", "dwconv", "avx2+fma", (void *)ck_dwconv_avx2, 1},
    {"dwconv_avx512", "dwconv", "avx512", (void *)ck_dwconv_avx512, 2},
    {"dwconv_simd", "dwconv", "dispatch", (void *)ck_dwconv_simd, 0},
    {"gemm_ref", "gemm", "c", (void *)ck_gemm_ref, 0},
    {"gemm_openblas", "gemm", "openblas", (void *)ck_gemm_openblas, 0},
    {"gemm_portable", "gemm", "c", (void *)ck_gemm_portable, 0},
    {"gemm_avx2", "gemm", "avx2+fma", (void *)ck_gemm_avx2, 1},
    {"gemm_avx512", "gemm", "avx512", (void *)ck_gemm_avx512, 2},
    {"gemm_simd", "gemm", "dispatch", (void *)ck_gemm_simd, 0},
    {"linear_ref", "linear", "c", (void *)ck_linear_ref, 0},
    {"linear_openblas", "linear", "openblas", (void *)ck_linear_openblas, 0},
};

int ck_variant_count(void) { return (int)(sizeof(variants) / sizeof(variants[0])); }

const ck_variant *ck_variant_at(int index) {
  if (index < 0 || index >= ck_variant_count()) return 0;
  return &variants[index];
}

const ck_variant *ck_variant_named(const char *name) {
  for (int i = 0; i < ck_variant_count(); i++)
    if (strcmp(variants[i].name, name) == 0) return &variants[i];
  return 0;
}
