package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.agent.datapath.DataPath;
import org.sacip.agent.datapath.DataPathSettings;
import org.sacip.agent.datapath.Ghost;
import org.sacip.agent.datapath.Remapping;
import org.sacip.agent.handover.HandoverStore;
import org.sacip.control.SessionState;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.testing.Prerequisites;

/**
 * {@code sacip-agent --remove-kernel-state} in a throwaway namespace holding what a stopped agent leaves: its tables
 * with a move in them, an active and a standby ghost, a source rule and route tagged 93. Next to them things that look
 * alike but are not the agent's: a /32 scope-host address on lo no saved session names, a rule of another protocol,
 * a proto-93 route outside the agent's tables, and ::1. The one-shot removes exactly the agent's and nothing else,
 * is idempotent, and refuses (changing nothing) while the control socket answers.
 */
@Tag("integration")
class KernelStateRemovalIntegrationTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private final InetAddress x = address("198.18.1.1");
    private final InetAddress y = address("198.18.1.11");
    private final InetAddress standby = address("198.18.1.2");
    private final InetAddress foreign = address("198.18.5.5");
    private final InetAddress b = address("198.18.0.2");
    private final SessionTuple moved = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40000),
            new Endpoint(b, 5001));
    private final SessionTuple waiting = new SessionTuple(SessionProtocol.UDP, new Endpoint(standby, 40001),
            new Endpoint(b, 53));

    @Test
    void removesExactlyWhatTheAgentLeftAndIsIdempotent(@TempDir Path dir) throws Exception {
        Prerequisites.requireRoot("to create network namespaces");
        try (TestNamespace ns = TestNamespace.create("krm")) {
            leaveAgentState(ns, dir);
            assertTrue(ns.exec("nft", "list", "tables").contains("sacip"), "set-up: the agent's tables are there");
            assertTrue(lo(ns).contains(" " + x.getHostAddress() + "/32"), "set-up: the active ghost is on lo");

            CommandResult first = removeKernelState(ns, dir);
            assertEquals(0, first.exitCode(), "exit status of the removal: " + first);
            assertTrue(first.stdout().contains("removed the nftables tables inet sacip and arp sacip, 2 ghost"
                    + " address(es)") && first.stdout().contains("1 routing rule(s), 1 route(s), the saved moves"),
                    "the removal reports what it removed: " + first.stdout());

            assertFalse(ns.exec("nft", "list", "tables").contains("sacip"), "no table of the agent is left");
            String lo = lo(ns);
            assertFalse(lo.contains(" " + x.getHostAddress() + "/"), "the active ghost is gone: " + lo);
            assertFalse(lo.contains(" " + standby.getHostAddress() + "/"), "the standby ghost is gone: " + lo);
            assertTrue(lo.contains(" " + foreign.getHostAddress() + "/32"), "an address no session names stays: " + lo);
            assertTrue(lo.contains(" ::1/128"), "::1 stays: " + lo);
            String rules = ns.exec("ip", "rule", "show");
            assertFalse(rules.contains("9361000"), "the agent's source rule is gone: " + rules);
            assertTrue(rules.contains("lookup 100"), "another program's rule stays: " + rules);
            assertEquals("", ns.exec("ip", "route", "show", "table", "9361000").strip(),
                    "the agent's source route table is empty");
            assertTrue(ns.exec("ip", "route", "show", "table", "100").contains("proto 93"),
                    "a proto-93 route outside the agent's tables stays");
            assertFalse(Files.exists(dir.resolve("state").resolve(HandoverStore.FILE_NAME)),
                    "the saved moves went with the kernel state they describe");

            CommandResult again = removeKernelState(ns, dir);
            assertEquals(0, again.exitCode(), "a second removal succeeds too: " + again);
            assertTrue(again.stdout().contains("removed no nftables table, 0 ghost address(es), 0 routing rule(s),"
                    + " 0 route(s)"), "and finds nothing left: " + again.stdout());
        }
    }

    @Test
    void refusesWhileTheControlSocketAnswers(@TempDir Path dir) throws Exception {
        Prerequisites.requireRoot("to create network namespaces");
        try (TestNamespace ns = TestNamespace.create("krr")) {
            leaveAgentState(ns, dir);
            Path socket = AgentLaunch.socket(dir);
            Files.createDirectories(socket.getParent());
            try (ServerSocketChannel agent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                agent.bind(UnixDomainSocketAddress.of(socket));
                CommandResult refused = removeKernelState(ns, dir);
                assertEquals(1, refused.exitCode(), "refused while an agent answers: " + refused);
                assertTrue(refused.stderr().contains("an agent is running") && refused.stderr().contains(
                        "nothing was changed"), "the refusal says why: " + refused.stderr());
            }
            assertTrue(ns.exec("nft", "list", "tables").contains("sacip"), "the tables are still there");
            assertTrue(lo(ns).contains(" " + x.getHostAddress() + "/32"), "the ghost is still there");
            assertTrue(Files.exists(dir.resolve("state").resolve(HandoverStore.FILE_NAME)), "so are the saved moves");
            // The agent is gone now; its socket file is left behind, and no longer stops the removal.
            CommandResult done = removeKernelState(ns, dir);
            assertEquals(0, done.exitCode(), "a leftover socket nobody answers does not stop it: " + done);
            assertFalse(ns.exec("nft", "list", "tables").contains("sacip"), "then the tables are gone");
        }
    }

    /** The kernel state and saved sessions a stopped agent leaves, made by the agent's own data path and store. */
    private void leaveAgentState(TestNamespace ns, Path dir) throws Exception {
        try (DataPath path = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), Clock.systemUTC())) {
            Remapping announced = new Remapping(moved, y, x, b);
            path.install(List.of(announced), List.of(new Ghost(x, true, Set.of(moved)),
                    new Ghost(standby, false, Set.of(waiting))));
            Path state = dir.resolve("state");
            Files.createDirectories(state);
            List<HandoverStore.Saved> saved = new ArrayList<>();
            saved.add(new HandoverStore.Saved(moved, announced, SessionState.PENDING, Instant.now()));
            saved.add(new HandoverStore.Saved(waiting, Remapping.identity(waiting), SessionState.UNBOUND,
                    Instant.now()));
            new HandoverStore(state).save(new HandoverStore.State(saved, Map.of(x, y)));
        }
        String uplink = ns.addVethPair("u");
        ns.exec("ip", "addr", "add", "198.18.1.5/24", "dev", uplink);
        ns.exec("ip", "rule", "add", "from", x.getHostAddress(), "lookup", "9361000", "pref", "32701", "proto", "93");
        ns.exec("ip", "route", "add", "default", "via", "198.18.1.254", "dev", uplink, "table", "9361000",
                "proto", "93");
        ns.exec("ip", "addr", "add", foreign.getHostAddress() + "/32", "dev", "lo", "scope", "host");
        ns.exec("ip", "rule", "add", "from", foreign.getHostAddress(), "lookup", "100", "pref", "32702");
        ns.exec("ip", "route", "add", "default", "via", "198.18.1.254", "dev", uplink, "table", "100",
                "proto", "93");
    }

    /** This build's AgentMain in the namespace, as root (the package's prerm runs it so). */
    private static CommandResult removeKernelState(TestNamespace ns, Path dir) throws Exception {
        return Commands.run(List.of("ip", "netns", "exec", ns.name(), AgentLaunch.java(), "-cp",
                System.getProperty("java.class.path"), AgentMain.class.getName(), "--remove-kernel-state",
                "--state-dir", dir.resolve("state").toString(), "--control-socket",
                AgentLaunch.socket(dir).toString()), LIMIT);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: parsed, never looked up
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static String lo(TestNamespace ns) throws Exception {
        return ns.exec("ip", "-o", "addr", "show", "dev", "lo");
    }
}
