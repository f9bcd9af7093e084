package org.sacip.lab.bench;

import java.util.Arrays;
import java.util.List;
import org.sacip.lab.traffic.Endpoint;

/**
 * After every endpoint stopped sending: waits until all bytes sent have been received somewhere (each byte is sent by
 * one endpoint and received by its peer), or until the counts stop changing, as ScenarioRunner does for one pair.
 * Reporting at once would count bytes still in flight as lost.
 */
final class StreamDrain {
    private static final long STABLE_MS = 500;
    private static final long LIMIT_MS = 10_000;
    private static final long COUNT_LIMIT_MS = 30_000;

    private StreamDrain() {
    }

    static void drain(List<Endpoint> endpoints) {
        long start = System.currentTimeMillis();
        long stableSince = start;
        long[] previous = null;
        while (System.currentTimeMillis() - start < LIMIT_MS) {
            Pause.ms(50);
            long[] now = new long[endpoints.size() * 2];
            long sent = 0;
            long received = 0;
            for (int i = 0; i < endpoints.size(); i++) {
                long[] c = endpoints.get(i).counts(COUNT_LIMIT_MS);
                now[2 * i] = c[0];
                now[2 * i + 1] = c[1];
                sent += c[0];
                received += c[1];
            }
            if (sent == received) {
                return;
            }
            if (previous == null || !Arrays.equals(previous, now)) {
                stableSince = System.currentTimeMillis();
                previous = now;
            } else if (System.currentTimeMillis() - stableSince >= STABLE_MS) {
                return;
            }
        }
    }
}
