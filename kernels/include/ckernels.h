#ifndef CKERNELS_H
#define CKERNELS_H
/* C microkernels for helpprof's runtime. See kernels/README.md. */
int ck_version(void);
#endif
