package org.sacip.tools.format;

/** Compact durations for the human views; -j keeps the plain seconds. */
public final class Durations {
    private Durations() {
    }

    public static String compact(long seconds) {
        if (seconds < 0) {
            return seconds + "s";
        }
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        long secs = seconds % 60;
        if (days > 0) {
            return String.format("%dd%02dh", days, hours);
        }
        if (hours > 0) {
            return String.format("%dh%02dm", hours, minutes);
        }
        if (minutes > 0) {
            return String.format("%dm%02ds", minutes, secs);
        }
        return secs + "s";
    }
}
