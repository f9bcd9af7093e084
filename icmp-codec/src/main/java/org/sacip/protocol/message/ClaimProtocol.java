package org.sacip.protocol.message;

import java.util.Optional;

/** The transport protocol of a claimed session, with its IP protocol number as carried in claim entries. */
public enum ClaimProtocol {
    TCP(6),
    UDP(17);

    private final int code;

    ClaimProtocol(int code) {
        this.code = code;
    }

    /** The IP protocol number (6 or 17). */
    public int code() {
        return code;
    }

    public static Optional<ClaimProtocol> fromCode(int code) {
        for (ClaimProtocol protocol : values()) {
            if (protocol.code == code) {
                return Optional.of(protocol);
            }
        }
        return Optional.empty();
    }
}
