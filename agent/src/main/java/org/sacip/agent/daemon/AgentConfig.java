package org.sacip.agent.daemon;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.sacip.agent.datapath.DataPathSettings;
import org.sacip.agent.metrics.MetricsSettings;
import org.sacip.agent.move.AddressPrefix;
import org.sacip.agent.move.ManagedScope;
import org.sacip.agent.peer.protocol.EngineLimits;
import org.sacip.agent.peer.protocol.UdpSettings;
import org.sacip.agent.route.SourceRouteSettings;

/**
 * What the agent manages and how, from the config file (docs/AGENT.md). Empty lists mean "all".
 *
 * @param scope               managed interfaces and local address prefixes
 * @param peers               peer address prefixes whose sessions are handed over
 * @param closeLegacySessions on a move, close sessions with peers our probes found without an agent
 * @param controlGroup        group allowed to read the control socket
 * @param logLevel            root log level
 * @param limits              the peer protocol's bounds (keys, handshake rates, pending handshakes)
 * @param dataPath            the ruleset's log group and the mark bits the agent may use
 * @param sourceRoutes        the routing tables and rule priorities of the source routes
 * @param metrics             whether and where the Prometheus metrics are served (docs/METRICS.md)
 * @param udp                 SACIP over UDP (docs/PROTOCOL.md section 13): the agent port, or off, and keepalives
 */
public record AgentConfig(ManagedScope scope, List<AddressPrefix> peers, boolean closeLegacySessions,
        Optional<String> controlGroup, String logLevel, EngineLimits limits, DataPathSettings dataPath,
        SourceRouteSettings sourceRoutes, MetricsSettings metrics, UdpSettings udp) {

    public AgentConfig {
        peers = List.copyOf(peers);
        Objects.requireNonNull(udp, "udp");
    }

    public static AgentConfig defaults() {
        return new AgentConfig(ManagedScope.everything(), List.of(), false, Optional.empty(), "info",
                EngineLimits.defaults(), DataPathSettings.defaults(), SourceRouteSettings.defaults(),
                MetricsSettings.OFF, UdpSettings.defaults());
    }

    public AgentConfig withPeers(List<AddressPrefix> newPeers) {
        return new AgentConfig(scope, newPeers, closeLegacySessions, controlGroup, logLevel, limits, dataPath,
                sourceRoutes, metrics, udp);
    }

    public AgentConfig withLogLevel(String newLogLevel) {
        return new AgentConfig(scope, peers, closeLegacySessions, controlGroup, newLogLevel, limits, dataPath,
                sourceRoutes, metrics, udp);
    }

    public boolean managesPeer(InetAddress peer) {
        return peers.isEmpty() || peers.stream().anyMatch(prefix -> prefix.contains(peer));
    }
}
