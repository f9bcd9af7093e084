package org.sacip.agent.session;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared object per address for the endpoints of sessions. Every session used to carry two address objects of
 * its own (about 110 bytes, 8 % of what a session keeps on the heap), although a host's sessions go to a handful of
 * addresses; shared ones also let map lookups compare tuples by identity. Only plain addresses are shared: an IPv6
 * address with a scope (a link-local peer on one interface) stays the caller's, since equality ignores the scope.
 * The canonical object carries no host name. Bounded: when {@code capacity} addresses are held the table starts
 * over (objects handed out stay valid), so a flood of addresses costs at most that much.
 */
final class InternedAddresses {
    static final int CAPACITY = 65_536;
    private static final InternedAddresses SHARED = new InternedAddresses(CAPACITY);

    private final int capacity;
    private final ConcurrentHashMap<InetAddress, InetAddress> table = new ConcurrentHashMap<>();

    InternedAddresses(int capacity) {
        this.capacity = capacity;
    }

    /** The shared object equal to {@code address}, or {@code address} itself where it must not be shared. */
    static InetAddress of(InetAddress address) {
        return SHARED.intern(address);
    }

    InetAddress intern(InetAddress address) {
        if (address instanceof Inet6Address v6 && (v6.getScopeId() != 0 || v6.getScopedInterface() != null)) {
            return address;
        }
        InetAddress known = table.get(address);
        if (known != null) {
            return known;
        }
        if (table.size() >= capacity) {
            table.clear();
        }
        InetAddress canonical;
        try {
            canonical = InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            return address; // not thrown for a 4- or 16-octet array
        }
        InetAddress raced = table.putIfAbsent(canonical, canonical);
        return raced != null ? raced : canonical;
    }

    int size() {
        return table.size();
    }
}
