package org.sacip.control;

import java.util.Arrays;
import java.util.Optional;

/** The error codes a control reply can carry (docs/CONTROL.md, section 3). */
public enum ControlError {
    BAD_REQUEST("bad_request"),
    UNSUPPORTED_VERSION("unsupported_version"),
    UNKNOWN_COMMAND("unknown_command"),
    TOO_LARGE("too_large"),
    TIMEOUT("timeout"),
    PERMISSION("permission"),
    FAILED("failed"),
    INTERNAL("internal"),
    BUSY("busy");

    private final String code;

    ControlError(String code) {
        this.code = code;
    }

    /** The text on the wire. */
    public String code() {
        return code;
    }

    public static Optional<ControlError> byCode(String code) {
        return Arrays.stream(values()).filter(e -> e.code.equals(code)).findFirst();
    }
}
