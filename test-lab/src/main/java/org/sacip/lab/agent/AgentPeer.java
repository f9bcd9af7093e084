package org.sacip.lab.agent;

/**
 * One row of the agent's {@code peers} answer (one key lineage): the peer's original address, what it runs
 * ("sacip-v2"), the id of its current key and how many sessions are bound to it.
 */
public record AgentPeer(String address, String capability, String keyId, int sessions) {
    /** A key is agreed and at least one session is bound to it: a move now carries the session. */
    public boolean keyAgreed() {
        return "sacip-v2".equals(capability) && keyId != null && sessions > 0;
    }
}
