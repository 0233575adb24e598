#include <papi.h>
/* PAPI_VER_CURRENT is a function-like macro expression that Swift cannot import. */
static inline int cpapi_library_init(void) { return PAPI_library_init(PAPI_VER_CURRENT); }
static inline int cpapi_ver_current(void) { return PAPI_VER_CURRENT; }
