package org.sacip.agent.metrics;

/** What the agent knows of a peer's SACIP support ({@code sacip_peers}). */
public enum PeerCapability {
    /** A key lineage is agreed with it: its agent speaks SACIP version 2. */
    SACIP_V2,
    /** Our probes found no agent there (its sessions are handed over as without an agent). */
    NONE,
    /** Not known yet: a key agreement or a claim is under way, or the peer is not managed. */
    UNKNOWN
}
