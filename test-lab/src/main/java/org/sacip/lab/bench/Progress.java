package org.sacip.lab.bench;

import java.io.PrintStream;

/** Where a benchmark run says what it is doing: one line per step on stderr, e.g. "[gap mbb-uplinks sacip] move 3 of 30". */
final class Progress {
    private final PrintStream err;
    private final long startNanos = System.nanoTime();

    Progress(PrintStream err) {
        this.err = err;
    }

    void say(String what, String message) {
        err.printf("sacip-lab bench %5ds [%s] %s%n", (System.nanoTime() - startNanos) / 1_000_000_000, what, message);
        err.flush();
    }

    void trial(String what, String noun, int n, int of) {
        say(what, noun + " " + n + " of " + of);
    }
}
