package org.sacip.packaging;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sacip.commands.CommandException;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;

/**
 * The package installed on this machine for a test, as a user installs it ({@code apt-get install ./sacip_*.deb}),
 * purged again on {@link #close()} whatever happened in between, so a failing test leaves no package behind. Nothing
 * starts an agent: there is no systemd here (the maintainer scripts touch no service without /run/systemd/system),
 * and the package does not enable or start the unit.
 */
final class InstalledPackage implements AutoCloseable {
    static final Duration APT_LIMIT = Duration.ofMinutes(5);
    /** Waits for the dpkg lock instead of failing when another apt or dpkg runs (bootstrap, unattended upgrades). */
    private static final List<String> APT = List.of("apt-get", "-o", "DPkg::Lock::Timeout=120", "-y", "-q");

    private boolean purged;

    private InstalledPackage() {
    }

    /** The one package the packaging module built (target/sacip_VERSION_all.deb). */
    static Path built() throws IOException {
        List<Path> debs = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(Path.of("target").toAbsolutePath(),
                "sacip_*_all.deb")) {
            found.forEach(debs::add);
        }
        if (debs.size() != 1) {
            throw new IllegalStateException("expected exactly one target/sacip_*_all.deb, built by this module's "
                    + "package phase, found " + debs);
        }
        return debs.get(0);
    }

    /**
     * Installs {@code deb}, twice (the second run must find it installed and succeed: the install is idempotent),
     * then reinstalls it, which runs the upgrade path of the maintainer scripts (prerm upgrade, postinst configure
     * with the old version).
     */
    static InstalledPackage install(Path deb) throws CommandException {
        InstalledPackage installed = new InstalledPackage();
        try {
            apt(List.of("install", deb.toString()), null);
            apt(List.of("install", deb.toString()), null);
            apt(List.of("install", "--reinstall", deb.toString()), null);
        } catch (CommandException | RuntimeException e) {
            installed.close();
            throw e;
        }
        return installed;
    }

    /**
     * {@code apt-get purge sacip} with the maintainer scripts in {@code namespace}'s network namespace (null: this
     * one), so the prerm's removal of the agent's kernel state acts there. Returns apt-get's output.
     */
    String purge(String namespace) throws CommandException {
        purged = true;
        List<String> prefix = namespace == null ? List.of() : List.of("ip", "netns", "exec", namespace);
        CommandResult result = apt(List.of("purge", "sacip"), prefix);
        return result.stdout() + result.stderr();
    }

    private static CommandResult apt(List<String> arguments, List<String> prefix) throws CommandException {
        List<String> command = new ArrayList<>(prefix == null ? List.of() : prefix);
        command.add("env");
        command.add("DEBIAN_FRONTEND=noninteractive");
        command.addAll(APT);
        command.addAll(arguments);
        return Commands.run(command, APT_LIMIT).requireSuccess();
    }

    /** Purges the package if the test did not (a failure on the way): the machine is left as it was. */
    @Override
    public void close() throws CommandException {
        if (!purged) {
            purge(null);
        }
    }
}
