package org.sacip.protocol.codec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.provider.Arguments;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.MessageKind;

/**
 * The seed corpus of {@link UdpDecoderFuzzTest} (format: {@link UdpFuzzInput}): the golden messages as datagrams
 * ({@code golden-KIND-FAMILY}, also {@code nat-KIND} arriving from a NAT's public address) and the malformed-input
 * table ({@code malformed-NN-REASON-DESCRIPTION}, rows of {@link UdpMalformedInputTest}).
 */
final class UdpFuzzCorpus {
    static final String DIRECTORY = "org/sacip/protocol/codec/UdpDecoderFuzzTestInputs/decode";
    static final String NAT = "nat-";

    private UdpFuzzCorpus() {
    }

    static Map<String, byte[]> seeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (MessageKind kind : MessageKind.values()) {
            for (AddressFamily family : AddressFamily.values()) {
                UdpFuzzInput.Selector selector = family == AddressFamily.IPV4 ? UdpFuzzInput.Selector.IPV4
                        : UdpFuzzInput.Selector.IPV6;
                seeds.put(FuzzCorpus.GOLDEN + slug(kind.name()) + "-" + slug(family.name()),
                        new UdpFuzzInput(selector, UdpMessages.encoded(kind, family)).toBytes());
            }
            seeds.put(NAT + slug(kind.name()), new UdpFuzzInput(UdpFuzzInput.Selector.IPV4_THROUGH_NAT,
                    UdpMessages.encoded(kind, AddressFamily.IPV4)).toBytes());
        }
        int row = 0;
        for (Arguments arguments : (Iterable<Arguments>) UdpMalformedInputTest.cases()::iterator) {
            UdpMalformedInputTest.Case c = (UdpMalformedInputTest.Case) arguments.get()[0];
            UdpFuzzInput.Selector selector = UdpFuzzInput.Selector.of(c.source(), c.destination()).orElseThrow(
                    () -> new IllegalStateException("no corpus selector for " + c.source() + " -> " + c.destination()
                            + " (case " + c.name() + "): add one to UdpFuzzInput.Selector"));
            seeds.put(String.format("%s%02d-%s-%s", FuzzCorpus.MALFORMED, row++,
                    c.reason().name().toLowerCase(Locale.ROOT), slug(c.name())),
                    new UdpFuzzInput(selector, c.datagram()).toBytes());
        }
        return seeds;
    }

    private static String slug(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    static void write(Path resources) throws IOException {
        Path dir = resources.resolve(DIRECTORY);
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
            Files.write(dir.resolve(seed.getKey()), seed.getValue());
        }
    }
}
