package org.sacip.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A set of network namespaces owned by this process. Everything the lab builds lives inside them (veths are
 * created directly in their namespaces), so deleting the namespaces removes every interface, address, route and
 * nft table the run made. {@link #close()} always runs: from try-with-resources and from a shutdown hook on Ctrl-C.
 */
public final class Lab implements AutoCloseable {
    private static final AtomicInteger NEXT_LAB = new AtomicInteger();

    private final long ownerPid = ProcessHandle.current().pid();
    private final int labNumber = NEXT_LAB.getAndIncrement();
    private final Map<String, String> namespaces = new LinkedHashMap<>();
    private final List<AutoCloseable> beforeTeardown = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::teardown, "sacip-lab-cleanup");
    private boolean closed;

    public Lab() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public long ownerPid() {
        return ownerPid;
    }

    /** Creates a namespace for the host, with loopback up. */
    public synchronized String addHost(String host) {
        if (namespaces.containsKey(host)) {
            throw new LabException("host " + host + " exists already");
        }
        String ns = LabNames.namespace(ownerPid, labNumber, host);
        Shell.run("ip", "netns", "add", ns);
        namespaces.put(host, ns);
        run(host, "ip", "link", "set", "lo", "up");
        return ns;
    }

    public synchronized String ns(String host) {
        String ns = namespaces.get(host);
        if (ns == null) {
            throw new LabException("no host " + host + " in this lab (hosts: " + namespaces.keySet() + ")");
        }
        return ns;
    }

    public synchronized List<String> hosts() {
        return List.copyOf(namespaces.keySet());
    }

    /** The command line that runs {@code command} inside the host's namespace. */
    public List<String> inHost(String host, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        full.addAll(command);
        return full;
    }

    public String run(String host, String... command) {
        if (command.length > 0 && command[0].equals("ip")) {
            // "ip -n" enters the namespace itself: much cheaper than "ip netns exec", which matters inside a move.
            List<String> full = new ArrayList<>(List.of("ip", "-n", ns(host)));
            full.addAll(List.of(command).subList(1, command.length));
            return Shell.run(full);
        }
        return Shell.run(inHost(host, List.of(command)));
    }

    public void sysctl(String host, String key, String value) {
        run(host, "sysctl", "-q", "-w", key + "=" + value);
    }

    public String readSysctl(String host, String key) {
        return run(host, "sysctl", "-n", key).strip();
    }

    /** A veth pair from one host to another, created in place, so the host namespace never sees it. */
    public void link(String hostA, String ifA, String hostB, String ifB) {
        Shell.run("ip", "link", "add", ifA, "netns", ns(hostA), "type", "veth", "peer", "name", ifB, "netns", ns(hostB));
    }

    /** Registers something (an agent, an endpoint) to stop before the namespaces go. */
    public synchronized void onTeardown(AutoCloseable resource) {
        beforeTeardown.add(resource);
    }

    @Override
    public void close() {
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; nothing left to unregister.
        }
    }

    private synchronized void teardown() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = beforeTeardown.size() - 1; i >= 0; i--) {
            try {
                beforeTeardown.get(i).close();
            } catch (Exception e) {
                System.err.println("sacip-lab: stopping " + beforeTeardown.get(i) + " failed: " + e.getMessage());
            }
        }
        for (String ns : namespaces.values()) {
            Namespaces.remove(ns);
        }
        namespaces.clear();
    }
}
