package org.sacip.protocol.move;

/** The sending side of one direction's update sequence: 1, 2, 3, ... never repeating. Not thread-safe. */
public final class SequenceCounter {
    private long last;

    public SequenceCounter() {
        this(0);
    }

    /** Continues after {@code lastUsed} (for example after a restart that persisted it). */
    public SequenceCounter(long lastUsed) {
        this.last = lastUsed;
    }

    public long next() {
        if (last == -1L) {
            throw new IllegalStateException("64-bit sequence space exhausted; the session needs a new handshake");
        }
        return ++last;
    }
}
