package org.sacip.agent.session;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A session the kernel shows established and answered, with what the agent knows of its opening: who opened it and,
 * when the agent saw the opening, its proof. {@code since} is when the agent first saw it.
 */
public record SessionOpened(SessionTuple tuple, Opener opener, Optional<OpeningProof> proof, Instant since) {
    public SessionOpened {
        Objects.requireNonNull(tuple, "tuple");
        Objects.requireNonNull(opener, "opener");
        Objects.requireNonNull(proof, "proof");
        Objects.requireNonNull(since, "since");
        if (proof.isPresent() && proof.get().protocol() != tuple.protocol()) {
            throw new IllegalArgumentException("a " + proof.get().protocol() + " proof for " + tuple);
        }
    }
}
