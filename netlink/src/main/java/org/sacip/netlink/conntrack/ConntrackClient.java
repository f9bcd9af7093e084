package org.sacip.netlink.conntrack;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sacip.netlink.Errno;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkConstants;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkFamily;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkMessageBuilder;
import org.sacip.netlink.NetlinkParseException;
import org.sacip.netlink.NetlinkSocket;

/**
 * ctnetlink requests: dumps of UDP flows filtered in the kernel by address (CTA_FILTER, Linux 5.8+; IPv6 addresses
 * are matched in Java, see {@link #udpFlows}), for unconnected UDP sockets whose peers sock_diag cannot show, and
 * the lookup of one flow by its tuple ({@link #get}). Conntrack only knows flows while something in the namespace
 * uses it (a ct rule, NAT). Not thread-safe.
 */
public final class ConntrackClient implements AutoCloseable {
    /** TCP, UDP, DCCP, SCTP, UDP-Lite: the protocols conntrack keys by ports. */
    private static final Set<Integer> PORT_PROTOCOLS = Set.of(6, 17, 33, 132, 136);

    private final NetlinkSocket socket;

    private ConntrackClient(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static ConntrackClient open() throws NetlinkException {
        return new ConntrackClient(NetlinkSocket.open(NetlinkFamily.NETFILTER));
    }

    public static ConntrackClient open(NetNamespace namespace) throws NetlinkException {
        return new ConntrackClient(NetlinkSocket.open(NetlinkFamily.NETFILTER, namespace));
    }

    /** UDP flows whose original direction has {@code address} at the given end. */
    public List<ConntrackFlow> udpFlows(InetAddress address, FlowDirection direction) throws NetlinkException {
        byte[] raw = address.getAddress();
        boolean v4 = raw.length == 4;
        int family = v4 ? Ctnl.AF_INET : Ctnl.AF_INET6;
        boolean source = direction == FlowDirection.ORIGINAL_SOURCE;
        NetlinkMessageBuilder request = new NetlinkMessageBuilder(Ctnl.messageType(Ctnl.IPCTNL_MSG_CT_GET),
                NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_DUMP)
                .familyHeader(new byte[] {(byte) family, 0, 0, 0});
        int tuple = request.beginNested(Ctnl.CTA_TUPLE_ORIG, true);
        int ip = request.beginNested(Ctnl.CTA_TUPLE_IP, true);
        int attribute = v4 ? (source ? Ctnl.CTA_IP_V4_SRC : Ctnl.CTA_IP_V4_DST)
                : (source ? Ctnl.CTA_IP_V6_SRC : Ctnl.CTA_IP_V6_DST);
        request.putBytes(attribute, raw);
        request.endNested(ip);
        int proto = request.beginNested(Ctnl.CTA_TUPLE_PROTO, true);
        request.putU8(Ctnl.CTA_PROTO_NUM, Ctnl.IPPROTO_UDP);
        request.endNested(proto);
        request.endNested(tuple);
        int filter = request.beginNested(Ctnl.CTA_FILTER, true);
        // Linux 6.18 inverts the IPv6 address comparison of CTA_FILTER (measured: a filter on 2001:db8::1 returns
        // every flow except 2001:db8::1's), so for IPv6 the kernel filters by family and protocol only and the
        // address is matched here.
        int addressFlag = v4 ? (source ? Ctnl.FILTER_IP_SRC : Ctnl.FILTER_IP_DST) : 0;
        request.putU32(Ctnl.CTA_FILTER_ORIG_FLAGS, addressFlag | Ctnl.FILTER_PROTO_NUM);
        request.putU32(Ctnl.CTA_FILTER_REPLY_FLAGS, 0);
        request.endNested(filter);

        List<ConntrackFlow> flows = new ArrayList<>();
        for (NetlinkMessage message : socket.dump(request.build(socket.nextSequence()))) {
            if (message.type() == Ctnl.messageType(Ctnl.IPCTNL_MSG_CT_NEW)) {
                ConntrackFlow flow = ConntrackMessageParser.parse(message);
                InetAddress end = source ? flow.original().source() : flow.original().destination();
                if (end.equals(address)) {
                    flows.add(flow);
                }
            }
        }
        return flows;
    }

    /**
     * The entry of one flow, named by its original tuple (a reply tuple finds it too), with counters when
     * accounting was on as it began; empty if conntrack has no such flow.
     *
     * @throws IllegalArgumentException for a protocol without ports (conntrack keys ICMP by id, type and code)
     */
    public Optional<ConntrackEntry> get(FlowTuple tuple) throws NetlinkException {
        byte[] source = tuple.source().getAddress();
        if (source.length != tuple.destination().getAddress().length) {
            throw new IllegalArgumentException("tuple " + tuple + " mixes IPv4 and IPv6");
        }
        if (!PORT_PROTOCOLS.contains(tuple.protocol())) {
            throw new IllegalArgumentException("IP protocol " + tuple.protocol() + " has no ports to look up");
        }
        try {
            for (NetlinkMessage message : socket.query(getRequest(tuple, socket.nextSequence()))) {
                if (message.type() == Ctnl.messageType(Ctnl.IPCTNL_MSG_CT_NEW)) {
                    return Optional.of(ConntrackEntryParser.parse(message));
                }
            }
            throw new NetlinkParseException(NetlinkParseException.Reason.MISSING_ATTRIBUTE,
                    "IPCTNL_MSG_CT_GET answered without an entry");
        } catch (NetlinkErrorException e) {
            if (e.errno() == Errno.ENOENT) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** IPCTNL_MSG_CT_GET of one flow by its original tuple, with NLM_F_ACK. */
    static ByteBuffer getRequest(FlowTuple tuple, int sequence) {
        byte[] source = tuple.source().getAddress();
        boolean v4 = source.length == 4;
        NetlinkMessageBuilder request = new NetlinkMessageBuilder(Ctnl.messageType(Ctnl.IPCTNL_MSG_CT_GET),
                NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK)
                .familyHeader(new byte[] {(byte) (v4 ? Ctnl.AF_INET : Ctnl.AF_INET6), 0, 0, 0});
        int original = request.beginNested(Ctnl.CTA_TUPLE_ORIG, true);
        int ip = request.beginNested(Ctnl.CTA_TUPLE_IP, true);
        request.putBytes(v4 ? Ctnl.CTA_IP_V4_SRC : Ctnl.CTA_IP_V6_SRC, source);
        request.putBytes(v4 ? Ctnl.CTA_IP_V4_DST : Ctnl.CTA_IP_V6_DST, tuple.destination().getAddress());
        request.endNested(ip);
        int proto = request.beginNested(Ctnl.CTA_TUPLE_PROTO, true);
        request.putU8(Ctnl.CTA_PROTO_NUM, tuple.protocol());
        request.putU16Be(Ctnl.CTA_PROTO_SRC_PORT, tuple.sourcePort());
        request.putU16Be(Ctnl.CTA_PROTO_DST_PORT, tuple.destinationPort());
        request.endNested(proto);
        request.endNested(original);
        return request.build(sequence);
    }

    /** UDP flows with {@code address} at either end of the original direction, each once. */
    public List<ConntrackFlow> udpFlowsInvolving(InetAddress address) throws NetlinkException {
        Map<Long, ConntrackFlow> byId = new LinkedHashMap<>();
        for (ConntrackFlow flow : udpFlows(address, FlowDirection.ORIGINAL_SOURCE)) {
            byId.put(flow.id(), flow);
        }
        for (ConntrackFlow flow : udpFlows(address, FlowDirection.ORIGINAL_DESTINATION)) {
            byId.put(flow.id(), flow);
        }
        return new ArrayList<>(byId.values());
    }

    @Override
    public void close() {
        socket.close();
    }
}
