package org.sacip.lab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.bench.report.RunEnvironment;
import org.sacip.lab.topology.Topology;

/**
 * The lab's round-trip time A -> B -> A through R (veths, no emulated delay: this kernel has neither netem nor fq):
 * {@code ping -c N -i 0.01} from A to B, each reply's time taken.
 */
final class LabRtt {
    private static final Pattern TIME = Pattern.compile("time=([0-9.]+) ms");

    private LabRtt() {
    }

    static RunEnvironment.Rtt measure(Topology topology, int samples) {
        Lab lab = topology.lab();
        String b = topology.uplink("b", 0).address();
        List<String> command = List.of("ping", "-n", "-c", Integer.toString(samples), "-i", "0.01", b);
        String out = lab.run("a", command.toArray(String[]::new));
        List<Long> micros = new ArrayList<>();
        Matcher m = TIME.matcher(out);
        while (m.find()) {
            micros.add(Math.round(Double.parseDouble(m.group(1)) * 1000));
        }
        if (micros.isEmpty()) {
            throw new LabException("ping A -> B gave no reply time: " + out.strip());
        }
        micros.sort(null);
        return new RunEnvironment.Rtt("a: " + String.join(" ", command), micros.size(), nearestRank(micros, 50),
                nearestRank(micros, 90), micros.get(micros.size() - 1));
    }

    private static long nearestRank(List<Long> sorted, int p) {
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
