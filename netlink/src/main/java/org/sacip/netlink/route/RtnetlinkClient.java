package org.sacip.netlink.route;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.Errno;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkBatch;
import org.sacip.netlink.NetlinkConstants;
import org.sacip.netlink.NetlinkDumpInterruptedException;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.AddressText;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkFamily;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkMessageBuilder;
import org.sacip.netlink.NetlinkParseException;
import org.sacip.netlink.NetlinkSocket;

/**
 * Requests to the routing subsystem of one namespace: addresses, links, route and neighbour lookups, policy routing
 * rules and routes of a table (both tagged with a protocol so a program finds and removes only its own), IPv4
 * per-interface settings. Not thread-safe (one request at a time on its socket).
 */
public final class RtnetlinkClient implements AutoCloseable {
    private static final int REQUEST_ACK = NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK;
    private static final int ADD_RULE = REQUEST_ACK | NetlinkConstants.NLM_F_CREATE | NetlinkConstants.NLM_F_EXCL;
    private static final int RTM_SETLINK = 19;
    private static final int DUMP_ATTEMPTS = 5;

    private final NetlinkSocket socket;

    private RtnetlinkClient(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static RtnetlinkClient open() throws NetlinkException {
        return new RtnetlinkClient(NetlinkSocket.open(NetlinkFamily.ROUTE));
    }

    public static RtnetlinkClient open(NetNamespace namespace) throws NetlinkException {
        return new RtnetlinkClient(NetlinkSocket.open(NetlinkFamily.ROUTE, namespace));
    }

    /** Every IPv4 and IPv6 address of every interface. */
    public List<InterfaceAddress> addresses() throws NetlinkException {
        List<InterfaceAddress> addresses = new ArrayList<>();
        for (NetlinkMessage message : consistentDump(Rtnl.RTM_GETADDR, Rtnl.IFADDRMSG_LENGTH)) {
            if (message.type() == Rtnl.RTM_NEWADDR) {
                addresses.add(AddressMessageParser.parse(message));
            }
        }
        return addresses;
    }

    /**
     * Dumps a whole table, again if the kernel flags the dump as interrupted by a concurrent change (a few
     * times; a table that never holds still for a dump is reported).
     */
    private List<NetlinkMessage> consistentDump(int type, int familyHeaderLength) throws NetlinkException {
        return consistentDump(type, new byte[familyHeaderLength]);
    }

    private List<NetlinkMessage> consistentDump(int type, byte[] familyHeader) throws NetlinkException {
        for (int attempt = 1; ; attempt++) {
            try {
                return socket.dump(new NetlinkMessageBuilder(type,
                        NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_DUMP)
                        .familyHeader(familyHeader).build(socket.nextSequence()));
            } catch (NetlinkDumpInterruptedException e) {
                if (attempt == DUMP_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** How many rule messages go in one system call: each is acknowledged, and the acks must fit the receive buffer. */
    private static final int RULE_BATCH = 100;

    /** Adds the rules, many per system call; a rule that already exists is left as it is. */
    public void addBlackholeRules(Collection<BlackholeRule> rules) throws NetlinkException {
        addRules(rules.stream().map(BlackholeRule::toRoutingRule).toList());
    }

    /** Deletes the rules, many per system call; a rule already gone is no error. */
    public void deleteBlackholeRules(Collection<BlackholeRule> rules) throws NetlinkException {
        deleteRules(rules.stream().map(BlackholeRule::toRoutingRule).toList());
    }

    /** The single-flow blackhole rules of both families at {@code priority} (like {@code ip rule show pref N}). */
    public List<BlackholeRule> blackholeRules(int priority) throws NetlinkException {
        List<BlackholeRule> rules = new ArrayList<>();
        for (RoutingRule rule : rules()) {
            if (rule.priority() == priority) {
                BlackholeRule.of(rule).ifPresent(rules::add);
            }
        }
        return rules;
    }

    /**
     * Adds one rule ({@code ip rule add}).
     *
     * @throws NetlinkErrorException EEXIST if the same rule, protocol tag included, is already there
     * @throws IllegalArgumentException for a goto rule (its target is not represented) or a lookup without table
     */
    public void addRule(RoutingRule rule) throws NetlinkException {
        checkAddable(rule);
        socket.execute(RuleMessages.build(Rtnl.RTM_NEWRULE, ADD_RULE, rule, socket.nextSequence()));
    }

    /**
     * Deletes one rule ({@code ip rule del}): the first whose selectors, action and table are the given ones and,
     * when the given protocol is not 0, whose protocol is that one, so a tagged delete leaves other programs' rules.
     *
     * @throws NetlinkErrorException ENOENT if there is no such rule
     */
    public void deleteRule(RoutingRule rule) throws NetlinkException {
        socket.execute(RuleMessages.build(Rtnl.RTM_DELRULE, REQUEST_ACK, rule, socket.nextSequence()));
    }

    /** Adds the rules, many per system call; a rule that already exists is left as it is. */
    public void addRules(Collection<RoutingRule> rules) throws NetlinkException {
        rules.forEach(RtnetlinkClient::checkAddable);
        changeRules(Rtnl.RTM_NEWRULE, ADD_RULE, rules, Errno.EEXIST);
    }

    /** Deletes the rules (as {@link #deleteRule}), many per system call; a rule already gone is no error. */
    public void deleteRules(Collection<RoutingRule> rules) throws NetlinkException {
        changeRules(Rtnl.RTM_DELRULE, REQUEST_ACK, rules, Errno.ENOENT);
    }

    /** Every IPv4 and IPv6 rule, in the kernel's order (by priority), whoever made it. */
    public List<RoutingRule> rules() throws NetlinkException {
        List<RoutingRule> rules = new ArrayList<>();
        for (NetlinkMessage message : consistentDump(Rtnl.RTM_GETRULE, Rtnl.FIB_RULE_HDR_LENGTH)) {
            if (message.type() == Rtnl.RTM_NEWRULE) {
                RuleMessages.parse(message).ifPresent(rules::add);
            }
        }
        return rules;
    }

    /** The rules tagged with {@code protocol} (FRA_PROTOCOL), e.g. the caller's own. */
    public List<RoutingRule> rulesOfProtocol(int protocol) throws NetlinkException {
        return rules().stream().filter(rule -> rule.protocol() == protocol).toList();
    }

    private static void checkAddable(RoutingRule rule) {
        if (rule.action() == RuleAction.GOTO || (rule.action() == RuleAction.LOOKUP && rule.table() == 0)) {
            throw new IllegalArgumentException("cannot add " + rule + ": a goto needs a target, a lookup a table");
        }
    }

    private void changeRules(int type, int flags, Collection<RoutingRule> rules, int harmless)
            throws NetlinkException {
        List<RoutingRule> all = List.copyOf(rules);
        for (int start = 0; start < all.size(); start += RULE_BATCH) {
            NetlinkBatch batch = new NetlinkBatch();
            for (RoutingRule rule : all.subList(start, Math.min(all.size(), start + RULE_BATCH))) {
                batch.add(RuleMessages.build(type, flags, rule, socket.nextSequence()));
            }
            try {
                socket.executeAll(batch.build());
            } catch (NetlinkErrorException e) {
                if (!onlyErrno(e, harmless)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Adds a route ({@code ip route add ... table T proto P}).
     *
     * @throws NetlinkErrorException EEXIST if the table has a route to that destination with that metric already
     */
    public void addRoute(RouteRequest route) throws NetlinkException {
        socket.execute(routeMessage(Rtnl.RTM_NEWROUTE,
                REQUEST_ACK | NetlinkConstants.NLM_F_CREATE | NetlinkConstants.NLM_F_EXCL, route));
    }

    /** Adds the route or replaces the one to the same destination and metric ({@code ip route replace}). */
    public void replaceRoute(RouteRequest route) throws NetlinkException {
        socket.execute(routeMessage(Rtnl.RTM_NEWROUTE,
                REQUEST_ACK | NetlinkConstants.NLM_F_CREATE | NetlinkConstants.NLM_F_REPLACE, route));
    }

    /**
     * Deletes the route to the destination in the table whose protocol is the given one (and gateway, interface and
     * metric, where given): a route another program made to the same destination stays.
     *
     * @throws NetlinkErrorException ESRCH (IPv4) or ENOENT (IPv6) if there is no such route
     */
    public void deleteRoute(RouteRequest route) throws NetlinkException {
        socket.execute(routeMessage(Rtnl.RTM_DELROUTE, REQUEST_ACK, route));
    }

    /** The IPv4 and IPv6 routes of one table (main is 254), with their protocol tags. */
    public List<RouteInfo> routes(long table) throws NetlinkException {
        return routes().stream().filter(route -> Integer.toUnsignedLong(route.table()) == table).toList();
    }

    /** The IPv4 and IPv6 routes of every table, with their tables and protocol tags (one dump per family). */
    public List<RouteInfo> routes() throws NetlinkException {
        List<RouteInfo> routes = new ArrayList<>();
        for (int family : new int[] {Rtnl.AF_INET, Rtnl.AF_INET6}) {
            byte[] header = new byte[Rtnl.RTMSG_LENGTH];
            header[0] = (byte) family;
            for (NetlinkMessage message : consistentDump(Rtnl.RTM_GETROUTE, header)) {
                if (message.type() == Rtnl.RTM_NEWROUTE) {
                    routes.add(RouteMessageParser.parse(message));
                }
            }
        }
        return routes;
    }

    private ByteBuffer routeMessage(int type, int flags, RouteRequest route) {
        boolean delete = type == Rtnl.RTM_DELROUTE;
        int scope = delete ? Rtnl.RT_SCOPE_NOWHERE
                : route.gateway().isPresent() ? Rtnl.RT_SCOPE_UNIVERSE : Rtnl.RT_SCOPE_LINK;
        byte[] header = ByteBuffer.allocate(Rtnl.RTMSG_LENGTH).order(ByteOrder.nativeOrder())
                .put((byte) route.family()).put((byte) route.destination().length()).put((byte) 0).put((byte) 0)
                .put((byte) (route.table() < 256 ? route.table() : 0)).put((byte) route.protocol())
                .put((byte) scope).put((byte) Rtnl.RTN_UNICAST).putInt(0).array();
        NetlinkMessageBuilder builder = new NetlinkMessageBuilder(type, flags).familyHeader(header)
                .putU32(Rtnl.RTA_TABLE, (int) route.table());
        if (route.destination().length() > 0) {
            builder.putBytes(Rtnl.RTA_DST, route.destination().address().getAddress());
        }
        route.gateway().ifPresent(gateway -> builder.putBytes(Rtnl.RTA_GATEWAY, gateway.getAddress()));
        if (route.outputInterface() != 0) {
            builder.putU32(Rtnl.RTA_OIF, route.outputInterface());
        }
        if (route.metric() != 0) {
            builder.putU32(Rtnl.RTA_PRIORITY, (int) route.metric());
        }
        return builder.build(socket.nextSequence());
    }

    private static boolean onlyErrno(NetlinkErrorException e, int errno) {
        if (e.errno() != errno) {
            return false;
        }
        for (Throwable other : e.getSuppressed()) {
            if (!(other instanceof NetlinkErrorException error) || error.errno() != errno) {
                return false;
            }
        }
        return true;
    }

    public void addAddress(AddressRequest request) throws NetlinkException {
        socket.execute(addressMessage(Rtnl.RTM_NEWADDR,
                REQUEST_ACK | NetlinkConstants.NLM_F_CREATE | NetlinkConstants.NLM_F_EXCL, request));
    }

    public void deleteAddress(AddressRequest request) throws NetlinkException {
        socket.execute(addressMessage(Rtnl.RTM_DELADDR, REQUEST_ACK, request));
    }

    /** Adds the ghost form of {@code address} on loopback (see {@link AddressRequest#ghost}). */
    public void addGhost(InetAddress address) throws NetlinkException {
        addAddress(AddressRequest.ghost(loopbackIndex(), address));
    }

    public void deleteGhost(InetAddress address) throws NetlinkException {
        deleteAddress(AddressRequest.ghost(loopbackIndex(), address));
    }

    private ByteBuffer addressMessage(int type, int flags, AddressRequest request) {
        byte[] header = ByteBuffer.allocate(Rtnl.IFADDRMSG_LENGTH).order(ByteOrder.nativeOrder())
                .put((byte) request.family())
                .put((byte) request.prefixLength())
                .put((byte) (AddressFlag.toBits(request.flags()) & 0xff))
                .put((byte) request.scope())
                .putInt(request.interfaceIndex())
                .array();
        byte[] raw = request.address().getAddress();
        NetlinkMessageBuilder builder = new NetlinkMessageBuilder(type, flags).familyHeader(header)
                .putBytes(Rtnl.IFA_LOCAL, raw)
                .putBytes(Rtnl.IFA_ADDRESS, raw)
                .putU32(Rtnl.IFA_FLAGS, AddressFlag.toBits(request.flags()));
        if (request.preferredLifetime() != InterfaceAddress.FOREVER
                || request.validLifetime() != InterfaceAddress.FOREVER) {
            byte[] cacheInfo = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                    .putInt((int) request.preferredLifetime()).putInt((int) request.validLifetime())
                    .putInt(0).putInt(0).array();
            builder.putBytes(Rtnl.IFA_CACHEINFO, cacheInfo);
        }
        return builder.build(socket.nextSequence());
    }

    public List<LinkInfo> links() throws NetlinkException {
        List<LinkInfo> links = new ArrayList<>();
        for (NetlinkMessage message : consistentDump(Rtnl.RTM_GETLINK, Rtnl.IFINFOMSG_LENGTH)) {
            if (message.type() == Rtnl.RTM_NEWLINK) {
                links.add(LinkMessageParser.parse(message));
            }
        }
        return links;
    }

    /** The link with this index, or empty if there is none. */
    public Optional<LinkInfo> link(int index) throws NetlinkException {
        return linkMessage(index, null).map(LinkParseResult::link);
    }

    /** The link with this name, or empty if there is none. */
    public Optional<LinkInfo> link(String name) throws NetlinkException {
        return linkMessage(0, name).map(LinkParseResult::link);
    }

    private record LinkParseResult(LinkInfo link, NetlinkMessage message) {
    }

    private Optional<LinkParseResult> linkMessage(int index, String name) throws NetlinkException {
        NetlinkMessageBuilder builder = new NetlinkMessageBuilder(Rtnl.RTM_GETLINK, REQUEST_ACK)
                .familyHeader(ifinfomsg(index));
        if (name != null) {
            builder.putString(Rtnl.IFLA_IFNAME, name);
        }
        try {
            for (NetlinkMessage message : socket.query(builder.build(socket.nextSequence()))) {
                if (message.type() == Rtnl.RTM_NEWLINK) {
                    return Optional.of(new LinkParseResult(LinkMessageParser.parse(message), message));
                }
            }
            throw MessageFields.missing("RTM_GETLINK answered without RTM_NEWLINK");
        } catch (NetlinkErrorException e) {
            if (e.errno() == Errno.ENODEV) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static byte[] ifinfomsg(int index) {
        return ifinfomsg(index, 0, 0);
    }

    /** struct ifinfomsg: only the flags set in {@code change} are changed to their value in {@code flags}. */
    private static byte[] ifinfomsg(int index, int flags, int change) {
        return ByteBuffer.allocate(Rtnl.IFINFOMSG_LENGTH).order(ByteOrder.nativeOrder())
                .putShort((short) 0).putShort((short) 0).putInt(index).putInt(flags).putInt(change).array();
    }

    /**
     * Changes a link's MTU, transmit queue length and administrative state in one request (RTM_SETLINK, as
     * {@code ip link set}).
     *
     * @throws NetlinkErrorException ENODEV if there is no such link, EINVAL for an MTU the device does not take
     */
    public void setLink(LinkRequest request) throws NetlinkException {
        int upFlag = request.up().orElse(false) ? Rtnl.IFF_UP : 0;
        int change = request.up().isPresent() ? Rtnl.IFF_UP : 0;
        NetlinkMessageBuilder builder = new NetlinkMessageBuilder(RTM_SETLINK, REQUEST_ACK)
                .familyHeader(ifinfomsg(request.interfaceIndex(), upFlag, change));
        request.mtu().ifPresent(mtu -> builder.putU32(Rtnl.IFLA_MTU, mtu));
        request.txQueueLength().ifPresent(length -> builder.putU32(Rtnl.IFLA_TXQLEN, length));
        socket.execute(builder.build(socket.nextSequence()));
    }

    private int loopbackIndex() throws NetlinkException {
        return link("lo").orElseThrow(() -> new NetlinkException("namespace has no 'lo' interface")).index();
    }

    /**
     * Like {@code ip route get DST [from SRC] [oif DEV]}: the kernel's output route for {@code destination}, with the
     * table the policy rules chose (RTM_F_LOOKUP_TABLE; without it IPv4 answers always name the main table).
     *
     * @throws NetlinkErrorException e.g. ENETUNREACH when there is no route
     */
    public RouteInfo lookupRoute(InetAddress destination, Optional<InetAddress> source, OptionalInt outputInterface)
            throws NetlinkException {
        return RouteMessageParser.parse(lookup(destination, source, outputInterface));
    }

    /**
     * The MTU of the path from {@code source} to {@code destination} as the kernel knows it: the path MTU it learned
     * (an ICMP "fragmentation needed" or "packet too big") or the route's own, if any, and the MTU of the device the
     * route leaves through.
     */
    public PathMtu pathMtu(InetAddress destination, InetAddress source) throws NetlinkException {
        NetlinkMessage route = lookup(destination, Optional.of(source), OptionalInt.empty());
        OptionalInt recorded = RouteMessageParser.mtu(route);
        int device = RouteMessageParser.parse(route).outputInterface();
        int deviceMtu = link(device).orElseThrow(() -> new NetlinkException("the route to "
                + AddressText.of(destination) + " leaves through interface " + device
                + ", which the kernel does not list")).mtu();
        return new PathMtu(recorded.isPresent() && recorded.getAsInt() > 0 ? recorded : OptionalInt.empty(),
                deviceMtu);
    }

    private NetlinkMessage lookup(InetAddress destination, Optional<InetAddress> source, OptionalInt outputInterface)
            throws NetlinkException {
        byte[] raw = destination.getAddress();
        int family = raw.length == 4 ? Rtnl.AF_INET : Rtnl.AF_INET6;
        if (source.isPresent() && source.get().getAddress().length != raw.length) {
            throw new IllegalArgumentException("source and destination are of different families");
        }
        byte[] header = ByteBuffer.allocate(Rtnl.RTMSG_LENGTH).order(ByteOrder.nativeOrder())
                .put((byte) family).put((byte) (raw.length * 8))
                .put((byte) (source.isPresent() ? raw.length * 8 : 0))
                .put(new byte[5]).putInt(Rtnl.RTM_F_LOOKUP_TABLE).array();
        NetlinkMessageBuilder builder = new NetlinkMessageBuilder(Rtnl.RTM_GETROUTE, REQUEST_ACK)
                .familyHeader(header).putBytes(Rtnl.RTA_DST, raw);
        source.ifPresent(address -> builder.putBytes(Rtnl.RTA_SRC, address.getAddress()));
        if (outputInterface.isPresent()) {
            builder.putU32(Rtnl.RTA_OIF, outputInterface.getAsInt());
        }
        for (NetlinkMessage message : socket.query(builder.build(socket.nextSequence()))) {
            if (message.type() == Rtnl.RTM_NEWROUTE) {
                return message;
            }
        }
        throw MessageFields.missing("RTM_GETROUTE answered without RTM_NEWROUTE");
    }

    /** The neighbour entry for a next hop on an interface, or empty if the kernel has none. */
    public Optional<NeighbourEntry> neighbour(int interfaceIndex, InetAddress nextHop) throws NetlinkException {
        try {
            for (NetlinkMessage message : socket.query(new NetlinkMessageBuilder(Rtnl.RTM_GETNEIGH, REQUEST_ACK)
                    .familyHeader(ndmsg(nextHop, interfaceIndex, 0, 0))
                    .putBytes(Rtnl.NDA_DST, nextHop.getAddress())
                    .build(socket.nextSequence()))) {
                if (message.type() == Rtnl.RTM_NEWNEIGH) {
                    return Optional.of(NeighbourMessageParser.parse(message));
                }
            }
            return Optional.empty();
        } catch (NetlinkErrorException e) {
            if (e.errno() == Errno.ENOENT) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Makes the kernel resolve a next hop now (ARP or neighbour solicitation), creating the entry if missing:
     * RTM_NEWNEIGH with NTF_USE, as if a packet had been queued for it. Returns at once; watch
     * {@link #neighbour} or RTNLGRP_NEIGH for the result.
     */
    public void resolveNeighbour(int interfaceIndex, InetAddress nextHop) throws NetlinkException {
        socket.execute(new NetlinkMessageBuilder(Rtnl.RTM_NEWNEIGH, REQUEST_ACK | NetlinkConstants.NLM_F_CREATE)
                .familyHeader(ndmsg(nextHop, interfaceIndex, 0, Rtnl.NTF_USE))
                .putBytes(Rtnl.NDA_DST, nextHop.getAddress())
                .build(socket.nextSequence()));
    }

    private static byte[] ndmsg(InetAddress address, int index, int state, int flags) {
        int family = address.getAddress().length == 4 ? Rtnl.AF_INET : Rtnl.AF_INET6;
        return ByteBuffer.allocate(Rtnl.NDMSG_LENGTH).order(ByteOrder.nativeOrder())
                .put((byte) family).put((byte) 0).putShort((short) 0).putInt(index)
                .putShort((short) state).put((byte) flags).put((byte) 0).array();
    }

    /**
     * The interface's own value of an IPv4 setting. Note the kernel combines some with the "all" value
     * (promote_secondaries is on if either is; arp_announce uses the larger).
     */
    public int ipv4Setting(int interfaceIndex, Ipv4DeviceSetting setting) throws NetlinkException {
        LinkParseResult link = linkMessage(interfaceIndex, null)
                .orElseThrow(() -> new NetlinkErrorException(Errno.ENODEV, 0, "no interface " + interfaceIndex, -1));
        return Ipv4DeviceConfigParser.value(link.message(), setting);
    }

    public void setIpv4Setting(int interfaceIndex, Ipv4DeviceSetting setting, int value) throws NetlinkException {
        NetlinkMessageBuilder builder = new NetlinkMessageBuilder(RTM_SETLINK, REQUEST_ACK)
                .familyHeader(ifinfomsg(interfaceIndex));
        int afSpec = builder.beginNested(Rtnl.IFLA_AF_SPEC);
        int inet = builder.beginNested(Rtnl.AF_INET);
        int conf = builder.beginNested(Rtnl.IFLA_INET_CONF);
        builder.putU32(setting.id(), value);
        builder.endNested(conf).endNested(inet).endNested(afSpec);
        socket.execute(builder.build(socket.nextSequence()));
    }

    @Override
    public void close() {
        socket.close();
    }

    /** Reads IFLA_AF_SPEC / AF_INET / IFLA_INET_CONF: the IPv4 devconf array of one link. */
    static final class Ipv4DeviceConfigParser {
        private Ipv4DeviceConfigParser() {
        }

        static int value(NetlinkMessage linkMessage, Ipv4DeviceSetting setting) throws NetlinkParseException {
            ByteBuffer payload = MessageFields.payload(linkMessage, Rtnl.IFINFOMSG_LENGTH, "ifinfomsg");
            AttributeDecoder attributes = new AttributeDecoder(payload.position(Rtnl.IFINFOMSG_LENGTH));
            Integer found = null;
            while (attributes.next()) {
                if (attributes.type() != Rtnl.IFLA_AF_SPEC) {
                    continue;
                }
                AttributeDecoder families = attributes.nested();
                while (families.next()) {
                    if (families.type() != Rtnl.AF_INET) {
                        continue;
                    }
                    AttributeDecoder inet = families.nested();
                    while (inet.next()) {
                        if (inet.type() == Rtnl.IFLA_INET_CONF) {
                            ByteBuffer values = inet.bytes();
                            int offset = (setting.id() - 1) * 4;
                            if (values.remaining() < offset + 4) {
                                inet.fail(NetlinkParseException.Reason.BAD_ATTRIBUTE_LENGTH,
                                        "IFLA_INET_CONF has " + values.remaining() + " bytes, no " + setting);
                            } else {
                                found = values.getInt(offset);
                            }
                        }
                    }
                }
            }
            attributes.throwIfError();
            if (found == null) {
                throw MessageFields.missing("link has no IPv4 configuration (IFLA_INET_CONF)");
            }
            return found;
        }
    }
}
