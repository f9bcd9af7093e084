package org.sacip.agent.control;

/**
 * One remapped session. Endpoints are "addr:port" or "[v6]:port"; {@code local}/{@code remote} are the socket's
 * original tuple, {@code activeLocal}/{@code activeRemote} what the wire carries now. {@code state} is one of
 * pending, active, legacy, refused, closing; {@code since} is ISO 8601; {@code peer} the peer's original address.
 */
public record SessionRow(String proto, String local, String remote, String activeLocal, String activeRemote,
        String state, String since, String peer) {
}
