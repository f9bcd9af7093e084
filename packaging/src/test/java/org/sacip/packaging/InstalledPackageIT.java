package org.sacip.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.security.auth.module.UnixSystem;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.agent.datapath.DataPath;
import org.sacip.agent.datapath.DataPathSettings;
import org.sacip.agent.datapath.Ghost;
import org.sacip.agent.datapath.Remapping;
import org.sacip.agent.handover.HandoverStore;
import org.sacip.agent.handover.SessionState;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;
import org.sacip.netlink.testing.TestNamespace;

/**
 * The package as it will be used (issue 12, acceptance): lintian finds no error in the built .deb; {@code apt-get
 * install ./sacip_*.deb} on this machine (idempotent, then the upgrade path); the installed commands, man pages and
 * unit work; then {@code apt-get purge} leaves nothing: no file of the package, no conffile, no state, no unit
 * state of deb-systemd-helper, and none of the agent's kernel state in a lab namespace where the prerm ran. Needs
 * root: it fails, never skips, without it. The package installs into the real root file system; the purge runs even
 * when a check fails. Nothing here starts an agent (no systemd; the unit is neither enabled nor started).
 */
@Tag("integration")
class InstalledPackageIT {
    private static final Duration LIMIT = Duration.ofMinutes(2);
    private static final Path STATE = Path.of("/var/lib/sacip");
    /** Everything the package installs or its scripts and the service create; none may outlive a purge. */
    private static final List<Path> PACKAGE_PATHS = List.of(Path.of("/usr/bin/sacip-agent"),
            Path.of("/usr/bin/sacipctl"), Path.of("/usr/share/sacip"),
            Path.of("/lib/systemd/system/sacip-agent.service"),
            Path.of("/etc/sacip"), STATE, Path.of("/var/cache/sacip"), Path.of("/run/sacip"),
            Path.of("/usr/share/man/man8/sacip-agent.8.gz"), Path.of("/usr/share/man/man8/sacipctl.8.gz"),
            Path.of("/usr/share/bash-completion/completions/sacipctl"),
            Path.of("/usr/share/zsh/vendor-completions/_sacipctl"), Path.of("/usr/share/doc/sacip"),
            Path.of("/etc/systemd/system/sacip-agent.service"),
            Path.of("/var/lib/systemd/deb-systemd-helper-enabled/sacip-agent.service.dsh-also"),
            Path.of("/var/lib/systemd/deb-systemd-helper-masked/sacip-agent.service"));

    @Test
    void installsWorksAndPurgesToNothing() throws Exception {
        if (new UnixSystem().getUid() != 0) {
            fail("this test installs a package into the machine and needs root (uid 0); it never skips");
        }
        Path deb = InstalledPackage.built();
        CommandResult lintian = run("lintian", "--fail-on", "error", deb.toString());
        assertEquals(0, lintian.exitCode(), "lintian reports errors in " + deb + ":\n" + lintian.stdout()
                + lintian.stderr());

        try (TestNamespace lab = TestNamespace.create("pkg");
                InstalledPackage installed = InstalledPackage.install(deb)) {
            assertTrue(Files.isExecutable(Path.of("/usr/bin/sacip-agent")), "/usr/bin/sacip-agent is executable");
            assertTrue(run("dpkg-query", "-W", "-f=${Conffiles}", "sacip").stdout().contains("/etc/sacip/agent.conf"),
                    "/etc/sacip/agent.conf is a conffile");
            assertTrue(run("getent", "group", "sacip").ok(), "the group sacip exists");
            assertTrue(run("getent", "passwd", "sacip").stdout().contains(":/nonexistent:"),
                    "the system user sacip exists, without a home");

            CommandResult version = run("/usr/bin/sacipctl", "version");
            assertEquals(0, version.exitCode(), "the installed sacipctl version: " + version);
            assertTrue(version.stdout().startsWith("sacipctl 0.1.0"), "it names its version: " + version.stdout());
            CommandResult check = run("/usr/bin/sacip-agent", "--check-config", "/etc/sacip/agent.conf");
            assertEquals(0, check.exitCode(), "the shipped config file is valid: " + check);
            for (String page : List.of("sacip-agent", "sacipctl")) {
                CommandResult man = run("man", "-l", "/usr/share/man/man8/" + page + ".8.gz");
                assertEquals(0, man.exitCode(), "man -l renders " + page + ".8: " + man);
                assertTrue(man.stdout().contains("NAME") && man.stdout().contains(page + " - "),
                        "the page of " + page + " has its NAME section: " + man.stdout());
            }

            CommandResult verify = run("systemd-analyze", "verify", "/lib/systemd/system/sacip-agent.service");
            assertEquals(0, verify.exitCode(), "systemd-analyze verify: " + verify);
            assertEquals("", (verify.stdout() + verify.stderr()).strip(), "systemd-analyze verify has no complaint");
            CommandResult security = run("systemd-analyze", "security", "--offline=yes",
                    "/lib/systemd/system/sacip-agent.service");
            Files.writeString(Path.of("target", "systemd-analyze-security.txt"), security.stdout() + security.stderr(),
                    StandardCharsets.UTF_8);
            assertTrue(security.stdout().contains("Overall exposure level for sacip-agent.service"),
                    "systemd-analyze security assessed the unit: " + security);
            for (String hardened : List.of("NoNewPrivileges=", "ProtectSystem=", "ProtectHome=", "PrivateTmp=",
                    "RestrictAddressFamilies=~…", "CapabilityBoundingSet=~CAP_SYS_ADMIN")) {
                assertTrue(security.stdout().lines().anyMatch(l -> l.startsWith("✓ " + hardened)),
                        "systemd-analyze security counts " + hardened + " as set: " + security.stdout());
            }

            // SANDBOX EMULATION (the sandbox helper's part of issue 12 goes here, while the package is installed):
            // the installed /usr/bin/sacip-agent in a lab namespace under the unit's sandbox emulated without systemd
            // (unshare --mount, setpriv --no-new-privs with user sacip and CAP_NET_ADMIN CAP_NET_RAW) carrying a
            // session through a move; the purge below in that namespace then removes the state the real agent left.

            leaveAgentKernelState(lab);
            String purge = installed.purge(lab.name());
            assertTrue(purge.contains("sacip-agent: removed the nftables tables inet sacip and arp sacip, 2 ghost"),
                    "the prerm removed the agent's kernel state in the namespace it ran in: " + purge);

            assertNothingLeft(lab);
        }
    }

