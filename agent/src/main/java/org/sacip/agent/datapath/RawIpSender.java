package org.sacip.agent.datapath;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.net.Inet4Address;
import java.net.InetAddress;
import org.sacip.netlink.AddressText;
import org.sacip.netlink.Errno;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;

/**
 * Two raw IP sockets of one namespace ({@code IPPROTO_RAW}, one per IP version) that send packets exactly as written,
 * IP header included, with a packet mark. A packet sent to a local address goes out through {@code lo} and comes in
 * again like any other, through the hooks and conntrack to the stack's receive path. Not thread-safe.
 */
final class RawIpSender implements AutoCloseable {
    private interface Libc extends Library {
        Libc INSTANCE = Native.load("c", Libc.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int setsockopt(int fd, int level, int option, IntByReference value, int valueLength)
                throws LastErrorException;

        NativeLong sendto(int fd, Pointer buffer, NativeLong length, int flags, Pointer address, int addressLength)
                throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int IPPROTO_RAW = 255;
    private static final int SOL_SOCKET = 1;
    private static final int SO_MARK = 36;
    private static final int SOCKADDR_IN = 16;
    private static final int SOCKADDR_IN6 = 28;
    private static final int MAX_PACKET = 65535;

    private final int ipv4;
    private final int ipv6;
    private final Memory buffer = new Memory(MAX_PACKET);
    private final Memory address = new Memory(SOCKADDR_IN6);

    private RawIpSender(int ipv4, int ipv6) {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
    }

    /** Opens both sockets in {@code namespace} ({@code null}: the caller's); their packets carry {@code mark}. */
    static RawIpSender open(NetNamespace namespace, long mark) throws DataPathException {
        try {
            return namespace == null ? open(mark) : namespace.call(() -> open(mark));
        } catch (NetlinkException e) {
            throw new DataPathException("cannot open raw IP sockets in " + namespace.path(), e);
        }
    }

    private static RawIpSender open(long mark) throws DataPathException {
        int ipv4 = socket(AF_INET, mark);
        try {
            return new RawIpSender(ipv4, socket(AF_INET6, mark));
        } catch (DataPathException e) {
            Libc.INSTANCE.close(ipv4);
            throw e;
        }
    }

    private static int socket(int family, long mark) throws DataPathException {
        int fd;
        try {
            fd = Libc.INSTANCE.socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
        } catch (LastErrorException e) {
            throw new DataPathException("socket(" + (family == AF_INET ? "AF_INET" : "AF_INET6")
                    + ", SOCK_RAW, IPPROTO_RAW) failed: " + Errno.name(e.getErrorCode()));
        }
        try {
            Libc.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_MARK, new IntByReference((int) mark), 4);
        } catch (LastErrorException e) {
            Libc.INSTANCE.close(fd);
            throw new DataPathException("setsockopt(SO_MARK) failed: " + Errno.name(e.getErrorCode()));
        }
        return fd;
    }

    /** Sends one whole packet (its IP version that of {@code destination}), routed to {@code destination}. */
    void send(byte[] packet, InetAddress destination) throws DataPathException {
        if (packet.length > MAX_PACKET) {
            throw new IllegalArgumentException("a packet of " + packet.length + " bytes");
        }
        buffer.write(0, packet, 0, packet.length);
        address.clear();
        byte[] raw = destination.getAddress();
        boolean v4 = destination instanceof Inet4Address;
        if (v4) {
            address.setShort(0, (short) AF_INET);
            address.write(4, raw, 0, raw.length);
        } else {
            address.setShort(0, (short) AF_INET6);
            address.write(8, raw, 0, raw.length);
        }
        try {
            Libc.INSTANCE.sendto(v4 ? ipv4 : ipv6, buffer, new NativeLong(packet.length), 0, address,
                    v4 ? SOCKADDR_IN : SOCKADDR_IN6);
        } catch (LastErrorException e) {
            throw new DataPathException("sending " + packet.length + " bytes to " + AddressText.of(destination)
                    + " failed: " + Errno.name(e.getErrorCode()));
        }
    }

    @Override
    public void close() {
        Libc.INSTANCE.close(ipv4);
        Libc.INSTANCE.close(ipv6);
    }
}
