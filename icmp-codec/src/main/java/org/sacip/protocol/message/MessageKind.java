package org.sacip.protocol.message;

import java.util.Optional;

/** The SACIP v1 message kinds, their wire code and the fixed length of their body. */
public enum MessageKind {
    HELLO(1, 32, false),
    COOKIE(2, 32, false),
    INIT(3, 80, false),
    INIT_REPLY(4, 80, true),
    INIT_CONFIRM(5, 48, true),
    REKEY(6, 80, true),
    ADDRESS_UPDATE(7, 72, true),
    UPDATE_ACK(8, 72, true),
    PATH_CHALLENGE(9, 40, true),
    PATH_RESPONSE(10, 40, true),
    REFUSAL(11, 20, false);

    private final int code;
    private final int bodyLength;
    private final boolean authenticated;

    MessageKind(int code, int bodyLength, boolean authenticated) {
        this.code = code;
        this.bodyLength = bodyLength;
        this.authenticated = authenticated;
    }

    public int code() {
        return code;
    }

    /** Octets after the 8-octet SACIP header; v1 bodies have a fixed length per kind. */
    public int bodyLength() {
        return bodyLength;
    }

    /** True when the body ends with a MAC. */
    public boolean authenticated() {
        return authenticated;
    }

    public static Optional<MessageKind> fromCode(int code) {
        for (MessageKind kind : values()) {
            if (kind.code == code) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
