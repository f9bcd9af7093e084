package org.sacip.lab.agent;

/** One row of the agent's {@code sessions} answer: the socket's tuple, what the wire carries now, and the state. */
public record AgentSession(String proto, String local, String remote, String activeLocal, String activeRemote,
        String state, String peer) {
    /** Whether the wire carries other addresses than the socket's tuple. */
    public boolean remapped() {
        return !activeLocal.equals(local) || !activeRemote.equals(remote);
    }
}
