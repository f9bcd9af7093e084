package org.sacip.agent.move;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.sacip.netlink.route.AddressEvent;
import org.sacip.netlink.route.AddressFlag;
import org.sacip.netlink.route.InterfaceAddress;
import org.sacip.netlink.route.LinkEvent;
import org.sacip.netlink.route.LinkInfo;
import org.sacip.netlink.route.RouteInfo;

/** Typed kernel records for the pure-logic tests, shaped as the netlink parsers produce them. */
final class KernelFacts {
    static final int ARPHRD_ETHER = 1;
    static final int ARPHRD_LOOPBACK = 772;
    static final LinkInfo LO = new LinkInfo(1, "lo", new byte[6], ARPHRD_LOOPBACK, true, true, 65536, "");

    private KernelFacts() {
    }

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static LinkInfo link(int index, String name, boolean up) {
        return new LinkInfo(index, name, new byte[] {2, 0, 0, 0, 0, (byte) index}, ARPHRD_ETHER, up, up, 1500,
                "veth");
    }

    static InterfaceAddress address(int index, String text, AddressFlag... flags) {
        InetAddress address = ip(text);
        Set<AddressFlag> set = EnumSet.noneOf(AddressFlag.class);
        set.addAll(java.util.List.of(flags));
        int length = address.getAddress().length == 4 ? 24 : 64;
        int scope = address.isLinkLocalAddress() ? InterfaceAddress.SCOPE_LINK : InterfaceAddress.SCOPE_GLOBAL;
        return new InterfaceAddress(index, address, length, scope, set, "", InterfaceAddress.FOREVER,
                InterfaceAddress.FOREVER);
    }

    static InterfaceAddress ghost(String text) {
        InetAddress address = ip(text);
        boolean v4 = address.getAddress().length == 4;
        return new InterfaceAddress(LO.index(), address, v4 ? 32 : 128,
                v4 ? InterfaceAddress.SCOPE_HOST : InterfaceAddress.SCOPE_GLOBAL,
                v4 ? Set.of() : Set.of(AddressFlag.NODAD, AddressFlag.DEPRECATED), "lo", 0, InterfaceAddress.FOREVER);
    }

    static AddressEvent added(InterfaceAddress address) {
        return new AddressEvent(AddressEvent.Kind.ADDED, address);
    }

    static AddressEvent removed(InterfaceAddress address) {
        return new AddressEvent(AddressEvent.Kind.REMOVED, address);
    }

    static LinkEvent down(LinkInfo link) {
        return new LinkEvent(LinkEvent.Kind.DOWN, new LinkInfo(link.index(), link.name(), link.hardwareAddress(),
                link.arpType(), false, false, link.mtu(), link.kind()));
    }

    static LinkEvent up(LinkInfo link) {
        return new LinkEvent(LinkEvent.Kind.UP, new LinkInfo(link.index(), link.name(), link.hardwareAddress(),
                link.arpType(), true, true, link.mtu(), link.kind()));
    }

    /** The interface up, with or without its carrier (the other end of the cable or link gone). */
    static LinkEvent carrier(LinkInfo link, boolean carrier) {
        return new LinkEvent(carrier ? LinkEvent.Kind.CARRIER_UP : LinkEvent.Kind.CARRIER_DOWN, new LinkInfo(
                link.index(), link.name(), link.hardwareAddress(),
                link.arpType(), true, carrier, link.mtu(), link.kind()));
    }

    /** What RTM_GETROUTE answers for a peer: output interface and preferred source. */
    static RouteInfo routeVia(String peer, String source, int outputInterface) {
        InetAddress destination = ip(peer);
        int family = destination.getAddress().length == 4 ? 2 : 10;
        return new RouteInfo(family, Optional.of(destination), destination.getAddress().length * 8, outputInterface,
                Optional.empty(), Optional.ofNullable(source).map(KernelFacts::ip), 254, RouteInfo.TYPE_UNICAST, 0,
                0);
    }
}
