package org.sacip.netlink;

/** A message from the kernel (or a fixture) that does not follow the wire format; nothing was applied. */
public class NetlinkParseException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    /** What exactly was wrong, so callers and tests can tell failures apart without reading text. */
    public enum Reason {
        TRUNCATED_HEADER,
        BAD_MESSAGE_LENGTH,
        TRUNCATED_PAYLOAD,
        ATTRIBUTE_OVERRUN,
        BAD_ATTRIBUTE_LENGTH,
        BAD_ATTRIBUTE_VALUE,
        MISSING_ATTRIBUTE,
        UNEXPECTED_MESSAGE,
        DATAGRAM_TRUNCATED
    }

    private final Reason reason;

    public NetlinkParseException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
