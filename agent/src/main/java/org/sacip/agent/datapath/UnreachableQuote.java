package org.sacip.agent.datapath;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.codec.IcmpChecksum;
import org.sacip.protocol.message.SacipAddress;

/**
 * An ICMP "host unreachable" (type 3, code 1) for a TCP socket of this host, quoting the segment at the socket's
 * oldest unacknowledged sequence number ({@code snd_una}) as the socket itself sent it: the error RFC 6069 has a
 * sender answer by undoing one backoff of its retransmission timer, and by retransmitting at once when the reverted
 * timeout has already passed (Linux: tcp_v4_err, tcp_ld_RTO_revert). Addressed to the socket's local address from its
 * remote one; the quote is an IPv4 header and the first 8 bytes of TCP (ports and sequence number), all a receiver
 * reads. IPv4 only: Linux's tcp_v6_err has no such reversion (docs/DATAPATH.md).
 */
final class UnreachableQuote {
    private static final int IPV4_HEADER = 20;
    private static final int QUOTED_TCP = 8;
    private static final int TYPE_DESTINATION_UNREACHABLE = 3;
    private static final int CODE_HOST_UNREACHABLE = 1;
    private static final int TTL = 64;
    /** The quoted packet's stated length: a header and a minimum TCP header (its payload is not quoted). */
    private static final int QUOTED_LENGTH = IPV4_HEADER + 20;

    private UnreachableQuote() {
    }

    /**
     * The whole IPv4 packet for the TCP socket {@code socket} whose {@code snd_una} is {@code unacknowledged}.
     *
     * @throws IllegalArgumentException if the socket is not an IPv4 TCP socket
     */
    static byte[] ipv4(SessionTuple socket, long unacknowledged) {
        if (socket.protocol() != SessionProtocol.TCP || !socket.isIpv4()) {
            throw new IllegalArgumentException("not an IPv4 TCP socket: " + socket);
        }
        Inet4Address local = (Inet4Address) socket.local().address();
        Inet4Address remote = (Inet4Address) socket.remote().address();
        int icmpLength = PathMtuError.ICMP_HEADER + IPV4_HEADER + QUOTED_TCP;
        ByteBuffer out = ByteBuffer.allocate(IPV4_HEADER + icmpLength);
        header(out, 0, IPV4_HEADER + icmpLength, PathMtuError.PROTOCOL_ICMP, remote, local);
        out.put(IPV4_HEADER, (byte) TYPE_DESTINATION_UNREACHABLE).put(IPV4_HEADER + 1, (byte) CODE_HOST_UNREACHABLE);
        int inner = IPV4_HEADER + PathMtuError.ICMP_HEADER;
        header(out, inner, QUOTED_LENGTH, SessionProtocol.TCP.number(), local, remote);
        out.putShort(inner + IPV4_HEADER, (short) socket.local().port())
                .putShort(inner + IPV4_HEADER + 2, (short) socket.remote().port())
                .putInt(inner + IPV4_HEADER + 4, (int) unacknowledged);
        IcmpChecksum.rewrite(out, IPV4_HEADER, icmpLength, SacipAddress.of(remote), SacipAddress.of(local));
        return out.array();
    }

    /** An IPv4 header without options at {@code offset}, its checksum included. */
    private static void header(ByteBuffer out, int offset, int totalLength, int protocol, Inet4Address source,
            Inet4Address destination) {
        out.put(offset, (byte) 0x45).putShort(offset + 2, (short) totalLength).put(offset + 8, (byte) TTL)
                .put(offset + 9, (byte) protocol).put(offset + 12, source.getAddress())
                .put(offset + 16, destination.getAddress());
        out.putShort(offset + 10, (short) PathMtuError.checksum(out, offset, IPV4_HEADER));
    }
}
