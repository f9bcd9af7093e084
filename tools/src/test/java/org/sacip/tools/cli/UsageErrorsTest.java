package org.sacip.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sacip.tools.cli.ExitCode;
import org.sacip.tools.testing.FakeAgent;
import org.sacip.tools.testing.Run;
import org.sacip.tools.testing.Run.Result;

/** Every usage error: exit 2, a one-line message plus the help hint, nothing on stdout, nothing sent. */
class UsageErrorsTest {
    @TempDir
    Path dir;

    private FakeAgent agent;

    @BeforeEach
    void startAgent() throws Exception {
        agent = FakeAgent.replying(dir.resolve("agent.sock"), request -> List.of(FakeAgent.ok("{}")));
    }

    @AfterEach
    void stopAgent() {
        agent.close();
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of(List.of("status", "--bogus"), "sacipctl: Unknown option: '--bogus'",
                        "sacipctl status --help"),
                Arguments.of(List.of("--bogus", "status"), "sacipctl: Unknown option: '--bogus'", "sacipctl --help"),
                Arguments.of(List.of("sessions", "--state", "running"), "sacipctl: Invalid value for option '--state' "
                        + "(STATE): 'running' is not a session state; expected one of bound, unbound, pending, active, "
                        + "legacy, refused, frozen", "sacipctl sessions --help"),
                Arguments.of(List.of("sessions", "--src", "198.18.0.300"), "sacipctl: Invalid value for option "
                        + "'--src': '198.18.0.300' is not ADDR, ADDR:PORT or [IPv6]:PORT", "sacipctl sessions --help"),
                Arguments.of(List.of("sessions", "--dst", "host.example:22"), "sacipctl: Invalid value for option "
                        + "'--dst': 'host.example:22' is not ADDR, ADDR:PORT or [IPv6]:PORT", "sacipctl sessions --help"),
                Arguments.of(List.of("sessions", "--peer", "[2001:db8::1]:22"), "sacipctl: Invalid value for option "
                        + "'--peer': '[2001:db8::1]:22' is not an IPv4 or IPv6 address", "sacipctl sessions --help"),
                Arguments.of(List.of("sessions", "--dport", "65536"), "sacipctl: Invalid value for option '--dport': "
                        + "'65536' is not a port number (0-65535)", "sacipctl sessions --help"),
                Arguments.of(List.of("events"), "sacipctl: events needs --follow (-f): it streams events until "
                        + "interrupted", "sacipctl events --help"),
                Arguments.of(List.of("flush"), "sacipctl: flush asks for confirmation but stdin is not a terminal: "
                        + "add --yes", "sacipctl flush --help"),
                Arguments.of(List.of("frobnicate"), "sacipctl: Unmatched argument at index 2: 'frobnicate'",
                        "sacipctl --help"),
                Arguments.of(List.of(), "sacipctl: missing command: one of status, sessions, peers, ghosts, events, "
                        + "flush, version", "sacipctl --help"),
                Arguments.of(List.of("status", "--socket"), "sacipctl: Missing required parameter for option "
                        + "'--control-socket' (PATH)", "sacipctl status --help"));
    }

    @ParameterizedTest
    @MethodSource("usageErrors")
    void isExitTwoWithOneLineAndAHintAndSendsNothing(List<String> args, String message, String helpCommand) {
        String[] withSocket = Stream.concat(Stream.of("--socket", agent.path().toString()), args.stream())
                .toArray(String[]::new);
        Result result = new Run().sacipctl(withSocket);
        assertEquals(ExitCode.USAGE, result.exitCode());
        assertEquals(List.of(message, "Try '" + helpCommand + "' for more information."), result.errLines());
        assertEquals("", result.out());
        assertEquals(0, agent.connections(), "nothing may reach the agent");
        assertTrue(!result.err().contains("Exception") && !result.err().contains("\tat "), result.err());
    }
}
