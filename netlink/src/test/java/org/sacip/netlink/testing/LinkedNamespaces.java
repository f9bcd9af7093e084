package org.sacip.netlink.testing;

import java.io.IOException;
import java.net.InetAddress;

/**
 * Two throwaway namespaces {@code a} and {@code b} joined by a veth pair: {@code a} holds 198.18.0.1/24 and
 * 2001:db8::1/64, {@code b} holds 198.18.0.2/24 and 2001:db8::2/64 (IPv6 without duplicate address detection, usable
 * at once). Closing deletes both namespaces and with them the veth pair, even after a failed set-up.
 */
public final class LinkedNamespaces implements AutoCloseable {
    public static final String A4 = "198.18.0.1";
    public static final String B4 = "198.18.0.2";
    public static final String A6 = "2001:db8::1";
    public static final String B6 = "2001:db8::2";

    public final TestNamespace a;
    public final TestNamespace b;
    /** The veth end in {@code a} and the one in {@code b}. */
    public final String aInterface;
    public final String bInterface;

    private LinkedNamespaces(TestNamespace a, TestNamespace b, String label) throws IOException {
        this.a = a;
        this.b = b;
        this.aInterface = TestNamespace.interfaceName(label + "a");
        this.bInterface = TestNamespace.interfaceName(label + "b");
        a.linkTo(b, aInterface, bInterface);
        a.addAddresses(aInterface, A4 + "/24", A6 + "/64");
        b.addAddresses(bInterface, B4 + "/24", B6 + "/64");
    }

    /** {@code label} (one or two letters) keeps the namespace and interface names of parallel tests apart. */
    public static LinkedNamespaces create(String label) throws IOException {
        TestNamespace a = TestNamespace.create(label + "a");
        try {
            TestNamespace b = TestNamespace.create(label + "b");
            try {
                return new LinkedNamespaces(a, b, label);
            } catch (IOException | RuntimeException e) {
                b.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /** The address of {@code a} (IP version 4 or 6). */
    public static InetAddress aAddress(int ipVersion) throws IOException {
        return InetAddress.getByName(ipVersion == 4 ? A4 : A6);
    }

    public static InetAddress bAddress(int ipVersion) throws IOException {
        return InetAddress.getByName(ipVersion == 4 ? B4 : B6);
    }

    /** The interface index of a link in one of the two namespaces. */
    public static int interfaceIndex(TestNamespace namespace, String link) throws IOException {
        return Integer.parseInt(namespace.exec("cat", "/sys/class/net/" + link + "/ifindex").trim());
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
