package org.sacip.control;

import java.util.List;
import java.util.Map;

/**
 * The agent at a glance (the payload of {@code status}). Times are ISO 8601 strings; {@code drops} counts dropped peer
 * messages by reason (every reason present, zero included), {@code unsent} the messages the sender did not send, by
 * reason; {@code bounds} every table a remote host can make grow, with its size and limit; {@code pathMtu} what became
 * of the path MTU errors the ruleset logged (relayed to a moved session, about no remapped session, refused as
 * malformed, over the rate, failed to send); {@code retransmissionKicks} what the retransmission kick did with the TCP
 * sockets of converged moves (kicked, of those reverted; idle, unknown, unsupported, failed: {@code
 * RetransmissionKick.Counts}); {@code udp} SACIP over UDP: the agent port (0: off), datagrams received, sent and
 * rejected, the lineages whose path is UDP, and those whose keepalives go unanswered.
 */
public record StatusView(String version, String started, long uptimeSeconds, List<ManagedAddress> managedAddresses,
        int ghosts, int sessions, int peers, long moves, long restores, Map<String, Long> drops, long dropsTotal,
        long sent, Map<String, Long> unsent, List<BoundRow> bounds, long heapUsedBytes, long heapMaxBytes,
        Map<String, Long> pathMtu, Map<String, Long> retransmissionKicks, Map<String, Long> udp) {

    /** A usable local address on a managed interface. */
    public record ManagedAddress(String address, String interfaceName) {
    }

    /** One bounded table: its name, its size now and its limit. */
    public record BoundRow(String name, long size, long limit) {
    }
}
