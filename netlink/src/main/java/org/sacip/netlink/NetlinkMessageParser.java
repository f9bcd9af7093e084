package org.sacip.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Splits a received datagram into messages, checking every header length against the buffer. */
public final class NetlinkMessageParser {
    private NetlinkMessageParser() {
    }

    /**
     * Parses every message from the buffer's position to its limit. The returned payloads are read-only slices
     * of {@code datagram}; the buffer's own position is not changed.
     */
    public static List<NetlinkMessage> parse(ByteBuffer datagram) throws NetlinkParseException {
        ByteBuffer buffer = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<NetlinkMessage> messages = new ArrayList<>();
        while (buffer.hasRemaining()) {
            int start = buffer.position();
            int remaining = buffer.remaining();
            if (remaining < NetlinkConstants.NLMSG_HDRLEN) {
                throw new NetlinkParseException(NetlinkParseException.Reason.TRUNCATED_HEADER,
                        remaining + " bytes left at offset " + start + ", a header needs 16");
            }
            long length = Integer.toUnsignedLong(buffer.getInt(start));
            if (length < NetlinkConstants.NLMSG_HDRLEN || length > remaining) {
                throw new NetlinkParseException(NetlinkParseException.Reason.BAD_MESSAGE_LENGTH,
                        "message at offset " + start + " claims " + length + " bytes, " + remaining + " available");
            }
            int type = Short.toUnsignedInt(buffer.getShort(start + 4));
            int flags = Short.toUnsignedInt(buffer.getShort(start + 6));
            int sequence = buffer.getInt(start + 8);
            int portId = buffer.getInt(start + 12);
            ByteBuffer payload = buffer.duplicate()
                    .position(start + NetlinkConstants.NLMSG_HDRLEN)
                    .limit(start + (int) length)
                    .slice()
                    .asReadOnlyBuffer()
                    .order(ByteOrder.nativeOrder());
            messages.add(new NetlinkMessage(type, flags, sequence, portId, payload));
            // The last message of a datagram may omit its alignment padding.
            buffer.position(start + Math.min(NetlinkConstants.align((int) length), remaining));
        }
        return messages;
    }
}
