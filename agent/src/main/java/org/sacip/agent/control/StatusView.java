package org.sacip.agent.control;

import java.util.List;
import java.util.Map;

/**
 * The agent at a glance. Times are ISO 8601 strings; {@code drops} counts dropped peer messages by reason (every
 * reason present, zero included).
 */
public record StatusView(String version, String started, long uptimeSeconds, List<ManagedAddress> managedAddresses,
        int ghosts, int sessions, int peers, long moves, long restores, Map<String, Long> drops, long dropsTotal) {

    /** A usable local address on a managed interface. */
    public record ManagedAddress(String address, String interfaceName) {
    }
}
