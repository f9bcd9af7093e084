package org.sacip.lab.attack;

import java.net.InetSocketAddress;

/**
 * One TCP segment an attacker sends: the tuple, sequence and acknowledgement numbers (unsigned 32 bits), flags,
 * window, options (a multiple of 4 octets, e.g. a copied timestamp option) and payload.
 */
record TcpSegment(InetSocketAddress source, InetSocketAddress destination, long sequence, long acknowledgement,
        int flags, int window, byte[] options, byte[] payload) {
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    TcpSegment {
        options = options.clone();
        payload = payload.clone();
    }

    /** Data with ACK and PSH set, as an established connection carries it. */
    static TcpSegment data(InetSocketAddress source, InetSocketAddress destination, long sequence,
            long acknowledgement, byte[] options, byte[] payload) {
        return new TcpSegment(source, destination, sequence, acknowledgement, ACK | PSH, 0xffff, options, payload);
    }

    @Override
    public byte[] options() {
        return options.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }
}
