package org.sacip.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Walks the netlink attributes of a buffer. Every length is checked against the buffer; the first problem is
 * recorded (not thrown) and stops the walk, so a parser can read fields in a simple loop and check
 * {@link #err()} or call {@link #throwIfError()} once at the end. Each step advances by at least the 4-byte
 * header, so a walk always ends. Nested decoders share the error of their parent.
 *
 * <pre>
 * AttributeDecoder attributes = new AttributeDecoder(payload.position(familyHeaderLength));
 * while (attributes.next()) {
 *     switch (attributes.type()) { case IFA_LABEL -> label = attributes.string(); ... }
 * }
 * attributes.throwIfError();
 * </pre>
 */
public final class AttributeDecoder {
    /** Holder of the first error, shared with nested decoders. */
    private static final class FirstError {
        NetlinkParseException error;
    }

    private final ByteBuffer buffer;
    private final FirstError firstError;
    private int next;
    private int rawType;
    private int valueStart;
    private int valueLength;
    private boolean positioned;

    /** Decodes the attributes from the buffer's position to its limit; the buffer itself is not moved. */
    public AttributeDecoder(ByteBuffer buffer) {
        this(buffer.slice().order(ByteOrder.nativeOrder()), new FirstError());
    }

    private AttributeDecoder(ByteBuffer slice, FirstError firstError) {
        this.buffer = slice;
        this.firstError = firstError;
        this.next = 0;
    }

    /** Moves to the next attribute; false at the end or once an error was recorded. */
    public boolean next() {
        positioned = false;
        if (firstError.error != null) {
            return false;
        }
        int remaining = buffer.limit() - next;
        if (remaining <= 0) {
            return false;
        }
        if (remaining < NetlinkConstants.NLA_HDRLEN) {
            fail(NetlinkParseException.Reason.ATTRIBUTE_OVERRUN,
                    remaining + " trailing bytes at offset " + next + " are too short for an attribute header");
            return false;
        }
        int length = Short.toUnsignedInt(buffer.getShort(next));
        if (length < NetlinkConstants.NLA_HDRLEN) {
            fail(NetlinkParseException.Reason.BAD_ATTRIBUTE_LENGTH,
                    "attribute at offset " + next + " has length " + length);
            return false;
        }
        if (length > remaining) {
            fail(NetlinkParseException.Reason.ATTRIBUTE_OVERRUN,
                    "attribute at offset " + next + " claims " + length + " bytes, " + remaining + " available");
            return false;
        }
        rawType = Short.toUnsignedInt(buffer.getShort(next + 2));
        valueStart = next + NetlinkConstants.NLA_HDRLEN;
        valueLength = length - NetlinkConstants.NLA_HDRLEN;
        // The last attribute may omit its padding.
        next = Math.min(next + NetlinkConstants.align(length), buffer.limit());
        positioned = true;
        return true;
    }

    /** The attribute type without the NLA_F_NESTED and NLA_F_NET_BYTEORDER bits. */
    public int type() {
        return rawType & NetlinkConstants.NLA_TYPE_MASK;
    }

    public boolean isNestedFlagSet() {
        return (rawType & NetlinkConstants.NLA_F_NESTED) != 0;
    }

    /** Length of the current attribute's value in bytes. */
    public int length() {
        return valueLength;
    }

    /** The value as a read-only native-order buffer. */
    public ByteBuffer bytes() {
        if (!positioned) {
            return ByteBuffer.allocate(0);
        }
        return buffer.duplicate().position(valueStart).limit(valueStart + valueLength).slice()
                .asReadOnlyBuffer().order(ByteOrder.nativeOrder());
    }

    public byte[] byteArray() {
        byte[] copy = new byte[positioned ? valueLength : 0];
        if (positioned) {
            buffer.get(valueStart, copy);
        }
        return copy;
    }

    /** The value as exactly {@code expected} bytes, or a recorded error and an empty array. */
    public byte[] byteArray(int expected) {
        if (!expect(expected)) {
            return new byte[expected];
        }
        return byteArray();
    }

    public int u8() {
        return expect(1) ? Byte.toUnsignedInt(buffer.get(valueStart)) : 0;
    }

    public int u16() {
        return expect(2) ? Short.toUnsignedInt(buffer.getShort(valueStart)) : 0;
    }

    public long u32() {
        return expect(4) ? Integer.toUnsignedLong(buffer.getInt(valueStart)) : 0;
    }

    /** A 32-bit value as a Java int (for indexes and bit masks that are compared, not summed). */
    public int s32() {
        return expect(4) ? buffer.getInt(valueStart) : 0;
    }

    public long u64() {
        return expect(8) ? buffer.getLong(valueStart) : 0;
    }

    /** Network-order (big-endian) values, as netfilter sends them. */
    public int u16Be() {
        return expect(2) ? Short.toUnsignedInt(bigEndian().getShort(valueStart)) : 0;
    }

    public long u32Be() {
        return expect(4) ? Integer.toUnsignedLong(bigEndian().getInt(valueStart)) : 0;
    }

    public long u64Be() {
        return expect(8) ? bigEndian().getLong(valueStart) : 0;
    }

    /** A string value, up to its first NUL (the kernel sends NUL-terminated strings). */
    public String string() {
        if (!positioned) {
            return "";
        }
        int end = valueStart;
        int limit = valueStart + valueLength;
        while (end < limit && buffer.get(end) != 0) {
            end++;
        }
        byte[] text = new byte[end - valueStart];
        buffer.get(valueStart, text);
        return new String(text, StandardCharsets.UTF_8);
    }

    /** A decoder of the attributes nested in the current one; its errors become this decoder's error. */
    public AttributeDecoder nested() {
        ByteBuffer value = positioned
                ? buffer.duplicate().position(valueStart).limit(valueStart + valueLength).slice()
                : ByteBuffer.allocate(0);
        return new AttributeDecoder(value.order(ByteOrder.nativeOrder()), firstError);
    }

    /** Records a semantic problem found by a family parser (e.g. an address of the wrong size). */
    public void fail(NetlinkParseException.Reason reason, String message) {
        if (firstError.error == null) {
            firstError.error = new NetlinkParseException(reason, message);
        }
    }

    public Optional<NetlinkParseException> err() {
        return Optional.ofNullable(firstError.error);
    }

    public void throwIfError() throws NetlinkParseException {
        if (firstError.error != null) {
            throw firstError.error;
        }
    }

    private boolean expect(int size) {
        if (!positioned) {
            fail(NetlinkParseException.Reason.UNEXPECTED_MESSAGE, "value read before next() found an attribute");
            return false;
        }
        if (valueLength != size) {
            fail(NetlinkParseException.Reason.BAD_ATTRIBUTE_LENGTH, "attribute type " + type() + " has "
                    + valueLength + " value bytes, expected " + size);
            return false;
        }
        return true;
    }

    private ByteBuffer bigEndian() {
        return buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
    }
}
