#include <cblas.h>
/* Declared by OpenBLAS but not always in cblas.h on every distro. */
extern void openblas_set_num_threads(int num_threads);
extern int openblas_get_num_threads(void);
extern char *openblas_get_corename(void);
extern char *openblas_get_config(void);
