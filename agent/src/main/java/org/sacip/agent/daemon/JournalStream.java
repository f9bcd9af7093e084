package org.sacip.agent.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether standard error is systemd's journal: systemd sets JOURNAL_STREAM to the device and inode numbers of the
 * stream it connects to stderr ({@code DEV:INO}, systemd.exec(5)); a process whose stderr was redirected elsewhere
 * (by a child's launcher or a shell) inherits the variable but not the stream, so only a match counts.
 */
final class JournalStream {
    static final String ENVIRONMENT = "JOURNAL_STREAM";
    private static final Pattern VALUE = Pattern.compile("(\\d{1,20}):(\\d{1,20})");
    /** fd 2 itself: /proc/self/fd/2 leads to the open file or socket, whatever its name. */
    private static final Path STANDARD_ERROR = Path.of("/proc/self/fd/2");

    private JournalStream() {
    }

    /** Whether JOURNAL_STREAM in {@code environment} names the file or socket this process's fd 2 is. */
    static boolean isStandardError(Map<String, String> environment) {
        String value = environment.get(ENVIRONMENT);
        if (value == null) {
            return false;
        }
        Matcher matcher = VALUE.matcher(value);
        if (!matcher.matches()) {
            return false;
        }
        try {
            Map<String, Object> stat = Files.readAttributes(STANDARD_ERROR, "unix:dev,ino");
            return Long.toUnsignedString((Long) stat.get("dev")).equals(stripZeros(matcher.group(1)))
                    && Long.toUnsignedString((Long) stat.get("ino")).equals(stripZeros(matcher.group(2)));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // No /proc or no stderr: plain lines are always safe.
            return false;
        }
    }

    private static String stripZeros(String digits) {
        return digits.replaceFirst("^0+(?=.)", "");
    }
}
