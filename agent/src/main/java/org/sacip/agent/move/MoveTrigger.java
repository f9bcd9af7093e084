package org.sacip.agent.move;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;

/**
 * A reason to move the sessions of {@code original} (the address their sockets were made with): {@code lost} left
 * for {@code cause} (for a chained move X→Y→Z, original X and lost Y); without a cause, {@code original} is usable
 * again and the sessions return home from {@code lost}. {@code seenAt} is when the triggering event was read.
 */
public record MoveTrigger(InetAddress original, InetAddress lost, int interfaceIndex, Optional<LossCause> cause,
        Instant seenAt) {

    static MoveTrigger loss(InetAddress original, InetAddress lost, int interfaceIndex, LossCause cause,
            Instant seenAt) {
        return new MoveTrigger(original, lost, interfaceIndex, Optional.of(cause), seenAt);
    }

    static MoveTrigger home(InetAddress original, InetAddress lastActive, int interfaceIndex, Instant seenAt) {
        return new MoveTrigger(original, lastActive, interfaceIndex, Optional.empty(), seenAt);
    }

    public boolean isReturnHome() {
        return cause.isEmpty();
    }
}
