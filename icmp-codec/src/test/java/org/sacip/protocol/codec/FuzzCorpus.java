package org.sacip.protocol.codec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.provider.Arguments;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.WorkedExample;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.MessageKind;

/**
 * The seed corpus of {@link SacipDecoderFuzzTest} (format: {@link FuzzInput}): the golden vectors
 * ({@code golden-KIND-FAMILY}), the worked example ({@code worked-example-NN-STEP}, at its own addresses where the
 * selector table has them, else re-addressed with the checksum rewritten) and the malformed-input table
 * ({@code malformed-NN-REASON-DESCRIPTION}, REASON being the {@link SacipCodecException.Reason} in lower case).
 */
final class FuzzCorpus {
    static final String DIRECTORY = "org/sacip/protocol/codec/SacipDecoderFuzzTestInputs/decode";
    static final String GOLDEN = "golden-";
    static final String WORKED_EXAMPLE = "worked-example-";
    static final String MALFORMED = "malformed-";

    private FuzzCorpus() {
    }

    /** Every seed file: name and content, in a stable order. */
    static Map<String, byte[]> seeds() throws SacipProtocolException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (MessageKind kind : GoldenMessages.icmpKinds().toList()) {
            for (AddressFamily family : AddressFamily.values()) {
                byte[] icmp = SacipEncoder.encode(GoldenMessages.of(kind, family), GoldenMessages.source(family),
                        GoldenMessages.destination(family));
                FuzzInput.Selector selector = family == AddressFamily.IPV4 ? FuzzInput.Selector.IPV4
                        : FuzzInput.Selector.IPV6;
                seeds.put(GOLDEN + slug(kind.name()) + "-" + slug(family.name()),
                        new FuzzInput(selector, icmp).toBytes());
            }
        }
        WorkedExample example = new WorkedExample();
        int step = 0;
        for (WorkedExample.Step s : example.steps()) {
            FuzzInput.Selector selector = FuzzInput.Selector.of(s.source(), s.destination(), false)
                    .orElse(s.source().family() == AddressFamily.IPV4 ? FuzzInput.Selector.IPV4_FIX_CHECKSUM
                            : FuzzInput.Selector.IPV6_FIX_CHECKSUM);
            seeds.put(String.format("%s%02d-%s", WORKED_EXAMPLE, step++, slug(s.name())),
                    new FuzzInput(selector, s.icmp()).toBytes());
        }
        seeds.put(String.format("%s%02d-checksum-0000", WORKED_EXAMPLE, step++),
                new FuzzInput(FuzzInput.Selector.IPV4, example.zeroChecksumHello).toBytes());
        seeds.put(String.format("%s%02d-checksum-ffff", WORKED_EXAMPLE, step),
                new FuzzInput(FuzzInput.Selector.IPV4, example.onesChecksumHello).toBytes());
        int row = 0;
        for (Arguments arguments : (Iterable<Arguments>) MalformedInputTest.cases()::iterator) {
            MalformedInputTest.Case c = (MalformedInputTest.Case) arguments.get()[0];
            FuzzInput.Selector selector = FuzzInput.Selector.of(c.source(), c.destination(), false).orElseThrow(
                    () -> new IllegalStateException("no corpus selector for " + c.source() + " -> " + c.destination()
                            + " (case " + c.name() + "): add one to FuzzInput.Selector"));
            seeds.put(String.format("%s%02d-%s-%s", MALFORMED, row++, c.reason().name().toLowerCase(Locale.ROOT),
                    slug(c.name())), new FuzzInput(selector, c.icmp()).toBytes());
        }
        return seeds;
    }

    /** The reason a {@code malformed-NN-REASON-...} file is named for. */
    static SacipCodecException.Reason reasonNamedBy(String fileName) {
        String afterNumber = fileName.substring(fileName.indexOf('-', MALFORMED.length()) + 1);
        return SacipCodecException.Reason.valueOf(afterNumber.substring(0, afterNumber.indexOf('-'))
                .toUpperCase(Locale.ROOT));
    }

    private static String slug(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    /** Writes the seeds into {@code resources}/{@link #DIRECTORY}. */
    static void write(Path resources) throws IOException, SacipProtocolException {
        Path dir = resources.resolve(DIRECTORY);
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
            Files.write(dir.resolve(seed.getKey()), seed.getValue());
        }
    }
}
