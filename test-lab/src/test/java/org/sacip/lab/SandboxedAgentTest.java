package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.lab.SurvivalAssertions.assertSurvivedIntact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.sacip.lab.agent.AgentDirectories;
import org.sacip.lab.agent.AgentLauncher;
import org.sacip.lab.agent.AgentPeer;
import org.sacip.lab.agent.AgentSession;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.agent.SandboxUser;
import org.sacip.lab.agent.SandboxedAgent;
import org.sacip.lab.move.MovePattern;
import org.sacip.lab.scenario.Scenario;
import org.sacip.lab.scenario.ScenarioResult;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.TrafficKind;
import org.sacip.testing.AgentProcess;

/**
 * The agent as the systemd unit runs it (issue 12): as a system user of its own with only CAP_NET_ADMIN and
 * CAP_NET_RAW, no new privileges, on a read-only system with empty homes and a private /tmp ({@link SandboxedAgent}).
 * First that the sandbox is what it claims (read back from the kernel: the agent's credentials and its mounts), then
 * that such an agent carries a TCP session through moves, next to a plain agent and next to another sandboxed one,
 * also after being killed and restarted from the state it saved as that user. Then what root would have done
 * unasked: conntrack counters under a read-only /proc/sys, the control socket's group. Each test makes its own
 * throwaway user and removes it. Needs root: it fails, not skips, without it.
 */
class SandboxedAgentTest {
    /** CAP_NET_ADMIN (12) and CAP_NET_RAW (13), as /proc/PID/status shows capability sets. */
    private static final String UNIT_CAPABILITIES = "0000000000003000";
    private static final Set<String> API_FILE_SYSTEMS = Set.of("/proc", "/sys", "/dev");
    private static final String ACCOUNTING = "net.netfilter.nf_conntrack_acct";
    private static final Duration EXIT_LIMIT = Duration.ofSeconds(60);

