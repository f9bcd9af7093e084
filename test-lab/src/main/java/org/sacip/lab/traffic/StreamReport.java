package org.sacip.lab.traffic;

import java.util.List;

/**
 * What one endpoint saw. Tuples are "local -> remote" at start and at end (they must be equal: a stream is never
 * reopened). longestGap is the longest silence however short; gaps lists those over
 * {@link GapLog#THRESHOLD_MS}. failure is null unless the connection ended (EOF, reset) or broke in another way.
 * fineGaps (gap stream only, empty otherwise) has the longest time between deliveries per 50 ms, in µs.
 */
public record StreamReport(String kind, String role, String startTuple, String endTuple, int connections,
        int connectionsFailed, long bytesSent, long bytesReceived, long bytesCorrupted, long sendErrors,
        String failure, long failureAtMs, long startMs, long endMs, long lastDeliveryMs, String sentHash,
        String receivedHash, Gap longestGap, List<Gap> gaps, List<FineGap> fineGaps) {
    public StreamReport {
        fineGaps = fineGaps == null ? List.of() : List.copyOf(fineGaps);
    }
}
