#include "ckernels.h"
int ck_version(void) { return 1; }
