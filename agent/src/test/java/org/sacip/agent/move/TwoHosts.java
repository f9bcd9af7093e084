package org.sacip.agent.move;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sacip.netlink.NetNamespace;

/**
 * Two throwaway namespaces, "host" (the one that moves) and "peer", joined by two veth links (0 and 1). Names carry
 * this process id; {@link #close} deletes both namespaces (and so the links), also when a test failed.
 */
final class TwoHosts implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Pattern SOURCE = Pattern.compile(" src (\\S+)");

    final String host;
    final String peer;
    final String[] hostLinks = new String[2];
    final String[] peerLinks = new String[2];

    private TwoHosts(String host, String peer) {
        this.host = host;
        this.peer = peer;
    }

    static TwoHosts create() throws IOException {
        long pid = ProcessHandle.current().pid();
        int n = COUNTER.incrementAndGet();
        TwoHosts lab = new TwoHosts("sacip-t" + pid + "-mh" + n, "sacip-t" + pid + "-mp" + n);
        try {
            run("ip", "netns", "add", lab.host);
            run("ip", "netns", "add", lab.peer);
            for (int link = 0; link < 2; link++) {
                lab.hostLinks[link] = "s" + pid + "h" + n + link;
                lab.peerLinks[link] = "s" + pid + "p" + n + link;
                run("ip", "-n", lab.host, "link", "add", lab.hostLinks[link], "type", "veth", "peer", "name",
                        lab.peerLinks[link], "netns", lab.peer);
            }
            for (String ns : List.of(lab.host, lab.peer)) {
                run("ip", "-n", ns, "link", "set", "lo", "up");
            }
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    NetNamespace hostNamespace() {
        return NetNamespace.named(host);
    }

    NetNamespace peerNamespace() {
        return NetNamespace.named(peer);
    }

    String inHost(String... command) throws IOException {
        return in(host, command);
    }

    String inPeer(String... command) throws IOException {
        return in(peer, command);
    }

    /** The source the host's kernel uses to reach {@code destination} ({@code ip route get}). */
    String hostSourceFor(String destination) throws IOException {
        Matcher matcher = SOURCE.matcher(inHost("ip", "route", "get", destination));
        return matcher.find() ? matcher.group(1) : "";
    }

    private static String in(String namespace, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
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
                throw new IOException("timed out: " + String.join(" ", command));
            }
            if (process.exitValue() != 0) {
                throw new IOException("failed (" + process.exitValue() + "): " + String.join(" ", command) + ": "
                        + new String(err, StandardCharsets.UTF_8).trim());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (String ns : List.of(host, peer)) {
            try {
                if (run("ip", "netns", "list").lines().anyMatch(line -> line.split(" ")[0].equals(ns))) {
                    run("ip", "netns", "del", ns);
                }
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
