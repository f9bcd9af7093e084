package org.sacip.agent.peer.transport;

import org.sacip.netlink.AddressText;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.route.LinkInfo;
import org.sacip.netlink.route.LinkLayer;
import org.sacip.netlink.route.NeighbourEntry;
import org.sacip.netlink.route.RouteInfo;
import org.sacip.netlink.route.RtnetlinkClient;

/**
 * Asks the kernel where a packet from a local address to a peer goes (like {@code ip route get PEER from LOCAL}) and,
 * on Ethernet, for the next hop's MAC. With an empty neighbour cache it makes the kernel resolve the next hop (ARP
 * or neighbour solicitation) and polls the entry until it is usable or the timeout passes: pcap frames bypass the
 * kernel's own resolution.
 */
final class NextHopResolver {
    private static final long POLL_MILLIS = 5;
    private static final long RESOLVE_AGAIN_MILLIS = 500;

    private final RtnetlinkClient client;
    private final Duration neighbourTimeout;

    NextHopResolver(RtnetlinkClient client, Duration neighbourTimeout) {
        this.client = client;
        this.neighbourTimeout = neighbourTimeout;
    }

    NextHop resolve(InetAddress local, InetAddress peer) throws PeerTransportException {
        RouteInfo route;
        LinkInfo link;
        try {
            synchronized (client) {
                route = client.lookupRoute(peer, Optional.of(local), OptionalInt.empty());
                link = route.outputInterface() == 0 ? null : client.link(route.outputInterface()).orElse(null);
            }
        } catch (NetlinkException e) {
            throw new PeerTransportException("no route from " + AddressText.of(local) + " to "
                    + AddressText.of(peer) + ": " + e.getMessage(), e);
        }
        if (route.type() != RouteInfo.TYPE_UNICAST) {
            throw new PeerTransportException("route from " + AddressText.of(local) + " to " + AddressText.of(peer)
                    + " is not unicast (type " + route.type() + ")");
        }
        if (link == null) {
            throw new PeerTransportException("route to " + AddressText.of(peer) + " names no existing interface");
        }
        return switch (link.linkLayer()) {
            case ETHERNET -> new NextHop(link.index(), link.name(), LinkFraming.ETHERNET, link.hardwareAddress(),
                    neighbourMac(link, route.gateway().orElse(peer)));
            case NONE -> new NextHop(link.index(), link.name(), LinkFraming.RAW_IP, new byte[0], new byte[0]);
            default -> throw new PeerTransportException("interface " + link.name() + " has link layer "
                    + link.linkLayer() + "; only Ethernet and raw IP interfaces can send SACIP messages");
        };
    }

    private byte[] neighbourMac(LinkInfo link, InetAddress nextHop) throws PeerTransportException {
        long deadline = System.nanoTime() + neighbourTimeout.toNanos();
        long nextResolve = 0;
        try {
            while (true) {
                Optional<NeighbourEntry> entry;
                synchronized (client) {
                    entry = client.neighbour(link.index(), nextHop);
                }
                if (entry.isPresent() && entry.get().isResolved()) {
                    return entry.get().linkLayerAddress();
                }
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    throw new PeerTransportException("neighbour " + AddressText.of(nextHop) + " on " + link.name()
                            + " not resolved within " + neighbourTimeout.toMillis() + " ms"
                            + entry.map(e -> " (state " + e.stateName() + ")").orElse(""));
                }
                // A FAILED entry or none at all: ask again, but not on every poll, so the kernel's probes can finish.
                if (now - nextResolve >= 0) {
                    synchronized (client) {
                        client.resolveNeighbour(link.index(), nextHop);
                    }
                    nextResolve = now + RESOLVE_AGAIN_MILLIS * 1_000_000;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (NetlinkException e) {
            throw new PeerTransportException("neighbour lookup of " + AddressText.of(nextHop) + " on " + link.name()
                    + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerTransportException("interrupted while resolving " + AddressText.of(nextHop), e);
        }
    }

    static boolean canCarry(LinkInfo link) {
        return link.linkLayer() == LinkLayer.ETHERNET || link.linkLayer() == LinkLayer.NONE;
    }
}
