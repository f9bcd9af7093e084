package org.sacip.tools.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.sacip.tools.SacipCtl;
import org.sacip.tools.cli.Invocation;
import org.sacip.tools.cli.Terminal;

/** Runs sacipctl in-process with captured output, a given environment and terminal. */
public final class Run {
    private Map<String, String> environment = Map.of();
    private Terminal terminal = nonInteractive();
    private Duration replyTimeout = Duration.ofSeconds(5);

    public record Result(int exitCode, String out, String err) {
        public List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    public Run environment(Map<String, String> value) {
        environment = value;
        return this;
    }

    public Run terminal(Terminal value) {
        terminal = value;
        return this;
    }

    public Run replyTimeout(Duration value) {
        replyTimeout = value;
        return this;
    }

    public Result sacipctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SacipCtl.run(new Invocation(new PrintWriter(out), new PrintWriter(err), environment, terminal,
                replyTimeout), args);
        return new Result(exit, out.toString(), err.toString());
    }

    public static Terminal nonInteractive() {
        return new Terminal() {
            @Override
            public boolean interactive() {
                return false;
            }

            @Override
            public Optional<String> ask(String prompt) {
                throw new AssertionError("a non-interactive terminal is never asked");
            }
        };
    }

    /** A person at a terminal who answers every question with {@code answer}; records the prompts. */
    public static final class AnsweringTerminal implements Terminal {
        private final String answer;
        private final List<String> prompts = new ArrayList<>();

        public AnsweringTerminal(String answer) {
            this.answer = answer;
        }

        @Override
        public boolean interactive() {
            return true;
        }

        @Override
        public Optional<String> ask(String prompt) {
            prompts.add(prompt);
            return Optional.of(answer);
        }

        public List<String> prompts() {
            return List.copyOf(prompts);
        }
    }
}
