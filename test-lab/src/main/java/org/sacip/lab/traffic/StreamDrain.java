package org.sacip.lab.traffic;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.sacip.testing.Eventually;

/**
 * After every endpoint stopped sending: waits until all bytes sent have been received somewhere (each byte is sent by
 * one endpoint and received by its peer), or until the counts stop changing (what is missing then is lost: a stalled
 * path). Reporting at once would count bytes still in flight as lost.
 */
public final class StreamDrain {
    /** Counts unchanged for this long mean nothing more is coming (a stall). */
    private static final Duration STABLE = Duration.ofMillis(500);
    /** ... and the drain never takes longer than this, whatever happens. */
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final long COUNT_LIMIT_MS = 30_000;

    private StreamDrain() {
    }

    public static void drain(List<Endpoint> endpoints) {
        long[][] previous = {null};
        long[] stableSince = {System.nanoTime()};
        Eventually.within(LIMIT, () -> {
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
                return true;
            }
            if (!Arrays.equals(previous[0], now)) {
                previous[0] = now;
                stableSince[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - stableSince[0] >= STABLE.toNanos();
        });
    }
}
