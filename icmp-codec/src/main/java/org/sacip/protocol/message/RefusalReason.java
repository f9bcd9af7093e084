package org.sacip.protocol.message;

import java.util.Optional;

/** Why a peer refused a message. Refusals are never authenticated, so a receiver treats them as hints only. */
public enum RefusalReason {
    /** The key id of an authenticated message is not known (for example the responder lost its state). */
    UNKNOWN_KEY(1),
    /** Local policy does not allow SACIP with this peer. */
    NOT_ALLOWED(2),
    /** Too many handshakes in progress; try again later. */
    BUSY(3),
    /** An address update's sequence number was not above the last accepted one. */
    STALE_SEQUENCE(4);

    private final int code;

    RefusalReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<RefusalReason> fromCode(int code) {
        for (RefusalReason reason : values()) {
            if (reason.code == code) {
                return Optional.of(reason);
            }
        }
        return Optional.empty();
    }
}
