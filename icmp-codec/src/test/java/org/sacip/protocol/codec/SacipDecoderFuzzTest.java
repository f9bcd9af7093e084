package org.sacip.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.params.provider.Arguments;
import org.sacip.protocol.WorkedExample;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;

/**
 * Fuzzes the decoder. Input: one control octet (bit 0: IPv6 outer addresses, else IPv4; bit 1: fix the checksum
 * first, so the fuzzer gets past it), then the ICMP message. The decoder must either throw SacipCodecException or
 * return a message whose encoding is exactly the input (v1 has one encoding per message). Any other exception, or a
 * different encoding, is a finding. The seed corpus in SacipDecoderFuzzTestInputs/decode runs in every build.
 */
class SacipDecoderFuzzTest {
    private static final int IPV6 = 1;
    private static final int FIX_CHECKSUM = 2;

    @FuzzTest(maxDuration = "5m")
    void decode(byte[] input) {
        if (input.length == 0) {
            return;
        }
        AddressFamily family = (input[0] & IPV6) != 0 ? AddressFamily.IPV6 : AddressFamily.IPV4;
        SacipAddress source = GoldenMessages.source(family);
        SacipAddress destination = GoldenMessages.destination(family);
        byte[] icmp = Arrays.copyOfRange(input, 1, input.length);
        if ((input[0] & FIX_CHECKSUM) != 0) {
            IcmpChecksum.rewrite(icmp, source, destination);
        }
        SacipMessage message;
        try {
            message = SacipDecoder.decode(icmp, source, destination);
        } catch (SacipCodecException expected) {
            return;
        }
        assertArrayEquals(icmp, SacipEncoder.encode(message, source, destination), "decode then encode changed octets");
    }

    /**
     * Writes the seed corpus: golden vectors, the worked example (re-addressed), and the malformed-input table.
     * {@code java ... SacipDecoderFuzzTest icmp-codec/src/test/resources}
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0], "org/sacip/protocol/codec/SacipDecoderFuzzTestInputs/decode");
        Files.createDirectories(dir);
        for (MessageKind kind : MessageKind.values()) {
            for (AddressFamily family : AddressFamily.values()) {
                byte[] icmp = SacipEncoder.encode(GoldenMessages.of(kind, family), GoldenMessages.source(family),
                        GoldenMessages.destination(family));
                write(dir, "golden-" + kind.name().toLowerCase(Locale.ROOT) + "-" + family.name().toLowerCase(Locale.ROOT),
                        family == AddressFamily.IPV6 ? IPV6 : 0, icmp);
            }
        }
        WorkedExample example = new WorkedExample();
        byte[][] worked = {example.hello, example.cookie, example.init, example.initReply, example.initConfirm,
            example.update, example.challenge, example.response, example.ack};
        for (int i = 0; i < worked.length; i++) {
            write(dir, "worked-example-" + i, FIX_CHECKSUM, worked[i]);
        }
        int row = 0;
        for (Arguments arguments : (Iterable<Arguments>) MalformedInputTest.cases()::iterator) {
            MalformedInputTest.Case c = (MalformedInputTest.Case) arguments.get()[0];
            String name = String.format("malformed-%02d-%s", row++,
                    c.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
            write(dir, name, c.source().family() == AddressFamily.IPV6 ? IPV6 : 0, c.icmp());
        }
    }

    private static void write(Path dir, String name, int control, byte[] icmp) throws IOException {
        byte[] input = new byte[icmp.length + 1];
        input[0] = (byte) control;
        System.arraycopy(icmp, 0, input, 1, icmp.length);
        Files.write(dir.resolve(name), input);
    }
}
