package org.sacip.agent.datapath;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Host A and host B in throwaway namespaces with a router R between them (veth pairs A–R and R–B, R forwarding), so
 * the errors of a narrower path come from a real kernel. A starts on X and can move to Y on the same link; B is on
 * B. IPv4: A's link 198.18.1.0/24, B's 198.18.2.0/24, R .254 on both; IPv6: 2001:db8:1::/64 and 2001:db8:2::/64, R
 * ::fe. Closing deletes every namespace, and with them the veths and addresses, even after a failed set-up.
 */
final class RoutedHosts implements AutoCloseable {
    final Addresses ip;
    final TestNamespace a;
    final TestNamespace r;
    final TestNamespace b;
    /** A's end of the A–R link, R's ends of both links, B's end of the R–B link. */
    final String aLink = TestNamespace.interfaceName("ra");
    final String rToA = TestNamespace.interfaceName("rra");
    final String rToB = TestNamespace.interfaceName("rrb");
    final String bLink = TestNamespace.interfaceName("rb");
    private final List<TestNamespace> namespaces;

    private RoutedHosts(Addresses ip, List<TestNamespace> namespaces) {
        this.ip = ip;
        this.namespaces = namespaces;
        this.a = namespaces.get(0);
        this.r = namespaces.get(1);
        this.b = namespaces.get(2);
    }

    static RoutedHosts create(String label, boolean ipv6) throws IOException {
        Addresses ip = ipv6
                ? new Addresses(true, Addresses.parse("2001:db8:1::1"), Addresses.parse("2001:db8:1::11"),
                        Addresses.parse("2001:db8:2::2"), 64, 128)
                : new Addresses(false, Addresses.parse("198.18.1.1"), Addresses.parse("198.18.1.11"),
                        Addresses.parse("198.18.2.2"), 24, 32);
        List<TestNamespace> namespaces = new ArrayList<>();
        try {
            namespaces.add(TestNamespace.create(label + "a"));
            namespaces.add(TestNamespace.create(label + "r"));
            namespaces.add(TestNamespace.create(label + "b"));
            RoutedHosts hosts = new RoutedHosts(ip, namespaces);
            hosts.connect();
            return hosts;
        } catch (IOException | RuntimeException e) {
            for (TestNamespace namespace : namespaces) {
                try {
                    namespace.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /** R's address on A's link. */
    InetAddress routerOnA() {
        return Addresses.parse(ip.ipv6() ? "2001:db8:1::fe" : "198.18.1.254");
    }

    /** R's address on B's link. */
    InetAddress routerOnB() {
        return Addresses.parse(ip.ipv6() ? "2001:db8:2::fe" : "198.18.2.254");
    }

    private void connect() throws IOException {
        a.linkTo(r, aLink, rToA);
        r.linkTo(b, rToB, bLink);
        // Deleting X must not take Y (a secondary in the same prefix) with it: the agent sets this.
        a.exec("sysctl", "-q", "-w", "net.ipv4.conf.all.promote_secondaries=1");
        a.exec("sysctl", "-q", "-w", "net.ipv4.conf." + aLink + ".promote_secondaries=1");
        r.exec("sysctl", "-q", "-w", ip.ipv6() ? "net.ipv6.conf.all.forwarding=1" : "net.ipv4.ip_forward=1");
        a.exec(ip.addCommand(ip.x(), aLink));
        r.exec(ip.addCommand(routerOnA(), rToA));
        r.exec(ip.addCommand(routerOnB(), rToB));
        b.exec(ip.addCommand(ip.b(), bLink));
        a.exec(route("add", "default", "via", Addresses.text(routerOnA())));
        b.exec(route("add", "default", "via", Addresses.text(routerOnB())));
    }

    /**
     * The path between A's link and B narrows to {@code mtu} at R, in both directions: host routes with that MTU
     * (the links keep theirs, so R still receives full-size packets, and answers them with the errors a real
     * router on a narrower path sends).
     */
    void narrow(int mtu, InetAddress... aSide) throws IOException {
        r.exec(route("replace", Addresses.text(ip.b()) + "/" + ip.hostPrefix(), "dev", rToB, "mtu",
                Integer.toString(mtu)));
        for (InetAddress address : aSide) {
            r.exec(route("replace", Addresses.text(address) + "/" + ip.hostPrefix(), "dev", rToA, "mtu",
                    Integer.toString(mtu)));
        }
    }

    private String[] route(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip", ip.ipv6() ? "-6" : "-4", "route"));
        command.addAll(List.of(arguments));
        return command.toArray(String[]::new);
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (TestNamespace namespace : namespaces) {
            try {
                namespace.close();
            } catch (IOException e) {
                if (first == null) {
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
