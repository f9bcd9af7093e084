package org.sacip.lab.agent;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.sacip.commands.CommandResult;
import org.sacip.lab.LabException;
import org.sacip.lab.Shell;

/**
 * The system user a sandboxed agent runs as (the unit's {@code User=sacip}), with its group of the same name.
 * {@link #throwaway()} makes a uniquely named one ({@code sacip-lab-<pid>-<random>}), so parallel runs and an
 * installed package's own {@code sacip} user never collide, and removes it (user and group) at {@link #close()} and,
 * should the JVM be stopped first, from a shutdown hook. {@link #existing(String)} names a user that is there already
 * (the package's {@code sacip}) and is never removed. Creating users needs root: without it this fails, it never skips.
 */
public final class SandboxUser implements AutoCloseable {
    private static final String PREFIX = "sacip-lab-";

    private final String name;
    private final int uid;
    private final int gid;
    private final boolean created;
    private final Thread shutdownHook;
    private boolean closed;

    private SandboxUser(String name, boolean created) {
        this.name = name;
        this.uid = number(List.of("id", "-u", name));
        this.gid = number(List.of("id", "-g", name));
        this.created = created;
        this.shutdownHook = created ? new Thread(this::remove, "sacip-lab-user-cleanup") : null;
    }

    /** A new system user and group, named uniquely; removed again at {@link #close()}. */
    public static SandboxUser throwaway() {
        requireRoot();
        String name = PREFIX + ProcessHandle.current().pid() + "-"
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
        // As a package's postinst makes its service user: a system user with its own group, no home, no login.
        Shell.run("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                "--shell", "/usr/sbin/nologin", name);
        SandboxUser user;
        try {
            user = new SandboxUser(name, true);
        } catch (RuntimeException e) {
            Shell.tryRun(List.of("userdel", name));
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(user.shutdownHook);
        return user;
    }

    /** A user that exists already (such as the package's {@code sacip}); {@link #close()} leaves it alone. */
    public static SandboxUser existing(String name) {
        requireRoot();
        CommandResult known = Shell.tryRun(List.of("id", "-u", name));
        if (!known.ok()) {
            throw new LabException("no user " + name + ": " + known.stderr().strip());
        }
        return new SandboxUser(name, false);
    }

    public String name() {
        return name;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    /** Removes the user and its group if this made them; fails when they cannot be removed (a leftover user). */
    @Override
    public void close() {
        if (!created) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run.
        }
        remove();
    }

    private synchronized void remove() {
        if (closed) {
            return;
        }
        closed = true;
        CommandResult user = Shell.tryRun(List.of("userdel", name));
        // userdel removes the group with the user (USERGROUPS_ENAB); a group left behind goes on its own.
        if (Shell.tryRun(List.of("getent", "group", name)).ok()) {
            Shell.tryRun(List.of("groupdel", name));
        }
        if (!user.ok()) {
            throw new LabException("cannot remove the test user " + name + " (a process of it still running?): "
                    + user.stderr().strip());
        }
    }

    private static void requireRoot() {
        if (number(List.of("id", "-u")) != 0) {
            throw new LabException("the sandboxed agent needs root: it creates a system user, mounts and switches to "
                    + "that user (run the tests as root)");
        }
    }

    private static int number(List<String> command) {
        String text = Shell.run(command).strip();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new LabException(String.join(" ", command) + " printed '" + text + "', not a number", e);
        }
    }

    @Override
    public String toString() {
        return "user " + name + " (uid " + uid + ", gid " + gid + ")";
    }
}
