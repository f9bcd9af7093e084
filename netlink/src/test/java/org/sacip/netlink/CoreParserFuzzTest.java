package org.sacip.netlink;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import org.sacip.netlink.fixtures.FuzzInput;

/**
 * Any bytes a socket might hand over: the message splitter, the attribute decoder (walked at every family header
 * size, nested to any depth) and the error decoder either give values or a NetlinkParseException; any other
 * exception, hang or huge allocation is a finding. Seeds are real kernel messages; JAZZER_FUZZ=1 fuzzes.
 */
class CoreParserFuzzTest {
    private static final int[] FAMILY_HEADER_SIZES = {0, 4, 8, 12, 16, 56, 72};

    @FuzzTest(maxDuration = "120s")
    void messagesAndAttributesFailOnlyWithTypedErrors(byte[] input) {
        for (NetlinkMessage message : FuzzInput.messages(input)) {
            for (int headerSize : FAMILY_HEADER_SIZES) {
                ByteBuffer payload = message.payloadView();
                if (payload.remaining() >= headerSize) {
                    walk(new AttributeDecoder(payload.position(headerSize)), 0);
                }
            }
            try {
                NetlinkErrorMessage.parse(message);
            } catch (NetlinkParseException expected) {
                // typed refusal
            }
        }
    }

    /** Reads every attribute with every getter, recursing into each as if it were nested. */
    private static void walk(AttributeDecoder attributes, int depth) {
        while (attributes.next()) {
            attributes.type();
            attributes.string();
            attributes.byteArray();
            if (depth < 8) {
                walk(attributes.nested(), depth + 1);
            }
            switch (attributes.length()) {
                case 1 -> attributes.u8();
                case 2 -> attributes.u16Be();
                case 4 -> attributes.u32();
                case 8 -> attributes.u64Be();
                default -> attributes.u16();
            }
        }
        attributes.err();
    }
}
