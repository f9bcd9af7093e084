package org.sacip.netlink.route;

import java.util.HexFormat;

/**
 * An interface: index, name, hardware address (empty if it has none), ARPHRD type, administrative state (up),
 * carrier (IFF_LOWER_UP) and, if the driver says, its kind ("veth", "wireguard").
 */
public record LinkInfo(int index, String name, byte[] hardwareAddress, int arpType, boolean up, boolean carrier,
        int mtu, String kind) {

    public LinkInfo {
        hardwareAddress = hardwareAddress.clone();
    }

    @Override
    public byte[] hardwareAddress() {
        return hardwareAddress.clone();
    }

    public LinkLayer linkLayer() {
        return LinkLayer.ofArpType(arpType);
    }

    /** The MAC as {@code aa:bb:cc:dd:ee:ff}, or empty if the link has none. */
    public String macText() {
        return HexFormat.ofDelimiter(":").formatHex(hardwareAddress);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LinkInfo link && index == link.index && name.equals(link.name)
                && java.util.Arrays.equals(hardwareAddress, link.hardwareAddress) && arpType == link.arpType
                && up == link.up && carrier == link.carrier && mtu == link.mtu && kind.equals(link.kind);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(index, name, java.util.Arrays.hashCode(hardwareAddress), arpType, up, carrier,
                mtu, kind);
    }

    @Override
    public String toString() {
        return "LinkInfo[" + index + " " + name + " " + macText() + " type=" + arpType + (up ? " UP" : " DOWN")
                + (carrier ? " CARRIER" : " NO-CARRIER") + " mtu=" + mtu + " kind=" + kind + "]";
    }
}
