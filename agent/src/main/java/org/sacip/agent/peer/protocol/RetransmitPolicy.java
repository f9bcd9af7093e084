package org.sacip.agent.peer.protocol;

import java.time.Duration;
import java.util.Random;

/**
 * One row of PROTOCOL.md section 8: first interval, doubling up to a cap, a number of transmissions; each interval
 * jittered by plus or minus 10% so many hosts' retransmissions do not align.
 */
public record RetransmitPolicy(Duration initial, Duration cap, int transmissions) {
    public static final RetransmitPolicy HANDSHAKE = new RetransmitPolicy(Duration.ofSeconds(1), Duration.ofSeconds(16), 5);
    public static final RetransmitPolicy INIT_REPLY = new RetransmitPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8), 4);
    public static final RetransmitPolicy ADDRESS_UPDATE = new RetransmitPolicy(Duration.ofMillis(250), Duration.ofSeconds(8), 8);
    public static final RetransmitPolicy CLAIM = new RetransmitPolicy(Duration.ofMillis(500), Duration.ofSeconds(8), 6);
    /** A tunnel's OPEN (PROTOCOL.md 15): as quick as an update, since the sessions wait for it. */
    public static final RetransmitPolicy TUNNEL_OPEN =
            new RetransmitPolicy(Duration.ofMillis(250), Duration.ofSeconds(8), 8);

    public RetransmitPolicy {
        if (initial.isNegative() || initial.isZero() || cap.compareTo(initial) < 0 || transmissions < 1) {
            throw new IllegalArgumentException("retransmission policy needs 0 < initial <= cap and transmissions >= 1");
        }
    }

    /** The wait after transmission number {@code sent} (1 for the first), jittered. */
    public Duration interval(int sent, Random random) {
        long nanos = initial.toNanos();
        for (int i = 1; i < sent && nanos < cap.toNanos(); i++) {
            nanos *= 2;
        }
        nanos = Math.min(nanos, cap.toNanos());
        double jitter = 0.9 + 0.2 * random.nextDouble();
        return Duration.ofNanos((long) (nanos * jitter));
    }

    /** The longest the whole sequence can take (every interval at +10%); for tests and timeouts. */
    public Duration worstCaseTotal() {
        long total = 0;
        long nanos = initial.toNanos();
        for (int i = 1; i <= transmissions; i++) {
            total += Math.min(nanos, cap.toNanos());
            nanos *= 2;
        }
        return Duration.ofNanos(total + total / 10);
    }
}
