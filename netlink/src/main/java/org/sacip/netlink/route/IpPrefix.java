package org.sacip.netlink.route;

import java.net.InetAddress;
import java.util.Objects;
import org.sacip.netlink.AddressText;

/**
 * An address and a prefix length, as a rule's {@code from}/{@code to} selector or a route's destination. The
 * address is kept as given (the kernel keeps a rule's selector unmasked too; a route with host bits set is refused
 * by the kernel).
 */
public record IpPrefix(InetAddress address, int length) {

    public IpPrefix {
        Objects.requireNonNull(address, "address");
        int bits = address.getAddress().length * 8;
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " for " + AddressText.of(address));
        }
    }

    /** One address (/32 or /128). */
    public static IpPrefix host(InetAddress address) {
        return new IpPrefix(address, address.getAddress().length * 8);
    }

    public boolean isIpv4() {
        return address.getAddress().length == 4;
    }

    /** AF_INET or AF_INET6. */
    public int family() {
        return isIpv4() ? Rtnl.AF_INET : Rtnl.AF_INET6;
    }

    @Override
    public String toString() {
        return AddressText.of(address) + "/" + length;
    }
}
