package org.sacip.agent.peer.protocol;

import java.time.Duration;

/**
 * The engine's bounds (PROTOCOL.md section 12): how much state and work remote hosts can make it hold or do. Every
 * map keyed by a remote value is bounded by one of these; prefixes are IPv6 /64s or IPv4 addresses
 * ({@link PeerPrefix}).
 *
 * @param maxKeys                 key lineages held at most; when full, sessionless ones are evicted least recently
 *                                used first, and new handshakes are answered BUSY if none can go
 * @param maxKeysPerPrefix        key lineages one peer prefix may hold
 * @param keyIdleKeep             a lineage without sessions is erased this long after its last one ended
 * @param helloPerSecond          HELLOs answered per second, all sources together (each costs one MAC)
 * @param handshakesPerSecond     INITs with a valid cookie and REKEYs answered per second, all together (each costs
 *                                an X25519 agreement); beyond, BUSY
 * @param handshakesPerPrefixPerSecond the same per peer prefix (charged only after the cookie verified)
 * @param maxRespondings          handshakes answered and waiting for INIT_CONFIRM, all together
 * @param maxRespondingsPerPrefix the same per peer prefix
 * @param maxInitiations          handshakes of ours in flight at once; more wait their turn
 * @param maxInitiationsPerPrefix the same per peer prefix
 * @param maxSessionsPerKey       sessions one lineage may hold (claims beyond are answered LIMIT)
 * @param maxQueuedInitiations    key agreements waiting for a free slot; the oldest waiting is dropped beyond
 */
public record EngineLimits(int maxKeys, int maxKeysPerPrefix, Duration keyIdleKeep, int helloPerSecond,
        int handshakesPerSecond, int handshakesPerPrefixPerSecond, int maxRespondings, int maxRespondingsPerPrefix,
        int maxInitiations, int maxInitiationsPerPrefix, int maxSessionsPerKey, int maxQueuedInitiations) {

    /** REKEY nonces remembered per key, against replay. */
    static final int REKEY_NONCES_REMEMBERED = 32;
    /** Addresses remembered as proved (they answered something only a receiver there could). */
    static final int VALIDATED_ADDRESSES = 65_536;
    /** Paths whose handshake failed or was refused, remembered so they are not retried at once. */
    static final int RETRY_PAUSES = 16_384;
    /** Messages waiting for the engine thread, per queue (authenticated / handshake). */
    static final int QUEUED_MESSAGES = 4096;
    /** Sessions the peer opened that no claim has named, with their opening record (to check a later claim). */
    static final int UNCLAIMED_REMOTE_SESSIONS = 131_072;
    /** Address pairs remembered as translated by a NAT, whose next handshake goes over UDP alone. */
    static final int TRANSLATED_PATHS = 16_384;

    public EngineLimits {
        positive("max-keys", maxKeys);
        positive("max-keys-per-prefix", maxKeysPerPrefix);
        positive("hello-rate", helloPerSecond);
        positive("handshake-rate", handshakesPerSecond);
        positive("handshake-rate-per-prefix", handshakesPerPrefixPerSecond);
        positive("max-respondings", maxRespondings);
        positive("max-respondings-per-prefix", maxRespondingsPerPrefix);
        positive("max-initiations", maxInitiations);
        positive("max-initiations-per-prefix", maxInitiationsPerPrefix);
        positive("max-sessions-per-key", maxSessionsPerKey);
        positive("max-queued-initiations", maxQueuedInitiations);
        if (keyIdleKeep.isNegative()) {
            throw new IllegalArgumentException("key-idle-keep must not be negative");
        }
    }

    public static EngineLimits defaults() {
        return new EngineLimits(4096, 256, Duration.ofHours(2), 1000, 200, 20, 1024, 32, 256, 32, 65_536, 16_384);
    }

    public EngineLimits withKeys(int keys, int perPrefix) {
        return new EngineLimits(keys, perPrefix, keyIdleKeep, helloPerSecond, handshakesPerSecond,
                handshakesPerPrefixPerSecond, maxRespondings, maxRespondingsPerPrefix, maxInitiations,
                maxInitiationsPerPrefix, maxSessionsPerKey, maxQueuedInitiations);
    }

    public EngineLimits withKeyIdleKeep(Duration keep) {
        return new EngineLimits(maxKeys, maxKeysPerPrefix, keep, helloPerSecond, handshakesPerSecond,
                handshakesPerPrefixPerSecond, maxRespondings, maxRespondingsPerPrefix, maxInitiations,
                maxInitiationsPerPrefix, maxSessionsPerKey, maxQueuedInitiations);
    }

    public EngineLimits withRates(int hello, int handshakes, int handshakesPerPrefix) {
        return new EngineLimits(maxKeys, maxKeysPerPrefix, keyIdleKeep, hello, handshakes, handshakesPerPrefix,
                maxRespondings, maxRespondingsPerPrefix, maxInitiations, maxInitiationsPerPrefix, maxSessionsPerKey,
                maxQueuedInitiations);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
