package org.sacip.lab.bench;

import org.sacip.lab.LabException;
import org.sacip.lab.agent.AgentPeer;
import org.sacip.lab.agent.Agents;

/** Waits until a host's agent has bound a number of sessions to its peers' keys (its {@code peers} answer). */
final class BoundSessions {
    private BoundSessions() {
    }

    static void await(Agents agents, String host, int sessions, long limitMs) {
        long deadline = System.currentTimeMillis() + limitMs;
        while (true) {
            int bound = 0;
            for (AgentPeer peer : agents.control(host).peers()) {
                bound += peer.sessions();
            }
            if (bound >= sessions) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new LabException("only " + bound + " of " + sessions + " sessions bound to a key in " + host
                        + " after " + limitMs + " ms");
            }
            Pause.ms(200);
        }
    }
}
