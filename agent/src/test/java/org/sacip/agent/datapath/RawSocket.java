package org.sacip.agent.datapath;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;

/**
 * A raw IP socket opened inside a test namespace (a socket stays in the namespace it was made in, so it can be used
 * from any thread). A sender ({@code IPPROTO_RAW}) writes whole packets, IP header included, with any source
 * address; a receiver gets a copy of every packet of one protocol delivered to the namespace (IPv4 with its IP
 * header, IPv6 without, as the kernel hands them to raw sockets).
 */
final class RawSocket implements AutoCloseable {
    private interface Libc extends Library {
        Libc INSTANCE = Native.load("c", Libc.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, Pointer buffer, NativeLong length, int flags, Pointer address, int addressLength)
                throws LastErrorException;

        NativeLong recv(int fd, Pointer buffer, NativeLong length, int flags) throws LastErrorException;

        int poll(Pointer fds, NativeLong count, int timeoutMillis) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    static final int TCP = 6;
    static final int ICMP = 1;
    static final int ICMPV6 = 58;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_RAW = 255;
    private static final short POLLIN = 1;
    private static final int EINTR = 4;
    private static final int MAX_PACKET = 65536;

    private final int fd;
    private final boolean ipv6;
    private final Memory buffer = new Memory(MAX_PACKET);
    private final Memory address = new Memory(28);
    private final Memory pollFd = new Memory(8);

    private RawSocket(int fd, boolean ipv6) {
        this.fd = fd;
        this.ipv6 = ipv6;
    }

    /** A socket that sends complete packets (IP header included) of this IP version from the namespace. */
    static RawSocket sender(NetNamespace namespace, boolean ipv6) throws NetlinkException {
        return open(namespace, ipv6, IPPROTO_RAW);
    }

    /** A socket that receives a copy of every packet of {@code protocol} delivered in the namespace. */
    static RawSocket receiver(NetNamespace namespace, boolean ipv6, int protocol) throws NetlinkException {
        return open(namespace, ipv6, protocol);
    }

    private static RawSocket open(NetNamespace namespace, boolean ipv6, int protocol) throws NetlinkException {
        return namespace.call(() -> new RawSocket(Libc.INSTANCE.socket(ipv6 ? AF_INET6 : AF_INET, SOCK_RAW,
                protocol), ipv6));
    }

    /** Sends one complete packet to its destination. */
    synchronized void send(byte[] packet, InetAddress destination) {
        if ((destination instanceof Inet6Address) != ipv6) {
            throw new IllegalArgumentException("destination " + destination + " is not of the socket's IP version");
        }
        buffer.write(0, packet, 0, packet.length);
        address.clear();
        byte[] raw = destination.getAddress();
        int length;
        if (ipv6) {
            address.setShort(0, (short) AF_INET6);
            address.write(8, raw, 0, raw.length);
            length = 28;
        } else {
            address.setShort(0, (short) AF_INET);
            address.write(4, raw, 0, raw.length);
            length = 16;
        }
        try {
            Libc.INSTANCE.sendto(fd, buffer, new NativeLong(packet.length), 0, address, length);
        } catch (LastErrorException e) {
            throw new IllegalStateException("sendto failed with errno " + e.getErrorCode(), e);
        }
    }

    /** The next packet received within {@code timeout}, or empty. */
    synchronized Optional<byte[]> receive(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int waitMillis = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
            pollFd.setInt(0, fd);
            pollFd.setShort(4, POLLIN);
            pollFd.setShort(6, (short) 0);
            int ready;
            try {
                ready = Libc.INSTANCE.poll(pollFd, new NativeLong(1), waitMillis);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EINTR) {
                    continue;
                }
                throw new IllegalStateException("poll failed with errno " + e.getErrorCode(), e);
            }
            if (ready == 0) {
                return Optional.empty();
            }
            try {
                int length = Libc.INSTANCE.recv(fd, buffer, new NativeLong(MAX_PACKET), 0).intValue();
                return Optional.of(buffer.getByteArray(0, length));
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EINTR) {
                    continue;
                }
                throw new IllegalStateException("recv failed with errno " + e.getErrorCode(), e);
            }
        }
    }

    /** Drops what has queued up so far, so the next {@link #receive} returns a packet that arrives from now on. */
    synchronized void drain() {
        while (receive(Duration.ZERO).isPresent()) {
            // Discarded.
        }
    }

    @Override
    public synchronized void close() {
        Libc.INSTANCE.close(fd);
    }
}
