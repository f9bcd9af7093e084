package org.sacip.lab.attack;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;

/**
 * A raw IP socket (IPPROTO_RAW: the caller writes the whole IPv4 or IPv6 header, any source address) opened inside
 * a lab namespace: the attacker's tool. The kernel routes the packet by its destination and changes nothing in it.
 * A socket belongs to the namespace it was made in, so it can be used from any thread.
 */
final class RawIpSocket implements AutoCloseable {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_RAW = 255;
    private static final int SOCKADDR_IN = 16;
    private static final int SOCKADDR_IN6 = 28;

    private final int fd;
    private final boolean ipv6;
    private final Memory buffer = new Memory(65536);
    private final Memory address = new Memory(SOCKADDR_IN6);

    private RawIpSocket(int fd, boolean ipv6) {
        this.fd = fd;
        this.ipv6 = ipv6;
    }

    /** An IPv4 raw socket. */
    static RawIpSocket open(String namespace) throws NetlinkException {
        return open(namespace, false);
    }

    /** A raw socket for packets of the family of {@code example}. */
    static RawIpSocket open(String namespace, InetAddress example) throws NetlinkException {
        return open(namespace, example instanceof Inet6Address);
    }

    /** With IPPROTO_RAW an IPv6 socket has IPV6_HDRINCL implied, as an IPv4 one has IP_HDRINCL. */
    static RawIpSocket open(String namespace, boolean ipv6) throws NetlinkException {
        return NetNamespace.named(namespace).call(() -> new RawIpSocket(
                SocketCalls.LIBC.socket(ipv6 ? AF_INET6 : AF_INET, SOCK_RAW, IPPROTO_RAW), ipv6));
    }

    /** Sends one complete packet towards its destination; false when the kernel refused it (e.g. ENOBUFS). */
    synchronized boolean send(byte[] packet) {
        boolean packetIsV6 = (packet[0] & 0xf0) == 0x60;
        if (packetIsV6 != ipv6) {
            throw new IllegalArgumentException("an IPv" + (packetIsV6 ? 6 : 4) + " packet on an IPv"
                    + (ipv6 ? 6 : 4) + " raw socket");
        }
        buffer.write(0, packet, 0, packet.length);
        address.clear();
        int length;
        if (ipv6) {
            address.setShort(0, (short) AF_INET6);
            address.write(8, packet, 24, 16);
            length = SOCKADDR_IN6;
        } else {
            address.setShort(0, (short) AF_INET);
            address.write(4, packet, 16, 4);
            length = SOCKADDR_IN;
        }
        try {
            SocketCalls.LIBC.sendto(fd, buffer, new NativeLong(packet.length), 0, address, length);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    @Override
    public void close() {
        SocketCalls.LIBC.close(fd);
    }
}
