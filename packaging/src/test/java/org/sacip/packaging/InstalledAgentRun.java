package org.sacip.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.sacip.commands.CommandException;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;
import org.sacip.lab.Lab;
import org.sacip.lab.move.MovePattern;
import org.sacip.lab.scenario.Scenario;
import org.sacip.lab.scenario.ScenarioAction;
import org.sacip.lab.scenario.ScenarioContext;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.TrafficKind;
import org.sacip.testing.Eventually;

/**
 * One lab run of the installed agent for {@link InstalledPackageIT}: A's agent is /usr/bin/sacip-agent under the
 * unit's sandbox in the unit's directories, B's the checkout's bin/sacip-agent; a verified TCP stream A to B, then a
 * make-before-break move of A. After the move the installed sacipctl, run as a member of group sacip (not root),
 * must show A's session remapped. Once the stream's figures are in, A's agent is stopped with SIGTERM (as systemd
 * stops it), what it left in A's namespace and directories is read, the package is purged with its maintainer
 * scripts in A's namespace, and the namespace is read again, all before the lab goes. What was seen is asserted after
 * the run, so a failure shows the stream's figures first.
 */
final class InstalledAgentRun {
    private static final Path SACIPCTL = Path.of("/usr/bin/sacipctl");
    /** The unit's RuntimeDirectory and StateDirectory, which SandboxedAgent.withUnitDirectories gives the agent. */
    private static final Path SOCKET = Path.of("/run/sacip/control.sock");
    private static final Path SAVED_MOVES = Path.of("/var/lib/sacip/handovers.json");
    /** Where the installed launcher keeps its class-data archive (the unit's CacheDirectory). */
    private static final Path CDS = Path.of("/var/cache/sacip/cds");
    /** Each poll starts a JVM (sacipctl), which takes a second or more on a loaded machine. */
    private static final Duration REMAP_LIMIT = Duration.ofSeconds(60);
    /** The JVM writes the launcher's class-data archive at exit, which takes a while on a loaded machine. */
    private static final Duration STOP_LIMIT = Duration.ofSeconds(60);
    private static final Duration SACIPCTL_LIMIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InstalledPackage installed;
    private volatile String streamAddress;
    private volatile boolean remapped;
    private volatile String sessionsSeen = "(sacipctl did not run)";
    private volatile Integer exitStatus;
    private volatile boolean savedMovesLeft;
    private volatile List<String> cacheFiles = List.of();
    private volatile KernelState beforePurge;
    private volatile String purgeOutput;
    private volatile KernelState afterPurge;

    InstalledAgentRun(InstalledPackage installed) {
        this.installed = installed;
    }

    Scenario scenario() {
        return Scenario.of("installed-agent-sandboxed-a-plain-b-mbb", TopologyKind.ROAMING, Family.IPV4,
                TrafficKind.GAP, MovePattern.MAKE_BEFORE_BREAK, true)
                .beforeStream(new ScenarioAction("noting A's address, a ghost after the move",
                        c -> streamAddress = c.topology().uplink("a", 0).address()))
                .afterMoves(new ScenarioAction("waiting up to " + REMAP_LIMIT.toSeconds() + " s for the installed "
                        + "sacipctl, as a member of group sacip, to show A's session remapped", c -> awaitRemapped()))
                .afterStream(new ScenarioAction("stopping A's agent with SIGTERM, then apt-get purge sacip in A's "
                        + "namespace", this::stopAndPurge));
    }

    void assertRemappedShownBySacipctl() {
        assertTrue(remapped, "the installed sacipctl, run as a member of group sacip, did not show A's session from "
                + streamAddress + " remapped within " + REMAP_LIMIT.toSeconds() + " s; it showed: " + sessionsSeen);
    }

    void assertStoppedLeavingItsState() {
        assertEquals(0, exitStatus, "exit status of A's agent after SIGTERM");
        String tables = beforePurge.tables();
        assertTrue(tables.contains("table inet sacip") && tables.contains("table arp sacip"),
                "a stopped agent leaves its tables for the next start: " + beforePurge);
        assertTrue(beforePurge.hasGhost(streamAddress), "the moved-from address " + streamAddress
                + " stays a ghost on lo after the stop: " + beforePurge);
        assertTrue(savedMovesLeft, "the agent saved its moves in " + SAVED_MOVES + " (StateDirectory)");
        assertTrue(cacheFiles.stream().anyMatch(name -> name.startsWith("agent-") && name.contains(".jsa")),
                "the installed launcher wrote its class-data archive into " + CDS + " (CacheDirectory): " + cacheFiles);
    }

