package org.sacip.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Fuzzes the UDP decoder. Input ({@link UdpFuzzInput}): one selector octet naming the IP addresses, then the UDP
 * payload. The decoder must either throw SacipCodecException or return a datagram whose encoding is exactly the
 * octets it decoded (UDP has no checksum of its own, so every accepted datagram has one encoding). Any other
 * exception, or another encoding, is a finding. The seed corpus in UdpDecoderFuzzTestInputs/decode
 * ({@link UdpFuzzCorpus}) runs in every build.
 */
class UdpDecoderFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void decode(byte[] input) {
        Optional<UdpFuzzInput> parsed = UdpFuzzInput.parse(input);
        if (parsed.isEmpty()) {
            return;
        }
        UdpDatagram datagram;
        try {
            datagram = parsed.get().decode();
        } catch (SacipCodecException expected) {
            return;
        }
        assertArrayEquals(parsed.get().datagram(), UdpEncoder.encode(datagram.message(), datagram.envelope()),
                "decode then encode changed octets");
    }

    /** Writes the seed corpus: {@code java ... UdpDecoderFuzzTest icmp-codec/src/test/resources}. */
    public static void main(String[] args) throws Exception {
        UdpFuzzCorpus.write(Path.of(args[0]));
    }
}
