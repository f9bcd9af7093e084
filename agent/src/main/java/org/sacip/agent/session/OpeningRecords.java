package org.sacip.agent.session;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.sacip.netlink.nflog.LoggedPacket;
import org.sacip.netlink.packet.PacketHeaders;
import org.sacip.netlink.packet.TcpFlag;
import org.sacip.netlink.packet.TcpHeader;
import org.sacip.netlink.packet.UdpHeader;
import org.sacip.protocol.claim.ClaimProofs;
import org.sacip.protocol.message.Octets;

/**
 * What the agent saw of sessions opening, from the packets the ruleset logs (every SYN-ACK, the first UDP datagram of
 * a flow and the first one in its reply direction), kept per session as the local socket sees it: who opened it and
 * the proof of its opening (both initial sequence numbers; both first datagrams' digests). Bounded: the least recently
 * used records go first (a flood of half-open connections costs a fixed amount of memory). Not thread-safe.
 */
public final class OpeningRecords {
    /** Log prefixes of the ruleset's rules (sacip.nft). */
    static final String SYN_ACK = "sacip-synack";
    static final String UDP_FIRST = "sacip-udp-first";
    static final String UDP_REPLY = "sacip-udp-reply";

    /** One session's record so far. */
    static final class Record {
        Opener opener = Opener.UNKNOWN;
        Octets ours;
        Octets theirs;

        Optional<OpeningProof> proof(SessionProtocol protocol) {
            return ours == null || theirs == null ? Optional.empty()
                    : Optional.of(new OpeningProof(protocol, ours, theirs));
        }
    }

    private final int capacity;
    private final Map<SessionTuple, Record> records;

    public OpeningRecords(int capacity) {
        this.capacity = capacity;
        this.records = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<SessionTuple, Record> eldest) {
                return size() > OpeningRecords.this.capacity;
            }
        };
    }

    /**
     * Records a logged packet; returns the session it belongs to, or empty when it is not one of ours (forwarded
     * traffic, an address we do not hold) or not a logged opening.
     *
     * @param ours whether an address is this host's
     */
    public Optional<SessionTuple> record(LoggedPacket packet, PacketHeaders headers, Predicate<InetAddress> ours) {
        boolean outgoing = packet.hook() == LoggedPacket.HOOK_OUTPUT;
        boolean incoming = packet.hook() == LoggedPacket.HOOK_PREROUTING;
        if (!outgoing && !incoming || packet.prefix().isEmpty()) {
            return Optional.empty();
        }
        InetAddress localAddress = outgoing ? headers.ip().source() : headers.ip().destination();
        if (!ours.test(localAddress)) {
            return Optional.empty();
        }
        InetAddress remoteAddress = outgoing ? headers.ip().destination() : headers.ip().source();
        String prefix = packet.prefix().get();
        if (headers.transport() instanceof TcpHeader tcp && prefix.equals(SYN_ACK)
                && tcp.has(TcpFlag.SYN) && tcp.has(TcpFlag.ACK)) {
            SessionTuple tuple = tuple(SessionProtocol.TCP, localAddress, outgoing ? tcp.sourcePort()
                    : tcp.destinationPort(), remoteAddress, outgoing ? tcp.destinationPort() : tcp.sourcePort());
            Octets serverIsn = isn(tcp.sequence());
            Octets clientIsn = isn(tcp.acknowledgement() - 1);
            Record record = records.computeIfAbsent(tuple, t -> new Record());
            // A SYN-ACK we send answers their SYN: they opened it. One we receive answers ours.
            record.opener = outgoing ? Opener.REMOTE : Opener.LOCAL;
            record.ours = outgoing ? serverIsn : clientIsn;
            record.theirs = outgoing ? clientIsn : serverIsn;
            return Optional.of(tuple);
        }
        if (headers.transport() instanceof UdpHeader udp && (prefix.equals(UDP_FIRST) || prefix.equals(UDP_REPLY))) {
            SessionTuple tuple = tuple(SessionProtocol.UDP, localAddress, outgoing ? udp.sourcePort()
                    : udp.destinationPort(), remoteAddress, outgoing ? udp.destinationPort() : udp.sourcePort());
            if (udp.truncated() && udp.payload().length < Math.min(ClaimProofs.UDP_DIGEST_PREFIX, udp.length() - 8)) {
                // Not enough of the datagram for a digest (a fragment): no proof for this flow.
                return Optional.empty();
            }
            Octets digest = ClaimProofs.udpDigest(udp.length() - 8, udp.payload());
            Record record = records.computeIfAbsent(tuple, t -> new Record());
            if (prefix.equals(UDP_FIRST)) {
                record.opener = outgoing ? Opener.LOCAL : Opener.REMOTE;
            }
            if (outgoing) {
                record.ours = digest;
            } else {
                record.theirs = digest;
            }
            return Optional.of(tuple);
        }
        return Optional.empty();
    }

    /** The proof of the session's opening, if both halves were seen. */
    public Optional<OpeningProof> proof(SessionTuple tuple) {
        Record record = records.get(tuple);
        return record == null ? Optional.empty() : record.proof(tuple.protocol());
    }

    /** Who opened the session, as far as the records say. */
    public Opener opener(SessionTuple tuple) {
        Record record = records.get(tuple);
        return record == null ? Opener.UNKNOWN : record.opener;
    }

    /** The session is established and reported: its record goes with it (the engine keeps the proof). */
    public void forget(SessionTuple tuple) {
        records.remove(tuple);
    }

    public int size() {
        return records.size();
    }

    public int capacity() {
        return capacity;
    }

    private static SessionTuple tuple(SessionProtocol protocol, InetAddress local, int localPort, InetAddress remote,
            int remotePort) {
        return new SessionTuple(protocol, new Endpoint(local, localPort), new Endpoint(remote, remotePort));
    }

    private static Octets isn(long value) {
        int isn = (int) value;
        return Octets.of(new byte[] {(byte) (isn >>> 24), (byte) (isn >>> 16), (byte) (isn >>> 8), (byte) isn});
    }

    static InetSocketAddress socket(InetAddress address, int port) {
        return new InetSocketAddress(address, port);
    }
}
