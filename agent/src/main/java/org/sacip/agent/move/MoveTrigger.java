package org.sacip.agent.move;

import java.net.InetAddress;
import java.time.Instant;

/**
 * A reason to move the sessions of {@code original} (the address their sockets were made with): {@code lost} left
 * (for a chained move X→Y→Z, original X and lost Y), or, for {@link MoveKind#RETURN_HOME}, {@code original} is
 * usable again. {@code seenAt} is when the triggering event was read from the kernel.
 */
public record MoveTrigger(InetAddress original, InetAddress lost, int interfaceIndex, LossCause cause,
        boolean home, Instant seenAt) {
}
