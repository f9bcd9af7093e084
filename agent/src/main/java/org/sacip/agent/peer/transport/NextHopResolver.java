package org.sacip.agent.peer.transport;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.LongSupplier;
import org.sacip.netlink.AddressText;
import org.sacip.netlink.Errno;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.route.LinkInfo;
import org.sacip.netlink.route.LinkLayer;
import org.sacip.netlink.route.NeighbourEntry;
import org.sacip.netlink.route.RouteInfo;
import org.sacip.netlink.route.RtnetlinkClient;

/**
 * Asks the kernel where a packet from a local address to a peer goes (like {@code ip route get PEER from LOCAL}) and,
 * on Ethernet, for the next hop's MAC, without ever waiting: an unresolved next hop is reported as such, and the
 * caller decides whether to ask the kernel to resolve it ({@link #solicit}) — never for an answer to an
 * unauthenticated message, which would let a spoofed source plant neighbour entries. pcap frames bypass the
 * kernel's own resolution. Sender thread only.
 * <p>
 * A next hop found ready is kept for the same two addresses for at most {@link #READY_FOR}, and only while no link,
 * address, route or rule has changed since it was asked ({@code routingChanges}, counted by the transport from its
 * rtnetlink events): asking costs three netlink round trips (route, link, neighbour), 0.3-1 ms on this kind of
 * machine, for each message of a key agreement, whose four messages on the way to a key follow each other within
 * milliseconds. Neighbour changes are not followed (a host's neighbour table changes state every few seconds per
 * neighbour, which would wake the transport as often): the short lifetime bounds how long a changed MAC is used.
 * <p>
 * The interface and MAC found for a next hop (the route's gateway, or an on-link peer) are kept by the same rules,
 * so a fresh peer behind a gateway already used costs only its route lookup: on a host whose peers all lie behind
 * its default gateway, the first message to each new peer (the initiator's HELLO, the responder's COOKIE) otherwise
 * waited for all three round trips on the way to a first key.
 */
final class NextHopResolver {
    /** Neighbour states with a link-layer address we may use (a peer's own ARP request leaves STALE). */
    private static final int USABLE = NeighbourEntry.NUD_REACHABLE | NeighbourEntry.NUD_STALE
            | NeighbourEntry.NUD_DELAY | NeighbourEntry.NUD_PROBE | NeighbourEntry.NUD_PERMANENT
            | NeighbourEntry.NUD_NOARP;

    /** What the kernel says about one destination. */
    sealed interface Lookup {
        /** Ready to send. */
        record Ready(NextHop hop) implements Lookup {
        }

        /** The route is fine but the next hop's MAC is not known (yet); {@code interfaceMac} is ours there. */
        record Unresolved(int interfaceIndex, String interfaceName, byte[] interfaceMac, InetAddress nextHop,
                boolean failed) implements Lookup {
        }

        /**
         * No usable route or interface. {@code noRouteYet}: the kernel has no route for it now (ENETUNREACH,
         * EHOSTUNREACH), which a route being set up may change in a moment; anything else stays so.
         */
        record Unroutable(String why, boolean noRouteYet) implements Lookup {
        }
    }

    /** How long a ready next hop is used without asking the kernel again (while nothing changed). */
    static final Duration READY_FOR = Duration.ofSeconds(1);
    /** Pairs of addresses kept at most; all are forgotten when more come (a peer flood must not grow it). */
    private static final int KEPT = 1024;

    private record Pair(InetAddress local, InetAddress peer) {
    }

    /** Where the route sent the frame: its interface and the address whose MAC it needs. */
    private record Via(int interfaceIndex, InetAddress nextHop) {
    }

    private record Kept(NextHop hop, long routingChange, long askedAt) {
        boolean usable(long change, long now, long lifetimeNanos) {
            return routingChange == change && now - askedAt < lifetimeNanos;
        }
    }

    private final RtnetlinkClient client;
    private final LongSupplier routingChanges;
    private final long readyForNanos;
    private final Map<Pair, Kept> ready = new HashMap<>();
    private final Map<Via, Kept> readyVia = new HashMap<>();

    /**
     * @param routingChanges a count that grows with every link, address, route and rule change the transport has
     *                       seen (and with every loss of such events)
     */
    NextHopResolver(RtnetlinkClient client, LongSupplier routingChanges) {
        this(client, routingChanges, READY_FOR);
    }

    /** With {@code readyFor} instead of {@link #READY_FOR} (tests). */
    NextHopResolver(RtnetlinkClient client, LongSupplier routingChanges, Duration readyFor) {
        this.client = client;
        this.routingChanges = routingChanges;
        this.readyForNanos = readyFor.toNanos();
    }

