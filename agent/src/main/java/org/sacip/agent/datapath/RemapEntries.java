package org.sacip.agent.datapath;

import org.sacip.agent.session.SessionTuple;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.sacip.netlink.nftables.MapElement;
import org.sacip.netlink.nftables.PortMapElement;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.nftables.TupleElement;
import org.sacip.netlink.nftables.TupleKey;

/**
 * Computes the map elements that put a {@link Remapping} on the wire. Each key is the packet's tuple as the rule
 * before it in the same chain leaves it (sacip.nft): inbound, {@code inport} sees the wire tuple and restores the
 * peer's port, then {@code in} sees the wire addresses with the socket's ports and restores the peer's source, then
 * {@code indst} sees that restored source; outbound, {@code out} sees the socket's tuple and sets the peer's new
 * address, then {@code outsrc} sees that new destination, then {@code outport} sees the new source too and sets the
 * peer's port on the wire. An {@code indst} entry accepts packets at the announced address; a lingering one
 * ({@link Lingering}) keeps accepting the address before it.
 */
public final class RemapEntries {
    private RemapEntries() {
    }

    public static List<RemapEntry> of(Remapping remapping) {
        SessionTuple original = remapping.original();
        boolean ipv4 = original.isIpv4();
        int protocol = original.protocol().number();
        InetAddress local = original.local().address();
        InetAddress remote = original.remote().address();
        int localPort = original.local().port();
        int remotePort = original.remote().port();
        InetAddress activeLocal = remapping.activeLocal();
        InetAddress sendFrom = remapping.sendFrom();
        InetAddress activeRemote = remapping.activeRemote();
        int activeRemotePort = remapping.activeRemotePort();
        if (remapping.carried()) {
            // Through the tunnel with the socket's tuple: only the mark that routes it there (IPv4 only: NAT44).
            if (!ipv4) {
                throw new IllegalArgumentException("only IPv4 sessions are carried through a NAT: " + original);
            }
            return List.of(new RemapEntry(SacipSets.CARRIED4, new TupleElement(new TupleKey(local, remote, protocol,
                    localPort, remotePort))));
        }
        List<RemapEntry> entries = new ArrayList<>(6);
        if (remapping.remotePortMoved()) {
            // Inbound on the wire: activeRemote:activeRemotePort -> activeLocal; restore the peer's original port.
            entries.add(portEntry(ipv4 ? SacipSets.INPORT4 : SacipSets.INPORT6,
                    new TupleKey(activeRemote, activeLocal, protocol, activeRemotePort, localPort), remotePort));
        }
        if (remapping.remoteAddressMoved()) {
            // Inbound after @inport: activeRemote -> activeLocal; restore the peer's original source.
            entries.add(entry(ipv4 ? SacipSets.IN4 : SacipSets.IN6,
                    new TupleKey(activeRemote, activeLocal, protocol, remotePort, localPort), remote));
            // Outbound from the socket: local -> remote; send to the peer's new address.
            entries.add(entry(ipv4 ? SacipSets.OUT4 : SacipSets.OUT6,
                    new TupleKey(local, remote, protocol, localPort, remotePort), activeRemote));
        }
        if (remapping.localMoved()) {
            // Inbound after @in: remote -> activeLocal; restore our original destination (the ghost).
            entries.add(entry(ipv4 ? SacipSets.INDST4 : SacipSets.INDST6,
                    new TupleKey(remote, activeLocal, protocol, remotePort, localPort), local));
        }
        if (remapping.sendsFromElsewhere() && !sendFrom.equals(activeLocal)) {
            // A move of ours waits for the peer, which still sends to the address it confirmed: accept it too.
            entries.add(entry(ipv4 ? SacipSets.INDST4 : SacipSets.INDST6,
                    new TupleKey(remote, sendFrom, protocol, remotePort, localPort), local));
        }
        if (remapping.sendsFromElsewhere()) {
            // Outbound after @out: local -> activeRemote; send from the address the peer confirmed.
            entries.add(entry(ipv4 ? SacipSets.OUTSRC4 : SacipSets.OUTSRC6,
                    new TupleKey(local, activeRemote, protocol, localPort, remotePort), sendFrom));
        }
        if (remapping.remotePortMoved()) {
            // Outbound after @outsrc: sendFrom -> activeRemote; send to the peer's port on the wire.
            entries.add(portEntry(ipv4 ? SacipSets.OUTPORT4 : SacipSets.OUTPORT6,
                    new TupleKey(sendFrom, activeRemote, protocol, localPort, remotePort), activeRemotePort));
        }
        return List.copyOf(entries);
    }

    static RemapEntry entry(SetReference map, TupleKey key, InetAddress value) {
        return new RemapEntry(map, new MapElement(key, value));
    }

    static RemapEntry portEntry(SetReference map, TupleKey key, int port) {
        return new RemapEntry(map, new PortMapElement(key, port));
    }
}
