package org.sacip.agent.peer.protocol;

import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/** A read-only copy of one session's state (no key material). */
public record SessionView(SacipAddress localOriginal, SacipAddress peerOriginal, SacipAddress localCurrent,
        SacipAddress peerCurrent, Octets keyId, long lastSequenceSent, long lastSequenceReceived,
        java.util.Optional<java.time.Instant> lastHeard, java.util.Optional<java.time.Duration> roundTrip) {
}
