package org.sacip.lab.bench.report;

import java.util.Objects;

/**
 * One goal of issue 11 and whether this run met it: {@code measured} says what was seen, {@code limit} (for a goal
 * not met) what a profile shows limiting it: the agents' JFR recording, or for the data path (kernel work) perf's.
 */
public record Goal(String id, String text, Status status, String measured, String limit) {
    public Goal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(measured, "measured");
    }

    public enum Status {
        MET("met"), NOT_MET("not met"), NOT_MEASURED("not measured");

        private final String shown;

        Status(String shown) {
            this.shown = shown;
        }

        public String shown() {
            return shown;
        }

        public static Status of(boolean met) {
            return met ? MET : NOT_MET;
        }
    }
}
