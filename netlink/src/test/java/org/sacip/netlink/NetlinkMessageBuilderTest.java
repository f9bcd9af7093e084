package org.sacip.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetlinkMessageBuilderTest {

    @Test
    void headerLengthAlignmentAndNestingAreEncodedAsTheKernelExpects() throws Exception {
        NetlinkMessageBuilder builder = new NetlinkMessageBuilder(0x0a0c, NetlinkConstants.NLM_F_REQUEST)
                .familyHeader(new byte[] {2, 0, 0, 0})
                .putString(1, "ab");
        int nest = builder.beginNested(2, true);
        builder.putU32Be(1, 0x01020304).putU8(2, 7);
        builder.endNested(nest);
        ByteBuffer message = builder.build(42);

        assertEquals(0, message.remaining() % 4);
        assertEquals(message.remaining(), message.order(ByteOrder.nativeOrder()).getInt(0));
        List<NetlinkMessage> parsed = NetlinkMessageParser.parse(message);
        assertEquals(1, parsed.size());
        NetlinkMessage only = parsed.get(0);
        assertEquals(0x0a0c, only.type());
        assertEquals(42, only.sequence());

        AttributeDecoder attributes = new AttributeDecoder(only.payloadView().position(4));
        assertTrue(attributes.next());
        assertEquals(1, attributes.type());
        assertEquals(3, attributes.length(), "string keeps its NUL terminator");
        assertEquals("ab", attributes.string());
        assertTrue(attributes.next());
        assertEquals(2, attributes.type());
        assertTrue(attributes.isNestedFlagSet());
        AttributeDecoder nested = attributes.nested();
        assertTrue(nested.next());
        assertEquals(0x01020304L, nested.u32Be());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, nested.byteArray());
        assertTrue(nested.next());
        assertEquals(7, nested.u8());
        assertFalse(nested.next());
        assertFalse(attributes.next());
        attributes.throwIfError();
    }

    @Test
    void batchConcatenatesMessagesThatParseBackInOrder() throws Exception {
        ByteBuffer batch = new NetlinkBatch()
                .add(new NetlinkMessageBuilder(0x10, 1).putU16(1, 5).build(1))
                .add(new NetlinkMessageBuilder(0x11, 5).putU64(1, -1L).build(2))
                .build();
        List<NetlinkMessage> parsed = NetlinkMessageParser.parse(batch);
        assertEquals(List.of(1, 2), parsed.stream().map(NetlinkMessage::sequence).toList());
        assertEquals(List.of(0x10, 0x11), parsed.stream().map(NetlinkMessage::type).toList());
    }
}
