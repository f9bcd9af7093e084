package org.sacip.lab.attack;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/** The TCP header of a captured packet: ports, sequence and acknowledgement numbers, flags, options, payload size. */
record TcpHeader(int sourcePort, int destinationPort, long sequence, long acknowledgement, int flags,
        byte[] options, int payloadLength) {
    TcpHeader {
        options = options.clone();
    }

    static Optional<TcpHeader> of(CapturedPacket packet) {
        byte[] tcp = packet.transport();
        if (packet.protocol() != IpPackets.TCP || tcp.length < 20) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(tcp);
        int headerLength = ((tcp[12] & 0xf0) >> 4) * 4;
        if (headerLength < 20 || headerLength > tcp.length) {
            return Optional.empty();
        }
        return Optional.of(new TcpHeader(buffer.getShort(0) & 0xffff, buffer.getShort(2) & 0xffff,
                buffer.getInt(4) & 0xffffffffL, buffer.getInt(8) & 0xffffffffL, tcp[13] & 0xff,
                Arrays.copyOfRange(tcp, 20, headerLength), tcp.length - headerLength));
    }

    @Override
    public byte[] options() {
        return options.clone();
    }
}
