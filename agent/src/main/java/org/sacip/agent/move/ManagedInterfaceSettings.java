package org.sacip.agent.move;

import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.route.Ipv4DeviceSetting;
import org.sacip.netlink.route.LinkInfo;
import org.sacip.netlink.route.LinkLayer;
import org.sacip.netlink.route.RtnetlinkClient;

/**
 * Sets what a managed interface needs for moves: promote_secondaries=1, so deleting the primary IPv4 address
 * keeps the new secondary instead of deleting it too, and arp_announce=2, so ARP requests sent while a session
 * still uses a ghost name the interface's own address, not the ghost.
 */
public final class ManagedInterfaceSettings {
    static final int PROMOTE = 1;
    static final int ANNOUNCE_BEST_LOCAL = 2;

    private final ManagedScope scope;

    public ManagedInterfaceSettings(ManagedScope scope) {
        this.scope = scope;
    }

    /**
     * Applies the settings to one interface if it is managed; false if it is not managed or vanished meanwhile.
     */
    public boolean apply(RtnetlinkClient client, LinkInfo link) throws NetlinkException {
        if (link.linkLayer() == LinkLayer.LOOPBACK || !scope.managesInterface(link.name())) {
            return false;
        }
        try {
            if (client.ipv4Setting(link.index(), Ipv4DeviceSetting.PROMOTE_SECONDARIES) != PROMOTE) {
                client.setIpv4Setting(link.index(), Ipv4DeviceSetting.PROMOTE_SECONDARIES, PROMOTE);
            }
            if (client.ipv4Setting(link.index(), Ipv4DeviceSetting.ARP_ANNOUNCE) != ANNOUNCE_BEST_LOCAL) {
                client.setIpv4Setting(link.index(), Ipv4DeviceSetting.ARP_ANNOUNCE, ANNOUNCE_BEST_LOCAL);
            }
            return true;
        } catch (NetlinkErrorException e) {
            // The interface went away between its event and this call (ENODEV), or has no IPv4 part: nothing to set.
            return false;
        }
    }
}
