package org.sacip.netlink.nftables.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.MapElement;
import org.sacip.netlink.nftables.NfTablesConnection;
import org.sacip.netlink.nftables.TestRuleset;
import org.sacip.netlink.nftables.TestSets;
import org.sacip.netlink.nftables.TupleKey;
import org.sacip.netlink.testing.TestNamespace;

/**
 * 100,000 concatenated-key map elements in one transaction: our batch (encode, send, every acknowledgement) against
 * {@code nft -f} loading the same elements, in the same run and the same throwaway namespace, alternating.
 * Run: {@code mvn -B -q -o -pl netlink exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.sacip.netlink.nftables.bench.ElementBatchBenchmark [-Dexec.args="ROUNDS"]}
 */
public final class ElementBatchBenchmark {
    private static final int ELEMENTS = 100_000;

    private ElementBatchBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<Element> elements = elements();
        Path nftFile = Files.createTempFile("sacip-bench-", ".nft");
        try (TestNamespace ns = TestNamespace.create("bench")) {
            Files.writeString(nftFile, nftScript(elements), StandardCharsets.US_ASCII);
            TestRuleset.loadInto(ns.name());
            try (NfTablesConnection nft = NfTablesConnection.open(ns.netNamespace())) {
                double warmUp = ours(nft, elements);
                emptyMap(ns, nft);
                System.out.printf(Locale.ROOT, "warm-up (not counted): our batch %.3f s%n", warmUp);
                double[] oursSeconds = new double[rounds];
                double[] nftSeconds = new double[rounds];
                for (int round = 0; round < rounds; round++) {
                    oursSeconds[round] = ours(nft, elements);
                    check(nft);
                    emptyMap(ns, nft);
                    nftSeconds[round] = nft(ns, nftFile);
                    check(nft);
                    emptyMap(ns, nft);
                    System.out.printf(Locale.ROOT, "round %d: our batch %.3f s, nft -f %.3f s%n", round + 1,
                            oursSeconds[round], nftSeconds[round]);
                }
                double oursMedian = median(oursSeconds);
                double nftMedian = median(nftSeconds);
                System.out.printf(Locale.ROOT, "%d elements, median of %d: our batch %.3f s, nft -f %.3f s, "
                        + "ratio %.2f (goal <= 0.50)%n", ELEMENTS, rounds, oursMedian, nftMedian,
                        oursMedian / nftMedian);
            }
        } finally {
            Files.deleteIfExists(nftFile);
        }
    }

    /** Wall time of queueing, encoding, sending and waiting for every acknowledgement. */
    private static double ours(NfTablesConnection nft, List<Element> elements) throws Exception {
        long start = System.nanoTime();
        nft.addElements(TestSets.IN4, elements);
        nft.flush();
        return (System.nanoTime() - start) / 1e9;
    }

    /** Wall time of the whole nft process: start, parse, netlink, exit. */
    private static double nft(TestNamespace ns, Path file) throws IOException {
        long start = System.nanoTime();
        ns.exec("nft", "-f", file.toString());
        return (System.nanoTime() - start) / 1e9;
    }

    private static void check(NfTablesConnection nft) throws Exception {
        int count = nft.listElements(TestSets.IN4).size();
        if (count != ELEMENTS) {
            throw new IllegalStateException("map holds " + count + " elements, expected " + ELEMENTS);
        }
    }

    private static void emptyMap(TestNamespace ns, NfTablesConnection nft) throws Exception {
        ns.exec("nft", "flush", "map", "inet", "sacip", "in4");
        if (!nft.listElements(TestSets.IN4).isEmpty()) {
            throw new IllegalStateException("map not empty after flush");
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Distinct lab tuples: 400 sources x 250 source ports, alternating UDP and TCP. */
    private static List<Element> elements() throws IOException {
        List<Element> elements = new ArrayList<>(ELEMENTS);
        InetAddress destination = InetAddress.getByName("198.19.0.1");
        for (int i = 0; i < ELEMENTS; i++) {
            int host = i / 250;
            InetAddress source = InetAddress.getByAddress(new byte[] {(byte) 198, 18, (byte) (host / 250),
                    (byte) (1 + host % 250)});
            InetAddress value = InetAddress.getByAddress(new byte[] {(byte) 198, 19, (byte) (1 + host / 250),
                    (byte) (1 + host % 250)});
            elements.add(new MapElement(new TupleKey(source, destination, i % 2 == 0 ? TupleKey.UDP : TupleKey.TCP,
                    20_000 + i % 250, 443), value));
        }
        return elements;
    }

    /** The same elements in nft syntax, one add element statement as an operator would write it. */
    private static String nftScript(List<Element> elements) {
        StringBuilder script = new StringBuilder("add element inet sacip in4 {\n");
        for (Element element : elements) {
            MapElement map = (MapElement) element;
            TupleKey key = map.key();
            script.append(key.source().getHostAddress()).append(" . ").append(key.destination().getHostAddress())
                    .append(key.protocol() == TupleKey.UDP ? " . udp . " : " . tcp . ").append(key.sourcePort())
                    .append(" . ").append(key.destinationPort()).append(" : ").append(map.address().getHostAddress())
                    .append(",\n");
        }
        return script.append("}\n").toString();
    }
}
