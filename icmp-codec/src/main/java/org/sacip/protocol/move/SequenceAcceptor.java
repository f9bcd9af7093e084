package org.sacip.protocol.move;

import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.message.AddressUpdate;

/**
 * The receiving side of one direction's update sequence (unsigned 64-bit, strictly rising). Use it only after the
 * update's MAC verified, so forged numbers cannot move it. Not thread-safe.
 */
public final class SequenceAcceptor {
    private long lastSequence;
    private AddressUpdate lastAccepted;

    public SequenceVerdict accept(AddressUpdate update) throws SacipProtocolException {
        if (lastAccepted != null && update.sequence() == lastSequence) {
            boolean sameState = update.originalAddress().equals(lastAccepted.originalAddress())
                    && update.currentAddress().equals(lastAccepted.currentAddress());
            if (!sameState) {
                throw new SacipProtocolException(Reason.CONFLICTING_DUPLICATE,
                        "sequence " + Long.toUnsignedString(lastSequence) + " already accepted with other addresses");
            }
            return SequenceVerdict.DUPLICATE_OF_LAST;
        }
        if (lastAccepted != null && Long.compareUnsigned(update.sequence(), lastSequence) < 0) {
            throw new SacipProtocolException(Reason.STALE_SEQUENCE, "sequence " + Long.toUnsignedString(update.sequence())
                    + " is below the last accepted " + Long.toUnsignedString(lastSequence));
        }
        lastSequence = update.sequence();
        lastAccepted = update;
        return SequenceVerdict.NEW;
    }

    /** The last accepted sequence number, 0 before the first. */
    public long lastSequence() {
        return lastSequence;
    }
}
