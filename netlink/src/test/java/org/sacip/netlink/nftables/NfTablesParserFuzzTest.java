package org.sacip.netlink.nftables;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkMessageParser;
import org.sacip.netlink.NetlinkParseException;

/**
 * Any bytes a socket might hand us: the nf_tables parsers either return typed values or throw
 * {@link NetlinkParseException}; any other exception, a hang or a huge allocation is a finding. The seed corpus
 * (the kernel's own messages) runs in every build; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class NfTablesParserFuzzTest {

    @FuzzTest(maxDuration = "90s")
    void eventAndElementParsersFailOnlyWithTypedErrors(byte[] input) {
        List<NetlinkMessage> messages;
        try {
            messages = NetlinkMessageParser.parse(ByteBuffer.wrap(input).order(ByteOrder.nativeOrder()));
        } catch (NetlinkParseException expected) {
            return;
        }
        for (NetlinkMessage message : messages) {
            try {
                NfTablesEventParser.parse(message);
            } catch (NetlinkParseException expected) {
                // typed refusal
            }
            // Also read every message as a set element list, whatever its type says.
            try {
                ElementList list = ElementListParser.parse(message);
                for (ElementLayout layout : ElementLayout.values()) {
                    try {
                        list.decode(layout);
                    } catch (NetlinkParseException expected) {
                        // typed refusal
                    }
                }
            } catch (NetlinkParseException expected) {
                // typed refusal
            }
        }
    }
}
