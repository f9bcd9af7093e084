package org.sacip.tools.cli;

import java.io.Console;
import java.util.Optional;

/** The user's terminal, for the one question sacipctl asks (flush). */
public interface Terminal {
    /** Whether a person can answer: stdin and stdout are a terminal. */
    boolean interactive();

    /** Shows {@code prompt} and returns the answer; empty at end of input. */
    Optional<String> ask(String prompt);

    /** The process's console; non-interactive when sacipctl runs in a pipe, a script or a test. */
    static Terminal system() {
        Console console = System.console();
        return new Terminal() {
            @Override
            public boolean interactive() {
                return console != null;
            }

            @Override
            public Optional<String> ask(String prompt) {
                return console == null ? Optional.empty() : Optional.ofNullable(console.readLine("%s", prompt));
            }
        };
    }
}
