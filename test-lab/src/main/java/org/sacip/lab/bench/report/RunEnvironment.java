package org.sacip.lab.bench.report;

import java.util.Objects;

/**
 * Where and when a benchmark run happened: the commit (and whether the work tree had changes), the kernel
 * ({@code uname -r}), the JDK, the CPU count, the load average when it started, the lab's round-trip time between
 * A and B, and how long the run took.
 */
public record RunEnvironment(String commit, boolean dirty, String kernel, String jdk, int cpus, String loadAtStart,
        String startedAt, long durationSeconds, Rtt rtt) {
    public RunEnvironment {
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(jdk, "jdk");
        Objects.requireNonNull(loadAtStart, "loadAtStart");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** Round trips A -> B -> A measured in the roaming lab (method says how), in µs. */
    public record Rtt(String method, int samples, long medianMicros, long p90Micros, long maxMicros) {
        public Rtt {
            Objects.requireNonNull(method, "method");
        }
    }
}
