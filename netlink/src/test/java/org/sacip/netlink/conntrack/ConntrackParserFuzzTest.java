package org.sacip.netlink.conntrack;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;
import org.sacip.netlink.fixtures.FuzzInput;

/** The ctnetlink flow parser on any bytes: values or NetlinkParseException only. */
class ConntrackParserFuzzTest {

    @FuzzTest(maxDuration = "120s")
    void flowParserFailsOnlyWithTypedErrors(byte[] input) {
        for (NetlinkMessage message : FuzzInput.messages(input)) {
            try {
                ConntrackMessageParser.parse(message);
            } catch (NetlinkParseException expected) {
                // typed refusal
            }
        }
    }
}
