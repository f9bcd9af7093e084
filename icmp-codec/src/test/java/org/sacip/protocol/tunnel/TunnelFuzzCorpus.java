package org.sacip.protocol.tunnel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The seed corpus of {@link TunnelOpenerFuzzTest} (format: {@link TunnelFuzzInput}): sequences that open
 * ({@code opens-NN-DESCRIPTION}: every datagram opens) and the rows of {@link DataDatagramMalformedTest}
 * ({@code rejected-NN-REASON-DESCRIPTION}: the datagrams before the last open, the last is rejected for REASON, the
 * {@link TunnelOpener.Rejection} in lower case).
 */
final class TunnelFuzzCorpus {
    static final String DIRECTORY = "org/sacip/protocol/tunnel/TunnelOpenerFuzzTestInputs/open";
    static final String OPENS = "opens-";
    static final String REJECTED = "rejected-";

    private TunnelFuzzCorpus() {
    }

    private static byte[] sealed(long counter) {
        return DataDatagramMalformedTest.sealed(counter);
    }

    static Map<String, byte[]> seeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        Map<String, List<byte[]>> opening = new LinkedHashMap<>();
        opening.put("empty datagram", List.of(DataDatagramMalformedTest.sealed(0, new byte[0])));
        opening.put("one inner packet", List.of(sealed(0)));
        opening.put("counters 0 to 3 in order", List.of(sealed(0), sealed(1), sealed(2), sealed(3)));
        opening.put("out of order within the window", List.of(sealed(5), sealed(2), sealed(4), sealed(0)));
        opening.put("2047 behind the highest", List.of(sealed(2048), sealed(1)));
        opening.put("a jump far ahead", List.of(sealed(0), sealed(1L << 40), sealed((1L << 40) - 2047)));
        opening.put("the last counter", List.of(sealed(DataDatagram.COUNTER_LIMIT - 1)));
        opening.put("as much as the room holds", List.of(DataDatagramMalformedTest.sealed(0,
                Tunnels.packet(DataDatagramMalformedTest.ROOM))));
        int n = 0;
        for (Map.Entry<String, List<byte[]>> e : opening.entrySet()) {
            seeds.put(String.format("%s%02d-%s", OPENS, n++, slug(e.getKey())), TunnelFuzzInput.of(e.getValue())
                    .toBytes());
        }
        int row = 0;
        for (Arguments arguments : (Iterable<Arguments>) DataDatagramMalformedTest.cases()::iterator) {
            DataDatagramMalformedTest.Case c = (DataDatagramMalformedTest.Case) arguments.get()[0];
            seeds.put(String.format("%s%02d-%s-%s", REJECTED, row++, c.reason().name().toLowerCase(Locale.ROOT),
                    slug(c.name())), c.input().toBytes());
        }
        return seeds;
    }

    /** The rejection a {@code rejected-NN-REASON-...} file is named for. */
    static TunnelOpener.Rejection reasonNamedBy(String fileName) {
        String afterNumber = fileName.substring(fileName.indexOf('-', REJECTED.length()) + 1);
        return TunnelOpener.Rejection.valueOf(afterNumber.substring(0, afterNumber.indexOf('-'))
                .toUpperCase(Locale.ROOT));
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