    /** Where a frame from {@code local} to {@code peer} goes: a next hop asked lately if nothing changed since. */
    Lookup lookup(InetAddress local, InetAddress peer) {
        Pair pair = new Pair(local, peer);
        // Read before asking: a change while the kernel answers makes this answer the last one of its generation.
        long change = routingChanges.getAsLong();
        long now = System.nanoTime();
        Kept kept = ready.get(pair);
        if (kept != null && kept.usable(change, now, readyForNanos)) {
            return new Lookup.Ready(kept.hop());
        }
        Lookup lookup = ask(local, peer, change, now);
        if (lookup instanceof Lookup.Ready answer) {
            keep(ready, pair, new Kept(answer.hop(), change, now));
        } else {
            ready.remove(pair);
        }
        return lookup;
    }

    private static <K> void keep(Map<K, Kept> kept, K key, Kept value) {
        if (kept.size() >= KEPT) {
            kept.clear();
        }
        kept.put(key, value);
    }

    private Lookup ask(InetAddress local, InetAddress peer, long change, long now) {
        RouteInfo route;
        try {
            synchronized (client) {
                route = client.lookupRoute(peer, Optional.of(local), OptionalInt.empty());
            }
        } catch (NetlinkException | IllegalArgumentException e) {
            return unroutable(local, peer, e);
        }
        if (route.type() != RouteInfo.TYPE_UNICAST) {
            return new Lookup.Unroutable("route from " + AddressText.of(local) + " to " + AddressText.of(peer)
                    + " is not unicast (type " + route.type() + ")", false);
        }
        Via via = new Via(route.outputInterface(), route.gateway().orElse(peer));
        Kept kept = readyVia.get(via);
        if (kept != null && kept.usable(change, now, readyForNanos)) {
            return new Lookup.Ready(kept.hop());
        }
        Lookup lookup = askNextHop(local, peer, via);
        if (lookup instanceof Lookup.Ready answer) {
            keep(readyVia, via, new Kept(answer.hop(), change, now));
        } else {
            readyVia.remove(via);
        }
        return lookup;
    }

    private static Lookup.Unroutable unroutable(InetAddress local, InetAddress peer, Exception e) {
        boolean noRouteYet = e instanceof NetlinkErrorException error && (error.errno() == Errno.ENETUNREACH
                || error.errno() == Errno.EHOSTUNREACH);
        return new Lookup.Unroutable("no route from " + AddressText.of(local) + " to " + AddressText.of(peer) + ": "
                + e.getMessage(), noRouteYet);
    }

    /** The interface and the next hop's MAC, for a unicast route through {@code via}. */
    private Lookup askNextHop(InetAddress local, InetAddress peer, Via via) {
        LinkInfo link;
        try {
            synchronized (client) {
                link = via.interfaceIndex() == 0 ? null : client.link(via.interfaceIndex()).orElse(null);
            }
        } catch (NetlinkException | IllegalArgumentException e) {
            return unroutable(local, peer, e);
        }
        if (link == null) {
            return new Lookup.Unroutable("route to " + AddressText.of(peer) + " names no existing interface", false);
        }
        if (link.linkLayer() == LinkLayer.NONE) {
            return new Lookup.Ready(new NextHop(link.index(), link.name(), LinkFraming.RAW_IP, new byte[0],
                    new byte[0]));
        }
        if (link.linkLayer() != LinkLayer.ETHERNET) {
            return new Lookup.Unroutable("interface " + link.name() + " has link layer " + link.linkLayer()
                    + "; only Ethernet and raw IP interfaces can send SACIP messages", false);
        }
        InetAddress nextHop = via.nextHop();
        Optional<NeighbourEntry> entry;
        try {
            synchronized (client) {
                entry = client.neighbour(link.index(), nextHop);
            }
        } catch (NetlinkException e) {
            return new Lookup.Unroutable("neighbour lookup of " + AddressText.of(nextHop) + " failed: "
                    + e.getMessage(), false);
        }
        if (entry.isPresent() && (entry.get().state() & USABLE) != 0 && entry.get().linkLayerAddress().length > 0) {
            return new Lookup.Ready(new NextHop(link.index(), link.name(), LinkFraming.ETHERNET,
                    link.hardwareAddress(), entry.get().linkLayerAddress()));
        }
        boolean failed = entry.isPresent() && (entry.get().state() & NeighbourEntry.NUD_FAILED) != 0;
        return new Lookup.Unresolved(link.index(), link.name(), link.hardwareAddress(), nextHop, failed);
    }

    /** Asks the kernel to resolve the next hop (ARP or neighbour solicitation); returns at once. */
    void solicit(int interfaceIndex, InetAddress nextHop) throws NetlinkException {
        synchronized (client) {
            client.resolveNeighbour(interfaceIndex, nextHop);
        }
    }

    static boolean canCarry(LinkInfo link) {
        return link.linkLayer() == LinkLayer.ETHERNET || link.linkLayer() == LinkLayer.NONE;
    }
}
