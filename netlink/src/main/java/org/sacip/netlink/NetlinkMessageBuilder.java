package org.sacip.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one netlink request: the 16-byte header, a fixed family header, then attributes, each padded to
 * 4 bytes. Values are written in host order unless the method says network order (netfilter wants those).
 *
 * <pre>
 * ByteBuffer request = new NetlinkMessageBuilder(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE)
 *         .familyHeader(ifaddrmsg)
 *         .putBytes(IFA_LOCAL, address)
 *         .build(socket.nextSequence());
 * </pre>
 */
public final class NetlinkMessageBuilder {
    private byte[] bytes = new byte[256];
    private int length = NetlinkConstants.NLMSG_HDRLEN;
    private final int type;
    private final int flags;

    public NetlinkMessageBuilder(int type, int flags) {
        if (type < 0 || type > 0xffff || flags < 0 || flags > 0xffff) {
            throw new IllegalArgumentException("type and flags are 16-bit: " + type + ", " + flags);
        }
        this.type = type;
        this.flags = flags;
    }

    /** Appends the family's fixed header (ifaddrmsg, rtmsg, nfgenmsg, inet_diag_req_v2 ...), padded to 4 bytes. */
    public NetlinkMessageBuilder familyHeader(byte[] header) {
        append(header, header.length);
        return this;
    }

    public NetlinkMessageBuilder putU8(int attributeType, int value) {
        return putValue(attributeType, new byte[] {(byte) value});
    }

    public NetlinkMessageBuilder putU16(int attributeType, int value) {
        return putValue(attributeType, ordered(2, ByteOrder.nativeOrder()).putShort((short) value).array());
    }

    public NetlinkMessageBuilder putU32(int attributeType, int value) {
        return putValue(attributeType, ordered(4, ByteOrder.nativeOrder()).putInt(value).array());
    }

    public NetlinkMessageBuilder putU64(int attributeType, long value) {
        return putValue(attributeType, ordered(8, ByteOrder.nativeOrder()).putLong(value).array());
    }

    public NetlinkMessageBuilder putU16Be(int attributeType, int value) {
        return putValue(attributeType, ordered(2, ByteOrder.BIG_ENDIAN).putShort((short) value).array());
    }

    public NetlinkMessageBuilder putU32Be(int attributeType, int value) {
        return putValue(attributeType, ordered(4, ByteOrder.BIG_ENDIAN).putInt(value).array());
    }

    public NetlinkMessageBuilder putU64Be(int attributeType, long value) {
        return putValue(attributeType, ordered(8, ByteOrder.BIG_ENDIAN).putLong(value).array());
    }

    public NetlinkMessageBuilder putBytes(int attributeType, byte[] value) {
        return putValue(attributeType, value);
    }

    /** A NUL-terminated string, as the kernel's NLA_STRING/NLA_NUL_STRING policies expect. */
    public NetlinkMessageBuilder putString(int attributeType, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return putValue(attributeType, Arrays.copyOf(text, text.length + 1));
    }

    /** An attribute without value (NLA_FLAG). */
    public NetlinkMessageBuilder putFlag(int attributeType) {
        return putValue(attributeType, new byte[0]);
    }

    /** Opens a nested attribute; pass the returned mark to {@link #endNested(int)}. */
    public int beginNested(int attributeType) {
        return beginNested(attributeType, false);
    }

    /** Opens a nested attribute, with NLA_F_NESTED in its type when the family's policy wants it (nf_tables). */
    public int beginNested(int attributeType, boolean setNestedFlag) {
        int mark = length;
        int typeField = attributeType | (setNestedFlag ? NetlinkConstants.NLA_F_NESTED : 0);
        byte[] header = ordered(4, ByteOrder.nativeOrder()).putShort((short) 0).putShort((short) typeField).array();
        append(header, 4);
        return mark;
    }

    public NetlinkMessageBuilder endNested(int mark) {
        int nestedLength = length - mark;
        if (mark < NetlinkConstants.NLMSG_HDRLEN || mark > length || nestedLength > 0xffff) {
            throw new IllegalStateException("nested attribute at " + mark + " is invalid or longer than 65535 bytes");
        }
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putShort(mark, (short) nestedLength);
        return this;
    }

    /** Bytes written so far, header included. */
    public int length() {
        return length;
    }

    /** The finished message with this sequence number (port id 0: the kernel fills in the sender). */
    public ByteBuffer build(int sequence) {
        ByteBuffer message = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        message.put(bytes, 0, length).flip();
        message.putInt(0, length);
        message.putShort(4, (short) type);
        message.putShort(6, (short) flags);
        message.putInt(8, sequence);
        message.putInt(12, 0);
        return message;
    }

    private NetlinkMessageBuilder putValue(int attributeType, byte[] value) {
        int attributeLength = NetlinkConstants.NLA_HDRLEN + value.length;
        if (attributeLength > 0xffff) {
            throw new IllegalArgumentException("attribute " + attributeType + " is too long: " + value.length);
        }
        byte[] header = ordered(4, ByteOrder.nativeOrder())
                .putShort((short) attributeLength).putShort((short) attributeType).array();
        append(header, 4);
        append(value, value.length);
        return this;
    }

    private void append(byte[] data, int count) {
        int padded = NetlinkConstants.align(count);
        if (length + padded > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + padded));
        }
        System.arraycopy(data, 0, bytes, length, count);
        Arrays.fill(bytes, length + count, length + padded, (byte) 0);
        length += padded;
    }

    private static ByteBuffer ordered(int size, ByteOrder order) {
        return ByteBuffer.allocate(size).order(order);
    }
}
