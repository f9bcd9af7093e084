package org.sacip.netlink.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.sacip.commands.CommandException;
import org.sacip.commands.Commands;
import org.sacip.netlink.NetNamespace;

/**
 * A throwaway network namespace named {@code sacip-t<pid>-<label><n>} so parallel runs cannot collide; closing it
 * deletes it with every interface in it (use try-with-resources so it goes even when the test fails). Its loopback
 * is up. Shared with the other modules' tests through this module's test jar.
 */
public final class TestNamespace implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);

    private final String name;

    private TestNamespace(String name) {
        this.name = name;
    }

    public static TestNamespace create(String label) throws IOException {
        String name = "sacip-t" + ProcessHandle.current().pid() + "-" + label + COUNTER.incrementAndGet();
        run("ip", "netns", "add", name);
        TestNamespace namespace = new TestNamespace(name);
        try {
            namespace.exec("ip", "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            namespace.close();
            throw e;
        }
        return namespace;
    }

    /** An interface name carrying this process id (at most 15 characters, the kernel's limit). */
    public static String interfaceName(String suffix) {
        String name = "s" + ProcessHandle.current().pid() + suffix;
        if (name.length() > 15) {
            throw new IllegalArgumentException("interface name too long: " + name);
        }
        return name;
    }

    /** Adds a veth pair inside this namespace, both ends up; returns the first end's name. */
    public String addVethPair(String suffix) throws IOException {
        String first = interfaceName(suffix + "a");
        String second = interfaceName(suffix + "b");
        exec("ip", "link", "add", first, "type", "veth", "peer", "name", second);
        exec("ip", "link", "set", first, "up");
        exec("ip", "link", "set", second, "up");
        return first;
    }

    /** A veth pair from this namespace to {@code other}, both ends up. */
    public void linkTo(TestNamespace other, String here, String there) throws IOException {
        exec("ip", "link", "add", here, "type", "veth", "peer", "name", there, "netns", other.name);
        exec("ip", "link", "set", here, "up");
        other.exec("ip", "link", "set", there, "up");
    }

    /** An IPv4 and an IPv6 address (without DAD) on a link of this namespace. */
    public void addAddresses(String link, String v4, String v6) throws IOException {
        exec("ip", "addr", "add", v4, "dev", link);
        exec("ip", "addr", "add", v6, "dev", link, "nodad");
    }

    /** Turns IPv6 duplicate address detection off for interfaces made from now on, so addresses work at once. */
    public void disableDad() throws IOException {
        exec("sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
    }

    public String name() {
        return name;
    }

    public NetNamespace netNamespace() {
        return NetNamespace.named(name);
    }

    /** Runs a command inside the namespace and returns its standard output; fails on a non-zero exit. */
    public String exec(String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    /** Runs a command on the host (only for `ip netns` and `ip link ... netns` plumbing); fails on non-zero exit. */
    public static String run(String... command) throws IOException {
        try {
            return Commands.run(List.of(command), COMMAND_LIMIT).requireSuccess().stdout();
        } catch (CommandException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        run("ip", "netns", "del", name);
    }
}
