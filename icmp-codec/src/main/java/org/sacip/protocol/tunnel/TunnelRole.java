package org.sacip.protocol.tunnel;

/** Which side of a tunnel's opening a host played (docs/PROTOCOL.md section 15); it picks the key it seals with. */
public enum TunnelRole {
    /** Sent the TUNNEL_OPEN. */
    OPENER,
    /** Answered it with a TUNNEL_ACCEPT. */
    ACCEPTER;

    public TunnelRole other() {
        return this == OPENER ? ACCEPTER : OPENER;
    }
}
