#define _GNU_SOURCE
#include <sched.h>
#include <errno.h>
#include <unistd.h>
#include "csys.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int csys_pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof(set), &set) == 0 ? 0 : errno;
}

int csys_unpin(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  for (long i = 0; i < n && i < CPU_SETSIZE; i++) CPU_SET((int)i, &set);
  return sched_setaffinity(0, sizeof(set), &set) == 0 ? 0 : errno;
}

int csys_current_cpu(void) { return sched_getcpu(); }

int csys_affinity_count(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return -1;
  return CPU_COUNT(&set);
}

#include <sys/resource.h>

int csys_thread_context_switches(long *voluntary, long *involuntary) {
  struct rusage ru;
  if (getrusage(RUSAGE_THREAD, &ru) != 0) return errno;
  *voluntary = ru.ru_nvcsw;
  *involuntary = ru.ru_nivcsw;
  return 0;
}

int csys_allowed_cpus(int *out, int max) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return -1;
  int n = 0;
  for (int i = 0; i < CPU_SETSIZE && n < max; i++)
    if (CPU_ISSET(i, &set)) out[n++] = i;
  return n;
}

int csys_keep_heap(int bytes) {
#if defined(__GLIBC__)
  return mallopt(M_MMAP_THRESHOLD, bytes) == 1 && mallopt(M_TRIM_THRESHOLD, bytes) == 1;
#else
  (void)bytes;
  return 0;
#endif
}
