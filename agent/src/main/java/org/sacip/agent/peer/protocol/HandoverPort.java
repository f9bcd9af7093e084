package org.sacip.agent.peer.protocol;

import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.sacip.protocol.message.Octets;

/**
 * Where the engine's results go: the data path's own thread. The engine never waits for it; it acts on the
 * completion (an acknowledgement or a claim reply is sent only once the rewrite it promises is committed).
 */
public interface HandoverPort {
    /**
     * Applies the change to the data path; completes with the lineages whose part could not be committed (a
     * conflict with other sessions, a kernel refusal): those are not acknowledged. Never completes exceptionally.
     */
    CompletionStage<Set<Octets>> apply(EngineChange change);
}
