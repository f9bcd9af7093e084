package org.sacip.lab.attack;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;

/**
 * A packet socket (AF_PACKET, SOCK_RAW) bound to nothing and sending whole Ethernet frames out of one interface of a
 * lab host: the on-link attacker who chooses the link-layer destination too (a victim's MAC for a packet whose IP
 * destination is someone else, or a multicast MAC). Protocol 0: it never receives.
 */
final class FrameSocket implements AutoCloseable {
    private static final int AF_PACKET = 17;
    private static final int SOCK_RAW = 3;
    private static final int SOCKADDR_LL = 20;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;

    private final int fd;
    private final LinkAddress out;
    private final Memory buffer = new Memory(65536);
    private final Memory address = new Memory(SOCKADDR_LL);

    private FrameSocket(int fd, LinkAddress out) {
        this.fd = fd;
        this.out = out;
    }

    /** A socket that sends out of {@code out} (an interface of the host whose namespace is {@code namespace}). */
    static FrameSocket open(String namespace, LinkAddress out) throws NetlinkException {
        return NetNamespace.named(namespace).call(() -> new FrameSocket(
                SocketCalls.LIBC.socket(AF_PACKET, SOCK_RAW, 0), out));
    }

    /**
     * Sends the IP packet in a frame from this interface's MAC to {@code destinationMac}; false when the kernel
     * refused it.
     */
    synchronized boolean send(byte[] destinationMac, byte[] ipPacket) {
        int ethertype = (ipPacket[0] & 0xf0) == 0x60 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
        byte[] frame = ByteBuffer.allocate(14 + ipPacket.length).put(destinationMac).put(out.mac())
                .putShort((short) ethertype).put(ipPacket).array();
        buffer.write(0, frame, 0, frame.length);
        address.clear();
        address.setShort(0, (short) AF_PACKET);
        // sll_protocol is in network byte order; the family and index are native integers.
        address.setByte(2, (byte) (ethertype >> 8));
        address.setByte(3, (byte) ethertype);
        address.setInt(4, out.index());
        address.setByte(11, (byte) 6);
        address.write(12, destinationMac, 0, 6);
        try {
            SocketCalls.LIBC.sendto(fd, buffer, new NativeLong(frame.length), 0, address, SOCKADDR_LL);
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
