package org.sacip.lab.traffic;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
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
        drain(endpoints, counts -> {
            long sent = 0;
            long received = 0;
            for (int i = 0; i < counts.length; i += 2) {
                sent += counts[i];
                received += counts[i + 1];
            }
            return sent == received;
        });
    }

    /**
     * The same for one stream's two ends, direction by direction: a sum would balance while each end's JVM stalls
     * with one chunk sent but not yet counted and one chunk of its peer's not yet read (a bulk transfer both ways on
     * a loaded machine did so, and its last chunk was then called lost).
     */
    public static void drain(Endpoint client, Endpoint server) {
        // counts: client sent, client received, server sent, server received.
        drain(List.of(client, server), counts -> counts[0] == counts[3] && counts[2] == counts[1]);
    }

    /** Polls every endpoint's {sent, received}, in order, until {@code balanced} or nothing changed for a while. */
    private static void drain(List<Endpoint> endpoints, Predicate<long[]> balanced) {
        long[][] previous = {null};
        long[] stableSince = {System.nanoTime()};
        Eventually.within(LIMIT, () -> {
            long[] now = new long[endpoints.size() * 2];
            for (int i = 0; i < endpoints.size(); i++) {
                long[] c = endpoints.get(i).counts(COUNT_LIMIT_MS);
                now[2 * i] = c[0];
                now[2 * i + 1] = c[1];
            }
            if (balanced.test(now)) {
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
