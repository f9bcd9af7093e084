package org.sacip.agent.peer.transport;

/** How IP packets are framed on a captured link: behind a 14-byte Ethernet header, or bare (tun, WireGuard). */
public enum LinkFraming {
    ETHERNET(14),
    RAW_IP(0);

    private final int headerLength;

    LinkFraming(int headerLength) {
        this.headerLength = headerLength;
    }

    public int headerLength() {
        return headerLength;
    }
}