    void assertPurgeRemovedItsKernelState() {
        assertTrue(purgeOutput.contains("sacip-agent: removed the nftables tables inet sacip and arp sacip, ")
                && purgeOutput.contains(" ghost address(es) [") && purgeOutput.contains(streamAddress)
                && purgeOutput.contains(beforePurge.rules().size() + " routing rule(s), " + beforePurge.routes().size()
                        + " route(s)")
                && purgeOutput.contains("the saved moves"),
                "the prerm, run in A's namespace, removed what the stopped agent left there (" + beforePurge + "): "
                        + purgeOutput);
        assertFalse(afterPurge.tables().contains("sacip"), "no nft table of the agent is left: " + afterPurge);
        assertFalse(afterPurge.hasGhost(streamAddress), "no ghost is left on lo: " + afterPurge);
        assertEquals(List.of(), afterPurge.rules(), "no routing rule of the agent (protocol 93) is left");
        assertEquals(List.of(), afterPurge.routes(), "no route of the agent (protocol 93) is left");
    }

    private void awaitRemapped() {
        remapped = Eventually.within(REMAP_LIMIT, () -> {
            CommandResult sessions = sacipctlAsGroupMember("--json", "sessions");
            sessionsSeen = sessions.toString();
            return sessions.ok() && remapsStream(sessions.stdout());
        });
    }

    private boolean remapsStream(String json) {
        try {
            for (JsonNode row : JSON.readTree(json)) {
                String local = row.path("local").asText();
                if (row.path("proto").asText().equals("tcp") && local.startsWith(streamAddress + ":")
                        && !row.path("active_local").asText().equals(local)) {
                    return true;
                }
            }
            return false;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sacipctl --json sessions printed no JSON: " + json, e);
        }
    }

    /** The installed sacipctl as nobody with the supplementary group sacip: what the package grants its group. */
    private static CommandResult sacipctlAsGroupMember(String... arguments) {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
                "--groups=sacip", SACIPCTL.toString(), "--control-socket", SOCKET.toString()));
        command.addAll(List.of(arguments));
        try {
            return Commands.run(command, SACIPCTL_LIMIT);
        } catch (CommandException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        }
    }

    private void stopAndPurge(ScenarioContext context) {
        exitStatus = context.agents().stop("a", STOP_LIMIT);
        savedMovesLeft = Files.exists(SAVED_MOVES);
        cacheFiles = names(CDS);
        beforePurge = KernelState.of(context.lab(), "a");
        try {
            purgeOutput = installed.purge(context.lab().ns("a"));
        } catch (CommandException e) {
            throw new IllegalStateException("apt-get purge sacip in A's namespace failed: " + e.getMessage(), e);
        }
        afterPurge = KernelState.of(context.lab(), "a");
        System.out.println("  A's agent exited " + exitStatus + "; class-data archive: " + cacheFiles + "; left "
                + beforePurge.rules().size() + " rule(s) and " + beforePurge.routes().size() + " route(s) of "
                + "protocol 93; the purge said: " + purgeOutput.lines()
                .filter(line -> line.startsWith("sacip-agent: ")).findFirst().orElse("(nothing of sacip-agent)"));
    }

    private static List<String> names(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * What the kernel of a lab host holds of the agent's: nft tables, addresses on lo, rules and routes of its
     * protocol (93).
     */
    private record KernelState(String tables, String loopback, List<String> rules, List<String> routes) {
        static KernelState of(Lab lab, String host) {
            return new KernelState(lab.run(host, "nft", "list", "tables"),
                    lab.run(host, "ip", "-o", "addr", "show", "dev", "lo"),
                    ofAgent(lab.run(host, "ip", "rule", "show")),
                    ofAgent(lab.run(host, "ip", "route", "show", "table", "all")));
        }

        private static List<String> ofAgent(String lines) {
            return lines.lines().filter(line -> line.contains(" proto 93")).toList();
        }

        boolean hasGhost(String address) {
            return loopback.contains(" inet " + address + "/32 ");
        }
    }
}
