package org.sacip.netlink.route;

import java.net.InetAddress;
import java.util.HexFormat;

/** A neighbour table entry: next-hop address, interface, link-layer address (empty if unresolved), NUD state. */
public record NeighbourEntry(int interfaceIndex, InetAddress address, byte[] linkLayerAddress, int state) {
    public static final int NUD_INCOMPLETE = 0x01;
    public static final int NUD_REACHABLE = 0x02;
    public static final int NUD_STALE = 0x04;
    public static final int NUD_DELAY = 0x08;
    public static final int NUD_PROBE = 0x10;
    public static final int NUD_FAILED = 0x20;
    public static final int NUD_NOARP = 0x40;
    public static final int NUD_PERMANENT = 0x80;

    public NeighbourEntry {
        linkLayerAddress = linkLayerAddress.clone();
    }

    @Override
    public byte[] linkLayerAddress() {
        return linkLayerAddress.clone();
    }

    /** True when the entry has a usable link-layer address (what `ip neigh` shows with lladdr). */
    public boolean isResolved() {
        return linkLayerAddress.length > 0 && (state & (NUD_INCOMPLETE | NUD_FAILED)) == 0;
    }

    public String linkLayerText() {
        return HexFormat.ofDelimiter(":").formatHex(linkLayerAddress);
    }

    /** The state as `ip neigh` names it (REACHABLE, STALE ...), several joined by '+'. */
    public String stateName() {
        String[] names = {"INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "NOARP", "PERMANENT"};
        StringBuilder text = new StringBuilder();
        for (int bit = 0; bit < names.length; bit++) {
            if ((state & (1 << bit)) != 0) {
                text.append(text.length() == 0 ? "" : "+").append(names[bit]);
            }
        }
        return text.length() == 0 ? "NONE" : text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NeighbourEntry entry && interfaceIndex == entry.interfaceIndex
                && address.equals(entry.address) && java.util.Arrays.equals(linkLayerAddress, entry.linkLayerAddress)
                && state == entry.state;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(interfaceIndex, address, java.util.Arrays.hashCode(linkLayerAddress), state);
    }

    @Override
    public String toString() {
        return "NeighbourEntry[" + interfaceIndex + " " + address.getHostAddress() + " lladdr " + linkLayerText()
                + " " + stateName() + "]";
    }
}
