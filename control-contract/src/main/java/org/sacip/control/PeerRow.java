package org.sacip.control;

/**
 * One key lineage with a peer (an entry of {@code peers}): the peer's original {@code address}, our original {@code
 * local} address, where the peer is now ({@code current}), the address we announced ({@code localCurrent}) and the one
 * it confirmed ({@code localConfirmed}), {@code capability} ("sacip-v2"), the lineage and current key ids, the key's
 * age, the sessions bound to it, the last sequence numbers each way, when it was last heard from (ISO 8601 or null),
 * the last measured round-trip time in milliseconds (or null), the lineage's {@code path} ("icmp" or "udp"), the
 * peer's UDP endpoint as observed ({@code peerEndpoint}, null over ICMP) and which end a NAT translates ({@code nat}:
 * "none", "local", "peer" or "both").
 */
public record PeerRow(String address, String local, String current, String localCurrent, String localConfirmed,
        String capability, String lineage, String keyId, Long keyAgeSeconds, int sessions, long lastSequenceSent,
        long lastSequenceReceived, String lastSeen, Double rttMs, String path, String peerEndpoint, String nat) {
}
