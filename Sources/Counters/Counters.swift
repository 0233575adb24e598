// Counters: PAPI, timers and host facts.
