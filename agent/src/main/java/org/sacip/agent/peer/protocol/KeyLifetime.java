package org.sacip.agent.peer.protocol;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.sacip.protocol.handshake.Role;

/**
 * How long a key lives (PROTOCOL.md 6.6 and section 8): the initiator of a key renews it at 23 h plus a random
 * 0 to 10 min, the responder at 23 h 30 min if no renewal completed by then, the old key stays valid 120 s after
 * its renewal, and a key is erased at 24 h.
 */
final class KeyLifetime {
    static final Duration LIFETIME = Duration.ofHours(24);
    static final Duration INITIATOR_RENEWAL = Duration.ofHours(23);
    /** Random spread of the initiator's start, so that many hosts' renewals do not align. */
    static final Duration INITIATOR_SPREAD = Duration.ofMinutes(10);
    static final Duration RESPONDER_RENEWAL = Duration.ofHours(23).plusMinutes(30);
    /** The renewed key still verifies incoming messages this long after the new one is confirmed. */
    static final Duration GRACE = Duration.ofSeconds(120);
    /** A REFUSAL UNKNOWN_KEY this soon after a key was agreed means our INIT_CONFIRM was lost (section 9). */
    static final Duration RECENTLY_ESTABLISHED = Duration.ofSeconds(60);

    private KeyLifetime() {
    }

    /** When the host that played {@code role} in the handshake of a key established at {@code established} renews it. */
    static Instant renewalStart(Role role, Instant established, Random random) {
        if (role == Role.RESPONDER) {
            return established.plus(RESPONDER_RENEWAL);
        }
        long spreadMillis = (long) (random.nextDouble() * INITIATOR_SPREAD.toMillis());
        return established.plus(INITIATOR_RENEWAL).plusMillis(spreadMillis);
    }

    static Instant expiry(Instant established) {
        return established.plus(LIFETIME);
    }

    static boolean recentlyEstablished(Instant established, Instant now) {
        return now.isBefore(established.plus(RECENTLY_ESTABLISHED));
    }
}
