package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.commands.Commands;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.testing.AgentProcess;
import org.sacip.testing.Eventually;

/**
 * A stop at the earliest moment the agent can be told apart from a starting JVM (its first log line) ends like
 * any stop: exit status 0, not 143 (128 + SIGTERM, the JVM's own handling), and no control socket left behind.
 * Several rounds, SIGTERM and SIGINT, each in a fresh directory; the start-up takes long enough (nft, netlink,
 * pcap) that the signals land in it, which the agent's log confirms.
 */
class AgentStopDuringStartTest {
    private static final int ROUNDS = 4;
    private static final String STARTING = "sacip-agent " + AgentMain.VERSION + " starting";
    private static final String DURING_START_UP = "stop requested during start-up";

    @Test
    void aStopDuringStartUpExitsZeroEveryTime(@TempDir Path dir) throws Exception {
        int landedInStartUp = 0;
        try (TestNamespace ns = TestNamespace.create("stop")) {
            String link = ns.addVethPair("s");
            ns.addAddresses(link, "198.18.41.1/24", "2001:db8:41::1/64");
            for (int round = 0; round < ROUNDS; round++) {
                Path run = Files.createDirectory(dir.resolve("round" + round));
                String signal = round % 2 == 0 ? "TERM" : "INT";
                try (AgentProcess agent = AgentLaunch.start(ns, run)) {
                    awaitFirstLogLine(agent);
                    int status = stop(agent, signal);
                    String log = agent.logTail();
                    assertEquals(0, status, "round " + round + ": exit status after SIG" + signal
                            + " during start-up; agent log:\n" + log);
                    assertFalse(Files.exists(AgentLaunch.socket(run), LinkOption.NOFOLLOW_LINKS),
                            "round " + round + ": control socket left behind; agent log:\n" + log);
                    if (log.contains(DURING_START_UP)) {
                        landedInStartUp++;
                    }
                }
            }
        }
        assertTrue(landedInStartUp > 0, "no stop of " + ROUNDS + " reached the agent during its start-up, so this "
                + "test did not test it");
    }

    private static int stop(AgentProcess agent, String signal) throws Exception {
        if (signal.equals("TERM")) {
            return agent.stop(AgentLaunch.STOP);
        }
        Commands.run(List.of("kill", "-s", signal, Long.toString(agent.pid())), AgentLaunch.STOP).requireSuccess();
        return agent.awaitExit(AgentLaunch.STOP);
    }

    /** The handlers are installed before this line is logged; fails at once when the agent exits first. */
    private static void awaitFirstLogLine(AgentProcess agent) {
        Eventually.await(AgentLaunch.READY, () -> {
            if (!agent.isAlive()) {
                throw new AssertionError("the agent exited before its first log line; log:\n" + agent.logTail());
            }
            return log(agent).contains(STARTING);
        }, () -> "the agent's first log line \"" + STARTING + "\"; log:\n" + agent.logTail());
    }

    private static String log(AgentProcess agent) {
        try {
            return Files.readString(agent.log());
        } catch (IOException e) {
            return "";
        }
    }
}
