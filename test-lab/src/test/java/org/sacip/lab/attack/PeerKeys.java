package org.sacip.lab.attack;

import java.net.InetAddress;
import java.util.List;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.LabException;

/**
 * Waits for an agent to hold a key with a peer address, as its {@code peers} answer shows (any capability name),
 * and names the key lineages it holds.
 */
final class PeerKeys {
    static final long KEY_LIMIT_MS = 15_000;

    private PeerKeys() {
    }

    /** The lineages the host's agent holds with {@code peer} once it holds one; an AssertionError if not. */
    static List<String> await(Agents agents, String host, InetAddress peer) {
        AgentControl control = agents.control(host);
        String address = Addresses.text(peer);
        return Waits.until("the agent in " + host + " agrees a key with " + address, KEY_LIMIT_MS,
                () -> lineages(control, address), ids -> !ids.isEmpty());
    }

    /** The lineages now; none while the agent does not answer (it may be busy starting). */
    static List<String> lineages(AgentControl control, String peerAddress) {
        try {
            return AgentFacts.lineages(control, peerAddress);
        } catch (LabException noAnswer) {
            return List.of();
        }
    }
}
