package org.sacip.agent.datapath;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.NfTablesConnection;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.testing.TestNamespace;

/** What the kernel of a test namespace holds, read back from it, and waiting for it to hold something. */
final class KernelState {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern PMTU = Pattern.compile("\\bpmtu:(\\d+)");

    private KernelState() {
    }

    /** The elements of every non-empty SACIP set and map, read over netlink (empty when there is no table). */
    static Map<SetReference, Set<Element>> elements(TestNamespace namespace) throws Exception {
        try (NfTablesConnection connection = NfTablesConnection.open(namespace.netNamespace())) {
            Map<SetReference, Set<Element>> bySet = new LinkedHashMap<>();
            if (!SacipRuleset.isPresent(connection)) {
                return bySet;
            }
            for (SetReference set : SacipSets.all()) {
                List<Element> elements = connection.listElements(set);
                if (!elements.isEmpty()) {
                    bySet.put(set, new LinkedHashSet<>(elements));
                }
            }
            return bySet;
        }
    }

    static int elementCount(TestNamespace namespace) throws Exception {
        return elements(namespace).values().stream().mapToInt(Set::size).sum();
    }

    static boolean loopbackHas(TestNamespace namespace, InetAddress address) throws IOException {
        String wanted = " " + Addresses.text(address) + "/";
        return namespace.exec("ip", "-o", "addr", "show", "dev", "lo").lines().anyMatch(l -> l.contains(wanted));
    }

    static boolean hasSacipTable(TestNamespace namespace) throws IOException {
        return namespace.exec("nft", "list", "tables").contains("sacip");
    }

    /** The path MTU the kernel keeps for the established TCP socket on {@code localPort} ({@code ss -ti}). */
    static int pathMtu(TestNamespace namespace, int localPort) throws IOException {
        String info = namespace.exec("ss", "-tinH", "state", "established", "( sport = :" + localPort + " )");
        Matcher matcher = PMTU.matcher(info);
        if (!matcher.find()) {
            throw new AssertionError("no established TCP socket on port " + localPort + " with a pmtu: " + info);
        }
        return Integer.parseInt(matcher.group(1));
    }

    /** Whether an established TCP socket on {@code localPort} exists. */
    static boolean hasEstablished(TestNamespace namespace, int localPort) throws IOException {
        return !namespace.exec("ss", "-tnH", "state", "established", "( sport = :" + localPort + " )").isBlank();
    }

    /** A TCP counter of the namespace's kernel from {@code /proc/net/netstat}, e.g. {@code DelayedACKLost}. */
    static long tcpExtCounter(TestNamespace namespace, String name) throws IOException {
        List<String> lines = namespace.exec("cat", "/proc/net/netstat").lines()
                .filter(line -> line.startsWith("TcpExt:")).toList();
        if (lines.size() != 2) {
            throw new AssertionError("no TcpExt counters in /proc/net/netstat: " + lines);
        }
        List<String> names = List.of(lines.get(0).split(" "));
        String[] values = lines.get(1).split(" ");
        int index = names.indexOf(name);
        if (index < 1) {
            throw new AssertionError("no TcpExt counter " + name);
        }
        return Long.parseLong(values[index]);
    }

    /** Waits until {@code condition} holds; fails after {@link #TIMEOUT} saying what was awaited. */
    static void await(Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + TIMEOUT.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
