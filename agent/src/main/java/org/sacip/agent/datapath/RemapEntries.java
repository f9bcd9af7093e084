package org.sacip.agent.datapath;

import org.sacip.agent.session.SessionTuple;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.sacip.netlink.nftables.MapElement;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.nftables.TupleKey;

/**
 * Computes the map elements that put a {@link Remapping} on the wire. Each key is the packet's tuple as the rule
 * before it in the same chain leaves it (sacip.nft): inbound, {@code in} sees the wire tuple and restores the
 * peer's source, then {@code indst} sees that restored source; outbound, {@code out} sees the socket's tuple and
 * sets the peer's new address, then {@code outsrc} sees that new destination. An {@code indst} entry accepts packets
 * at the announced address; a lingering one ({@link Lingering}) keeps accepting the address before it.
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
        List<RemapEntry> entries = new ArrayList<>(4);
        if (remapping.remoteMoved()) {
            // Inbound on the wire: activeRemote -> activeLocal; restore the peer's original source.
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
        return List.copyOf(entries);
    }

    static RemapEntry entry(SetReference map, TupleKey key, InetAddress value) {
        return new RemapEntry(map, new MapElement(key, value));
    }
}
