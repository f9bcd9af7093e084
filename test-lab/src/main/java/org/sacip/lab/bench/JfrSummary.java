package org.sacip.lab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.sacip.commands.CommandException;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;

/**
 * The top frames of an agent's JFR recording from a point in time on (the agent's own start-up is not what limits
 * a handover), from {@code jfr print --json --events EVENT --stack-depth 1}: where its CPU samples fell
 * (jdk.ExecutionSample) or, weighted by bytes, where it allocated (jdk.ObjectAllocationSample), each frame with its
 * thread. One line for the report: "N CPU samples ...: 31% `a.b.C.m` [thread], ...".
 */
final class JfrSummary {
    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private JfrSummary() {
    }

    static String cpu(Path recording, long fromEpochMs, int top) {
        return top(recording, "jdk.ExecutionSample", "sampledThread", false, fromEpochMs, top);
    }

    static String allocation(Path recording, long fromEpochMs, int top) {
        return top(recording, "jdk.ObjectAllocationSample", "eventThread", true, fromEpochMs, top);
    }

    private static String top(Path recording, String event, String threadField, boolean byWeight, long fromEpochMs,
            int top) {
        if (recording == null || !Files.isRegularFile(recording)) {
            return "no JFR recording (" + recording + ")";
        }
        String jfr = Path.of(System.getProperty("java.home"), "bin", "jfr").toString();
        List<String> command = List.of(jfr, "print", "--json", "--events", event, "--stack-depth", "1",
                recording.toString());
        JsonNode events;
        try {
            CommandResult result = Commands.run(command, LIMIT);
            if (!result.ok()) {
                return "jfr failed: " + result.stderr().strip();
            }
            events = JSON.readTree(result.stdout()).path("recording").path("events");
        } catch (CommandException | IOException e) {
            return "jfr failed: " + e.getMessage();
        }
        Map<String, Double> byFrame = new LinkedHashMap<>();
        double total = 0;
        for (JsonNode e : events) {
            JsonNode values = e.path("values");
            if (epochMs(values.path("startTime").asText()) < fromEpochMs) {
                continue;
            }
            JsonNode frames = values.path("stackTrace").path("frames");
            JsonNode method = frames.path(0).path("method");
            String frame = frames.isEmpty() ? "(no Java frame)" : method.path("type").path("name").asText()
                    .replace('/', '.') + "." + method.path("name").asText();
            String thread = values.path(threadField).path("javaName").asText("?");
            double weight = byWeight ? values.path("weight").asDouble(0) : 1;
            byFrame.merge(frame + "` [" + thread + "]", weight, Double::sum);
            total += weight;
        }
        if (total == 0) {
            return "no " + event + " events after the warm-up in " + recording.getFileName();
        }
        double sum = total;
        String frames = byFrame.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(top).map(e -> String.format(Locale.ROOT, "%.0f%% `%s", 100 * e.getValue() / sum, e.getKey()))
                .collect(Collectors.joining(", "));
        String what = byWeight ? String.format(Locale.ROOT, "%.1f MB sampled allocation", total / 1e6)
                : Math.round(total) + " CPU samples";
        return what + " (" + recording.getFileName() + (fromEpochMs <= 0 ? ", the whole recording" : ", from the"
                + " measured part on") + "): " + frames;
    }

    private static long epochMs(String iso) {
        try {
            return Instant.parse(iso).toEpochMilli();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }
}
