/* Padded, phase-split copies of depthwise input planes (see ck_internal.h). */
#include <string.h>
#include "ck_internal.h"

int ck_dw_pitch(const ck_conv *c) {
  const int need = ((c->ow + 63) / 64) * 64 + (c->kw - 1) / c->stride + 16;
  return (need + 15) & ~15;
}

size_t ck_dwconv_workspace_floats(const ck_conv *c) {
  return (size_t)(c->h + 2 * c->pad + 1) * c->stride * ck_dw_pitch(c) + 64;
}

void ck_dw_clear(const ck_conv *c, float *buf) { memset(buf, 0, sizeof(float) * ck_dwconv_workspace_floats(c)); }

/* Writes only the interior (the border stays zero from ck_dw_clear). */
CK_CLONES void ck_dw_fill(const ck_conv *c, const float *plane, float *buf) {
  const int s = c->stride, p = c->pad, pitch = ck_dw_pitch(c), w = c->w;
  for (int iy = 0; iy < c->h; iy++) {
    const float *src = plane + (size_t)iy * w;
    const int r = iy + p;
    if (s == 1) {
      memcpy(buf + (size_t)r * pitch + p, src, sizeof(float) * (size_t)w);
      continue;
    }
    if (s == 2) {
      /* padded col = ix + p; even ix go to phase p & 1 at index (ix + p) >> 1, odd ix to the other phase. */
      float *row = buf + (size_t)r * 2 * pitch;
      float *de = row + (size_t)(p & 1) * pitch + (p >> 1);        /* destination of src[0], src[2], ... */
      float *dodd = row + (size_t)((p + 1) & 1) * pitch + ((p + 1) >> 1); /* of src[1], src[3], ... */
      const int ne = (w + 1) / 2, no = w / 2;
      for (int i = 0; i < ne; i++) de[i] = src[2 * i];
      for (int i = 0; i < no; i++) dodd[i] = src[2 * i + 1];
      continue;
    }
    for (int ix = 0; ix < w; ix++) {
      const int col = ix + p, q = col % s, i = col / s;
      buf[((size_t)r * s + q) * pitch + i] = src[ix];
    }
  }
}
