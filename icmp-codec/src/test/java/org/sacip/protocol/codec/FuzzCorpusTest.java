package org.sacip.protocol.codec;

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
import org.sacip.protocol.message.SacipMessage;

/**
 * The seed corpus as committed: it holds what {@link FuzzCorpus} generates, every {@code malformed-*} file is
 * rejected for the reason its name gives, every {@code golden-*} and {@code worked-example-*} file decodes, and
 * every reason has a file.
 */
class FuzzCorpusTest {
    private static Path directory() throws URISyntaxException {
        return Path.of(FuzzCorpusTest.class.getResource("/" + FuzzCorpus.DIRECTORY).toURI());
    }

    private static List<Path> files(String prefix) throws IOException, URISyntaxException {
        try (Stream<Path> list = Files.list(directory())) {
            return list.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    private static FuzzInput input(Path file) throws IOException {
        return FuzzInput.parse(Files.readAllBytes(file))
                .orElseThrow(() -> new AssertionError(file.getFileName() + " has no known selector"));
    }

    @Test
    void corpusHoldsTheGeneratedSeeds() throws Exception {
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, byte[]> seed : FuzzCorpus.seeds().entrySet()) {
            Path file = directory().resolve(seed.getKey());
            if (!Files.exists(file) || !Arrays.equals(seed.getValue(), Files.readAllBytes(file))) {
                stale.add(seed.getKey());
            }
        }
        assertEquals(List.of(), stale, "missing or different corpus files; regenerate them with "
                + "SacipDecoderFuzzTest.main(icmp-codec/src/test/resources)");
    }

    @Test
    void malformedFilesAreRejectedForTheReasonInTheirName() throws Exception {
        List<Path> files = files(FuzzCorpus.MALFORMED);
        assertTrue(files.size() >= Reason.values().length, files.size() + " malformed files");
        for (Path file : files) {
            Reason named = FuzzCorpus.reasonNamedBy(file.getFileName().toString());
            FuzzInput in = input(file);
            SacipCodecException e = assertThrows(SacipCodecException.class, in::decode,
                    file.getFileName() + " was accepted");
            assertEquals(named, e.reason(), file.getFileName() + ": " + e.getMessage());
        }
    }

    @Test
    void goldenAndWorkedExampleFilesDecode() throws Exception {
        List<Path> files = new ArrayList<>(files(FuzzCorpus.GOLDEN));
        files.addAll(files(FuzzCorpus.WORKED_EXAMPLE));
        assertTrue(files.size() > 40, files.size() + " files");
        for (Path file : files) {
            FuzzInput in = input(file);
            SacipMessage message;
            try {
                message = in.decode();
            } catch (SacipCodecException e) {
                throw new AssertionError(file.getFileName() + " is rejected: " + e.getMessage(), e);
            }
            CanonicalEncoding.assertReencodes(in.received(), SacipEncoder.encode(message, in.selector().source(),
                    in.selector().destination()), file.getFileName().toString());
        }
    }

    @Test
    void everyReasonHasAMalformedFile() throws Exception {
        Set<Reason> missing = EnumSet.allOf(Reason.class);
        for (Path file : files(FuzzCorpus.MALFORMED)) {
            missing.remove(FuzzCorpus.reasonNamedBy(file.getFileName().toString()));
        }
        // The UDP framing's own reasons have their files in the UDP corpus (UdpFuzzCorpusTest).
        missing.removeAll(UdpMalformedInputTest.UDP_FRAMING_REASONS);
        assertEquals(Set.of(), missing);
    }

    @Test
    void theMislabelledFilesOfTheReviewNowHaveTheirAddresses() throws IOException, URISyntaxException {
        // Review finding A2: these two were written with the plain IPv4/IPv6 selector, so they decoded fine.
        assertEquals(0x03, Files.readAllBytes(malformed("ipv4-source-ipv6-destination"))[0]);
        assertEquals(0x04, Files.readAllBytes(malformed("icmpv6-checksum-for-another-destination"))[0]);
    }

    private static Path malformed(String description) throws IOException, URISyntaxException {
        return files(FuzzCorpus.MALFORMED).stream().filter(p -> p.getFileName().toString().endsWith("-" + description))
                .findFirst().orElseThrow(() -> new AssertionError("no malformed file for " + description));
    }
}
