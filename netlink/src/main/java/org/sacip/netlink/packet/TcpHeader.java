package org.sacip.netlink.packet;

import java.util.Set;

/**
 * A TCP header: ports, sequence and acknowledgement numbers (unsigned 32-bit, as longs), flags, header length in
 * bytes (data offset times 4), window, and how many payload bytes the segment carries by its IP length (not how many
 * were captured). For a SYN-ACK, {@code sequence} is the server's initial sequence number and
 * {@code acknowledgement - 1} the client's.
 */
public record TcpHeader(int sourcePort, int destinationPort, long sequence, long acknowledgement, Set<TcpFlag> flags,
        int headerLength, int window, int payloadLength) implements TransportHeader {

    public TcpHeader {
        flags = Set.copyOf(flags);
    }

    public boolean has(TcpFlag flag) {
        return flags.contains(flag);
    }
}
