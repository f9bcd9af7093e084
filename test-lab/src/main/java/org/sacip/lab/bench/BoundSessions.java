package org.sacip.lab.bench;

import org.sacip.lab.LabException;
import org.sacip.lab.agent.AgentPeer;
import org.sacip.lab.agent.Agents;

/** Waits until a host's agent has bound a number of sessions to its peers' keys (its {@code peers} answer). */
final class BoundSessions {
    /**
     * A wait that has bound this share of the sessions and then sees no change for {@link #SETTLED_MS} is over:
     * the rest have a reason of their own to stay unbound (their opening was not recorded on one side), which the
     * agent's log names, and the measurement goes on with the sessions bound.
     */
    static final double ENOUGH = 0.999;
    static final long SETTLED_MS = 60_000;

    private BoundSessions() {
    }

    /** Returns the number bound: {@code sessions}, or at least {@link #ENOUGH} of them once settled. */
    static int await(Agents agents, String host, int sessions, long limitMs) {
        long deadline = System.currentTimeMillis() + limitMs;
        int bound = 0;
        long changed = System.currentTimeMillis();
        String unanswered = null;
        while (true) {
            try {
                int now = 0;
                for (AgentPeer peer : agents.control(host).peers()) {
                    now += peer.sessions();
                }
                if (now != bound) {
                    changed = System.currentTimeMillis();
                }
                bound = now;
                unanswered = null;
            } catch (LabException e) {
                // An agent binding 100,000 sessions may not answer its control socket in time: ask again.
                unanswered = e.getMessage();
            }
            if (bound >= sessions || (bound >= sessions * ENOUGH
                    && System.currentTimeMillis() - changed > SETTLED_MS)) {
                return bound;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new LabException("only " + bound + " of " + sessions + " sessions bound to a key in " + host
                        + " after " + limitMs + " ms" + (unanswered == null ? "" : "; last answer: " + unanswered));
            }
            Pause.ms(200);
        }
    }
}
