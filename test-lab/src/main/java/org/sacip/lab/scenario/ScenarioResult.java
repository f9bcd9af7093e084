package org.sacip.lab.scenario;

import java.util.List;
import org.sacip.lab.traffic.StreamReport;

/** The figures of one scenario run, as printed in the table and written to JSON. */
public record ScenarioResult(String scenario, String topology, String family, String traffic, String moves,
        boolean agents, String agentNote, String verdict, boolean survived, long maxGapMs, long bytesSent,
        long bytesReceived, long bytesLost, long bytesCorrupted, long sendErrors, String failure, Boolean hashesMatch,
        String clientStartTuple, String clientEndTuple, long startMs, long endMs, List<MoveResult> moveResults,
        List<String> sessions, StreamReport client, StreamReport server) {
}
