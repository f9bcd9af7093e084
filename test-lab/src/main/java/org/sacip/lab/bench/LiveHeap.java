package org.sacip.lab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sacip.commands.CommandResult;
import org.sacip.lab.LabException;
import org.sacip.lab.Shell;

/**
 * What a JVM's live heap holds, by class, from {@code jcmd PID GC.class_histogram} (which collects first, so only
 * reachable objects count): what an RSS goal is decided by, where allocation samples only say what was churned.
 */
record LiveHeap(long bytes, List<ClassShare> largest) {
    /** One class of the histogram. */
    record ClassShare(String className, long instances, long bytes) {
    }

    // " 1:        165772        5304704  java.util.HashMap$Node (java.base@17.0.13)"
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    LiveHeap {
        largest = List.copyOf(largest);
    }

    /**
     * Collects and reads the histogram of process {@code pid}.
     *
     * @throws LabException when jcmd fails, with what it said
     */
    static LiveHeap of(long pid, int top) {
        CommandResult result = Shell.tryRun(List.of("jcmd", Long.toString(pid), "GC.class_histogram"));
        if (!result.ok()) {
            throw new LabException("jcmd " + pid + " GC.class_histogram: " + result.stderr().strip());
        }
        return parse(result.stdout(), top);
    }

    /** The histogram's total and its {@code top} largest classes (jcmd lists them largest first). */
    static LiveHeap parse(String histogram, int top) {
        long total = 0;
        List<ClassShare> largest = new ArrayList<>();
        for (String line : histogram.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (!m.find()) {
                continue;
            }
            long bytes = Long.parseLong(m.group(2));
            total += bytes;
            if (largest.size() < top) {
                largest.add(new ClassShare(m.group(3), Long.parseLong(m.group(1)), bytes));
            }
        }
        return new LiveHeap(total, largest);
    }

    /** One line for a goal's limit: the total and the largest classes, per session. */
    String summary(int sessions) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "live heap %.1f MiB, %d B per session;"
                + " largest:", bytes / 1048576.0, perSession(bytes, sessions)));
        for (int i = 0; i < largest.size(); i++) {
            ClassShare c = largest.get(i);
            text.append(i == 0 ? " " : ", ").append('`').append(c.className()).append("` ")
                    .append(perSession(c.bytes(), sessions)).append(" B");
        }
        return text.toString();
    }

    private static long perSession(long bytes, int sessions) {
        return Math.round((double) bytes / Math.max(1, sessions));
    }
}
