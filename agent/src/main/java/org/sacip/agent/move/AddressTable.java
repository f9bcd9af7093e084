package org.sacip.agent.move;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sacip.netlink.route.AddressEvent;
import org.sacip.netlink.route.AddressFlag;
import org.sacip.netlink.route.InterfaceAddress;
import org.sacip.netlink.route.LinkEvent;
import org.sacip.netlink.route.LinkInfo;
import org.sacip.netlink.route.LinkLayer;
import org.sacip.netlink.route.RtnetlinkEvent;

/**
 * The local addresses and interfaces as the kernel last reported them, and which addresses are usable as a
 * source: on a managed interface that is up and has not lost its carrier, not on loopback (where the ghosts live),
 * not host scope, and past duplicate address detection (TENTATIVE cleared, not DADFAILED). Every update returns
 * what changed in the usable set, so a deleted address, a downed interface, a lost carrier and a DAD result all
 * come out as the same two kinds of change. Only a carrier seen and then lost counts: an interface that never had
 * one (a bridge without ports holding service addresses) keeps its addresses usable.
 * An event only re-examines the addresses it touches, so hosts with many addresses stay cheap. Pure logic, fed by
 * a dump and by {@link RtnetlinkEvent}s; not thread-safe.
 */
public final class AddressTable {
    private final ManagedScope scope;
    private final Map<Integer, LinkInfo> links = new HashMap<>();
    /** Interfaces that are up but lost the carrier they had. */
    private final Set<Integer> carrierLost = new HashSet<>();
    /** Address -> interface index -> the kernel's record; one address may sit on several interfaces (and lo). */
    private final Map<InetAddress, Map<Integer, InterfaceAddress>> addresses = new LinkedHashMap<>();

    public AddressTable(ManagedScope scope) {
        this.scope = scope;
    }

    /** Replaces the whole state with a fresh dump (at start, and after an event overrun); returns the difference. */
    public List<AddressChange> reset(List<LinkInfo> dumpedLinks, List<InterfaceAddress> dumpedAddresses) {
        Set<InetAddress> affected = new LinkedHashSet<>(addresses.keySet());
        dumpedAddresses.forEach(address -> affected.add(address.address()));
        Map<InetAddress, InterfaceAddress> before = usable(affected);
        Map<Integer, LinkInfo> previous = new HashMap<>(links);
        links.clear();
        addresses.clear();
        carrierLost.retainAll(dumpedLinks.stream().map(LinkInfo::index).toList());
        dumpedLinks.forEach(link -> {
            noteCarrier(previous.get(link.index()), link);
            links.put(link.index(), link);
        });
        dumpedAddresses.forEach(this::put);
        return difference(affected, before, LossCause.REMOVED);
    }

    /** Applies one event; returns the changes of usable addresses it caused (often none). */
    public List<AddressChange> apply(RtnetlinkEvent event) {
        if (event instanceof AddressEvent addressEvent) {
            InterfaceAddress address = addressEvent.address();
            Set<InetAddress> affected = Set.of(address.address());
            Map<InetAddress, InterfaceAddress> before = usable(affected);
            LossCause cause = LossCause.REMOVED;
            if (addressEvent.kind() == AddressEvent.Kind.ADDED) {
                put(address);
                if (address.has(AddressFlag.DADFAILED)) {
                    cause = LossCause.DAD_FAILED;
                }
            } else {
                remove(address.address(), address.interfaceIndex());
            }
            return difference(affected, before, cause);
        }
        if (event instanceof LinkEvent linkEvent) {
            LinkInfo link = linkEvent.link();
            Set<InetAddress> affected = addressesOn(link.index());
            Map<InetAddress, InterfaceAddress> before = usable(affected);
            if (linkEvent.kind() == LinkEvent.Kind.REMOVED) {
                links.remove(link.index());
                carrierLost.remove(link.index());
                affected.forEach(address -> remove(address, link.index()));
                return difference(affected, before, LossCause.REMOVED);
            }
            noteCarrier(links.get(link.index()), link);
            links.put(link.index(), link);
            return difference(affected, before, LossCause.LINK_DOWN);
        }
        // Route events do not change which addresses are local; the planner asks the kernel for routes itself.
        return List.of();
    }

