package org.sacip.agent.session;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;

/**
 * A raw IP socket (IPPROTO_RAW: the caller writes the whole IP header, so any source address) opened in a lab
 * namespace, that sends UDP datagrams with a forged source: what an attacker on the path can do. IPv4 and IPv6 (an
 * IPPROTO_RAW socket of either family includes the header, Linux 4.5 and later). A socket belongs to the namespace it
 * was made in, so it is used from the test's thread.
 */
final class RawUdpSender implements AutoCloseable {
    private interface Libc extends Library {
        Libc INSTANCE = Native.load("c", Libc.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, Memory buffer, NativeLong length, int flags, Memory address, int addressLength)
                throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_RAW = 255;
    private static final int UDP = 17;

    private final int fd;
    private final boolean ipv4;

    private RawUdpSender(int fd, boolean ipv4) {
        this.fd = fd;
        this.ipv4 = ipv4;
    }

    static RawUdpSender open(NetNamespace namespace, int ipVersion) throws NetlinkException {
        boolean ipv4 = ipVersion == 4;
        return namespace.call(() -> new RawUdpSender(Libc.INSTANCE.socket(ipv4 ? AF_INET : AF_INET6, SOCK_RAW,
                IPPROTO_RAW), ipv4));
    }

    /** Sends one UDP datagram from {@code source} (anyone's) to {@code destination}. */
    void send(InetSocketAddress source, InetSocketAddress destination, byte[] payload) {
        if ((source.getAddress() instanceof Inet4Address) != ipv4
                || (destination.getAddress() instanceof Inet4Address) != ipv4) {
            throw new IllegalArgumentException("a " + (ipv4 ? "IPv4" : "IPv6") + " socket cannot send " + source
                    + " -> " + destination);
        }
        byte[] packet = ipv4 ? ipv4Packet(source, destination, payload) : ipv6Packet(source, destination, payload);
        Memory buffer = new Memory(packet.length);
        buffer.write(0, packet, 0, packet.length);
        byte[] to = destination.getAddress().getAddress();
        Memory address = new Memory(ipv4 ? 16 : 28);
        address.clear();
        address.setShort(0, (short) (ipv4 ? AF_INET : AF_INET6));
        address.write(ipv4 ? 4 : 8, to, 0, to.length);
        Libc.INSTANCE.sendto(fd, buffer, new NativeLong(packet.length), 0, address, (int) address.size());
    }

    private static byte[] ipv4Packet(InetSocketAddress source, InetSocketAddress destination, byte[] payload) {
        byte[] udp = udp(source, destination, payload);
        ByteBuffer packet = ByteBuffer.allocate(20 + udp.length);
        packet.put((byte) 0x45).put((byte) 0).putShort((short) (20 + udp.length)).putShort((short) 0)
                .putShort((short) 0x4000).put((byte) 64).put((byte) UDP).putShort((short) 0)
                .put(source.getAddress().getAddress()).put(destination.getAddress().getAddress()).put(udp);
        byte[] bytes = packet.array();
        int checksum = checksum(0, bytes, 0, 20);
        bytes[10] = (byte) (checksum >> 8);
        bytes[11] = (byte) checksum;
        return bytes;
    }

    private static byte[] ipv6Packet(InetSocketAddress source, InetSocketAddress destination, byte[] payload) {
        byte[] udp = udp(source, destination, payload);
        return ByteBuffer.allocate(40 + udp.length).putInt(6 << 28).putShort((short) udp.length).put((byte) UDP)
                .put((byte) 64).put(source.getAddress().getAddress()).put(destination.getAddress().getAddress())
                .put(udp).array();
    }

    /** The UDP header and payload, with the checksum over the pseudo-header of either IP version. */
    private static byte[] udp(InetSocketAddress source, InetSocketAddress destination, byte[] payload) {
        int length = 8 + payload.length;
        byte[] udp = ByteBuffer.allocate(length).putShort((short) source.getPort())
                .putShort((short) destination.getPort()).putShort((short) length).putShort((short) 0).put(payload)
                .array();
        byte[] from = source.getAddress().getAddress();
        byte[] to = destination.getAddress().getAddress();
        long pseudo = sum(from) + sum(to) + UDP + length;
        int checksum = checksum(pseudo, udp, 0, udp.length);
        if (checksum == 0) {
            checksum = 0xffff;
        }
        udp[6] = (byte) (checksum >> 8);
        udp[7] = (byte) checksum;
        return udp;
    }

    private static long sum(byte[] bytes) {
        long sum = 0;
        for (int i = 0; i + 1 < bytes.length; i += 2) {
            sum += ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff);
        }
        return sum;
    }

    private static int checksum(long initial, byte[] data, int offset, int length) {
        long sum = initial;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += ((data[offset + i] & 0xff) << 8) | (data[offset + i + 1] & 0xff);
        }
        if (length % 2 == 1) {
            sum += (data[offset + length - 1] & 0xff) << 8;
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    @Override
    public void close() {
        Libc.INSTANCE.close(fd);
    }
}
