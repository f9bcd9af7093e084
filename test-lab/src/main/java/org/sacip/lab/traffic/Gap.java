package org.sacip.lab.traffic;

/** A time without delivery, in epoch ms; {@code open} when nothing had arrived again by the time of the report. */
public record Gap(long startMs, long endMs, boolean open) {
    public long durationMs() {
        return endMs - startMs;
    }
}
