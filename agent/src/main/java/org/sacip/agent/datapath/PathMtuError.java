package org.sacip.agent.datapath;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.AddressText;
import org.sacip.netlink.nftables.TupleKey;
import org.sacip.protocol.codec.IcmpChecksum;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.SacipAddress;

/**
 * An ICMP "fragmentation needed" (type 3, code 4) or ICMPv6 "packet too big" (type 2) as nfnetlink_log hands it
 * over (from the network header), read strictly by {@link #parse}: the whole packet was captured and its checksums
 * add up (a relayed copy is never more valid than what arrived), and it quotes a TCP or UDP packet of its own IP
 * version with that packet's ports. {@code reporter} sent it (a router on the path), {@code destination} is ours,
 * {@code mtu} is what the reporter can forward, {@code quoted} is the quoted packet's tuple as it was on the wire
 * (source: this host's end). {@code packet} is the error as captured, up to its stated length.
 */
public record PathMtuError(InetAddress reporter, InetAddress destination, long mtu, TupleKey quoted, byte[] packet) {
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    static final int ICMP_HEADER = 8;
    static final int PROTOCOL_ICMP = 1;
    static final int NEXT_HEADER_ICMPV6 = 58;
    /** With IPv4 addresses {@link IcmpChecksum} sums the range alone, as an IPv4 header checksum wants. */
    private static final SacipAddress NO_PSEUDO_HEADER = SacipAddress.of(AddressFamily.IPV4, new byte[4]);

    public PathMtuError {
        Objects.requireNonNull(reporter, "reporter");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(quoted, "quoted");
        packet = packet.clone();
    }

    /**
     * Reads captured bytes that start at the IP header.
     *
     * @throws PathMtuErrorException if they are not such an error, or not all of it
     */
    public static PathMtuError parse(byte[] captured) throws PathMtuErrorException {
        return PathMtuErrorParser.parse(captured);
    }

    @Override
    public byte[] packet() {
        return packet.clone();
    }

    /**
     * This error (as {@link #parse} read it) as the socket's own stack would have had it had the packet gone out on
     * the socket's tuple: addressed to the socket's local address and quoting its tuple, the peer's port included
     * (it differs from the quoted one when a NAT had translated it: docs/DATAPATH.md "Port maps"). The outer IP
     * header is rebuilt (from the reporter, IPv4 without options); the quoted IPv4 header's checksum and the ICMP
     * (ICMPv6) checksum are computed afresh; the quoted TCP or UDP checksum stays as quoted (no receiver of an error
     * reads it). Conntrack relates the result to the session (the outer destination is the one it expects), and the
     * stack's error handler finds the socket.
     *
     * @throws IllegalArgumentException if the socket's protocol, IP version or local port are not the quoted ones
     */
    public byte[] towards(SessionTuple socket) {
        if (socket.protocol().number() != quoted.protocol() || socket.local().port() != quoted.sourcePort()
                || socket.isIpv4() != quoted.isIpv4()) {
            throw new IllegalArgumentException("socket " + socket + " is not the session of the quoted " + quoted);
        }
        InetAddress local = socket.local().address();
        InetAddress remote = socket.remote().address();
        int remotePort = socket.remote().port();
        return quoted.isIpv4() ? ipv4Towards(local, remote, remotePort) : ipv6Towards(local, remote, remotePort);
    }

    private byte[] ipv4Towards(InetAddress local, InetAddress remote, int remotePort) {
        int outerHeader = (packet[0] & 0x0f) * 4;
        int icmpLength = u16(packet, 2) - outerHeader;
        ByteBuffer out = ByteBuffer.allocate(IPV4_HEADER + icmpLength);
        // Version 4, no options; type of service and TTL as they came; no DF (the kernel picks the identification).
        out.put((byte) 0x45).put(packet[1]).putShort((short) (IPV4_HEADER + icmpLength)).putShort((short) 0)
                .putShort((short) 0).put(packet[8]).put((byte) PROTOCOL_ICMP).putShort((short) 0)
                .put(reporter.getAddress()).put(local.getAddress()).put(packet, outerHeader, icmpLength);
        int inner = IPV4_HEADER + ICMP_HEADER;
        int innerHeader = (out.get(inner) & 0x0f) * 4;
        out.put(inner + 12, local.getAddress()).put(inner + 16, remote.getAddress());
        // The parser saw the quoted ports: the destination port is within the quote.
        out.putShort(inner + innerHeader + 2, (short) remotePort);
        out.putShort(inner + 10, (short) 0).putShort(inner + 10, (short) checksum(out, inner, innerHeader));
        out.putShort(10, (short) checksum(out, 0, IPV4_HEADER));
        IcmpChecksum.rewrite(out, IPV4_HEADER, icmpLength, SacipAddress.of(reporter), SacipAddress.of(local));
        return out.array();
    }

    private byte[] ipv6Towards(InetAddress local, InetAddress remote, int remotePort) {
        int payloadLength = u16(packet, 4);
        ByteBuffer out = ByteBuffer.allocate(IPV6_HEADER + payloadLength);
        // Version, traffic class, flow label and hop limit as they came; the ICMPv6 message right after.
        out.put(packet, 0, 4).putShort((short) payloadLength).put((byte) NEXT_HEADER_ICMPV6).put(packet[7])
                .put(reporter.getAddress()).put(local.getAddress()).put(packet, IPV6_HEADER, payloadLength);
        int inner = IPV6_HEADER + ICMP_HEADER;
        out.put(inner + 8, local.getAddress()).put(inner + 24, remote.getAddress());
        // No extension header is quoted (the parser refuses them): the transport header follows at once.
        out.putShort(inner + IPV6_HEADER + 2, (short) remotePort);
        IcmpChecksum.rewrite(out, IPV6_HEADER, payloadLength, SacipAddress.of(reporter), SacipAddress.of(local));
        return out.array();
    }

    /** RFC 1071 over a range of an IPv4 header (0 when the range holds its own correct checksum). */
    static int checksum(ByteBuffer bytes, int offset, int length) {
        return IcmpChecksum.compute(bytes, offset, length, NO_PSEUDO_HEADER, NO_PSEUDO_HEADER);
    }

    static int u16(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 8) | (bytes[offset + 1] & 0xff);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PathMtuError error && reporter.equals(error.reporter)
                && destination.equals(error.destination) && mtu == error.mtu && quoted.equals(error.quoted)
                && Arrays.equals(packet, error.packet);
    }

    @Override
    public int hashCode() {
        return Objects.hash(reporter, destination, mtu, quoted, Arrays.hashCode(packet));
    }

    @Override
    public String toString() {
        return "path MTU " + mtu + " from " + AddressText.of(reporter) + " to " + AddressText.of(destination)
                + " about " + quoted;
    }
}
