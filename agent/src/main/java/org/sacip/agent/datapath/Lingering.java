package org.sacip.agent.datapath;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.nftables.TupleKey;

/**
 * An address a session was using on the wire until a moment ago, still accepted inbound for a grace period: the
 * other end switches only when our acknowledgement (or its confirmation) reaches it, and a packet from (or to) the
 * old address in between must not meet a socket-less tuple, or the kernel would answer it with a reset. For the
 * peer's old address (and port, when a NAT had translated it) the {@code inport} and {@code in} maps restore the
 * original source; for our old address {@code indst} restores our original destination.
 */
public record Lingering(SessionTuple session, InetAddress remoteOnWire, int remotePortOnWire,
        InetAddress localOnWire, Instant until) {

    /** The peer's old address with the socket's remote port (no port was translated). */
    public Lingering(SessionTuple session, InetAddress remoteOnWire, InetAddress localOnWire, Instant until) {
        this(session, remoteOnWire, session.remote().port(), localOnWire, until);
    }

    /** Whether both name the same old wire tuple (whatever their grace periods). */
    boolean sameWire(Lingering other) {
        return remoteOnWire.equals(other.remoteOnWire) && remotePortOnWire == other.remotePortOnWire
                && localOnWire.equals(other.localOnWire);
    }

    /** The inbound entries that keep accepting the old wire addresses (none when they are the original ones). */
    List<RemapEntry> entries() {
        boolean ipv4 = session.isIpv4();
        int protocol = session.protocol().number();
        InetAddress local = session.local().address();
        InetAddress remote = session.remote().address();
        int localPort = session.local().port();
        int remotePort = session.remote().port();
        List<RemapEntry> entries = new ArrayList<>(3);
        if (remotePortOnWire != remotePort) {
            entries.add(RemapEntries.portEntry(ipv4 ? SacipSets.INPORT4 : SacipSets.INPORT6,
                    new TupleKey(remoteOnWire, localOnWire, protocol, remotePortOnWire, localPort), remotePort));
        }
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
        int oldRemotePort = previous == null ? session.remote().port() : previous.activeRemotePort();
        boolean remoteChanged = !(oldRemote.equals(next.activeRemote()) && oldRemotePort == next.activeRemotePort())
                && !(oldRemote.equals(session.remote().address()) && oldRemotePort == session.remote().port());
        List<Lingering> result = new ArrayList<>(3);
        if (remoteChanged) {
            // Packets from the peer's old address (and port), to whatever we use now.
            result.add(new Lingering(session, oldRemote, oldRemotePort, next.activeLocal(), until));
        }
        if (previous != null) {
            // Packets to our old addresses, from the peer's restored source.
            InetAddress oldActive = previous.activeLocal();
            InetAddress oldSendFrom = previous.sendFrom();
            if (!stillAccepted(oldActive, next, originalLocal)) {
                result.add(new Lingering(session, session.remote().address(), oldActive, until));
            }
            if (!oldSendFrom.equals(oldActive) && !stillAccepted(oldSendFrom, next, originalLocal)) {
                result.add(new Lingering(session, session.remote().address(), oldSendFrom, until));
            }
        }
        return result;
    }

    /** Whether packets to {@code oldLocal} still reach the session after the change without a grace period. */
    private static boolean stillAccepted(InetAddress oldLocal, Remapping next, InetAddress originalLocal) {
        return oldLocal.equals(next.activeLocal()) || oldLocal.equals(next.sendFrom())
                || oldLocal.equals(originalLocal);
    }
}
