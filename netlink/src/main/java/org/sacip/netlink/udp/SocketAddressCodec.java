package org.sacip.netlink.udp;

import com.sun.jna.Pointer;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.sacip.netlink.LibC;

/**
 * {@code struct sockaddr_in} (16 octets) and {@code struct sockaddr_in6} (28 octets) in native memory: the family in
 * host order, the port and address in network order.
 */
final class SocketAddressCodec {
    static final int SOCKADDR_IN = 16;
    static final int SOCKADDR_IN6 = 28;

    private SocketAddressCodec() {
    }

    /** Writes {@code address} (null: the wildcard of {@code family}) and {@code port}; returns the length. */
    static int write(Pointer memory, int family, InetAddress address, int port) {
        int length = family == LibC.AF_INET ? SOCKADDR_IN : SOCKADDR_IN6;
        memory.clear(length);
        memory.setShort(0, (short) family);
        memory.setByte(2, (byte) (port >>> 8));
        memory.setByte(3, (byte) port);
        if (address != null) {
            byte[] raw = address.getAddress();
            memory.write(family == LibC.AF_INET ? 4 : 8, raw, 0, raw.length);
        }
        return length;
    }

    static int port(Pointer memory) {
        return ((memory.getByte(2) & 0xff) << 8) | (memory.getByte(3) & 0xff);
    }

    static InetAddress address(Pointer memory, int family) {
        return family == LibC.AF_INET ? inet(memory.getByteArray(4, 4)) : inet(memory.getByteArray(8, 16));
    }

    static InetAddress inet(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            // Only thrown for a length other than 4 or 16, which the callers never pass.
            throw new IllegalStateException(e);
        }
    }

    /** The socket family an address needs. */
    static int familyOf(InetAddress address) {
        if (address instanceof Inet4Address) {
            return LibC.AF_INET;
        }
        if (address instanceof Inet6Address) {
            return LibC.AF_INET6;
        }
        throw new IllegalArgumentException("not an IP address: " + address);
    }
}
