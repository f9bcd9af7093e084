package org.sacip.protocol.tunnel;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The input format of {@link TunnelOpenerFuzzTest} and its seed corpus: data datagrams one after the other, each a
 * 2-octet big-endian length and that many octets (the last one may be cut short: it takes what is left), opened in
 * order by one opener, so that the fuzzer reaches the replay window as well as the header and tag checks. At most
 * {@link #MAX_DATAGRAMS} are read. Described for readers in the README next to the corpus directories.
 */
record TunnelFuzzInput(List<byte[]> datagrams) {
    static final int MAX_DATAGRAMS = 64;

    static TunnelFuzzInput parse(byte[] input) {
        List<byte[]> datagrams = new ArrayList<>();
        int at = 0;
        while (at + 2 <= input.length && datagrams.size() < MAX_DATAGRAMS) {
            int length = (input[at] & 0xFF) << 8 | (input[at + 1] & 0xFF);
            int end = Math.min(input.length, at + 2 + length);
            datagrams.add(Arrays.copyOfRange(input, at + 2, end));
            at = end;
        }
        return new TunnelFuzzInput(datagrams);
    }

    static TunnelFuzzInput of(List<byte[]> datagrams) {
        return new TunnelFuzzInput(List.copyOf(datagrams));
    }

    byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] datagram : datagrams) {
            if (datagram.length > 0xFFFF) {
                throw new IllegalArgumentException("a datagram of " + datagram.length + " octets has no length field");
            }
            out.write(datagram.length >>> 8);
            out.write(datagram.length);
            out.writeBytes(datagram);
        }
        return out.toByteArray();
    }
}
