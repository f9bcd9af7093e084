package org.sacip.agent.daemon;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sacip.agent.datapath.DataPath;
import org.sacip.agent.datapath.SacipSets;
import org.sacip.agent.handover.HandoverStore;
import org.sacip.agent.route.SourceRoutePlanner;
import org.sacip.agent.route.SourceRouteSettings;
import org.sacip.agent.tunnel.TunnelRoutes;
import org.sacip.agent.state.StateFileException;
import org.sacip.commands.CommandException;
import org.sacip.commands.Commands;
import org.sacip.netlink.AddressText;
import org.sacip.netlink.Errno;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.nftables.AddressElement;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.NfTablesConnection;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.nftables.TupleElement;
import org.sacip.netlink.route.AddressFlag;
import org.sacip.netlink.route.InterfaceAddress;
import org.sacip.netlink.route.RouteInfo;
import org.sacip.netlink.route.RoutingRule;
import org.sacip.netlink.route.RtnetlinkClient;

/**
 * {@code sacip-agent --remove-kernel-state}: with the agent stopped, takes out of the kernel of the caller's network
 * namespace everything the agent added (docs/DATAPATH.md, "What the agent adds to the kernel"), so no rewriting is
 * left without an agent to maintain it. The package runs it when it is removed. Only what is the agent's by its own
 * marks: the tables {@code inet sacip} and {@code arp sacip}; the rules and routes tagged with its protocol (93), the
 * routes only inside its configured tables, and the tunnel's rules (protocol 94); ghost addresses on {@code lo} in the
 * agent's ghost form (IPv4 /32 scope host, IPv6 /128 nodad) whose address the agent's saved sessions
 * ({@code handovers.json}) or its ghost sets name.
 * The saved moves go too, with the kernel state they describe; keys and peer state stay. Sysctls it set (such as
 * {@code promote_secondaries}) are left: they are harmless without the agent and may be the administrator's.
 */
final class KernelStateRemoval {
    private static final Duration NFT_LIMIT = Duration.ofSeconds(30);
    private static final List<SetReference> GHOST_SETS = List.of(SacipSets.GHOSTS4, SacipSets.GHOSTS6,
            SacipSets.GHOST_FLOWS4, SacipSets.GHOST_FLOWS6);

    /** What was removed, for the one line the command prints. */
    record Removed(boolean tables, List<InetAddress> ghosts, int rules, int routes, boolean savedMoves) {
        @Override
        public String toString() {
            return "removed " + (tables ? "the nftables tables inet sacip and arp sacip" : "no nftables table")
                    + ", " + ghosts.size() + " ghost address(es)" + (ghosts.isEmpty() ? "" : " "
                    + ghosts.stream().map(AddressText::of).toList()) + ", " + rules + " routing rule(s), " + routes
                    + " route(s)" + (savedMoves ? ", the saved moves" : "");
        }
    }

    /** Why nothing or not everything could be removed. */
    static final class RemovalException extends Exception {
        private static final long serialVersionUID = 1L;

        enum Reason {
            /** The control socket answers: a running agent would put everything back. Nothing was changed. */
            AGENT_RUNNING,
            /** The kernel refused or could not be asked; what was removed before stays removed. */
            KERNEL,
            /** The saved sessions could not be read or deleted. */
            STATE_FILE
        }

        private final Reason reason;

        RemovalException(Reason reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }

        Reason reason() {
            return reason;
        }
    }

    private KernelStateRemoval() {
    }

