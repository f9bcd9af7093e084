package org.sacip.agent.control;

/** The error codes a control reply can carry (docs/CONTROL.md). */
enum ControlError {
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
    String code() {
        return code;
    }
}
