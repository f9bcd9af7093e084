package org.sacip.agent.datapath;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Host A behind a NAT, and a direct path that bypasses it: A has two links to router R, an inside one where it holds
 * X (a private address R masquerades as its own address N on B's link, with ports 61000-61100) and a direct one
 * where it holds A1 (forwarded as it is); B is on R's third link. A sends from X by its main table (through the NAT)
 * and from A1 by a source rule (the direct path), as the agent's source routes do. IPv4: inside 198.18.1.0/24,
 * direct 198.18.3.0/24, B's link 198.18.2.0/24, R .254 on each; IPv6 the same in 2001:db8:1::/64, 2001:db8:3::/64
 * and 2001:db8:2::/64, R ::fe. {@link #ip} has X as x, A1 as y and B as b. Closing deletes every namespace, and
 * with them the veths, addresses and R's NAT, even after a failed set-up.
 */
final class NattedHosts implements AutoCloseable {
    /** The ports R's NAT maps to: never A's own (below 61000 in these tests). */
    static final int NAT_FIRST_PORT = 61000;
    static final int NAT_LAST_PORT = 61100;
    private static final String DIRECT_TABLE = "100";

    final Addresses ip;
    final TestNamespace a;
    final TestNamespace r;
    final TestNamespace b;
    final String aInside = TestNamespace.interfaceName("na");
    final String aDirect = TestNamespace.interfaceName("nd");
    final String rInside = TestNamespace.interfaceName("nra");
    final String rDirect = TestNamespace.interfaceName("nrd");
    final String rToB = TestNamespace.interfaceName("nrb");
    final String bLink = TestNamespace.interfaceName("nb");
    private final List<TestNamespace> namespaces;

    private NattedHosts(Addresses ip, List<TestNamespace> namespaces) {
        this.ip = ip;
        this.namespaces = namespaces;
        this.a = namespaces.get(0);
        this.r = namespaces.get(1);
        this.b = namespaces.get(2);
    }

    static NattedHosts create(String label, boolean ipv6) throws IOException {
        Addresses ip = ipv6
                ? new Addresses(true, Addresses.parse("2001:db8:1::1"), Addresses.parse("2001:db8:3::1"),
                        Addresses.parse("2001:db8:2::2"), 64, 128)
                : new Addresses(false, Addresses.parse("198.18.1.1"), Addresses.parse("198.18.3.1"),
                        Addresses.parse("198.18.2.2"), 24, 32);
        List<TestNamespace> namespaces = new ArrayList<>();
        try {
            namespaces.add(TestNamespace.create(label + "a"));
            namespaces.add(TestNamespace.create(label + "r"));
            namespaces.add(TestNamespace.create(label + "b"));
            NattedHosts hosts = new NattedHosts(ip, namespaces);
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

    /** The NAT's address: R's on B's link, the source B sees for A's packets from X. */
    InetAddress nat() {
        return Addresses.parse(ip.ipv6() ? "2001:db8:2::fe" : "198.18.2.254");
    }

    private InetAddress routerInside() {
        return Addresses.parse(ip.ipv6() ? "2001:db8:1::fe" : "198.18.1.254");
    }

    private InetAddress routerDirect() {
        return Addresses.parse(ip.ipv6() ? "2001:db8:3::fe" : "198.18.3.254");
    }

    private void connect() throws IOException {
        a.linkTo(r, aInside, rInside);
        a.linkTo(r, aDirect, rDirect);
        r.linkTo(b, rToB, bLink);
        r.exec("sysctl", "-q", "-w", ip.ipv6() ? "net.ipv6.conf.all.forwarding=1" : "net.ipv4.ip_forward=1");
        a.exec(ip.addCommand(ip.x(), aInside));
        a.exec(ip.addCommand(ip.y(), aDirect));
        r.exec(ip.addCommand(routerInside(), rInside));
        r.exec(ip.addCommand(routerDirect(), rDirect));
        r.exec(ip.addCommand(nat(), rToB));
        b.exec(ip.addCommand(ip.b(), bLink));
        a.exec(route("add", "default", "via", Addresses.text(routerInside())));
        a.exec(route("add", "default", "via", Addresses.text(routerDirect()), "dev", aDirect, "table",
                DIRECT_TABLE));
        a.exec(rule("add", "from", Addresses.text(ip.y()), "lookup", DIRECT_TABLE));
        b.exec(route("add", "default", "via", Addresses.text(nat())));
        String family = ip.nftFamily();
        String inside = ip.ipv6() ? "2001:db8:1::/64" : "198.18.1.0/24";
        r.exec("nft", "add table " + family + " natlab");
        r.exec("nft", "add chain " + family + " natlab post { type nat hook postrouting priority srcnat; }");
        r.exec("nft", "add rule " + family + " natlab post oifname " + rToB + " " + family + " saddr " + inside
                + " meta l4proto { tcp, udp } masquerade to :" + NAT_FIRST_PORT + "-" + NAT_LAST_PORT);
        // As NAT gateways do: once B answers on the direct path, the NAT no longer sees the acknowledgements, and
        // conntrack finds A's last segments through it invalid. Forwarded, they would leave unmasqueraded (from X),
        // and B's reset to X would reach A's socket on its own tuple.
        r.exec("nft", "add chain " + family + " natlab forward { type filter hook forward priority filter; }");
        r.exec("nft", "add rule " + family + " natlab forward ct state invalid drop");
    }

    private String[] route(String... arguments) {
        return command("route", arguments);
    }

    private String[] rule(String... arguments) {
        return command("rule", arguments);
    }

    private String[] command(String object, String... arguments) {
        List<String> command = new ArrayList<>(List.of("ip", ip.ipv6() ? "-6" : "-4", object));
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