    @Test
    void theAgentRunsAsTheUnitsUserWithOnlyItsCapabilitiesOnAReadOnlySystem() throws IOException {
        Path hostTmpMarker = Files.createTempFile(Path.of("/tmp"), "sacip-sandbox-", ".marker");
        try (SandboxUser user = SandboxUser.throwaway(); Lab lab = new Lab()) {
            lab.addHost("a");
            assertEquals("0", lab.readSysctl("a", ACCOUNTING), "a new namespace starts without conntrack counters");
            Agents agents = Agents.start(lab, ProjectRoot.find(), List.of("a"), Map.of("a", sandboxed(user)));
            // Set by the agent as its user: CAP_NET_ADMIN lets it write its namespace's net.* settings.
            assertEquals("1", lab.readSysctl("a", ACCOUNTING), "the sandboxed agent turned conntrack counters on");
            long pid = agents.pid("a");
            AgentDirectories directories = agents.directories("a");

            Map<String, String> status = status(pid);
            String ids = user.uid() + "\t" + user.uid() + "\t" + user.uid() + "\t" + user.uid();
            assertEquals(ids, status.get("Uid"), "real, effective, saved and file uid are the unit's user");
            String gids = user.gid() + "\t" + user.gid() + "\t" + user.gid() + "\t" + user.gid();
            assertEquals(gids, status.get("Gid"), "all gids are the user's group");
            for (String set : List.of("CapPrm", "CapEff", "CapBnd", "CapAmb")) {
                assertEquals(UNIT_CAPABILITIES, status.get(set), set + ": only CAP_NET_ADMIN and CAP_NET_RAW");
            }
            assertEquals("1", status.get("NoNewPrivs"), "NoNewPrivileges");
            // Without CAP_SYS_NICE and without the unit's LimitNICE (not emulated), the event threads cannot be
            // raised: the agent runs on at nice 0 and says once what would let it.
            Map<String, Integer> nice = threadNice(pid);
            for (String thread : List.of("sacip-sender", "sacip-sessions", "sacip-save-peer")) {
                assertEquals(0, nice.get(thread), thread + "'s nice value, of threads " + nice);
            }
            assertEquals(1, agents.logLines("a", "event threads keep their nice value").size(),
                    "the refusal logged once; the log ends:\n" + agents.logTail("a"));

            List<String> writable = new ArrayList<>();
            boolean rootSeen = false;
            for (Mount mount : mounts(pid)) {
                rootSeen |= mount.point().equals("/");
                boolean api = API_FILE_SYSTEMS.stream().anyMatch(fs -> mount.point().equals(fs)
                        || mount.point().startsWith(fs + "/"));
                if (!api && !mount.readOnly()) {
                    writable.add(mount.point());
                }
            }
            assertTrue(rootSeen, "the agent's mount namespace has a root mount");
            List<String> allowed = List.of(directories.runtime().toString(), directories.state().toString(), "/tmp",
                    "/var/tmp");
            assertEquals(Set.copyOf(allowed), Set.copyOf(writable),
                    "writable mounts besides /proc, /sys and /dev: only the runtime and state directories and the "
                            + "private tmp directories");

            // What the agent sees through its own root: homes empty, a /tmp that is not the host's.
            Path agentRoot = Path.of("/proc/" + pid + "/root");
            for (String hidden : List.of("/home", "/root")) {
                try (Stream<Path> entries = Files.list(agentRoot.resolve(hidden.substring(1)))) {
                    assertEquals(List.of(), entries.toList(), hidden + " is empty for the agent");
                }
            }
            assertFalse(Files.exists(agentRoot.resolve("tmp").resolve(hostTmpMarker.getFileName())),
                    "the agent sees the host's /tmp (" + hostTmpMarker + ")");

            // Made by the agent as its user: the socket, and the state directory it narrowed to 0700 itself.
            assertEquals(user.uid(), Files.getAttribute(directories.socket(), "unix:uid", LinkOption.NOFOLLOW_LINKS),
                    "owner of the control socket");
            assertEquals("rwx------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(directories.state())), "the agent narrowed its state directory");
        } finally {
            Files.deleteIfExists(hostTmpMarker);
        }
    }

    @Test
    void withReadOnlyKernelTunablesTheAgentStartsOnlyWhenTheCountersWereTurnedOnBeforeAndSaysSo() {
        try (SandboxUser user = SandboxUser.throwaway(); Lab lab = new Lab()) {
            String ns = lab.addHost("a");
            SandboxedAgent launcher = SandboxedAgent.of(Agents.agentBinary(ProjectRoot.find()), user)
                    .withReadOnlyKernelTunables();
            AgentDirectories directories = launcher.prepare(ns);
            lab.onTeardown(() -> Shell.tryRun(List.of("rm", "-rf", directories.base().toString())));
            try (AgentProcess refused = AgentProcess.start(ns, launcher.command(ns, directories),
                    directories.socket(), directories.state(), directories.log(), List.of())) {
                int status = refused.awaitExit(EXIT_LIMIT);
                String log = refused.logTail();
                assertEquals(2, status, "exit status of an agent that may not turn the counters on: " + log);
                assertTrue(log.contains(ACCOUNTING + " is 0 and the agent may not set it")
                        && log.contains("sysctl -w " + ACCOUNTING + "=1"), "the agent says what to set: " + log);
            }

            // As the unit's ExecStartPre=+sysctl would: the agent then has nothing to write and starts.
            lab.sysctl("a", ACCOUNTING, "1");
            Agents agents = Agents.start(lab, ProjectRoot.find(), List.of("a"), Map.of("a", launcher));
            assertTrue(agents.runningIn("a"), agents.note());
        }
    }

    @Test
    void theControlSocketGetsAGroupOfTheUsersWithoutCapChown() throws IOException {
        try (SandboxUser user = SandboxUser.throwaway(); Lab lab = new Lab()) {
            String ns = lab.addHost("a");
            // A group the user belongs to besides its own (whose gid the socket would get anyway).
            String readers = user.name() + "-r";
            Shell.run("groupadd", "--system", readers);
            lab.onTeardown(() -> Shell.tryRun(List.of("groupdel", readers)));
            Shell.run("usermod", "--append", "--groups", readers, user.name());
            int readersGid = Integer.parseInt(Shell.run("getent", "group", readers).split(":")[2]);
            SandboxedAgent plain = SandboxedAgent.of(Agents.agentBinary(ProjectRoot.find()), user);
            // Readable inside the sandbox, which mounts it read-only.
            Path config = Files.writeString(plain.prepare(ns).base().resolve("agent.conf"),
                    "control-group = " + readers + "\n");
            Agents agents = Agents.start(lab, ProjectRoot.find(), List.of("a"),
                    Map.of("a", plain.withAgentArguments(List.of("--config", config.toString()))));
            Path socket = agents.directories("a").socket();
            Map<String, Object> owners = Files.readAttributes(socket, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
            assertEquals(user.uid(), owners.get("uid"), "owner of the control socket");
            assertEquals(readersGid, owners.get("gid"), "group of the control socket: the configured " + readers);
            assertEquals("rw-rw----", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)), "mode of the control socket");
        }
    }

