package org.sacip.agent.daemon;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.sacip.agent.move.AddressPrefix;
import org.sacip.agent.move.ManagedScope;

/**
 * What the agent manages and how, from the config file (docs/AGENT.md). Empty lists mean "all".
 *
 * @param scope                 managed interfaces and local address prefixes
 * @param peers                 peer address prefixes whose sessions are handed over
 * @param udpIdleTimeout        an unconnected UDP flow idle this long has ended
 * @param closeLegacySessions   on a move, close sessions with peers our probes found without an agent
 * @param controlGroup          group allowed to read the control socket
 * @param logLevel              root log level
 */
public record AgentConfig(ManagedScope scope, List<AddressPrefix> peers, Duration udpIdleTimeout,
        boolean closeLegacySessions, Optional<String> controlGroup, String logLevel) {

    public static final Duration DEFAULT_UDP_IDLE_TIMEOUT = Duration.ofSeconds(180);

    public AgentConfig {
        peers = List.copyOf(peers);
    }

    public static AgentConfig defaults() {
        return new AgentConfig(ManagedScope.everything(), List.of(), DEFAULT_UDP_IDLE_TIMEOUT, false,
                Optional.empty(), "info");
    }

    public boolean managesPeer(InetAddress peer) {
        return peers.isEmpty() || peers.stream().anyMatch(prefix -> prefix.contains(peer));
    }
}
