package org.sacip.agent.control;

/**
 * A peer the agent knows: its original {@code address}, our original {@code local} address towards it, the
 * addresses both use now, {@code capability} ("sacip-v1", "none" when our probes timed out, "unknown" while a
 * handshake runs), key id and age, last sequence numbers each way, when it was last heard from (ISO 8601 or null)
 * and the last measured round-trip time in milliseconds (or null).
 */
public record PeerRow(String address, String local, String current, String localCurrent, String capability,
        String keyId, Long keyAgeSeconds, long lastSequenceSent, long lastSequenceReceived, String lastSeen,
        Double rttMs) {
}
