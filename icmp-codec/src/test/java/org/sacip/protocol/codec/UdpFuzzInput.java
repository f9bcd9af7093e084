package org.sacip.protocol.codec;

import java.util.Arrays;
import java.util.Optional;
import org.sacip.protocol.message.SacipAddress;

/**
 * The input format of {@link UdpDecoderFuzzTest} and its seed corpus: one selector octet naming the IP addresses the
 * datagram arrives with, then the UDP payload. Inputs with another selector are ignored. Described for readers in
 * the README next to the corpus directories.
 */
record UdpFuzzInput(Selector selector, byte[] datagram) {
    enum Selector {
        IPV4(0x00, "198.18.0.1", "198.18.0.2"),
        IPV6(0x01, "2001:db8::1", "2001:db8::2"),
        IPV4_THROUGH_NAT(0x02, "198.19.255.1", "198.18.0.2"),
        IPV4_TO_IPV6(0x03, "198.18.0.1", "2001:db8::2"),
        LOOPBACK_SOURCE(0x04, "127.0.0.1", "198.18.0.2");

        private final int code;
        private final SacipAddress source;
        private final SacipAddress destination;

        Selector(int code, String source, String destination) {
            this.code = code;
            this.source = SacipAddress.parse(source);
            this.destination = SacipAddress.parse(destination);
        }

        SacipAddress source() {
            return source;
        }

        SacipAddress destination() {
            return destination;
        }

        static Optional<Selector> of(SacipAddress source, SacipAddress destination) {
            return Arrays.stream(values()).filter(s -> s.source.equals(source) && s.destination.equals(destination))
                    .findFirst();
        }
    }

    static Optional<UdpFuzzInput> parse(byte[] input) {
        if (input.length == 0) {
            return Optional.empty();
        }
        return Arrays.stream(Selector.values()).filter(s -> s.code == (input[0] & 0xFF)).findFirst()
                .map(s -> new UdpFuzzInput(s, Arrays.copyOfRange(input, 1, input.length)));
    }

    byte[] toBytes() {
        byte[] out = new byte[datagram.length + 1];
        out[0] = (byte) selector.code;
        System.arraycopy(datagram, 0, out, 1, datagram.length);
        return out;
    }

    UdpDatagram decode() throws SacipCodecException {
        return UdpDecoder.decode(datagram, selector.source(), selector.destination());
    }
}
