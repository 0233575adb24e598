// Profiler: measurement protocol, interleaved rounds, resumable CSV output.
