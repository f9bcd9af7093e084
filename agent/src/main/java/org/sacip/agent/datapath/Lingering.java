package org.sacip.agent.datapath;

import org.sacip.agent.session.SessionTuple;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import org.sacip.netlink.nftables.TupleKey;

/**
 * An address a session was using on the wire until a moment ago, still accepted inbound for a grace period: the
 * other end switches only when our acknowledgement (or its confirmation) reaches it, and a packet from (or to) the
 * old address in between must not meet a socket-less tuple, or the kernel would answer it with a reset. For the
 * peer's old address the {@code in} map restores the original source; for our old address {@code indst} restores
 * our original destination.
 */
public record Lingering(SessionTuple session, InetAddress remoteOnWire, InetAddress localOnWire, Instant until) {

    /** The inbound entries that keep accepting the old wire addresses (none when they are the original ones). */
    List<RemapEntry> entries() {
        boolean ipv4 = session.isIpv4();
        int protocol = session.protocol().number();
        InetAddress local = session.local().address();
        InetAddress remote = session.remote().address();
        int localPort = session.local().port();
        int remotePort = session.remote().port();
        List<RemapEntry> entries = new ArrayList<>(2);
        if (!remoteOnWire.equals(remote)) {
            entries.add(RemapEntries.entry(ipv4 ? SacipSets.IN4 : SacipSets.IN6,
                    new TupleKey(remoteOnWire, localOnWire, protocol, remotePort, localPort), remote));
        }
        if (!localOnWire.equals(local)) {
            entries.add(RemapEntries.entry(ipv4 ? SacipSets.INDST4 : SacipSets.INDST6,
                    new TupleKey(remote, localOnWire, protocol, remotePort, localPort), local));
        }
        return entries;
    }

    /** What a change from {@code previous} to {@code next} leaves lingering (nothing if no wire address changed). */
    static List<Lingering> between(Remapping previous, Remapping next, Instant until) {
        SessionTuple session = next.original();
        InetAddress originalLocal = session.local().address();
        InetAddress oldRemote = previous == null ? session.remote().address() : previous.activeRemote();
        boolean remoteChanged = !oldRemote.equals(next.activeRemote()) && !oldRemote.equals(session.remote().address());
        List<Lingering> result = new ArrayList<>(3);
        if (remoteChanged) {
            // Packets from the peer's old address, to whatever we use now.
            result.add(new Lingering(session, oldRemote, next.activeLocal(), until));
        }
        if (previous != null) {
            Set<InetAddress> stillAccepted = new java.util.HashSet<>(List.of(next.activeLocal(), next.sendFrom(),
                    originalLocal));
            for (InetAddress oldLocal : new LinkedHashSet<>(List.of(previous.activeLocal(), previous.sendFrom()))) {
                if (!stillAccepted.contains(oldLocal)) {
                    // Packets to our old address, from the peer's restored source.
                    result.add(new Lingering(session, session.remote().address(), oldLocal, until));
                }
            }
        }
        return result;
    }
}
