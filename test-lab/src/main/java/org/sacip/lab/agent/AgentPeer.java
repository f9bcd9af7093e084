package org.sacip.lab.agent;

/**
 * One row of the agent's {@code peers} answer: the peer's original address, what it is known to run ("sacip-v1",
 * "none" or "unknown") and the id of the key agreed with it (null before agreement).
 */
public record AgentPeer(String address, String capability, String keyId) {
    public boolean keyAgreed() {
        return "sacip-v1".equals(capability) && keyId != null;
    }
}
