package org.sacip.protocol.codec;

import java.util.Arrays;
import java.util.Optional;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;

/**
 * The input format of {@link SacipDecoderFuzzTest} and its seed corpus: one selector octet, then the ICMP message.
 * The selector names the outer addresses the message arrives with and whether the checksum is rewritten for them
 * before decoding (so the fuzzer gets past it). Inputs with another selector are ignored. The format is described
 * for readers in the README next to the corpus directory and in docs/PROTOCOL.md section 11.
 */
record FuzzInput(Selector selector, byte[] icmp) {
    /** The selector octets, their outer addresses and whether the checksum is rewritten. */
    enum Selector {
        IPV4(0x00, "198.18.0.1", "198.18.0.2", false),
        IPV6(0x01, "2001:db8::1", "2001:db8::2", false),
        IPV4_FIX_CHECKSUM(0x02, "198.18.0.1", "198.18.0.2", true),
        IPV4_TO_IPV6(0x03, "198.18.0.1", "2001:db8::2", false),
        IPV6_TO_OTHER(0x04, "2001:db8::1", "2001:db8::3", false),
        IPV6_FIX_CHECKSUM(0x05, "2001:db8::1", "2001:db8::2", true),
        MOVED_IPV4(0x06, "198.19.0.1", "198.18.0.2", false),
        LOOPBACK_SOURCE(0x07, "127.0.0.1", "198.18.0.2", false),
        MULTICAST_DESTINATION(0x08, "2001:db8::1", "ff02::1", false);

        private final int code;
        private final SacipAddress source;
        private final SacipAddress destination;
        private final boolean fixChecksum;

        Selector(int code, String source, String destination, boolean fixChecksum) {
            this.code = code;
            this.source = SacipAddress.parse(source);
            this.destination = SacipAddress.parse(destination);
            this.fixChecksum = fixChecksum;
        }

        int code() {
            return code;
        }

        SacipAddress source() {
            return source;
        }

        SacipAddress destination() {
            return destination;
        }

        boolean fixChecksum() {
            return fixChecksum;
        }

        static Optional<Selector> of(int code) {
            return Arrays.stream(values()).filter(s -> s.code == code).findFirst();
        }

        /** The selector for these outer addresses and checksum handling, if the table has one. */
        static Optional<Selector> of(SacipAddress source, SacipAddress destination, boolean fixChecksum) {
            return Arrays.stream(values()).filter(s -> s.source.equals(source) && s.destination.equals(destination)
                    && s.fixChecksum == fixChecksum).findFirst();
        }
    }

    /** Splits a fuzz input; empty when it is empty or its selector is not in the table. */
    static Optional<FuzzInput> parse(byte[] input) {
        if (input.length == 0) {
            return Optional.empty();
        }
        return Selector.of(input[0] & 0xFF).map(s -> new FuzzInput(s, Arrays.copyOfRange(input, 1, input.length)));
    }

    /** The selector octet followed by the message. */
    byte[] toBytes() {
        byte[] out = new byte[icmp.length + 1];
        out[0] = (byte) selector.code();
        System.arraycopy(icmp, 0, out, 1, icmp.length);
        return out;
    }

    /** The ICMP octets the decoder sees: with the checksum rewritten when the selector says so. */
    byte[] received() {
        byte[] copy = icmp.clone();
        return selector.fixChecksum() ? IcmpChecksum.rewrite(copy, selector.source(), selector.destination()) : copy;
    }

    SacipMessage decode() throws SacipCodecException {
        return SacipDecoder.decode(received(), selector.source(), selector.destination());
    }
}
