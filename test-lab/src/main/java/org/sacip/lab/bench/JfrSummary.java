package org.sacip.lab.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.sacip.commands.CommandException;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;

/**
 * The top frames of an agent's JFR recording, from {@code jfr print --events EVENT --stack-depth 1}: where its CPU
 * samples fell (jdk.ExecutionSample) or, weighted by bytes, where it allocated (jdk.ObjectAllocationSample). One
 * line for the report: "N samples: 31% a.b.C.m(), 12% ...".
 */
final class JfrSummary {
    private static final java.time.Duration LIMIT = java.time.Duration.ofMinutes(5);

    private JfrSummary() {
    }

    static String cpu(Path recording, int top) {
        return top(recording, "jdk.ExecutionSample", null, top, "CPU samples");
    }

    static String allocation(Path recording, int top) {
        return top(recording, "jdk.ObjectAllocationSample", "weight", top, "allocation samples, by bytes");
    }

    private static String top(Path recording, String event, String weightField, int top, String what) {
        if (recording == null || !Files.isRegularFile(recording)) {
            return "no JFR recording (" + recording + ")";
        }
        String jfr = Path.of(System.getProperty("java.home"), "bin", "jfr").toString();
        List<String> command = List.of(jfr, "print", "--events", event, "--stack-depth", "1", recording.toString());
        CommandResult result;
        try {
            result = Commands.run(command, LIMIT);
        } catch (CommandException e) {
            return "jfr failed: " + e.getMessage();
        }
        if (!result.ok()) {
            return "jfr failed: " + result.stderr().strip();
        }
        Map<String, Double> byFrame = new LinkedHashMap<>();
        double total = 0;
        double weight = 1;
        boolean inStack = false;
        for (String raw : result.stdout().split("\n")) {
            String line = raw.strip();
            if (weightField != null && line.startsWith(weightField + " = ")) {
                weight = bytes(line.substring(weightField.length() + 3));
            } else if (line.startsWith("stackTrace = [")) {
                inStack = true;
            } else if (inStack) {
                inStack = false;
                String frame = line.replaceAll("\\s+line: \\d+.*$", "");
                byFrame.merge(frame, weight, Double::sum);
                total += weight;
                weight = 1;
            }
        }
        if (total == 0) {
            return "no " + event + " events in " + recording.getFileName();
        }
        double sum = total;
        String frames = byFrame.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(top).map(e -> String.format(Locale.ROOT, "%.0f%% `%s`", 100 * e.getValue() / sum, e.getKey()))
                .collect(Collectors.joining(", "));
        String count = weightField == null ? Long.toString(Math.round(total)) : byFrame.size() + " sites";
        return count + " " + what + " (" + recording.getFileName() + "): " + frames;
    }

    /** "1.2 MB", "512 bytes", "12.0 kB" as jfr prints a weight. */
    private static double bytes(String text) {
        String[] parts = text.strip().split("\\s+");
        double value;
        try {
            value = Double.parseDouble(parts[0].replace(",", ""));
        } catch (NumberFormatException e) {
            return 1;
        }
        String unit = parts.length > 1 ? parts[1].toLowerCase(Locale.ROOT) : "bytes";
        return switch (unit) {
            case "kb" -> value * 1e3;
            case "mb" -> value * 1e6;
            case "gb" -> value * 1e9;
            default -> value;
        };
    }
}
