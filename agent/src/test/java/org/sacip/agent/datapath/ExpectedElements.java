package org.sacip.agent.datapath;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.nftables.AddressElement;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.nftables.TupleElement;
import org.sacip.netlink.nftables.TupleKey;

/**
 * The elements a test expects in the kernel, set by set, in the form {@link KernelState#elements} reads them: the
 * remappings' entries (checked byte by byte in {@link RemapEntriesTest}), and ghost addresses, ghost flows and stale
 * tuples written out here from the sessions themselves.
 */
final class ExpectedElements {
    private final Map<SetReference, Set<Element>> bySet = new LinkedHashMap<>();

    ExpectedElements remapping(Remapping remapping) {
        RemapEntries.of(remapping).forEach(entry -> add(entry.map(), entry.element()));
        return this;
    }

    ExpectedElements lingering(Lingering lingering) {
        lingering.entries().forEach(entry -> add(entry.map(), entry.element()));
        return this;
    }

    /** An active ghost and the flows of its holders, as the input hook sees them (peer to the ghost). */
    ExpectedElements activeGhost(InetAddress ghost, SessionTuple... holders) {
        boolean ipv4 = ghost instanceof Inet4Address;
        add(ipv4 ? SacipSets.GHOSTS4 : SacipSets.GHOSTS6, new AddressElement(ghost));
        if (ipv4) {
            add(SacipSets.ARP_GHOSTS4, new AddressElement(ghost));
        }
        return standbyGhost(ghost, holders);
    }

    /** A standby ghost: only the flows of its holders, ready for the moment it becomes active. */
    ExpectedElements standbyGhost(InetAddress ghost, SessionTuple... holders) {
        boolean ipv4 = ghost instanceof Inet4Address;
        for (SessionTuple holder : holders) {
            add(ipv4 ? SacipSets.GHOST_FLOWS4 : SacipSets.GHOST_FLOWS6, new TupleElement(new TupleKey(
                    holder.remote().address(), ghost, holder.protocol().number(), holder.remote().port(),
                    holder.local().port())));
        }
        return this;
    }

    /** The stale wire tuple from the peer's original endpoint to one of our addresses. */
    ExpectedElements stale(SessionTuple session, InetAddress localOnWire) {
        add(session.isIpv4() ? SacipSets.STALE4 : SacipSets.STALE6, new TupleElement(new TupleKey(
                session.remote().address(), localOnWire, session.protocol().number(), session.remote().port(),
                session.local().port())));
        return this;
    }

    Map<SetReference, Set<Element>> bySet() {
        return bySet;
    }

    private void add(SetReference set, Element element) {
        bySet.computeIfAbsent(set, s -> new LinkedHashSet<>()).add(element);
    }
}
