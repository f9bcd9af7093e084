package org.sacip.agent.session;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Set;

/**
 * Which conntrack dumps a session dump needs. A dump walks the conntrack table of the whole host, every namespace's
 * entries, whatever its filter: 262,144 buckets on the lab's machine, 9.3 ms in the kernel for an empty namespace
 * ({@code strace -T conntrack -L -p udp}), with each bucket locked in turn. A make-before-break move's look at its
 * new address, a second after the move, made two UDP dumps and the moved stream stalled for 9-12 ms then
 * (HandoverGapBenchmark: the longest silence a second after each move onto a new address). So a family is
 * walked only when one of the addresses looked at is of that family, and a look at some addresses (not the full
 * dump) walks for UDP only when a UDP socket could have a flow on them: bound to one of them, or to a wildcard
 * (conntrack's answered flows of ours always have a socket at our end; a connected socket is bound too).
 */
final class ConntrackWalks {
    private static final boolean[] NONE = {};

    private ConntrackWalks() {
    }

    /** The families (false: IPv4, true: IPv6) among {@code addresses}, IPv4 first. */
    static boolean[] families(Collection<InetAddress> addresses) {
        boolean v4 = addresses.stream().anyMatch(address -> !(address instanceof Inet6Address));
        boolean v6 = addresses.stream().anyMatch(address -> address instanceof Inet6Address);
        return v4 && v6 ? new boolean[] {false, true} : v4 ? new boolean[] {false} : v6 ? new boolean[] {true} : NONE;
    }

    /**
     * The UDP dumps for {@code addresses}: those of their families; for a look at some addresses only ({@code
     * scoped}), none unless a socket of {@code udpBound} (a wildcard as {@code new InetSocketAddress(port)}) is bound
     * to one of them or to a wildcard.
     */
    static boolean[] udpFamilies(Set<InetAddress> addresses, boolean scoped, Set<InetSocketAddress> udpBound) {
        if (scoped && udpBound.stream().map(InetSocketAddress::getAddress)
                .noneMatch(bound -> bound.isAnyLocalAddress() || addresses.contains(bound))) {
            return NONE;
        }
        return families(addresses);
    }
}
