package org.sacip.agent.handover;

/** Whether a peer runs a SACIP agent, as far as our key agreement with it tells. */
public enum PeerCapability {
    /** Keys are agreed: the peer speaks SACIP v1. */
    AGENT("sacip-v1"),
    /** Our handshake timed out: no agent there (or something drops our messages). */
    NONE("none"),
    /** A handshake is under way. */
    UNKNOWN("unknown");

    private final String wireName;

    PeerCapability(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
