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
        int bound = 0;
        String unanswered = null;
        while (true) {
            try {
                int now = 0;
                for (AgentPeer peer : agents.control(host).peers()) {
                    now += peer.sessions();
                }
                bound = now;
                unanswered = null;
            } catch (LabException e) {
                // An agent binding 100,000 sessions may not answer its control socket in time: ask again.
                unanswered = e.getMessage();
            }
            if (bound >= sessions) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new LabException("only " + bound + " of " + sessions + " sessions bound to a key in " + host
                        + " after " + limitMs + " ms" + (unanswered == null ? "" : "; last answer: " + unanswered));
            }
            Pause.ms(200);
        }
    }
}
