package org.sacip.agent.datapath;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Host A (on X) and host B (on B) in throwaway namespaces joined by a veth pair, and on demand host C with a veth pair
 * of its own to B. Closing deletes every namespace, and with them the veths and addresses, even after a failed
 * set-up.
 */
final class Hosts implements AutoCloseable {
    final Addresses ip;
    final TestNamespace a;
    final TestNamespace b;
    /** A's end of the A–B link and B's end of it. */
    final String aLink = TestNamespace.interfaceName("ha");
    final String bLink = TestNamespace.interfaceName("hb");
    /** C's end of the C–B link and B's end of it. */
    final String cLink = TestNamespace.interfaceName("hc");
    final String bToC = TestNamespace.interfaceName("hbc");
    private final String label;
    private final List<TestNamespace> namespaces;
    private TestNamespace c;

    private Hosts(String label, Addresses ip, List<TestNamespace> namespaces) {
        this.label = label;
        this.ip = ip;
        this.namespaces = namespaces;
        this.a = namespaces.get(0);
        this.b = namespaces.get(1);
    }

    static Hosts create(String label, Addresses ip) throws IOException {
        List<TestNamespace> namespaces = new ArrayList<>();
        try {
            namespaces.add(TestNamespace.create(label + "a"));
            namespaces.add(TestNamespace.create(label + "b"));
            Hosts hosts = new Hosts(label, ip, namespaces);
            hosts.connect();
            return hosts;
        } catch (IOException | RuntimeException e) {
            closeAll(namespaces, e);
            throw e;
        }
    }

    private void connect() throws IOException {
        a.linkTo(b, aLink, bLink);
        // Deleting X must not take Y (a secondary in the same prefix) with it: the agent sets this.
        a.exec("sysctl", "-q", "-w", "net.ipv4.conf.all.promote_secondaries=1");
        a.exec("sysctl", "-q", "-w", "net.ipv4.conf." + aLink + ".promote_secondaries=1");
        a.exec(ip.addCommand(ip.x(), aLink));
        b.exec(ip.addCommand(ip.b(), bLink));
    }

    /** Host C, linked to B by its own veth pair (no address yet). */
    TestNamespace c() throws IOException {
        if (c == null) {
            c = TestNamespace.create(label + "c");
            namespaces.add(c);
            c.linkTo(b, cLink, bToC);
        }
        return c;
    }

    /** The MAC address of a link. */
    static String mac(TestNamespace namespace, String link) throws IOException {
        return namespace.exec("cat", "/sys/class/net/" + link + "/address").trim();
    }

    /**
     * Makes {@code namespace} send packets for {@code address} over {@code link} to {@code mac} without asking ARP or
     * ND: a neighbour on the link that still knows where the address used to be.
     */
    static void pinNeighbour(TestNamespace namespace, String link, InetAddress address, String mac)
            throws IOException {
        namespace.exec("ip", "neigh", "replace", Addresses.text(address), "lladdr", mac, "dev", link, "nud",
                "permanent");
    }

    @Override
    public void close() throws IOException {
        closeAll(namespaces, null);
    }

    private static void closeAll(List<TestNamespace> namespaces, Exception earlier) throws IOException {
        IOException first = null;
        for (TestNamespace namespace : namespaces) {
            try {
                namespace.close();
            } catch (IOException e) {
                if (earlier != null) {
                    earlier.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
