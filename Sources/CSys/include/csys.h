#ifndef CSYS_H
#define CSYS_H
/// Pin the calling thread to one CPU. Returns 0 on success, errno otherwise.
int csys_pin_to_cpu(int cpu);
/// Restore the calling thread's affinity to all CPUs of the process's original mask. Returns 0 or errno.
int csys_unpin(void);
/// The CPU the calling thread runs on, or -1.
int csys_current_cpu(void);
/// Number of CPUs in the calling thread's affinity mask, or -1.
int csys_affinity_count(void);
/// Context switches of the calling thread so far (getrusage RUSAGE_THREAD). Returns 0 or errno.
int csys_thread_context_switches(long *voluntary, long *involuntary);
/// Writes the CPU numbers in the calling thread's affinity mask to out (at most max). Returns the count or -1.
int csys_allowed_cpus(int *out, int max);
/// Asks glibc to serve allocations below `bytes` from the heap and not to return freed heap memory to the kernel
/// below `bytes` (mallopt M_MMAP_THRESHOLD / M_TRIM_THRESHOLD), so that repeated large temporary buffers reuse
/// already-touched pages. Returns 1 on success, 0 where unsupported or refused.
int csys_keep_heap(int bytes);
#endif
