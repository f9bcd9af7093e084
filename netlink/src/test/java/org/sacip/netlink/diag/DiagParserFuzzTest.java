package org.sacip.netlink.diag;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;
import org.sacip.netlink.fixtures.FuzzInput;

/** The sock_diag parser on any bytes, with a known protocol and as a destroy notification: typed errors only. */
class DiagParserFuzzTest {

    @FuzzTest(maxDuration = "120s")
    void socketParserFailsOnlyWithTypedErrors(byte[] input) {
        for (NetlinkMessage message : FuzzInput.messages(input)) {
            for (TransportProtocol protocol : new TransportProtocol[] {TransportProtocol.TCP, null}) {
                try {
                    SocketMessageParser.parse(message, protocol);
                } catch (NetlinkParseException expected) {
                    // typed refusal
                }
            }
        }
    }
}
