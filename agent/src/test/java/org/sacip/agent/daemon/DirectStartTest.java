package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Which start lines the agent reads without picocli, and that each means exactly what picocli makes of it. */
class DirectStartTest {
    static Stream<Arguments> directLines() {
        return Stream.of(
                Arguments.of(List.of()),
                Arguments.of(List.of("--config", "/etc/sacip/agent.conf")),
                Arguments.of(List.of("--config=/etc/sacip/agent.conf")),
                Arguments.of(List.of("--state-dir", "/run/sacip-lab/a", "--control-socket", "/run/sacip-lab/a/c.sock")),
                Arguments.of(List.of("--control-socket=/tmp/a=b.sock", "--log-level", "debug", "--config", "rel.conf",
                        "--state-dir=state")),
                Arguments.of(List.of("--log-level=TRACE")));
    }

    @ParameterizedTest
    @MethodSource("directLines")
    void aDirectLineMakesTheAgentPicocliWould(List<String> line) {
        String[] args = line.toArray(String[]::new);
        Optional<AgentMain> direct = DirectStart.parse(args);
        assertTrue(direct.isPresent(), "read directly: " + line);
        AgentMain parsed = new AgentMain();
        new CommandLine(parsed).parseArgs(args);
        assertEquals(parsed.options(), direct.get().options(), String.join(" ", line));
    }

    static Stream<Arguments> picocliLines() {
        return Stream.of(
                Arguments.of(List.of("--help")),
                Arguments.of(List.of("-h")),
                Arguments.of(List.of("--version")),
                Arguments.of(List.of("-V")),
                Arguments.of(List.of("--check-config", "/etc/sacip/agent.conf")),
                Arguments.of(List.of("--remove-kernel-state")),
                Arguments.of(List.of("--remove-kernel-state", "--config", "a.conf")),
                Arguments.of(List.of("--config")),
                Arguments.of(List.of("--config=")),
                Arguments.of(List.of("--config", "")),
                Arguments.of(List.of("--config", "--state-dir", "s")),
                Arguments.of(List.of("--config", "-x")),
                Arguments.of(List.of("--config", "@args")),
                Arguments.of(List.of("@args")),
                Arguments.of(List.of("--config", "a", "--config", "b")),
                Arguments.of(List.of("--config=a", "--config=a")),
                Arguments.of(List.of("--state-dir", "a\0b")),
                Arguments.of(List.of("--bogus")),
                Arguments.of(List.of("--config", "a", "extra")),
                Arguments.of(List.of("--Config", "a")),
                Arguments.of(List.of("=a")),
                Arguments.of(List.of("--log-level")));
    }

    @ParameterizedTest
    @MethodSource("picocliLines")
    void everyOtherLineIsLeftToPicocli(List<String> line) {
        assertTrue(DirectStart.parse(line.toArray(String[]::new)).isEmpty(), String.join(" ", line));
    }
}
