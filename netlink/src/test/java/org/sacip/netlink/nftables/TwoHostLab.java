package org.sacip.netlink.nftables;

import java.io.IOException;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Two throwaway namespaces joined by a veth: {@code a} holds 198.18.1.1/16 and 2001:db8::1/64, {@code b} holds
 * 198.18.0.2/16 and 2001:db8::2/64 (IPv6 without duplicate address detection, usable at once).
 * Reverse-path filtering is off in {@code b}, so packets whose source the map rewrote are delivered.
 */
final class TwoHostLab implements AutoCloseable {
    static final String A_ADDRESS = "198.18.1.1";
    static final String B_ADDRESS = "198.18.0.2";
    static final String A_ADDRESS6 = "2001:db8::1";
    static final String B_ADDRESS6 = "2001:db8::2";

    final TestNamespace a;
    final TestNamespace b;
    final String aInterface;
    final String bInterface;

    private TwoHostLab(TestNamespace a, TestNamespace b) throws IOException {
        this.a = a;
        this.b = b;
        this.aInterface = TestNamespace.interfaceName("na");
        this.bInterface = TestNamespace.interfaceName("nb");
        a.exec("ip", "link", "add", aInterface, "type", "veth", "peer", "name", bInterface);
        a.exec("ip", "link", "set", bInterface, "netns", b.name());
        a.exec("ip", "addr", "add", A_ADDRESS + "/16", "dev", aInterface);
        b.exec("ip", "addr", "add", B_ADDRESS + "/16", "dev", bInterface);
        a.exec("ip", "addr", "add", A_ADDRESS6 + "/64", "dev", aInterface, "nodad");
        b.exec("ip", "addr", "add", B_ADDRESS6 + "/64", "dev", bInterface, "nodad");
        a.exec("ip", "link", "set", aInterface, "up");
        b.exec("ip", "link", "set", bInterface, "up");
        b.exec("sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0");
        b.exec("sysctl", "-q", "-w", "net.ipv4.conf." + bInterface + ".rp_filter=0");
    }

    static TwoHostLab create() throws IOException {
        TestNamespace a = TestNamespace.create("nfa");
        try {
            TestNamespace b = TestNamespace.create("nfb");
            try {
                return new TwoHostLab(a, b);
            } catch (IOException | RuntimeException e) {
                b.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            a.close();
        } finally {
            b.close();
        }
    }
}
