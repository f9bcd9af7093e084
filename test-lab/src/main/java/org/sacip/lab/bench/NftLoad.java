package org.sacip.lab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;

/**
 * What loading N map elements costs nft itself: a file with one table and one map typed as the agent's outsrc4 map
 * ({@code ip saddr . ip daddr . meta l4proto . th sport . th dport : ip saddr}) and N elements, loaded with
 * {@code nft -f} in a host of its own (an empty namespace of the lab). The time includes starting nft.
 */
final class NftLoad {
    private NftLoad() {
    }

    /** The wall time of {@code nft -f} in µs, and the command line. */
    record Timed(long micros, String command) {
    }

    static Timed time(Lab lab, String host, int elements, Path dir) {
        Path file = dir.resolve("nft-" + elements + ".nft");
        StringBuilder text = new StringBuilder("table ip bench {\n\tmap outsrc4 {\n\t\ttypeof ip saddr . ip daddr"
                + " . meta l4proto . th sport . th dport : ip saddr\n\t\telements = {");
        for (int i = 0; i < elements; i++) {
            // 100 peers of 198.18.10.0/24 as the convergence case uses, sources ports from 1024 up.
            text.append(i == 0 ? "\n\t\t\t" : ",\n\t\t\t").append("198.18.1.2 . 198.18.10.").append(2 + i % 100)
                    .append(" . tcp . ").append(1024 + i / 100).append(" . 5001 : 198.18.2.2");
        }
        text.append("\n\t\t}\n\t}\n}\n");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new LabException("cannot write " + file + ": " + e.getMessage(), e);
        }
        List<String> command = List.of("nft", "-f", file.toString());
        long start = System.nanoTime();
        lab.run(host, command.toArray(String[]::new));
        long micros = (System.nanoTime() - start) / 1000;
        lab.run(host, "nft", "delete", "table", "ip", "bench");
        try {
            Files.delete(file);
        } catch (IOException e) {
            // A leftover input file in the run's own directory harms nothing.
        }
        return new Timed(micros, host + ": " + String.join(" ", command) + "   (" + elements + " elements)");
    }
}
