package org.sacip.lab.attack;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.sacip.lab.topology.Family;
import org.sacip.lab.traffic.Tuples;
import org.sacip.netlink.AddressText;

/** Lab addresses as objects and as the agent prints them (IPv6 in RFC 5952 form, endpoints "[v6]:port"). */
public final class Addresses {
    private Addresses() {
    }

    /** The lab address of host {@code host} on subnet {@code subnet} (198.18.S.H or 2001:db8:S::H). */
    public static InetAddress of(Family family, int subnet, int host) {
        return of(family.address(subnet, host));
    }

    static InetAddress of(String literal) {
        if (!literal.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an address literal: " + literal);
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + literal, e);
        }
    }

    public static String text(InetAddress address) {
        return AddressText.of(address);
    }

    public static String endpoint(InetAddress address, int port) {
        return Tuples.format(new InetSocketAddress(address, port));
    }
}
