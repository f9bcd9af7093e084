package org.sacip.netlink;

import java.nio.ByteBuffer;

/**
 * One netlink message as received: the header fields and the payload after the 16-byte header
 * (a read-only, native-order buffer positioned at 0; family header first, then attributes).
 */
public record NetlinkMessage(int type, int flags, int sequence, int portId, ByteBuffer payload) {

    public boolean isError() {
        return type == NetlinkConstants.NLMSG_ERROR;
    }

    public boolean isDone() {
        return type == NetlinkConstants.NLMSG_DONE;
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) == flag;
    }

    /** A fresh view of the payload, so several readers do not disturb each other's position. */
    public ByteBuffer payloadView() {
        return payload.duplicate().order(payload.order());
    }

    @Override
    public String toString() {
        return "NetlinkMessage[type=" + type + ", flags=0x" + Integer.toHexString(flags) + ", seq=" + sequence
                + ", port=" + Integer.toUnsignedString(portId) + ", payload=" + payload.remaining() + " bytes]";
    }
}