    /** Whether {@code address} is usable as a source right now. */
    public boolean isUsable(InetAddress address) {
        return usableRecord(address).isPresent();
    }

    /** The interface a usable address is on. */
    public Optional<Integer> interfaceOf(InetAddress address) {
        return usableRecord(address).map(InterfaceAddress::interfaceIndex);
    }

    /** The name of an interface, or empty if it is not known. */
    public Optional<String> interfaceName(int index) {
        return Optional.ofNullable(links.get(index)).map(LinkInfo::name);
    }

    /** Whether the address is configured on some interface, usable or not (e.g. still tentative). */
    public boolean isConfigured(InetAddress address) {
        return addresses.containsKey(address);
    }

    /** Every usable address with the name of its interface (for status output). */
    public Map<InetAddress, String> usableAddresses() {
        Map<InetAddress, String> usable = new LinkedHashMap<>();
        usable(addresses.keySet()).forEach((address, record) -> usable.put(address,
                interfaceName(record.interfaceIndex()).orElse("#" + record.interfaceIndex())));
        return usable;
    }

    /** The managed interfaces as last reported. */
    public List<LinkInfo> managedLinks() {
        return links.values().stream().filter(this::managed).toList();
    }

    /** An interface that is up and had a carrier but has none now lost it; one that is down or has one did not. */
    private void noteCarrier(LinkInfo before, LinkInfo after) {
        if (!after.up() || after.carrier()) {
            carrierLost.remove(after.index());
        } else if (before != null && before.up() && before.carrier()) {
            carrierLost.add(after.index());
        }
    }

    private void put(InterfaceAddress address) {
        addresses.computeIfAbsent(address.address(), key -> new LinkedHashMap<>())
                .put(address.interfaceIndex(), address);
    }

    private void remove(InetAddress address, int interfaceIndex) {
        Map<Integer, InterfaceAddress> byInterface = addresses.get(address);
        if (byInterface != null) {
            byInterface.remove(interfaceIndex);
            if (byInterface.isEmpty()) {
                addresses.remove(address);
            }
        }
    }

    private Set<InetAddress> addressesOn(int interfaceIndex) {
        Set<InetAddress> on = new LinkedHashSet<>();
        addresses.forEach((address, byInterface) -> {
            if (byInterface.containsKey(interfaceIndex)) {
                on.add(address);
            }
        });
        return on;
    }

    private Optional<InterfaceAddress> usableRecord(InetAddress address) {
        Map<Integer, InterfaceAddress> byInterface = addresses.get(address);
        if (byInterface == null) {
            return Optional.empty();
        }
        return byInterface.values().stream().filter(this::usable).findFirst();
    }

    private Map<InetAddress, InterfaceAddress> usable(Collection<InetAddress> candidates) {
        Map<InetAddress, InterfaceAddress> usable = new LinkedHashMap<>();
        for (InetAddress address : candidates) {
            usableRecord(address).ifPresent(record -> usable.put(address, record));
        }
        return usable;
    }

    private boolean usable(InterfaceAddress address) {
        LinkInfo link = links.get(address.interfaceIndex());
        boolean pastDad = !address.has(AddressFlag.DADFAILED)
                && (!address.has(AddressFlag.TENTATIVE) || address.has(AddressFlag.OPTIMISTIC));
        return link != null && link.up() && !carrierLost.contains(link.index()) && managed(link) && pastDad
                && address.scope() != InterfaceAddress.SCOPE_HOST
                && scope.managesAddress(address.address());
    }

    private boolean managed(LinkInfo link) {
        return link.linkLayer() != LinkLayer.LOOPBACK && scope.managesInterface(link.name());
    }

    private List<AddressChange> difference(Set<InetAddress> affected, Map<InetAddress, InterfaceAddress> before,
            LossCause cause) {
        Map<InetAddress, InterfaceAddress> after = usable(affected);
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
        InterfaceAddress still = addresses.getOrDefault(address, Map.of()).get(was.interfaceIndex());
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
        if (carrierLost.contains(link.index())) {
            return LossCause.CARRIER_LOST;
        }
        return eventCause;
    }
}