    /**
     * What a stopped agent leaves in the lab namespace and in /var/lib/sacip, made with the agent's own data path and
     * store: its tables with a move, an active and a standby ghost, a source rule tagged 93.
     */
    private static void leaveAgentKernelState(TestNamespace lab) throws Exception {
        InetAddress x = InetAddress.getByName("198.18.1.1");
        InetAddress standby = InetAddress.getByName("198.18.1.2");
        InetAddress b = InetAddress.getByName("198.18.0.2");
        SessionTuple moved = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40000), new Endpoint(b, 5001));
        SessionTuple waiting = new SessionTuple(SessionProtocol.UDP, new Endpoint(standby, 40001),
                new Endpoint(b, 53));
        Remapping announced = new Remapping(moved, InetAddress.getByName("198.18.1.11"), x, b);
        try (DataPath path = DataPath.open(lab.netNamespace(), DataPathSettings.defaults(), Clock.systemUTC())) {
            path.install(List.of(announced), List.of(new Ghost(x, true, Set.of(moved)),
                    new Ghost(standby, false, Set.of(waiting))));
        }
        Files.createDirectories(STATE,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        List<HandoverStore.Saved> saved = new ArrayList<>();
        saved.add(new HandoverStore.Saved(moved, announced, SessionState.PENDING, Instant.now()));
        saved.add(new HandoverStore.Saved(waiting, Remapping.identity(waiting), SessionState.UNBOUND, Instant.now()));
        new HandoverStore(STATE).save(new HandoverStore.State(saved, Map.of()));
        lab.exec("ip", "rule", "add", "from", "198.18.1.1", "lookup", "9361000", "pref", "32701", "proto", "93");
        assertTrue(lab.exec("nft", "list", "tables").contains("sacip"), "set-up: the agent's tables are there");
    }

    private static void assertNothingLeft(TestNamespace lab) throws Exception {
        CommandResult status = run("dpkg-query", "-W", "-f=${db:Status-Status}", "sacip");
        assertTrue(!status.ok() || status.stdout().strip().equals("not-installed"),
                "dpkg knows no trace of sacip after the purge (not even config-files): " + status);
        for (Path path : PACKAGE_PATHS) {
            assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), path + " is left after the purge");
        }
        assertFalse(lab.exec("nft", "list", "tables").contains("sacip"), "no nft table of the agent is left");
        String lo = lab.exec("ip", "-o", "addr", "show", "dev", "lo");
        assertFalse(lo.contains(" 198.18.1.1/") || lo.contains(" 198.18.1.2/"), "no ghost is left on lo: " + lo);
        String rules = lab.exec("ip", "rule", "show");
        assertFalse(rules.contains("9361000"), "no routing rule of the agent is left: " + rules);
        assertFalse(run("nft", "list", "tables").stdout().contains("sacip"),
                "and none in this machine's own namespace either");
    }

    private static CommandResult run(String... command) throws Exception {
        return Commands.run(List.of(command), LIMIT);
    }
}
