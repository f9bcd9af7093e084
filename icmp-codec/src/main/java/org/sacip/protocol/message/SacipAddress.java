package org.sacip.protocol.message;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address as SACIP carries it. On the wire every address takes the same 20 octets:
 * family (4 or 6), three zero octets, then 16 address octets (an IPv4 address in the first four, the rest zero).
 */
public final class SacipAddress {
    /** Octets of one address on the wire, for either family. */
    public static final int WIRE_LENGTH = 20;

    private final AddressFamily family;
    private final byte[] address;

    private SacipAddress(AddressFamily family, byte[] address) {
        this.family = family;
        this.address = address;
    }

    /** @param address 4 octets for IPv4, 16 for IPv6 */
    public static SacipAddress of(AddressFamily family, byte[] address) {
        if (address.length != family.addressLength()) {
            throw new IllegalArgumentException(family + " address must be " + family.addressLength() + " octets");
        }
        return new SacipAddress(family, address.clone());
    }

    public static SacipAddress of(InetAddress address) {
        // Inet6Address keeps IPv4-mapped forms out: the JDK turns ::ffff:a.b.c.d into an Inet4Address.
        AddressFamily family = address instanceof Inet4Address ? AddressFamily.IPV4 : AddressFamily.IPV6;
        return new SacipAddress(family, address.getAddress());
    }

    /** Parses a numeric IPv4 or IPv6 literal; never does a name lookup. */
    public static SacipAddress parse(String literal) {
        if (literal.isEmpty() || !literal.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("not a numeric IP address: " + literal);
        }
        try {
            return of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a numeric IP address: " + literal, e);
        }
    }

    public AddressFamily family() {
        return family;
    }

    public byte[] addressBytes() {
        return address.clone();
    }

    /**
     * True when this can be a unicast host address, the only kind SACIP carries (docs/PROTOCOL.md section 3): not
     * IPv4 0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/4 (multicast) or 240.0.0.0/4 (including 255.255.255.255), not IPv6
     * ::, ::1, ff00::/8 (multicast) or ::ffff:0:0/96 (IPv4-mapped). Link-local addresses are unicast and pass.
     */
    public boolean isUnicastHost() {
        int first = address[0] & 0xFF;
        if (family == AddressFamily.IPV4) {
            return first != 0 && first != 127 && first < 224;
        }
        if (first == 0xFF) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return true;
            }
        }
        boolean mapped = address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
        boolean unspecifiedOrLoopback = address[10] == 0 && address[11] == 0 && address[12] == 0
                && address[13] == 0 && address[14] == 0 && (address[15] == 0 || address[15] == 1);
        return !mapped && !unspecifiedOrLoopback;
    }

    /** Throws IllegalArgumentException unless {@link #isUnicastHost()}; returns this address. */
    public SacipAddress requireUnicastHost(String what) {
        if (!isUnicastHost()) {
            throw new IllegalArgumentException(what + " " + this + " is not a unicast host address");
        }
        return this;
    }

    public InetAddress toInetAddress() {
        try {
            return family == AddressFamily.IPV4
                    ? InetAddress.getByAddress(address)
                    : Inet6Address.getByAddress(null, address, null);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("length was checked on construction", e);
        }
    }

    /** The 20-octet wire form. */
    public byte[] toWire() {
        byte[] wire = new byte[WIRE_LENGTH];
        wire[0] = (byte) family.code();
        System.arraycopy(address, 0, wire, 4, address.length);
        return wire;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SacipAddress o && family == o.family && Arrays.equals(address, o.address);
    }

    @Override
    public int hashCode() {
        return 31 * family.hashCode() + Arrays.hashCode(address);
    }

    @Override
    public String toString() {
        return toInetAddress().getHostAddress();
    }
}
