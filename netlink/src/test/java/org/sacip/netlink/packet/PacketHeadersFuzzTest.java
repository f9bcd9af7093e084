package org.sacip.netlink.packet;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The packet-header parser on any bytes: headers or a PacketParseException; any other exception, hang or huge
 * allocation is a finding. Seeds are packets the kernel logged (the payloads of the nflog fixtures).
 */
class PacketHeadersFuzzTest {

    @FuzzTest(maxDuration = "120s")
    void packetParserFailsOnlyWithTypedErrors(byte[] input) {
        try {
            PacketHeaders headers = PacketHeaders.parse(input);
            if (headers.ip().headerLength() > input.length) {
                throw new AssertionError("headers claimed beyond the captured bytes: " + headers);
            }
        } catch (PacketParseException expected) {
            // typed refusal
        }
    }
}
