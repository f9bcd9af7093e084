package org.sacip.netlink.route;

import java.net.InetAddress;
import java.util.EnumSet;
import java.util.Set;

/**
 * An address to add to or delete from an interface. Lifetimes are in seconds, {@link InterfaceAddress#FOREVER}
 * meaning forever; a preferred lifetime of 0 makes an IPv6 address deprecated (last choice as source).
 */
public record AddressRequest(int interfaceIndex, InetAddress address, int prefixLength, int scope,
        Set<AddressFlag> flags, long preferredLifetime, long validLifetime) {

    public AddressRequest {
        int bits = address.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " for " + address.getHostAddress());
        }
        if (scope < 0 || scope > 255) {
            throw new IllegalArgumentException("scope " + scope + " is not 0..255");
        }
        if (interfaceIndex <= 0) {
            throw new IllegalArgumentException("interface index " + interfaceIndex);
        }
        flags = Set.copyOf(flags);
    }

    /** A plain global address, valid and preferred forever. */
    public static AddressRequest of(int interfaceIndex, InetAddress address, int prefixLength) {
        return new AddressRequest(interfaceIndex, address, prefixLength, InterfaceAddress.SCOPE_GLOBAL,
                EnumSet.noneOf(AddressFlag.class), InterfaceAddress.FOREVER, InterfaceAddress.FOREVER);
    }

    /**
     * The ghost form of an old address on loopback: IPv4 /32 scope host (never picked as a source for new
     * connections); IPv6 /128 without duplicate address detection and with preferred lifetime 0 (deprecated).
     */
    public static AddressRequest ghost(int loopbackIndex, InetAddress address) {
        if (address.getAddress().length == 4) {
            return new AddressRequest(loopbackIndex, address, 32, InterfaceAddress.SCOPE_HOST,
                    EnumSet.noneOf(AddressFlag.class), InterfaceAddress.FOREVER, InterfaceAddress.FOREVER);
        }
        return new AddressRequest(loopbackIndex, address, 128, InterfaceAddress.SCOPE_GLOBAL,
                EnumSet.of(AddressFlag.NODAD), 0, InterfaceAddress.FOREVER);
    }

    int family() {
        return address.getAddress().length == 4 ? Rtnl.AF_INET : Rtnl.AF_INET6;
    }
}
