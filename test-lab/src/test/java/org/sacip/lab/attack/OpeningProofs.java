package org.sacip.lab.attack;

import java.net.InetAddress;
import java.util.List;
import org.sacip.lab.LabException;
import org.sacip.protocol.claim.ClaimProofs;
import org.sacip.protocol.claim.TcpSide;
import org.sacip.protocol.message.Octets;

/**
 * The proof that a host saw a TCP connection open, as a claim carries it, taken from the connection's SYN-ACK in a
 * capture of the host (a {@link PacketTap} with {@link #SYN_ACKS} as its filter, started before the connection).
 */
final class OpeningProofs {
    /** A pcap filter for SYN-ACKs (IPv4 and IPv6 without extension headers). */
    static final String SYN_ACKS = "(tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack))"
            + " or (ip6 and ip6[6] == 6 and ip6[53] & 0x12 == 0x12)";

    private OpeningProofs() {
    }

    /** The client's proof for its connection from {@code client}:{@code clientPort} to the server's port. */
    static Octets tcpClientProof(List<CapturedPacket> captured, InetAddress client, int clientPort, int serverPort) {
        for (CapturedPacket packet : captured) {
            var header = TcpHeader.of(packet);
            if (header.isPresent() && packet.destination().equals(client) && header.get().destinationPort() == clientPort
                    && header.get().sourcePort() == serverPort
                    && (header.get().flags() & (TcpSegment.SYN | TcpSegment.ACK)) == (TcpSegment.SYN | TcpSegment.ACK)) {
                return ClaimProofs.tcpProof((int) header.get().sequence(), (int) header.get().acknowledgement(),
                        TcpSide.CLIENT);
            }
        }
        throw new LabException("no SYN-ACK to " + Addresses.endpoint(client, clientPort) + " from port " + serverPort
                + " in the capture");
    }
}
