package org.sacip.lab;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.sacip.lab.agent.AgentSession;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.scenario.ScenarioAction;

/** Bounded polls of what an agent or a host shows, every 100 ms; what was seen last is kept for the assertion. */
final class AgentWaits {
    private static final long POLL_MS = 100;

    private AgentWaits() {
    }

    static <T> Waited<T> until(Supplier<T> probe, Predicate<T> done, long limitMs) {
        long start = System.currentTimeMillis();
        while (true) {
            T seen = probe.get();
            long after = System.currentTimeMillis() - start;
            if (done.test(seen)) {
                return new Waited<>(seen, true, after);
            }
            if (after >= limitMs) {
                return new Waited<>(seen, false, after);
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Waited<>(seen, false, after);
            }
        }
    }

    static Waited<List<AgentSession>> sessions(Agents agents, String host, Predicate<List<AgentSession>> done,
            long limitMs) {
        return until(() -> agents.control(host).sessions(), done, limitMs);
    }

    /** An action that waits (at most limitMs) for the host's agent to list sessions that satisfy done. */
    static ScenarioAction watchSessions(String what, String host, Predicate<List<AgentSession>> done, long limitMs,
            Observed<Waited<List<AgentSession>>> into) {
        return new ScenarioAction("waiting up to " + limitMs + " ms for " + what + " on " + host,
                c -> into.set(sessions(c.agents(), host, done, limitMs)));
    }

    static Predicate<List<AgentSession>> anyInState(String state) {
        return list -> list.stream().anyMatch(s -> s.state().equals(state));
    }
}
