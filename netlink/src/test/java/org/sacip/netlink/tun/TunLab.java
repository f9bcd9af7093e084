package org.sacip.netlink.tun;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.packet.InnerPacket;
import org.sacip.netlink.packet.PacketParseException;
import org.sacip.netlink.testing.TestNamespace;

/**
 * A throwaway namespace with a TUN device made in it: MTU 1400, up, 198.18.0.1/24 and 2001:db8::1/64 (without
 * duplicate address detection), so the kernel routes packets for the rest of both prefixes into the device; PEER4 and
 * PEER6 stand for the agent's other end. Closing closes the device, then deletes the namespace.
 */
public final class TunLab implements AutoCloseable {
    public static final int MTU = 1400;
    public static final String LOCAL4 = "198.18.0.1";
    public static final String PEER4 = "198.18.0.2";
    public static final String LOCAL6 = "2001:db8::1";
    public static final String PEER6 = "2001:db8::2";

    public final TestNamespace ns;
    public final TunDevice tun;

    private TunLab(TestNamespace ns, TunDevice tun) {
        this.ns = ns;
        this.tun = tun;
    }

    public static TunLab create(String label) throws IOException, NetlinkException {
        return create(label, false);
    }

    /** As {@link #create(String)}, the device reading and writing virtio headers when {@code virtioHeaders}. */
    public static TunLab create(String label, boolean virtioHeaders) throws IOException, NetlinkException {
        TestNamespace ns = TestNamespace.create(label);
        TunDevice tun = null;
        try {
            tun = TunDevice.open(ns.netNamespace(), TestNamespace.interfaceName(label), virtioHeaders);
            tun.setMtu(MTU);
            tun.setUp();
            ns.exec("ip", "addr", "add", LOCAL4 + "/24", "dev", tun.name());
            ns.exec("ip", "addr", "add", LOCAL6 + "/64", "dev", tun.name(), "nodad");
            awaitIpv6Ready(ns);
            return new TunLab(ns, tun);
        } catch (IOException | NetlinkException | RuntimeException e) {
            if (tun != null) {
                tun.close();
            }
            ns.close();
            throw e;
        }
    }

    /**
     * Waits until the kernel has the local route of the IPv6 address. It adds that route in a work item after
     * {@code ip addr add} returned (even without duplicate address detection), and clears "tentative" a moment before:
     * an address may already be picked as a source while a packet written to it is still forwarded, not delivered
     * (Ip6InAddrErrors). IPv4 adds its local route within the request.
     */
    private static void awaitIpv6Ready(TestNamespace ns) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ns.exec("ip", "-6", "route", "show", "table", "local", LOCAL6).isBlank()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("no local route to " + LOCAL6 + " after 10 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /**
     * Turns IPv6 off on the device and drops what is queued, so nothing but what a test sends is read: on its own,
     * the kernel sends router solicitations (every 4 s, three times) and MLD reports into a new device.
     */
    public void quiet() throws IOException, NetlinkException {
        ns.exec("sysctl", "-qw", "net.ipv6.conf." + tun.name() + ".disable_ipv6=1");
        ByteBuffer buffer = ByteBuffer.allocate(TunDevice.MAX_PACKET);
        while (tun.receive(buffer.clear(), Duration.ZERO) > 0) {
            continue;
        }
    }

    public static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /**
     * Reads packets until one is a TCP or UDP packet {@code wanted} accepts and returns its bytes; skips the rest
     * (the kernel sends its own IPv6 router solicitations and MLD reports into a new device). Fails after
     * {@code limit}, listing what it skipped.
     */
    public byte[] receiveMatching(Predicate<InnerPacket> wanted, Duration limit) throws NetlinkException {
        ByteBuffer buffer = ByteBuffer.allocate(TunDevice.MAX_PACKET);
        List<String> skipped = new ArrayList<>();
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching packet from " + tun.name() + " within " + limit + "; skipped "
                        + skipped);
            }
            buffer.clear();
            int length = tun.receive(buffer, Duration.ofNanos(left));
            if (length <= 0) {
                continue;
            }
            buffer.flip();
            try {
                InnerPacket packet = InnerPacket.parse(buffer);
                if (wanted.test(packet)) {
                    byte[] bytes = new byte[length];
                    buffer.get(bytes);
                    return bytes;
                }
                skipped.add(packet.toString());
            } catch (PacketParseException e) {
                skipped.add(length + " bytes: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            tun.close();
        } finally {
            ns.close();
        }
    }
}
