package org.sacip.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.sacip.protocol.codec.SacipCodecException.Reason;

/**
 * The UDP seed corpus as committed: it holds what {@link UdpFuzzCorpus} generates, every {@code malformed-*} file
 * is rejected for the reason its name gives, the others decode and encode back to the same octets, and every reason
 * of the UDP framing has a file.
 */
class UdpFuzzCorpusTest {
    private static Path directory() throws URISyntaxException {
        return Path.of(UdpFuzzCorpusTest.class.getResource("/" + UdpFuzzCorpus.DIRECTORY).toURI());
    }

    private static List<Path> files() throws IOException, URISyntaxException {
        try (Stream<Path> list = Files.list(directory())) {
            return list.sorted().toList();
        }
    }

    private static UdpFuzzInput input(Path file) throws IOException {
        return UdpFuzzInput.parse(Files.readAllBytes(file))
                .orElseThrow(() -> new AssertionError(file.getFileName() + " has no known selector"));
    }

    private static boolean malformed(Path file) {
        return file.getFileName().toString().startsWith(FuzzCorpus.MALFORMED);
    }

    @Test
    void corpusHoldsTheGeneratedSeeds() throws Exception {
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, byte[]> seed : UdpFuzzCorpus.seeds().entrySet()) {
            Path file = directory().resolve(seed.getKey());
            if (!Files.exists(file) || !Arrays.equals(seed.getValue(), Files.readAllBytes(file))) {
                stale.add(seed.getKey());
            }
        }
        assertEquals(List.of(), stale, "missing or different corpus files; regenerate them with "
                + "UdpDecoderFuzzTest.main(icmp-codec/src/test/resources)");
        assertEquals(UdpFuzzCorpus.seeds().size(), files().size(), "files the generator does not make");
    }

    @Test
    void malformedFilesAreRejectedForTheReasonInTheirName() throws Exception {
        Set<Reason> missing = EnumSet.copyOf(UdpMalformedInputTest.UDP_FRAMING_REASONS);
        for (Path file : files().stream().filter(UdpFuzzCorpusTest::malformed).toList()) {
            Reason named = FuzzCorpus.reasonNamedBy(file.getFileName().toString());
            SacipCodecException e = assertThrows(SacipCodecException.class, input(file)::decode,
                    file.getFileName() + " was accepted");
            assertEquals(named, e.reason(), file.getFileName() + ": " + e.getMessage());
            missing.remove(named);
        }
        assertEquals(Set.of(), missing, "UDP framing reasons without a file");
    }

    @Test
    void wellFormedFilesDecodeAndEncodeBack() throws Exception {
        List<Path> files = files().stream().filter(f -> !malformed(f)).toList();
        assertTrue(files.size() >= 39, files.size() + " files");
        for (Path file : files) {
            UdpFuzzInput in = input(file);
            UdpDatagram datagram;
            try {
                datagram = in.decode();
            } catch (SacipCodecException e) {
                throw new AssertionError(file.getFileName() + " is rejected: " + e.getMessage(), e);
            }
            assertArrayEquals(in.datagram(), UdpEncoder.encode(datagram.message(), datagram.envelope()),
                    file.getFileName().toString());
        }
    }
}
