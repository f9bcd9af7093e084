package org.sacip.control;

/**
 * One session the agent follows (an entry of {@code sessions}). Endpoints are "addr:port" or "[v6]:port";
 * {@code local}/{@code remote} are the socket's original tuple, {@code activeLocal}/{@code activeRemote} what the wire
 * carries now ({@code sendFrom}: the source of outbound packets, which differs from {@code activeLocal} while a move
 * of ours waits for the peer). {@code since} is ISO 8601; {@code peer} the peer's original address; {@code key} the
 * key lineage the session is bound to (null when not bound) and {@code binding} "bound" or why it is not.
 * {@code path}: "direct" when the wire carries the socket's own tuple, "rewritten" when it carries another,
 * "encapsulated" when it goes through the tunnel to a peer across a NAT.
 * Through a NAT: {@code ourPublic} is this host's endpoint as the peer's socket knows it (the NAT's public address
 * and port), {@code peerOwn} the endpoint a translated peer's own socket uses; null when no NAT translates that end.
 */
public record SessionRow(String proto, String local, String remote, String activeLocal, String sendFrom,
        String activeRemote, SessionState state, String since, String peer, String key, String binding, String path,
        String ourPublic, String peerOwn) {
}
