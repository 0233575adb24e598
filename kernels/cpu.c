/* CPU feature detection for the run-time dispatchers (ck_*_simd). */
#include "ckernels.h"

static int detected_level = -1;
static int forced_level = -1;

static int detect(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return 2;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
  return 0;
}

int ck_cpu_simd_level(void) {
  if (detected_level < 0) detected_level = detect();
  return detected_level;
}

int ck_simd_level(void) {
  int hw = ck_cpu_simd_level();
  if (forced_level >= 0 && forced_level < hw) return forced_level;
  return hw;
}

const char *ck_simd_level_name(void) {
  switch (ck_simd_level()) {
  case 2: return "avx512";
  case 1: return "avx2+fma";
  default: return "portable";
  }
}

void ck_force_simd_level(int level) { forced_level = level; }