    @Test
    void anAgentThatFailsToStartLeavesNoUserGroupOrDirectoryBehind() {
        List<String> name = new ArrayList<>();
        List<Path> base = new ArrayList<>();
        LabException failure = assertThrows(LabException.class, () -> {
            try (SandboxUser user = SandboxUser.throwaway(); Lab lab = new Lab()) {
                name.add(user.name());
                String ns = lab.addHost("a");
                SandboxedAgent launcher = SandboxedAgent.of(Agents.agentBinary(ProjectRoot.find()), user)
                        .withAgentArguments(List.of("--config", "/nonexistent/agent.conf"));
                base.add(launcher.prepare(ns).base());
                Agents.start(lab, ProjectRoot.find(), List.of("a"), Map.of("a", launcher));
            }
        });
        assertTrue(failure.getMessage().contains("did not start"), "the start failed: " + failure.getMessage());
        assertFalse(Shell.tryRun(List.of("id", "-u", name.get(0))).ok(), "user " + name.get(0) + " left behind");
        assertFalse(Shell.tryRun(List.of("getent", "group", name.get(0))).ok(), "group " + name.get(0) + " left");
        assertFalse(Files.exists(base.get(0)), base.get(0) + " left behind");
    }

    @Test
    void aSandboxedAgentNextToAPlainOneCarriesASessionThroughAMove() {
        Observed<Waited<List<AgentSession>>> remapped = new Observed<>();
        try (SandboxUser user = SandboxUser.throwaway()) {
            ScenarioResult r = LabScenarios.run(roamingMbb("sandboxed-a-plain-b-mbb")
                    .afterMoves(AgentWaits.watchSessions("a remapped session", "a",
                            list -> list.stream().anyMatch(AgentSession::remapped), 5000, remapped)),
                    Map.of("a", sandboxed(user)));
            assertSurvivedIntact(r);
            assertTrue(remapped.get().met(), "the sandboxed agent on A did not remap the session: "
                    + remapped.get().last());
        }
    }

    @Test
    void twoSandboxedAgentsKeepTheSessionThroughAMoveAKillAndRestartAndASecondMove() {
        Observed<Waited<List<AgentSession>>> resumed = new Observed<>();
        Observed<Map<String, List<AgentPeer>>> peers = new Observed<>();
        try (SandboxUser user = SandboxUser.throwaway()) {
            AgentLauncher launcher = sandboxed(user);
            ScenarioResult r = LabScenarios.run(LabActions.killRestartAndMoveBack(
                    roamingMbb("sandboxed-both-kill9-restart"), resumed, peers), Map.of("a", launcher, "b", launcher));
            String restart = "after the restart: A's sessions " + resumed.get().last() + " (resumed: "
                    + resumed.get().met() + "); peers before the second move " + peers.get();
            System.out.println("  " + restart);
            assertTrue(resumed.get().met(), restart);
            assertSurvivedIntact(r);
        }
    }

    private static AgentLauncher sandboxed(SandboxUser user) {
        return SandboxedAgent.of(Agents.agentBinary(ProjectRoot.find()), user);
    }

    private static Scenario roamingMbb(String name) {
        return Scenario.of(name, TopologyKind.ROAMING, Family.IPV4, TrafficKind.GAP, MovePattern.MAKE_BEFORE_BREAK,
                true);
    }

    /** /proc/PID/status as name to value. */
    private static Map<String, String> status(long pid) throws IOException {
        Map<String, String> fields = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return fields;
    }

    /** Nice value (field 19 of stat) by thread name (comm, at most 15 characters) of each thread of the process. */
    private static Map<String, Integer> threadNice(long pid) throws IOException {
        Map<String, Integer> nice = new java.util.TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                String comm;
                try {
                    stat = Files.readString(task.resolve("stat"));
                    comm = Files.readString(task.resolve("comm")).strip();
                } catch (java.nio.file.NoSuchFileException ended) {
                    // A short-lived thread (a JVM or pool worker) ended between the listing and the read.
                    continue;
                }
                String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                nice.put(comm, Integer.parseInt(after[19 - 3]));
            }
        }
        return nice;
    }

    /** One line of /proc/PID/mountinfo: where it is mounted and whether this mount is read-only. */
    private record Mount(String point, boolean readOnly) {
    }

    private static List<Mount> mounts(long pid) throws IOException {
        List<Mount> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo"))) {
            String[] fields = line.split(" ");
            // Field 5 is the mount point (blanks as \040), field 6 the options of this mount.
            String point = fields[4].replace("\\040", " ");
            mounts.add(new Mount(point, List.of(fields[5].split(",")).contains("ro")));
        }
        return mounts;
    }
}
