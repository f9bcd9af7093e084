package org.sacip.agent.tunnel;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetSysctl;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.route.IpPrefix;
import org.sacip.netlink.route.RouteInfo;
import org.sacip.netlink.route.RouteRequest;
import org.sacip.netlink.route.PathMtu;
import org.sacip.netlink.route.PortRange;
import org.sacip.netlink.route.RoutingRule;
import org.sacip.netlink.route.RtnetlinkClient;

/**
 * The routing that sends carried sessions into the tunnel device (docs/DATAPATH.md, "Carrying sessions through a
 * NAT"): one table whose default route leads into the device; a rule {@code fwmark MARK/MARK lookup TABLE} for the
 * packets the ruleset marks as carried; and, for each carried TCP session, a rule
 * {@code from L sport P to R dport Q ipproto tcp lookup TABLE} with its socket's tuple, so that the socket's own route
 * is the tunnel's and TCP sizes its segments for it (at a peer whose NAT address other hosts share, or at a host back
 * at its first address, nothing else matches the rule). The rules sit at one priority just before the source
 * routes' suppress rule, so a more specific route in the main table cannot take a carried packet elsewhere. With
 * {@code src_valid_mark}, strict rp_filter checks the source of packets taken out of the tunnel (marked in the
 * ruleset) against the tunnel's routes. Everything is tagged {@link #PROTOCOL}; IPv4 only (NAT44). The handover
 * thread changes the rules, the data plane's reader reads path MTUs: the methods take turns.
 */
public final class TunnelRoutes implements AutoCloseable {
    /** The protocol tag (FRA_PROTOCOL, rtm_protocol) of the tunnel's rules and route; unassigned in rt_protos. */
    public static final int PROTOCOL = 94;
    private static final int TCP = 6;
    private static final String SRC_VALID_MARK = "net.ipv4.conf.all.src_valid_mark";
    private static final int IPV4 = new IpPrefix(anyIpv4(), 0).family();

    private final RtnetlinkClient client;
    private final Optional<NetNamespace> namespace;
    private final long table;
    private final long priority;
    private final long mark;
    private final Set<SessionTuple> routed = new HashSet<>();
    private boolean installed;

    private TunnelRoutes(RtnetlinkClient client, Optional<NetNamespace> namespace, long table, long priority,
            long mark) {
        this.client = client;
        this.namespace = namespace;
        this.table = table;
        this.priority = priority;
        this.mark = mark;
    }

    /** Routes in {@code namespace} (the agent's own when empty); nothing changes until {@link #install}. */
    public static TunnelRoutes open(Optional<NetNamespace> namespace, long table, long priority, long mark)
            throws NetlinkException {
        if (mark == 0 || Long.bitCount(mark) != 1) {
            throw new IllegalArgumentException("the carried mark must be one bit, not 0x" + Long.toHexString(mark));
        }
        RtnetlinkClient client = namespace.isPresent() ? RtnetlinkClient.open(namespace.get())
                : RtnetlinkClient.open();
        return new TunnelRoutes(client, namespace, table, priority, mark);
    }

    /**
     * Points the table at the tunnel device (index {@code device}), adds the mark rule and sets src_valid_mark;
     * rules and routes of an earlier run are replaced.
     */
    public synchronized void install(int device) throws NetlinkException {
        removeAll();
        client.replaceRoute(new RouteRequest(new IpPrefix(anyIpv4(), 0), Optional.empty(), device, table, PROTOCOL,
                0));
        client.addRule(markRule());
        if (namespace.isPresent()) {
            namespace.get().call(() -> {
                NetSysctl.write(SRC_VALID_MARK, 1);
                return null;
            });
        } else {
            NetSysctl.write(SRC_VALID_MARK, 1);
        }
        installed = true;
    }

    /** The TCP sessions this host carries now: their rules are added and the others' removed. */
    public synchronized void carry(Set<SessionTuple> wanted) throws NetlinkException {
        if (!installed) {
            throw new IllegalStateException("the tunnel's routes are not installed");
        }
        List<RoutingRule> add = new ArrayList<>();
        for (SessionTuple session : wanted) {
            if (!routed.contains(session)) {
                add.add(sessionRule(session));
            }
        }
        List<RoutingRule> remove = new ArrayList<>();
        for (SessionTuple session : routed) {
            if (!wanted.contains(session)) {
                remove.add(sessionRule(session));
            }
        }
        client.addRules(add);
        client.deleteRules(remove);
        routed.clear();
        routed.addAll(wanted);
    }

    /** Removes every rule and route tagged {@link #PROTOCOL} (this run's and an earlier one's). */
    public synchronized void removeAll() throws NetlinkException {
        client.deleteRules(client.rulesOfProtocol(PROTOCOL));
        for (RouteInfo route : client.routes(table)) {
            if (route.protocol() == PROTOCOL) {
                client.deleteRoute(new RouteRequest(new IpPrefix(anyIpv4(), 0), Optional.empty(),
                        route.outputInterface(), table, PROTOCOL, 0));
            }
        }
        routed.clear();
        installed = false;
    }

    /** The MTU of the path from {@code source} to {@code destination} as the kernel knows it now. */
    public synchronized PathMtu pathMtu(InetAddress destination, InetAddress source) throws NetlinkException {
        return client.pathMtu(destination, source);
    }

    private RoutingRule markRule() {
        return RoutingRule.lookup(IPV4, priority, table, PROTOCOL).withFwmark(mark, mark);
    }

    private RoutingRule sessionRule(SessionTuple session) {
        if (session.protocol() != SessionProtocol.TCP || !session.isIpv4()) {
            throw new IllegalArgumentException("only IPv4 TCP sessions are routed by their tuple: " + session);
        }
        // TCP only: the agent's own datagrams, pings and UDP flows keep their route; carried UDP goes by its mark.
        return RoutingRule.lookup(IPV4, priority, table, PROTOCOL)
                .withFrom(IpPrefix.host(session.local().address())).withTo(IpPrefix.host(session.remote().address()))
                .withIpProtocol(TCP).withSourcePorts(new PortRange(session.local().port(), session.local().port()))
                .withDestinationPorts(new PortRange(session.remote().port(), session.remote().port()));
    }

    private static InetAddress anyIpv4() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        client.close();
    }
}
