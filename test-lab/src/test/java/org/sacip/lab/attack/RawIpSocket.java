package org.sacip.lab.attack;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.net.Inet4Address;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;

/**
 * A raw IPv4 socket (IPPROTO_RAW: the caller writes the whole IP header, any source address) opened inside a lab
 * namespace: the attacker's tool. A socket belongs to the namespace it was made in, so it can be used from any thread.
 */
final class RawIpSocket implements AutoCloseable {
    private interface Libc extends Library {
        Libc INSTANCE = Native.load("c", Libc.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, Pointer buffer, NativeLong length, int flags, Pointer address, int addressLength)
                throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final int AF_INET = 2;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_RAW = 255;

    private final int fd;
    private final Memory buffer = new Memory(65536);
    private final Memory address = new Memory(16);

    private RawIpSocket(int fd) {
        this.fd = fd;
    }

    static RawIpSocket open(String namespace) throws NetlinkException {
        return NetNamespace.named(namespace).call(() -> new RawIpSocket(Libc.INSTANCE.socket(AF_INET, SOCK_RAW,
                IPPROTO_RAW)));
    }

    /** Sends one complete IPv4 packet towards its destination; false when the kernel refused it (e.g. ENOBUFS). */
    synchronized boolean send(byte[] packet) {
        buffer.write(0, packet, 0, packet.length);
        address.clear();
        address.setShort(0, (short) AF_INET);
        address.write(4, new byte[] {packet[16], packet[17], packet[18], packet[19]}, 0, 4);
        try {
            Libc.INSTANCE.sendto(fd, buffer, new NativeLong(packet.length), 0, address, 16);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    static byte[] destinationOf(Inet4Address address) {
        return address.getAddress();
    }

    @Override
    public void close() {
        Libc.INSTANCE.close(fd);
    }
}
