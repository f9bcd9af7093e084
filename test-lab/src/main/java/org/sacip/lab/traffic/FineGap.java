package org.sacip.lab.traffic;

/** A time between two consecutive deliveries, in epoch microseconds; {@code open}: still silent at the report. */
public record FineGap(long startMicros, long endMicros, boolean open) {
    public long durationMicros() {
        return endMicros - startMicros;
    }
}
