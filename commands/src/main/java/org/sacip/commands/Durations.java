package org.sacip.commands;

import java.time.Duration;

/** Durations as people write them in messages: "60 s", "250 ms". */
final class Durations {
    private Durations() {
    }

    static String text(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
