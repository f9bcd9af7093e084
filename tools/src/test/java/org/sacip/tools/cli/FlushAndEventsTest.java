package org.sacip.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sacip.tools.testing.FakeAgent.ok;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.tools.cli.ExitCode;
import org.sacip.tools.testing.FakeAgent;
import org.sacip.tools.testing.Run;
import org.sacip.tools.testing.Run.AnsweringTerminal;
import org.sacip.tools.testing.Run.Result;

class FlushAndEventsTest {
    private static final String MOVE = "{\"time\":\"2026-11-23T13:06:00Z\",\"type\":\"move\",\"summary\":"
            + "\"198.18.1.2 moved to 198.18.2.2\",\"fields\":{\"sessions\":\"3\"}}";
    private static final String LOST = "{\"time\":\"2026-11-23T13:06:01Z\",\"type\":\"lost\",\"summary\":"
            + "\"12 events skipped\",\"fields\":{}}";

    @TempDir
    Path dir;

    @Test
    void flushWithYesAsksNothingAndReportsWhatWasRemoved() throws Exception {
        try (FakeAgent agent = flushingAgent()) {
            Result result = new Run().sacipctl("--socket", agent.path().toString(), "flush", "-y");
            assertEquals(0, result.exitCode(), result.err());
            assertEquals("flushed: removed the remapping of 4 session(s) and 1 ghost address(es)\n", result.out());
            assertEquals(List.of("{\"v\":1,\"cmd\":\"flush\"}"), agent.requests());
        }
    }

    @Test
    void flushAsksOnTheTerminalAndGoesAheadOnYes() throws Exception {
        try (FakeAgent agent = flushingAgent()) {
            AnsweringTerminal person = new AnsweringTerminal(" Y ");
            Result result = new Run().terminal(person).sacipctl("--socket", agent.path().toString(), "flush", "-j");
            assertEquals(0, result.exitCode(), result.err());
            assertEquals(List.of("Remove all SACIP remapping? [y/N] "), person.prompts());
            assertEquals("{\"sessions\":4,\"ghosts\":1}\n", result.out());
            assertEquals(1, agent.connections());
        }
    }

    @Test
    void anythingButYesCancelsAndSendsNothing() throws Exception {
        try (FakeAgent agent = flushingAgent()) {
            for (String answer : List.of("", "n", "no", "yess")) {
                Result result = new Run().terminal(new AnsweringTerminal(answer))
                        .sacipctl("--socket", agent.path().toString(), "flush");
                assertEquals(0, result.exitCode());
                assertEquals(List.of("sacipctl: flush cancelled; nothing changed"), result.errLines());
            }
            assertEquals(0, agent.connections());
        }
    }

    @Test
    void eventsArePrintedAsTheyComeUntilTheAgentCloses() throws Exception {
        try (FakeAgent agent = FakeAgent.replying(dir.resolve("agent.sock"),
                request -> List.of(ok("{\"following\":true}"), MOVE, LOST))) {
            Result result = new Run().sacipctl("--socket", agent.path().toString(), "events", "--follow");
            assertEquals("2026-11-23T13:06:00Z  move         198.18.1.2 moved to 198.18.2.2\n"
                    + "2026-11-23T13:06:01Z  lost         12 events skipped\n", result.out());
            assertEquals(ExitCode.NOT_RUNNING, result.exitCode());
            assertEquals(List.of("sacipctl: the SACIP agent at " + agent.path() + " closed the event stream"),
                    result.errLines());
            assertEquals(List.of("{\"v\":1,\"cmd\":\"events\"}"), agent.requests());
        }
    }

    @Test
    void eventsAsJsonAreTheLinesAsSent() throws Exception {
        try (FakeAgent agent = FakeAgent.replying(dir.resolve("agent.sock"),
                request -> List.of(ok("{\"following\":true}"), MOVE))) {
            Result result = new Run().sacipctl("--socket", agent.path().toString(), "events", "-f", "-j");
            assertEquals(MOVE + "\n", result.out());
        }
    }

    @Test
    void aGarbageEventIsAProtocolError() throws Exception {
        try (FakeAgent agent = FakeAgent.replying(dir.resolve("agent.sock"),
                request -> List.of(ok("{\"following\":true}"), MOVE, "not json"))) {
            Result result = new Run().sacipctl("--socket", agent.path().toString(), "events", "-f");
            assertEquals(ExitCode.PROTOCOL, result.exitCode());
            assertEquals(List.of("sacipctl: protocol error: an event from the agent is not JSON: 'not json'"),
                    result.errLines());
        }
    }

    @Test
    void anAgentThatDoesNotFollowIsAProtocolError() throws Exception {
        try (FakeAgent agent = FakeAgent.replying(dir.resolve("agent.sock"), request -> List.of(ok("{}")))) {
            Result result = new Run().sacipctl("--socket", agent.path().toString(), "events", "-f");
            assertEquals(ExitCode.PROTOCOL, result.exitCode());
            assertEquals(List.of("sacipctl: protocol error: the agent did not start following: {}"), result.errLines());
        }
    }

    private FakeAgent flushingAgent() throws Exception {
        return FakeAgent.replying(dir.resolve("agent.sock"), request -> List.of(ok("{\"sessions\":4,\"ghosts\":1}")));
    }
}
