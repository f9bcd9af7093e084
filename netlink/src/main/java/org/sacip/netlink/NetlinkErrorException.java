package org.sacip.netlink;

import java.util.Optional;
import java.util.OptionalInt;

/** The kernel refused a request: an NLMSG_ERROR with a negative errno, with its extended ack if any. */
public class NetlinkErrorException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final int sequence;
    private final String extendedAckMessage;
    private final int extendedAckOffset;

    public NetlinkErrorException(int errno, int sequence, String extendedAckMessage, int extendedAckOffset) {
        super(describe(errno, sequence, extendedAckMessage, extendedAckOffset));
        this.errno = errno;
        this.sequence = sequence;
        this.extendedAckMessage = extendedAckMessage;
        this.extendedAckOffset = extendedAckOffset;
    }

    private static String describe(int errno, int sequence, String message, int offset) {
        StringBuilder text = new StringBuilder("kernel error ").append(Errno.name(errno))
                .append(" (").append(errno).append(") for request sequence ").append(sequence);
        if (message != null) {
            text.append(": ").append(message);
        }
        if (offset >= 0) {
            text.append(" [at byte ").append(offset).append(" of the request]");
        }
        return text.toString();
    }

    /** Positive errno, e.g. 2 for ENOENT. */
    public int errno() {
        return errno;
    }

    public String errnoName() {
        return Errno.name(errno);
    }

    /** Sequence number of the request the kernel refused. */
    public int sequence() {
        return sequence;
    }

    public Optional<String> extendedAckMessage() {
        return Optional.ofNullable(extendedAckMessage);
    }

    /** Byte offset in the request of the attribute the kernel blamed, if it said. */
    public OptionalInt extendedAckOffset() {
        return extendedAckOffset < 0 ? OptionalInt.empty() : OptionalInt.of(extendedAckOffset);
    }
}
