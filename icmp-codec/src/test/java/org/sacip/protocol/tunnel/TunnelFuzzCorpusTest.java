package org.sacip.protocol.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.sacip.protocol.tunnel.TunnelOpener.Rejection;

/**
 * The opener's seed corpus as committed: it holds what {@link TunnelFuzzCorpus} generates, every {@code opens-*}
 * file opens datagram after datagram, every {@code rejected-*} file opens all but its last datagram and rejects that
 * one for the reason its name gives, and every reason has a file.
 */
class TunnelFuzzCorpusTest {
    private static Path directory() throws URISyntaxException {
        return Path.of(TunnelFuzzCorpusTest.class.getResource("/" + TunnelFuzzCorpus.DIRECTORY).toURI());
    }

    private static List<Path> files(String prefix) throws IOException, URISyntaxException {
        try (Stream<Path> list = Files.list(directory())) {
            return list.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    private static List<Integer> results(Path file) throws IOException {
        return DataDatagramMalformedTest.openAll(TunnelFuzzInput.parse(Files.readAllBytes(file)));
    }

    @Test
    void corpusHoldsTheGeneratedSeeds() throws Exception {
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, byte[]> seed : TunnelFuzzCorpus.seeds().entrySet()) {
            Path file = directory().resolve(seed.getKey());
            if (!Files.exists(file) || !Arrays.equals(seed.getValue(), Files.readAllBytes(file))) {
                stale.add(seed.getKey());
            }
        }
        assertEquals(List.of(), stale, "missing or different corpus files; regenerate them with "
                + "TunnelOpenerFuzzTest.main(icmp-codec/src/test/resources)");
        assertEquals(TunnelFuzzCorpus.seeds().size(), files("").size(), "files the generator does not make");
    }

    @Test
    void openingFilesOpenEveryDatagram() throws Exception {
        List<Path> files = files(TunnelFuzzCorpus.OPENS);
        assertTrue(files.size() >= 8, files.size() + " files");
        for (Path file : files) {
            for (int result : results(file)) {
                assertTrue(result >= 0, file.getFileName() + ": " + (result < 0 ? Rejection.of(result) : result));
            }
        }
    }

    @Test
    void rejectedFilesAreRejectedForTheReasonInTheirNameAndEveryReasonHasOne() throws Exception {
        Set<Rejection> missing = EnumSet.allOf(Rejection.class);
        for (Path file : files(TunnelFuzzCorpus.REJECTED)) {
            List<Integer> results = results(file);
            for (int result : results.subList(0, results.size() - 1)) {
                assertTrue(result >= 0, file.getFileName() + ": a datagram before the last was rejected");
            }
            int last = results.get(results.size() - 1);
            Rejection named = TunnelFuzzCorpus.reasonNamedBy(file.getFileName().toString());
            assertTrue(last < 0, file.getFileName() + " was opened");
            assertEquals(named, Rejection.of(last), file.getFileName().toString());
            missing.remove(named);
        }
        assertEquals(Set.of(), missing, "reasons without a file");
    }
}
