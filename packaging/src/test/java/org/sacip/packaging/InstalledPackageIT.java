package org.sacip.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.sacip.lab.SurvivalAssertions.assertSurvivedIntact;

import com.sun.security.auth.module.UnixSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.agent.SandboxUser;
import org.sacip.lab.agent.SandboxedAgent;
import org.sacip.lab.scenario.ScenarioResult;
import org.sacip.lab.scenario.ScenarioRunner;

/**
 * The package as it will be used (issue 12, acceptance): lintian finds no error in the built .deb; {@code apt-get
 * install ./sacip_*.deb} on this machine (idempotent, then the upgrade path); the installed commands, man pages and
 * unit work; the installed /usr/bin/sacip-agent, under the unit's sandbox emulated without systemd
 * ({@link SandboxedAgent}: user sacip, CAP_NET_ADMIN and CAP_NET_RAW only, no new privileges, a read-only system with
 * the unit's runtime, state and cache directories writable, empty homes, a private /tmp), carries a TCP session
 * through a move in a lab ({@link InstalledAgentRun}) and is stopped with SIGTERM; then {@code apt-get purge}, run
 * in that agent's namespace, leaves nothing: no file of the package, no conffile, no state or cache, no unit state of
 * deb-systemd-helper, and none of the kernel state the agent left (its tables, ghost, rules). Needs root: it fails,
 * never skips, without it. The package installs into the real root file system; the purge runs even when a check
 * fails, and the lab's namespaces always go. systemd is not PID 1 here: the unit is neither enabled nor started.
 */
@Tag("integration")
class InstalledPackageIT {
    private static final Duration LIMIT = Duration.ofMinutes(2);
    /** Everything the package installs or its scripts and the service create; none may outlive a purge. */
    private static final List<Path> PACKAGE_PATHS = List.of(Path.of("/usr/bin/sacip-agent"),
            Path.of("/usr/bin/sacipctl"), Path.of("/usr/share/sacip"),
            Path.of("/lib/systemd/system/sacip-agent.service"),
            Path.of("/etc/sacip"), Path.of("/var/lib/sacip"), Path.of("/var/cache/sacip"), Path.of("/run/sacip"),
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
        // The purge is judged by what is left in this namespace: what was there before would be blamed on it.
        assertFalse(hasAgentTables(), "this machine's own namespace holds nft tables of an agent before the package "
                + "is installed (an agent run outside a lab namespace left them; sacip-agent --remove-kernel-state "
                + "takes them out): " + run("nft", "list", "tables").stdout().strip());
        Path deb = InstalledPackage.built();
        CommandResult lintian = run("lintian", "--fail-on", "error", deb.toString());
        assertEquals(0, lintian.exitCode(), "lintian reports errors in " + deb + ":\n" + lintian.stdout()
                + lintian.stderr());

        try (InstalledPackage installed = InstalledPackage.install(deb)) {
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

            // The installed agent under the unit's sandbox carries a session through a move; stopped as systemd stops
            // it, it leaves its kernel state, which the purge in its namespace then takes out.
            InstalledAgentRun run = new InstalledAgentRun(installed);
            ScenarioResult result = new ScenarioRunner(ProjectRoot.find(), System.out,
                    Map.of("a", installedAgent())).run(run.scenario());
            assertSurvivedIntact(result);
            run.assertRemappedShownBySacipctl();
            run.assertStoppedLeavingItsState();
            run.assertPurgeRemovedItsKernelState();

            assertNothingLeft();
        }
    }

    /**
     * /usr/bin/sacip-agent as the unit runs it: user sacip, CAP_NET_ADMIN and CAP_NET_RAW, no new privileges,
     * {@code --config /etc/sacip/agent.conf}, read-only system with the unit's own writable directories.
     */
    private static SandboxedAgent installedAgent() {
        return SandboxedAgent.of(Path.of("/usr/bin/sacip-agent"), SandboxUser.existing("sacip"))
                .withAgentArguments(List.of("--config", "/etc/sacip/agent.conf")).withUnitDirectories();
    }

    private static void assertNothingLeft() throws Exception {
        CommandResult status = run("dpkg-query", "-W", "-f=${db:Status-Status}", "sacip");
        assertTrue(!status.ok() || status.stdout().strip().equals("not-installed"),
                "dpkg knows no trace of sacip after the purge (not even config-files): " + status);
        for (Path path : PACKAGE_PATHS) {
            assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), path + " is left after the purge");
        }
        assertFalse(hasAgentTables(), "no nft table of the agent in this machine's own namespace either");
    }

    private static boolean hasAgentTables() throws Exception {
        return run("nft", "list", "tables").stdout().contains("sacip");
    }

    private static CommandResult run(String... command) throws Exception {
        return Commands.run(List.of(command), LIMIT);
    }
}
