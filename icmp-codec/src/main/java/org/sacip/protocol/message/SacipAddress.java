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