    static Removed run(AgentConfig config, Path stateDirectory, Path controlSocket) throws RemovalException {
        refuseWhileRunning(controlSocket);
        HandoverStore store = new HandoverStore(stateDirectory);
        Set<InetAddress> ghostCandidates = new LinkedHashSet<>();
        try {
            store.load().sessions().forEach(saved -> ghostCandidates.add(saved.tuple().local().address()));
        } catch (StateFileException e) {
            throw new RemovalException(RemovalException.Reason.STATE_FILE, "cannot read the saved sessions ("
                    + e.getMessage() + "); nothing was changed", e);
        }
        boolean tables;
        try (NfTablesConnection nftables = NfTablesConnection.open()) {
            tables = ghostSetAddresses(nftables, ghostCandidates);
        } catch (NetlinkException e) {
            throw kernel("cannot read the agent's nftables sets", e);
        }
        try {
            Commands.run(List.of("nft", "-f", "-"), DataPath.DELETE_TABLES, NFT_LIMIT).requireSuccess();
        } catch (CommandException e) {
            throw kernel("cannot delete the tables inet sacip and arp sacip", e);
        }
        List<InetAddress> ghosts = new ArrayList<>();
        int rules;
        int routes = 0;
        try (RtnetlinkClient client = RtnetlinkClient.open()) {
            int loopback = client.link("lo").orElseThrow(() -> new NetlinkException("no interface lo")).index();
            for (InterfaceAddress address : client.addresses()) {
                if (address.interfaceIndex() == loopback && ghostCandidates.contains(address.address())
                        && isGhostForm(address)) {
                    deleteGhost(client, address.address());
                    ghosts.add(address.address());
                }
            }
            List<RoutingRule> ownRules =
                    new java.util.ArrayList<>(client.rulesOfProtocol(SourceRouteSettings.PROTOCOL));
            // The tunnel's rules (its routes went with its device when the agent stopped).
            ownRules.addAll(client.rulesOfProtocol(TunnelRoutes.PROTOCOL));
            client.deleteRules(ownRules);
            rules = ownRules.size();
            SourceRouteSettings settings = config.sourceRoutes();
            for (RouteInfo route : client.routes()) {
                long table = Integer.toUnsignedLong(route.table());
                if (route.protocol() == SourceRouteSettings.PROTOCOL && settings.ownsTable(table)) {
                    client.deleteRoute(SourceRoutePlanner.requestOf(route));
                    routes++;
                }
            }
        } catch (NetlinkException e) {
            throw kernel("cannot remove the ghost addresses, rules and routes of the agent", e);
        }
        boolean savedMoves;
        try {
            savedMoves = Files.deleteIfExists(store.file());
        } catch (IOException e) {
            throw new RemovalException(RemovalException.Reason.STATE_FILE, "removed the kernel state but cannot "
                    + "delete " + store.file() + ": " + e.getMessage(), e);
        }
        return new Removed(tables, List.copyOf(ghosts), rules, routes, savedMoves);
    }

    /** A connection the socket accepts means an agent serves it; a missing socket or a refusal means none does. */
    private static void refuseWhileRunning(Path controlSocket) throws RemovalException {
        if (!Files.exists(controlSocket)) {
            return;
        }
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(controlSocket))) {
            throw new RemovalException(RemovalException.Reason.AGENT_RUNNING, "an agent is running (its control "
                    + "socket " + controlSocket + " answers): stop it first; nothing was changed", null);
        } catch (IOException e) {
            // Refused or unreachable: the socket is a leftover of an agent that is gone.
        }
    }

    /** Adds the addresses of the agent's ghost sets; false when its table is not there. */
    private static boolean ghostSetAddresses(NfTablesConnection nftables, Set<InetAddress> into)
            throws NetlinkException {
        for (SetReference set : GHOST_SETS) {
            List<Element> elements;
            try {
                elements = nftables.listElements(set);
            } catch (NetlinkErrorException e) {
                if (e.errno() == Errno.ENOENT) {
                    return false;
                }
                throw e;
            }
            for (Element element : elements) {
                if (element instanceof AddressElement address) {
                    into.add(address.address());
                } else if (element instanceof TupleElement tuple) {
                    // Inbound tuples as the sockets see them: the destination is the local address, the ghost.
                    into.add(tuple.key().destination());
                }
            }
        }
        return true;
    }

    /** The form the agent gives its ghosts (AddressRequest.ghost): never ::1, 127.0.0.1/8 or an admin's /24. */
    private static boolean isGhostForm(InterfaceAddress address) {
        if (address.address() instanceof Inet4Address) {
            return address.prefixLength() == 32 && address.scope() == InterfaceAddress.SCOPE_HOST;
        }
        return address.prefixLength() == 128 && address.scope() == InterfaceAddress.SCOPE_GLOBAL
                && address.has(AddressFlag.NODAD);
    }

    private static void deleteGhost(RtnetlinkClient client, InetAddress address) throws NetlinkException {
        try {
            client.deleteGhost(address);
        } catch (NetlinkErrorException e) {
            if (e.errno() != Errno.EADDRNOTAVAIL) {
                throw e;
            }
        }
    }

    private static RemovalException kernel(String what, Exception cause) {
        return new RemovalException(RemovalException.Reason.KERNEL, what + ": " + cause.getMessage(), cause);
    }
}
