package org.sacip.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class AttributeDecoderTest {

    private static ByteBuffer bytes(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length).order(ByteOrder.nativeOrder());
        for (int value : values) {
            buffer.put((byte) value);
        }
        return buffer.flip();
    }

    @Test
    void attributeLongerThanBufferIsRecordedNotThrown() {
        AttributeDecoder attributes = new AttributeDecoder(bytes(12, 0, 1, 0, 1, 2, 3, 4));
        assertFalse(attributes.next());
        assertEquals(NetlinkParseException.Reason.ATTRIBUTE_OVERRUN, attributes.err().orElseThrow().reason());
    }

    @Test
    void zeroLengthAttributeStopsTheWalkInsteadOfLooping() {
        AttributeDecoder attributes = new AttributeDecoder(bytes(0, 0, 1, 0, 0, 0, 1, 0));
        assertFalse(attributes.next());
        assertEquals(NetlinkParseException.Reason.BAD_ATTRIBUTE_LENGTH, attributes.err().orElseThrow().reason());
    }

    @Test
    void wrongSizeForTypedGetterIsRecordedAndTheFirstErrorWins() {
        AttributeDecoder attributes = new AttributeDecoder(bytes(6, 0, 1, 0, 9, 9, 0, 0, 5, 0, 2, 0, 1, 0, 0, 0));
        assertTrue(attributes.next());
        assertEquals(0, attributes.u32());
        NetlinkParseException first = attributes.err().orElseThrow();
        assertEquals(NetlinkParseException.Reason.BAD_ATTRIBUTE_LENGTH, first.reason());
        assertFalse(attributes.next(), "the walk stops at the first error");
        assertThrows(NetlinkParseException.class, attributes::throwIfError);
        assertEquals(first, attributes.err().orElseThrow());
    }

    @Test
    void errorInsideNestedDecoderReachesTheParent() {
        // outer attribute type 1 holds an inner attribute that claims 8 bytes but has 4
        AttributeDecoder outer = new AttributeDecoder(bytes(8, 0, 1, 0x80, 8, 0, 1, 0));
        assertTrue(outer.next());
        AttributeDecoder inner = outer.nested();
        assertFalse(inner.next());
        assertTrue(outer.err().isPresent());
        assertFalse(outer.next());
    }

    @Test
    void truncatedMessageHeaderIsATypedParseError() {
        NetlinkParseException error = assertThrows(NetlinkParseException.class,
                () -> NetlinkMessageParser.parse(bytes(20, 0, 0, 0, 3, 0)));
        assertEquals(NetlinkParseException.Reason.TRUNCATED_HEADER, error.reason());
        NetlinkParseException tooLong = assertThrows(NetlinkParseException.class,
                () -> NetlinkMessageParser.parse(bytes(32, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0)));
        assertEquals(NetlinkParseException.Reason.BAD_MESSAGE_LENGTH, tooLong.reason());
    }
}
