package org.sacip.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.tools.testing.FakeAgent.ok;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.tools.testing.FakeAgent;
import org.sacip.tools.testing.Fixtures;
import org.sacip.tools.testing.Run;

/**
 * The lines sacipctl runs without picocli's model: which ones, and that each prints and exits exactly as picocli's
 * run of the same line does (against a fake agent serving the fixtures, and against no agent at all).
 */
class DirectRunTest {
    @TempDir
    Path dir;

    record Outcome(Optional<Integer> exit, String out, String err) {
    }

    private static Outcome direct(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Optional<Integer> exit = DirectRun.tryRun(invocation(out, err, environment), args);
        return new Outcome(exit, out.toString(), err.toString());
    }

    private static Outcome picocli(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CommandLineFactory.create(invocation(out, err, environment)).execute(args);
        return new Outcome(Optional.of(exit), out.toString(), err.toString());
    }

    private static Invocation invocation(StringWriter out, StringWriter err, Map<String, String> environment) {
        return new Invocation(new PrintWriter(out), new PrintWriter(err), environment, Run.nonInteractive(),
                Duration.ofSeconds(5));
    }

    @Test
    void everyDirectLinePrintsAndExitsAsPicocliDoes() throws Exception {
        try (FakeAgent agent = FakeAgent.replying(dir.resolve("agent.sock"), request -> {
            String command = request.replaceAll(".*\"cmd\":\"([a-z]+)\".*", "$1");
            return command.equals("version") ? List.of(ok("{\"version\":\"0.1.0\",\"protocol\":1}"))
                    : List.of(ok(Fixtures.text(command + ".json")));
        })) {
            String socket = agent.path().toString();
            List<String[]> lines = new ArrayList<>();
            for (String command : List.of("status", "sessions", "peers", "ghosts", "version")) {
                lines.add(new String[] {"--socket", socket, command});
                lines.add(new String[] {command, "--control-socket=" + socket, "-j"});
                lines.add(new String[] {"-p", "--control-socket", socket, command});
                lines.add(new String[] {"--json", command, "--pretty", "--socket=" + socket});
            }
            for (String[] line : lines) {
                Outcome direct = direct(Map.of(), line);
                Outcome picocli = picocli(Map.of(), line);
                assertTrue(direct.exit().isPresent(), "runs directly: " + String.join(" ", line));
                assertEquals(picocli, direct, String.join(" ", line));
                assertEquals(0, direct.exit().get(), direct.err());
            }
            Map<String, String> environment = Map.of(GlobalOptions.SOCKET_ENV, socket);
            assertEquals(picocli(environment, "sessions"), direct(environment, "sessions"), "the socket from $"
                    + GlobalOptions.SOCKET_ENV);
        }
    }

    @Test
    void failuresReadAsPicocliReportsThem() {
        String missing = dir.resolve("missing.sock").toString();
        for (String command : List.of("status", "sessions", "version")) {
            Outcome direct = direct(Map.of(), "--socket", missing, command);
            assertEquals(picocli(Map.of(), "--socket", missing, command), direct, command);
        }
        assertEquals(Optional.of(3), direct(Map.of(), "--socket", missing, "status").exit());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "status status", "sessions -t", "sessions --state active", "status -h",
            "--help", "-V", "events -f", "flush -y", "status --socket", "status --socket a --socket b",
            "status -j -j", "status -jp", "status --socket=", "status --socket -j", "status --", "Status",
            "status --json=true", "peers extra", "--control-socket= status"})
    void anythingElseIsLeftToPicocli(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        assertEquals(Optional.empty(), DirectRun.parse(args), "'" + line + "'");
    }

    @Test
    void theDirectGrammar() {
        assertEquals(Optional.of(new DirectRun.Line("sessions", Path.of("/x.sock"), true, false)),
                DirectRun.parse("sessions", "--socket", "/x.sock", "-j"));
        assertEquals(Optional.of(new DirectRun.Line("ghosts", null, false, true)), DirectRun.parse("--pretty",
                "ghosts"));
        assertEquals(Optional.of(new DirectRun.Line("status", Path.of("status"), false, false)),
                DirectRun.parse("--socket", "status", "status"), "a socket named like a command is the socket");
    }
}
