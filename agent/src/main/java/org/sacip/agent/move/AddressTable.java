package org.sacip.agent.move;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sacip.netlink.route.AddressEvent;
import org.sacip.netlink.route.AddressFlag;
import org.sacip.netlink.route.InterfaceAddress;
import org.sacip.netlink.route.LinkEvent;
import org.sacip.netlink.route.LinkInfo;
import org.sacip.netlink.route.LinkLayer;
import org.sacip.netlink.route.RtnetlinkEvent;

/**
 * The local addresses and interfaces as the kernel last reported them, and which addresses are usable as a
 * source: on a managed interface that is up, not on loopback (where the ghosts live), not host scope, and past
 * duplicate address detection (TENTATIVE cleared, not DADFAILED). Every update returns what changed in the usable
 * set, so a deleted address, a downed interface and a DAD result all come out as the same two kinds of change.
 * Pure logic, fed by a dump and by {@link RtnetlinkEvent}s; not thread-safe.
 */
public final class AddressTable {
    private record Key(int interfaceIndex, InetAddress address) {
    }

    private final ManagedScope scope;
    private final Map<Integer, LinkInfo> links = new HashMap<>();
    private final Map<Key, InterfaceAddress> addresses = new LinkedHashMap<>();

    public AddressTable(ManagedScope scope) {
        this.scope = scope;
    }

    /** Replaces the whole state with a fresh dump (at start, and after an event overrun); returns the difference. */
    public List<AddressChange> reset(List<LinkInfo> dumpedLinks, List<InterfaceAddress> dumpedAddresses) {
        Map<InetAddress, InterfaceAddress> before = usableAddresses();
        links.clear();
        addresses.clear();
        dumpedLinks.forEach(link -> links.put(link.index(), link));
        dumpedAddresses.forEach(address -> addresses.put(key(address), address));
        return difference(before, LossCause.REMOVED);
    }

    /** Applies one event; returns the changes of usable addresses it caused (often none). */
    public List<AddressChange> apply(RtnetlinkEvent event) {
        Map<InetAddress, InterfaceAddress> before = usableAddresses();
        LossCause cause = LossCause.REMOVED;
        if (event instanceof AddressEvent addressEvent) {
            InterfaceAddress address = addressEvent.address();
            if (addressEvent.kind() == AddressEvent.Kind.ADDED) {
                addresses.put(key(address), address);
                if (address.has(AddressFlag.DADFAILED)) {
                    cause = LossCause.DAD_FAILED;
                }
            } else {
                addresses.remove(key(address));
            }
        } else if (event instanceof LinkEvent linkEvent) {
            LinkInfo link = linkEvent.link();
            if (linkEvent.kind() == LinkEvent.Kind.REMOVED) {
                links.remove(link.index());
                addresses.keySet().removeIf(key -> key.interfaceIndex() == link.index());
            } else {
                links.put(link.index(), link);
                cause = LossCause.LINK_DOWN;
            }
        }
        // Route events do not change which addresses are local; the planner asks the kernel for routes itself.
        return difference(before, cause);
    }

    /** Whether {@code address} is usable as a source right now. */
    public boolean isUsable(InetAddress address) {
        return usableAddresses().containsKey(address);
    }

    /** The interface a usable address is on. */
    public Optional<Integer> interfaceOf(InetAddress address) {
        return Optional.ofNullable(usableAddresses().get(address)).map(InterfaceAddress::interfaceIndex);
    }

    /** The name of an interface, or empty if it is not known. */
    public Optional<String> interfaceName(int index) {
        return Optional.ofNullable(links.get(index)).map(LinkInfo::name);
    }

    /** Whether the address is configured on some interface, usable or not (e.g. still tentative). */
    public boolean isConfigured(InetAddress address) {
        return addresses.keySet().stream().anyMatch(key -> key.address().equals(address));
    }

    /** The managed interfaces as last reported. */
    public List<LinkInfo> managedLinks() {
        return links.values().stream().filter(this::managed).toList();
    }

    private Map<InetAddress, InterfaceAddress> usableAddresses() {
        Map<InetAddress, InterfaceAddress> usable = new LinkedHashMap<>();
        for (InterfaceAddress address : addresses.values()) {
            if (usable(address)) {
                usable.putIfAbsent(address.address(), address);
            }
        }
        return usable;
    }

    private boolean usable(InterfaceAddress address) {
        LinkInfo link = links.get(address.interfaceIndex());
        boolean pastDad = !address.has(AddressFlag.DADFAILED)
                && (!address.has(AddressFlag.TENTATIVE) || address.has(AddressFlag.OPTIMISTIC));
        return link != null && link.up() && managed(link) && pastDad
                && address.scope() != InterfaceAddress.SCOPE_HOST
                && scope.managesAddress(address.address());
    }

    private boolean managed(LinkInfo link) {
        return link.linkLayer() != LinkLayer.LOOPBACK && scope.managesInterface(link.name());
    }

    private List<AddressChange> difference(Map<InetAddress, InterfaceAddress> before, LossCause cause) {
        Map<InetAddress, InterfaceAddress> after = usableAddresses();
        List<AddressChange> changes = new ArrayList<>();
        before.forEach((address, was) -> {
            if (!after.containsKey(address)) {
                changes.add(new AddressChange.Lost(address, was.interfaceIndex(), lossCause(address, was, cause)));
            }
        });
        after.forEach((address, now) -> {
            if (!before.containsKey(address)) {
                changes.add(new AddressChange.Usable(address, now.interfaceIndex()));
            }
        });
        return changes;
    }

    /** Refines the event's cause by what is left: an address still configured on a down link was not deleted. */
    private LossCause lossCause(InetAddress address, InterfaceAddress was, LossCause eventCause) {
        InterfaceAddress still = addresses.get(new Key(was.interfaceIndex(), address));
        if (still == null) {
            return LossCause.REMOVED;
        }
        if (still.has(AddressFlag.DADFAILED)) {
            return LossCause.DAD_FAILED;
        }
        LinkInfo link = links.get(was.interfaceIndex());
        if (link == null || !link.up()) {
            return LossCause.LINK_DOWN;
        }
        return eventCause;
    }

    private static Key key(InterfaceAddress address) {
        return new Key(address.interfaceIndex(), address.address());
    }
}
