package org.sacip.netlink.route;

import java.net.InetAddress;
import java.util.Set;

/**
 * An address on an interface as the kernel reports it. {@code scope} is the rtnetlink scope number
 * (0 global, 253 link, 254 host); lifetimes are in seconds, {@code 0xffffffff} meaning forever.
 */
public record InterfaceAddress(
        int interfaceIndex,
        InetAddress address,
        int prefixLength,
        int scope,
        Set<AddressFlag> flags,
        String label,
        long preferredLifetime,
        long validLifetime) {

    public static final int SCOPE_GLOBAL = 0;
    public static final int SCOPE_LINK = 253;
    public static final int SCOPE_HOST = 254;
    public static final long FOREVER = 0xffffffffL;

    public InterfaceAddress {
        flags = Set.copyOf(flags);
    }

    public boolean has(AddressFlag flag) {
        return flags.contains(flag);
    }

    public boolean isIpv4() {
        return address.getAddress().length == 4;
    }
}
