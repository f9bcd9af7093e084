package org.sacip.lab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sacip.commands.CommandResult;
import org.sacip.lab.LabException;
import org.sacip.lab.Shell;

/**
 * Where the machine's CPU goes per packet, from {@code perf record -a} over one window: every symbol's share of the
 * samples of all CPUs (idle included), turned into nanoseconds per packet delivered in that window. The data path is
 * kernel work, on both hosts and the router, so the agents' JFR recordings cannot show what limits it; comparing the
 * remapped flow's profile with the unmapped one's can.
 */
record KernelProfile(Map<String, Double> nsPerPacket) {
    static final int FREQUENCY_HZ = 1999;
    private static final Pattern LINE = Pattern.compile("^\\s*([0-9]+(?:\\.[0-9]+)?)%\\s+\\[[^\\]]+\\]\\s+(\\S+).*$");
    /** Samples of an idle CPU: not work. */
    private static final Pattern IDLE = Pattern.compile("idle|safe_halt|cpuidle|mwait|hlt", Pattern.CASE_INSENSITIVE);

    /** Whether perf can record here (it is not part of the lab's packages). */
    static boolean available() {
        try {
            return Shell.tryRun(List.of("perf", "--version")).exitCode() == 0;
        } catch (LabException e) {
            return false;
        }
    }

    /** The perf command recorded for the report. */
    static String command(long windowMs) {
        return "host: perf record -a -F " + FREQUENCY_HZ + " -o FILE -- sleep " + seconds(windowMs)
                + "; perf report -i FILE --no-children --sort symbol -g none -q --stdio";
    }

    /** Records all CPUs for {@code windowMs}; returns perf's report of the samples by symbol. */
    static String record(Path file, long windowMs) {
        CommandResult recorded = Shell.tryRun(List.of("perf", "record", "-q", "-a", "-F",
                Integer.toString(FREQUENCY_HZ), "-o", file.toString(), "--", "sleep", seconds(windowMs)));
        if (recorded.exitCode() != 0) {
            throw new LabException("perf record failed: " + recorded.stderr().strip());
        }
        String report = Shell.run("perf", "report", "-i", file.toString(), "--no-children", "--sort", "symbol", "-g",
                "none", "-q", "--stdio");
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover in the bench's work directory, which goes with it.
        }
        return report;
    }

    /**
     * Reads {@code perf report} lines ("12.34%  [k] symbol", then perhaps "-  -" for the parent columns); shares of
     * all CPUs over the window.
     */
    static KernelProfile parse(String report, int cpus, long windowMs, long packets) {
        if (packets <= 0) {
            throw new LabException("no packet delivered in the profiled window");
        }
        double nsOfAllCpus = cpus * windowMs * 1e6;
        Map<String, Double> ns = new HashMap<>();
        for (String line : report.lines().toList()) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                ns.merge(m.group(2), Double.parseDouble(m.group(1)) / 100 * nsOfAllCpus / packets, Double::sum);
            }
        }
        return new KernelProfile(Map.copyOf(ns));
    }

    /** CPU per packet, idle samples left out. */
    double busyNs() {
        return nsPerPacket.entrySet().stream().filter(e -> !IDLE.matcher(e.getKey()).find())
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /**
     * What {@code this} (the remapped flow) costs per packet more than {@code other} (the unmapped one): the busy
     * total, then the {@code top} symbols that grew most.
     */
    String moreThan(KernelProfile other, int top) {
        Set<String> symbols = new HashSet<>(nsPerPacket.keySet());
        symbols.addAll(other.nsPerPacket.keySet());
        List<String> grown = new ArrayList<>();
        symbols.stream().filter(s -> !IDLE.matcher(s).find())
                .sorted(Comparator.comparingDouble((String s) -> other.ns(s) - ns(s)).thenComparing(s -> s))
                .limit(top)
                .forEach(s -> grown.add(String.format(Locale.ROOT, "`%s` %+.0f ns", s, ns(s) - other.ns(s))));
        return String.format(Locale.ROOT, "CPU of the whole machine per datagram %.0f ns remapped, %.0f ns unmapped"
                + " (%+.0f ns); grown most: %s", busyNs(), other.busyNs(), busyNs() - other.busyNs(),
                String.join(", ", grown));
    }

    private double ns(String symbol) {
        return nsPerPacket.getOrDefault(symbol, 0.0);
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f", ms / 1000.0);
    }
}
