package org.sacip.agent.session;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Set;
import org.sacip.agent.datapath.DataPath;
import org.sacip.agent.datapath.DataPathException;
import org.sacip.agent.datapath.DataPathSettings;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.testing.LinkedNamespaces;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Two hosts {@code a} and {@code b} on a veth link ({@link LinkedNamespaces}: 198.18.0.1/.2, 2001:db8::1/::2), each
 * with the SACIP data path installed, so the ruleset's log rules report openings and conntrack runs; optionally a third
 * namespace {@code c}, linked to {@code b} only (198.18.1.0/24, 2001:db8:1::/64), from which a raw socket can send
 * datagrams with any source. Closing deletes every namespace (and so every link and address), also after a failure.
 */
final class TrackerLab implements AutoCloseable {
    static final DataPathSettings SETTINGS = DataPathSettings.defaults();

    final LinkedNamespaces hosts;
    private TestNamespace spoofer;

    private TrackerLab(LinkedNamespaces hosts) {
        this.hosts = hosts;
    }

    /** {@code label}: one or two letters that keep the names of this test's namespaces apart. */
    static TrackerLab create(String label) throws Exception {
        TrackerLab lab = new TrackerLab(LinkedNamespaces.create(label));
        try {
            for (TestNamespace host : new TestNamespace[] {lab.hosts.a, lab.hosts.b}) {
                installDataPath(host);
            }
        } catch (Exception e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private static void installDataPath(TestNamespace host) throws DataPathException {
        try (DataPath dataPath = DataPath.open(host.netNamespace(), SETTINGS, Clock.systemUTC())) {
            dataPath.install();
        }
    }

    /**
     * Adds namespace {@code c} on its own link to {@code b} (b's end: 198.18.1.2, 2001:db8:1::2; c: .3, ::3) with
     * routes to a's subnet through b. {@code b} takes any source on any link (rp_filter off, as on many hosts), so a
     * datagram from c that claims to come from {@code a} is received like one from {@code a}.
     */
    TestNamespace addSpoofer(String label) throws IOException {
        if (spoofer != null) {
            return spoofer;
        }
        spoofer = TestNamespace.create(label + "c");
        String here = TestNamespace.interfaceName(label + "c");
        String there = TestNamespace.interfaceName(label + "cb");
        spoofer.linkTo(hosts.b, here, there);
        spoofer.addAddresses(here, "198.18.1.3/24", "2001:db8:1::3/64");
        hosts.b.addAddresses(there, "198.18.1.2/24", "2001:db8:1::2/64");
        spoofer.exec("ip", "route", "add", "198.18.0.0/24", "via", "198.18.1.2");
        spoofer.exec("ip", "-6", "route", "add", "2001:db8::/64", "via", "2001:db8:1::2");
        hosts.b.exec("sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0",
                "net.ipv4.conf." + there + ".rp_filter=0");
        return spoofer;
    }

    TestNamespace a() {
        return hosts.a;
    }

    TestNamespace b() {
        return hosts.b;
    }

    /**
     * A tracker in {@code host} for its address on the a-b link of each IP version, with the ruleset's log group,
     * recording into {@code sessions}.
     */
    SessionTracker track(TestNamespace host, RecordedSessions sessions) throws NetlinkException, IOException {
        return track(host, sessions, host == hosts.a
                ? Set.of(LinkedNamespaces.aAddress(4), LinkedNamespaces.aAddress(6))
                : Set.of(LinkedNamespaces.bAddress(4), LinkedNamespaces.bAddress(6)));
    }

    /** As {@link #track(TestNamespace, RecordedSessions)}, for the addresses {@code addresses} holds at each time. */
    SessionTracker track(TestNamespace host, RecordedSessions sessions, Set<InetAddress> addresses)
            throws NetlinkException, IOException {
        return track(host, sessions, addresses, 0);
    }

    /** As {@link #track(TestNamespace, RecordedSessions, Set)}, for an agent whose UDP port is {@code agentPort}. */
    SessionTracker track(TestNamespace host, RecordedSessions sessions, Set<InetAddress> addresses, int agentPort)
            throws NetlinkException, IOException {
        return SessionTracker.start(host.netNamespace(), SETTINGS.nflogGroup(), () -> addresses,
                addresses::contains, agentPort, sessions, Clock.systemUTC());
    }

    @Override
    public void close() throws IOException {
        try {
            hosts.close();
        } finally {
            if (spoofer != null) {
                spoofer.close();
            }
        }
    }
}
