package org.sacip.agent.peer.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.sacip.netlink.NetNamespace;

/**
 * A throwaway network namespace named {@code sacip-t<pid>-<label><n>}; closing it deletes it and every interface in
 * it. IPv6 DAD is off so test addresses are usable at once; loopback is up.
 */
final class LabNamespace implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final String name;

    private LabNamespace(String name) {
        this.name = name;
    }

    static LabNamespace create(String label) throws IOException {
        String name = "sacip-t" + ProcessHandle.current().pid() + "-" + label + COUNTER.incrementAndGet();
        run("ip", "netns", "add", name);
        LabNamespace namespace = new LabNamespace(name);
        try {
            namespace.exec("ip", "link", "set", "lo", "up");
            namespace.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0",
                    "net.ipv6.conf.default.accept_dad=0");
        } catch (IOException | RuntimeException e) {
            namespace.close();
            throw e;
        }
        return namespace;
    }

    /** An interface name carrying this process id, within the kernel's 15 characters. */
    static String interfaceName(String suffix) {
        String result = "s" + ProcessHandle.current().pid() + suffix;
        if (result.length() > 15) {
            throw new IllegalArgumentException("interface name too long: " + result);
        }
        return result;
    }

    String name() {
        return name;
    }

    NetNamespace netNamespace() {
        return NetNamespace.named(name);
    }

    /** A veth pair from this namespace to {@code other}, both ends up. */
    void linkTo(LabNamespace other, String here, String there) throws IOException {
        exec("ip", "link", "add", here, "type", "veth", "peer", "name", there, "netns", other.name);
        exec("ip", "link", "set", here, "up");
        other.exec("ip", "link", "set", there, "up");
    }

    /** An IPv4 and an IPv6 address (without DAD) on a link of this namespace. */
    void addAddresses(String link, String v4, String v6) throws IOException {
        exec("ip", "addr", "add", v4, "dev", link);
        exec("ip", "addr", "add", v6, "dev", link, "nodad");
    }

    /** A transport started on a thread inside this namespace, so its sockets, handles and threads live here. */
    PeerTransport startTransport(TransportSettings settings, PeerMessageListener listener) throws Exception {
        PeerTransport transport = new PeerTransport(settings);
        netNamespace().call(() -> {
            transport.start(listener);
            return null;
        });
        return transport;
    }

    String exec(String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).start();
        try {
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("command timed out: " + String.join(" ", command));
            }
            if (process.exitValue() != 0) {
                throw new IOException("command failed (" + process.exitValue() + "): " + String.join(" ", command)
                        + ": " + new String(err, StandardCharsets.UTF_8).trim());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    @Override
    public void close() throws IOException {
        run("ip", "netns", "del", name);
    }
}
